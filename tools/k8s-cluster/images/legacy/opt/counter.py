#!/usr/bin/env python3
"""Prints "line N" for N = 1, 2, ... about 2,000 lines a second, until stopped."""
import signal
import sys
import time

signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
n = 0
while True:
    for _ in range(200):
        n += 1
        print("line %d" % n)
    sys.stdout.flush()
    time.sleep(0.1)
