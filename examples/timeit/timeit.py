#!/usr/bin/env python3
"""The classic supervisord example: print the time every 2 seconds, forever."""
import time

while True:
    print(int(time.time()), flush=True)
    time.sleep(2)
