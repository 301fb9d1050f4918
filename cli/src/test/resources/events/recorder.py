#!/usr/bin/env python3
"""An event listener that records every event it is sent, in the file named by its argument: the
header line as it came, the payload (len characters), a newline. It speaks the protocol by hand, as
supervisor.childutils documents it: READY, a header line, the payload, RESULT 2 OK. It outlives
SIGTERM (its daemon kills it after stopwaitsecs), so events sent while the daemon stops are kept."""
import signal
import sys

signal.signal(signal.SIGTERM, lambda signum, frame: None)
out = open(sys.argv[1], 'a', encoding='utf-8')
while True:
    sys.stdout.write('READY\n')
    sys.stdout.flush()
    line = sys.stdin.readline()
    if not line:
        break
    headers = dict(field.split(':', 1) for field in line.split())
    payload = sys.stdin.read(int(headers['len']))
    out.write(line + payload + '\n')
    out.flush()
    sys.stdout.write('RESULT 2\nOK')
    sys.stdout.flush()
