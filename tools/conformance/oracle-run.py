#!/usr/bin/python3
"""Run supervisor-oracle.py with a fixed host name.

Usage: oracle-run.py [--relaxed] CONFIG_FILE   (same arguments as supervisor-oracle.py)

supervisord expands %(host_node_name)s to platform.node(). This wrapper makes
platform.node() return "kupervisor-host" before the oracle (and supervisor's
options module) run, so expected output does not depend on the machine.
"""
import os
import platform
import runpy
import sys

HOST_NODE_NAME = "kupervisor-host"

platform.node = lambda: HOST_NODE_NAME

oracle = os.path.join(os.path.dirname(os.path.abspath(__file__)), "supervisor-oracle.py")
sys.argv = [oracle] + sys.argv[1:]
runpy.run_path(oracle, run_name="__main__")
