#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A real SMTP server for the end-to-end mail tests (aiosmtpd).

    smtp_sink.py DIR [PORT]

Listens on PORT, or on a free loopback port, and prints "port N" once it
accepts connections (a test stops it and starts it again on its port to
play a mail server that is down for a while). Every message it takes is written to DIR as NNNN.eml (the
bytes as received) with NNNN.json beside it ({"mail_from", "rcpt_tos"}),
each complete before it appears. What it does is read from DIR/mode at
every command, so a test switches it while it runs:

    accept      (or no file) take every message
    reject      answer 550 to RCPT TO
    disconnect  read the message, then drop the connection without a reply

Each refusal is counted as a line in DIR/events ("reject" or
"disconnect"). Stops on SIGTERM or SIGINT.
"""
import json
import os
import signal
import socket
import sys
import threading
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.dir = folder
        self.n = 0
        self.lock = threading.Lock()

    def mode(self):
        try:
            with open(os.path.join(self.dir, "mode")) as f:
                return f.read().strip() or "accept"
        except FileNotFoundError:
            return "accept"

    def event(self, what):
        with open(os.path.join(self.dir, "events"), "a") as f:
            f.write(what + "\n")

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode() == "reject":
            self.event("reject")
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.mode() == "disconnect":
            self.event("disconnect")
            server.transport.abort()
            return "421 dropped"  # never reaches the client
        with self.lock:
            self.n += 1
            name = os.path.join(self.dir, "%04d" % self.n)
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        side = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}
        for ext, blob in ((".json", json.dumps(side).encode()), (".eml", data)):
            with open(name + ext + ".tmp", "wb") as f:
                f.write(blob)
            os.rename(name + ext + ".tmp", name + ext)
        return "250 2.0.0 queued as %04d" % self.n


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    if len(sys.argv) not in (2, 3) or not os.path.isdir(sys.argv[1]):
        sys.exit("usage: smtp_sink.py DIR [PORT]")
    sink = Sink(sys.argv[1])
    fixed = int(sys.argv[2]) if len(sys.argv) == 3 else 0
    for _ in range(20):
        ctl = Controller(sink, hostname="127.0.0.1", port=fixed or free_port(),
                         decode_data=False, data_size_limit=10 * 1024 * 1024)
        try:
            ctl.start()
            break
        except Exception:  # the port was taken meanwhile: another one,
            if fixed:      # or the same one a little later
                time.sleep(0.1)
            continue
    else:
        sys.exit("smtp_sink: cannot listen")
    print("port %d" % ctl.port, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    ctl.stop()


if __name__ == "__main__":
    main()
