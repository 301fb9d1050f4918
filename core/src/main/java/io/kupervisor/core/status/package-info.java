/**
 * Status texts shared by the daemon's XML-RPC/{@code supervisorctl} and the operator's CR status:
 * process descriptions as supervisord renders them.
 */
package io.kupervisor.core.status;
