"""A small SMTP server on 127.0.0.1 for tests (no aiosmtpd here): it speaks enough SMTP for Django's
backend (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and keeps every message it receives, parsed.
`refuse` makes it answer 451 to MAIL FROM (a server that is down for a while)."""

import email
import email.policy
import socketserver
import threading


class SmtpServer:
    def __init__(self, host="127.0.0.1"):
        self.messages, self.refuse = [], False
        self.lock = threading.Condition()
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line):
                self.wfile.write(f"{line}\r\n".encode())

            def handle(self):
                self.reply("220 localhost test SMTP")
                recipients, sender = [], None
                while True:
                    raw = self.rfile.readline()
                    if not raw:
                        return
                    command = raw.decode("utf-8", "replace").strip()
                    verb = command[:4].upper()
                    if verb in ("EHLO", "HELO"):
                        self.reply("250-localhost" if verb == "EHLO" else "250 localhost")
                        if verb == "EHLO":
                            self.reply("250-8BITMIME")
                            self.reply("250 SMTPUTF8")
                    elif verb == "MAIL":
                        if server.refuse:
                            self.reply("451 try again later")
                            continue
                        sender, recipients = command[10:].strip("<> "), []
                        self.reply("250 OK")
                    elif verb == "RCPT":
                        recipients.append(command[8:].split(">")[0].strip("<: "))
                        self.reply("250 OK")
                    elif verb == "DATA":
                        self.reply("354 end with .")
                        lines = []
                        while True:
                            line = self.rfile.readline()
                            if line in (b".\r\n", b".\n", b""):
                                break
                            lines.append(line[1:] if line.startswith(b"..") else line)
                        message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                        with server.lock:
                            server.messages.append({"from": sender, "to": recipients, "message": message})
                            server.lock.notify_all()
                        self.reply("250 OK queued")
                    elif verb in ("RSET", "NOOP"):
                        self.reply("250 OK")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("502 not implemented")

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server((host, 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def received(self, to=None):
        with self.lock:
            return [m for m in self.messages if to is None or to in m["to"]]

    def wait_for(self, to=None, count=1, timeout=30, match=None):
        """The messages to `to` (and `match`ing, if given) once `count` of them have arrived (a real Celery
        worker sends them after the test's own step returns), or those that arrived within `timeout` seconds."""
        def wanted():
            return [m for m in self.messages if (to is None or to in m["to"]) and (match is None or match(m))]

        with self.lock:
            self.lock.wait_for(lambda: len(wanted()) >= count, timeout=timeout)
            return wanted()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def text_of(entry):
    """(subject, plain body) of a received message."""
    message = entry["message"]
    return str(message["subject"]).strip(), message.get_body(preferencelist=("plain",)).get_content()
