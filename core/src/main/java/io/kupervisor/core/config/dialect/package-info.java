/**
 * Python-exact text primitives: supervisord reads its configuration with Python 3.11 semantics
 * ({@code int()}, {@code %}-formatting, {@code shlex}, {@code glob}, supervisor's
 * {@code dict_of_key_value_pairs}) and prints Python's messages, so kupervisor reproduces both
 * byte for byte. The tests compare against vectors computed by the real Python
 * ({@code tools/dialect/generate-vectors.py}).
 */
package io.kupervisor.core.config.dialect;
