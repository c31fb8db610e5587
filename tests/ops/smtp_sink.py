"""A tiny SMTP server for tests: accepts every message (EHLO, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA) and keeps it."""

import base64
import socketserver
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes
    auth: str | None

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]


@dataclass
class Sink:
    host: str
    port: int
    messages: list[Received] = field(default_factory=list)


class _Handler(socketserver.StreamRequestHandler):
    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        sink: Sink = self.server.sink  # type: ignore[attr-defined]
        sender, recipients, auth = "", [], None
        self._reply("220 sink ESMTP")
        while line := self.rfile.readline():
            command = line.decode().rstrip("\r\n")
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-sink\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n")
            elif verb == "HELO":
                self._reply("250 sink")
            elif verb == "AUTH":
                parts = command.split(" ")
                if parts[1].upper() == "PLAIN":
                    token = parts[2] if len(parts) > 2 else self._ask("334 ")
                    auth = base64.b64decode(token).decode().split("\x00", 2)[1]
                else:
                    user = base64.b64decode(self._ask("334 VXNlcm5hbWU6")).decode()
                    self._ask("334 UGFzc3dvcmQ6")
                    auth = user
                self._reply("235 2.7.0 Authentication successful")
            elif verb == "MAIL":
                sender, recipients = command.split(":", 1)[1].strip().split(" ")[0].strip("<>"), []
                self._reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                sink.messages.append(Received(sender, recipients, b"".join(lines), auth))
                self._reply("250 OK queued")
            elif verb == "RSET":
                sender, recipients = "", []
                self._reply("250 OK")
            elif verb == "NOOP":
                self._reply("250 OK")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("502 Command not implemented")

    def _ask(self, prompt: str) -> str:
        self._reply(prompt)
        return self.rfile.readline().decode().strip()


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def start_sink() -> tuple[Sink, _Server]:
    server = _Server(("127.0.0.1", 0), _Handler)
    sink = Sink(host="127.0.0.1", port=server.server_address[1])
    server.sink = sink  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return sink, server
