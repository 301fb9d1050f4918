/** supervisord's configuration dialect and process state machine, free of I/O beyond reading config files. */
package io.kupervisor.core;
