#!/usr/bin/python3
"""Writes the docstrings supervisord 4.2.5 serves through system.methodHelp (and from which
system.methodSignature is derived), as the installed supervisor package has them.

Usage: /usr/bin/python3 tools/rpc/method-docs.py > supervisord/src/main/resources/io/kupervisor/supervisord/rpc/method-docs.txt

Format: per method, a line "<name> <number of characters>", the docstring, then a newline.
"""
import sys

from supervisor import rpcinterface, xmlrpc


class FakeSupervisord:
    class options:
        identifier = 'supervisor'


def main():
    ns = rpcinterface.SupervisorNamespaceRPCInterface(FakeSupervisord())
    system = xmlrpc.SystemNamespaceRPCInterface([('supervisor', ns)])
    methods = system._listMethods()
    out = sys.stdout
    for name in sorted(methods):
        doc = methods[name]
        out.write('%s %d\n%s\n' % (name, len(doc), doc))


if __name__ == '__main__':
    main()
