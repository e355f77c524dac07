#!/usr/bin/env python3
"""A DNS server for the tests, on 127.0.0.1:53 (UDP) of a network namespace
the test made: NAME gets one A record, ADDRESS; other types of NAME get an
empty answer, other names NXDOMAIN.  Touches READY once listening.  Stops by
itself after 500 queries or 120 seconds.

Usage: tiny-dns.py NAME ADDRESS READY
"""
import socket
import socketserver
import struct
import sys
import time

NAME = sys.argv[1].lower().rstrip(".")
ADDRESS = socket.inet_aton(sys.argv[2])
READY = sys.argv[3]
MAX_QUERIES, MAX_SECONDS = 500, 120


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        if len(data) < 17:
            return
        qid, = struct.unpack(">H", data[:2])
        at, labels = 12, []
        while at < len(data) and data[at] and len(labels) < 64:
            n = data[at]
            labels.append(data[at + 1:at + 1 + n].decode("ascii", "replace"))
            at += 1 + n
        at += 1
        if at + 4 > len(data):
            return
        qtype, = struct.unpack(">H", data[at:at + 2])
        question = data[12:at + 4]
        name = ".".join(labels).lower()
        answer = b""
        if name == NAME and qtype == 1:
            # A name pointer to the question, type A, class IN, TTL 60.
            answer = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + ADDRESS
        rcode = 0 if name == NAME else 3
        header = struct.pack(">HHHHHH", qid, 0x8180 | rcode, 1, 1 if answer else 0, 0, 0)
        sock.sendto(header + question + answer, self.client_address)


def main():
    server = socketserver.UDPServer(("127.0.0.1", 53), Handler)
    server.timeout = 1
    open(READY, "w").close()
    deadline, served = time.time() + MAX_SECONDS, 0
    while time.time() < deadline and served < MAX_QUERIES:
        server.handle_request()
        served += 1
    server.server_close()


if __name__ == "__main__":
    main()
