#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Prints a free loopback TCP port below the kernel's ephemeral range.

A test PostgreSQL cluster must get its port back when a fault test stops and
starts it again. A port from the ephemeral range (what bind to port 0 hands
out) can be taken meanwhile: by a server another suite binds to port 0, or by
brug's own reconnect attempts, whose source ports walk through that range and
can land on the destination port itself (a TCP self-connect). Below the range
only processes that ask for the port by number can take it.
"""
import random
import socket

with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
    low = int(f.read().split()[0])
for _ in range(200):
    port = random.randint(10000, max(10001, low - 1))
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    break
else:
    raise SystemExit("free-port: no free port below the ephemeral range")
