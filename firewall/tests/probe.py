#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Traffic for the firewall tests (run inside the test's network namespaces).

probe.py serve LOG ADDR...   TCP 443, 8080, 9001, 53 and UDP 53 on each ADDR;
                             one line per connection or query goes to LOG
probe.py listen ADDR PORT    one TCP listener (loopback services)
probe.py tcp HOST PORT       connect within 2 s, send a line; status 0 if
                             connected
probe.py dns udp|tcp SERVER NAME A|PTR
                             one DNS query; status 0 if it was sent
"""
import socket
import struct
import sys
import threading


def qname(name):
    out = b""
    for label in name.strip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def query(name, qtype):
    header = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
    return header + qname(name) + struct.pack(">HH", 12 if qtype == "PTR" else 1, 1)


def parse_qname(data):
    labels, i = [], 12
    while i < len(data) and data[i] != 0:
        n = data[i]
        labels.append(data[i + 1:i + 1 + n].decode(errors="replace"))
        i += 1 + n
    return ".".join(labels)


def serve(log, addrs):
    lock = threading.Lock()

    def note(line):
        with lock, open(log, "a") as f:
            f.write(line + "\n")

    def tcp(addr, port):
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, port))
        s.listen(16)
        while True:
            c, peer = s.accept()
            c.settimeout(2)
            try:
                data = c.recv(4096)
            except OSError:
                data = b""
            if port == 53:
                note("tcp53 %s %s" % (addr, parse_qname(data[2:]) if data else "-"))
            else:
                note("tcp%d %s" % (port, addr))
            c.close()

    def udp(addr):
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind((addr, 53))
        while True:
            data, peer = s.recvfrom(4096)
            note("udp53 %s %s" % (addr, parse_qname(data)))

    for addr in addrs:
        for port in (443, 8080, 9001, 53):
            threading.Thread(target=tcp, args=(addr, port), daemon=True).start()
        threading.Thread(target=udp, args=(addr,), daemon=True).start()
    print("ready", flush=True)
    threading.Event().wait()


def main():
    cmd = sys.argv[1]
    if cmd == "serve":
        serve(sys.argv[2], sys.argv[3:])
    elif cmd == "listen":
        addr, port = sys.argv[2], int(sys.argv[3])
        s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, port))
        s.listen(16)
        print("ready", flush=True)
        while True:
            s.accept()[0].close()
    elif cmd == "tcp":
        try:
            s = socket.create_connection((sys.argv[2], int(sys.argv[3])), 2)
            s.sendall(b"probe\n")
            s.close()
        except OSError:
            sys.exit(1)
    elif cmd == "dns":
        proto, server, name, qtype = sys.argv[2:6]
        q = query(name, qtype)
        fam = socket.AF_INET6 if ":" in server else socket.AF_INET
        try:
            if proto == "udp":
                s = socket.socket(fam, socket.SOCK_DGRAM)
                s.sendto(q, (server, 53))
            else:
                s = socket.create_connection((server, 53), 2)
                s.sendall(struct.pack(">H", len(q)) + q)
            s.close()
        except OSError:
            sys.exit(1)
    else:
        sys.exit(__doc__)


main()
