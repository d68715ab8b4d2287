"""A loopback file server for model downloads: HTTP Range (206, 416), broken connections,
slow sending, a server that ignores Range, and error statuses. Stdlib only; never imports
``providers`` or ``app``.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_RANGE = re.compile(r"bytes=(\d+)-(\d*)$")


@dataclass
class FileServer:
    """Serves ``files`` (path → bytes) on 127.0.0.1.

    ``drops``: for each of the next responses, close the connection after that many body
    bytes (a broken download). ``ranges``: whether Range requests are honoured. ``delay``:
    seconds to sleep after each 64 KiB (a slow server). ``status``: path → forced status.
    """

    files: dict[str, bytes] = field(default_factory=dict)
    ranges: bool = True
    drops: list[int] = field(default_factory=list)
    delay: float = 0.0
    status: dict[str, int] = field(default_factory=dict)
    requests: list[dict[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    _httpd: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> FileServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                try:
                    server.handle(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                except Exception as error:  # recorded: the test fails on a crashed mock
                    server.errors.append(repr(error))
                    raise

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def __enter__(self) -> FileServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path.split("?", 1)[0]
        self.requests.append({"path": path, "range": request.headers.get("Range", "")})
        if path in self.status:
            self._reply(request, self.status[path], b"<html>no</html>", "text/html")
            return
        if path.startswith("/redirect/"):
            request.send_response(302)
            request.send_header("Location", path.removeprefix("/redirect"))
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        data = self.files.get(path)
        if data is None:
            self._reply(request, 404, b"Not Found", "text/plain")
            return
        match = _RANGE.match(request.headers.get("Range", ""))
        start = 0
        if self.ranges and match:
            start = int(match.group(1))
            if start >= len(data):
                request.send_response(416)
                request.send_header("Content-Range", f"bytes */{len(data)}")
                request.send_header("Content-Length", "0")
                request.end_headers()
                return
            request.send_response(206)
            request.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            request.send_response(200)
        if self.ranges:
            request.send_header("Accept-Ranges", "bytes")
        body = data[start:]
        request.send_header("Content-Type", "application/octet-stream")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        limit = self.drops.pop(0) if self.drops else None
        sent = 0
        for offset in range(0, len(body), 64 * 1024):
            block = body[offset : offset + 64 * 1024]
            if limit is not None and sent + len(block) > limit:
                request.wfile.write(block[: limit - sent])
                request.wfile.flush()
                request.connection.shutdown(socket.SHUT_RDWR)
                request.close_connection = True
                return
            request.wfile.write(block)
            sent += len(block)
            if self.delay:
                request.wfile.flush()
                time.sleep(self.delay)

    @staticmethod
    def _reply(request: BaseHTTPRequestHandler, status: int, body: bytes, kind: str) -> None:
        request.send_response(status)
        request.send_header("Content-Type", kind)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)
