"""HTTP machinery shared by the loopback vendor servers.

Stdlib ``ThreadingHTTPServer`` on 127.0.0.1 in a daemon thread, writing raw bytes
so every vendor's framing (SSE / NDJSON, chunked or close-delimited) is exact.
Never imports ``providers`` or ``app``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import random
import re
import socket
import sys
import threading
import traceback
import zlib
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar, Self
from urllib.parse import parse_qsl, urlsplit

from .scenario import (
    Answer,
    Behaviour,
    Drop,
    Error,
    Models,
    Pour,
    Raw,
    RecordedRequest,
    Stall,
    Stream,
    count_tokens,
    split_text,
)

DEFAULT_KEY = "test-key-123"
CREATED = 1_700_000_000  # fixed epoch seconds: responses are deterministic
BATCH_BYTES = 64 * 1024
_REASONS = {529: "Site Overloaded"}
_SPLIT_INSIDE = re.compile(rb"[\xc0-\xff](?=[\x80-\xbf])|\r(?=\n)")


def dumps(obj: Any, *, separators: tuple[str, str] = (",", ":")) -> str:
    """Compact JSON with raw UTF-8 (no ``\\u`` escapes), as the vendors send it."""
    return json.dumps(obj, ensure_ascii=False, separators=separators)


def sse(data: str, le: str = "\n", event: str | None = None) -> bytes:
    """Frame one SSE event."""
    head = f"event: {event}{le}" if event else ""
    return f"{head}data: {data}{le}{le}".encode()


def stable_id(req: RecordedRequest, size: int = 24) -> str:
    """An id derived from the request body: identical requests give identical bytes."""
    return hashlib.sha256(req.body).hexdigest()[:size]


def piece_template(obj: Any, *, separators: tuple[str, str] = (",", ":")) -> Callable[[str], str]:
    """Pre-serialise ``obj`` once; return a fast ``piece -> JSON`` with ``"__PIECE__"`` replaced."""
    prefix, suffix = dumps(obj, separators=separators).split('"__PIECE__"')
    return lambda piece: prefix + dumps(piece) + suffix


@dataclass
class Reply:
    """A complete (Content-Length delimited) response."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


@dataclass
class EventStream:
    """A streamed response: pre-framed events plus the vendor's mid-stream error event."""

    events: list[bytes]
    error_event: bytes
    spec: Stream
    content_type: str = "text/event-stream"
    comment: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


class HTTPFail(Exception):
    """Raised by handlers to answer with ``reply`` (validation and auth failures)."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


class _Abort(Exception):
    """Close the connection now, without finishing the response."""


Handler = Callable[[RecordedRequest, "Behaviour | None"], "Reply | EventStream"]


class MockServer:
    """Base class: lifecycle, request recording, behaviour queue, dispatch.

    Subclasses implement ``route``, ``error_reply``, ``user_text`` and ``prompt_text``.
    """

    name: ClassVar[str] = "mock"
    base_path: ClassVar[str] = ""
    line_ending: ClassVar[str] = "\n"
    server_header: ClassVar[str] = "roundtable-mock"
    default_models: ClassVar[tuple[str, ...]] = ()
    default_api_keys: ClassVar[tuple[str, ...]] = (DEFAULT_KEY,)
    invalid_json_message: ClassVar[str] = "Invalid JSON body"
    invalid_json_code: ClassVar[str | None] = None

    def __init__(
        self,
        *,
        api_keys: Iterable[str] | None = None,
        answer: str | None = None,
        models: Iterable[str | dict[str, Any]] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.api_keys: set[str] = set(self.default_api_keys if api_keys is None else api_keys)
        self.default = Stream(text=answer)
        self.models: list[str | dict[str, Any]] = list(
            self.default_models if models is None else models
        )
        self.strict_models = False
        self.requests: list[RecordedRequest] = []
        self.errors: list[str] = []
        self._queue: deque[Behaviour] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = _HTTPServer((host, port), _RequestHandler)
        self._httpd.mock = self
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------
    def start(self) -> Self:
        """Start serving in a daemon thread."""
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"{self.name}-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop fast: wake stalls, stop accepting, close every open connection."""
        self._stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(2)
            self._thread = None
        self._httpd.server_close()
        self._httpd.close_connections()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound TCP port."""
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """Host root, e.g. ``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """The URL a client would configure for this vendor."""
        return self.url + self.base_path

    @property
    def open_connections(self) -> int:
        """Client connections still served: a handler ends soon after its client goes away."""
        with self._httpd._conns_lock:
            return len(self._httpd._conns)

    # -- scenario controls ----------------------------------------------
    @property
    def answer(self) -> str | None:
        """Default answer text (None: echo the last user message)."""
        return self.default.text

    @answer.setter
    def answer(self, text: str | None) -> None:
        self.default.text = text

    def push(self, *behaviours: Behaviour) -> None:
        """Queue one-shot behaviours; each is consumed by the next request it applies to."""
        with self._lock:
            self._queue.extend(behaviours)

    @property
    def pending(self) -> list[Behaviour]:
        """Behaviours not consumed yet."""
        with self._lock:
            return list(self._queue)

    @property
    def last_request(self) -> RecordedRequest | None:
        """The most recent recorded request."""
        with self._lock:
            return self.requests[-1] if self.requests else None

    def reset(self) -> None:
        """Forget recorded requests and pending behaviours."""
        with self._lock:
            self.requests.clear()
            self._queue.clear()

    def describe(self) -> str:
        """One line for the standalone runner: where to point a client and how to log in."""
        keys = ", ".join(sorted(self.api_keys)) or "(none needed)"
        return f"base_url={self.base_url} keys={keys}"

    # -- vendor hooks ----------------------------------------------------
    def route(self, req: RecordedRequest) -> tuple[str, Handler] | None:
        """Return ``(kind, handler)`` for a request, or None for an unknown path."""
        raise NotImplementedError

    def error_reply(self, err: Error, req: RecordedRequest) -> Reply:
        """Render ``err`` as this vendor's HTTP error response."""
        raise NotImplementedError

    def not_found(self, req: RecordedRequest) -> Reply:
        """Answer for an unknown path."""
        return self.error_reply(Error(404, message=f"Unknown path {req.method} {req.path}"), req)

    def user_text(self, req: RecordedRequest) -> str:
        """Text of the last user message (drives the echo answer)."""
        return ""

    def prompt_text(self, req: RecordedRequest) -> str:
        """All prompt text (drives prompt token counts)."""
        return ""

    # -- helpers for subclasses ------------------------------------------
    def fail(
        self, req: RecordedRequest, status: int, message: str | None = None, code: str | None = None
    ) -> HTTPFail:
        """Build an ``HTTPFail`` carrying this vendor's error response."""
        return HTTPFail(self.error_reply(Error(status, message=message, code=code), req))

    def json_body(self, req: RecordedRequest) -> dict[str, Any]:
        """The request's JSON object, or raise the vendor's 400."""
        if not isinstance(req.json, dict):
            raise self.fail(req, 400, self.invalid_json_message, self.invalid_json_code)
        return req.json

    def known_model(self, model: str) -> bool:
        """Whether ``model`` is listed (always True unless ``strict_models``)."""
        ids = {
            m if isinstance(m, str) else str(m.get("id", m.get("name", ""))) for m in self.models
        }
        return not self.strict_models or model in ids

    def model_list(self, behaviour: Behaviour | None) -> list[str | dict[str, Any]]:
        """Models for a listing: the pushed ``Models`` or ``server.models``."""
        return behaviour.models if isinstance(behaviour, Models) else list(self.models)

    def stream_spec(self, behaviour: Behaviour | None) -> Stream:
        """The ``Stream`` governing this request."""
        return behaviour if isinstance(behaviour, Stream) else self.default

    def resolve_answer(self, req: RecordedRequest, spec: Stream) -> Answer:
        """Resolve text/reasoning/pieces/token counts for one request."""
        d = self.default
        text = spec.text if spec.text is not None else d.text
        if text is None:
            text = f"You said: {self.user_text(req)}"
        reasoning = (spec.reasoning if spec.reasoning is not None else d.reasoning) or ""
        chunks = spec.chunk_count if spec.chunk_count is not None else d.chunk_count
        return Answer(
            text=text,
            reasoning=reasoning,
            pieces=split_text(text, chunks),
            reasoning_pieces=split_text(reasoning, None),
            prompt_tokens=max(1, count_tokens(self.prompt_text(req))),
            finish=spec.finish,
        )

    def le(self, spec: Stream) -> str:
        """Line ending for this stream."""
        return spec.line_ending if spec.line_ending is not None else self.line_ending

    # -- dispatch ----------------------------------------------------------
    def _take(self, kind: str) -> Behaviour | None:
        with self._lock:
            for b in self._queue:
                if b.on is None or b.on == kind:
                    self._queue.remove(b)
                    return b
        return None

    def _record(self, req: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(req)

    def dispatch(self, req: RecordedRequest) -> Reply | EventStream | Pour | None:
        """Route, apply the queued behaviour, run the handler. None means drop the connection."""
        route = self.route(req)
        req.kind = route[0] if route else "unknown"
        self._record(req)
        if route is None:
            return self.not_found(req)
        kind, handler = route
        behaviour = self._take(kind)
        if isinstance(behaviour, Drop):
            return None
        if isinstance(behaviour, Stall):
            if self._stopping.wait(behaviour.seconds):
                return None
            behaviour = None
        if isinstance(behaviour, Error):
            return self.render_error(behaviour, req)
        if isinstance(behaviour, Raw):
            return _raw_reply(behaviour)
        if isinstance(behaviour, Pour):
            return behaviour
        try:
            return handler(req, behaviour)
        except HTTPFail as fail:
            return fail.reply

    def render_error(self, err: Error, req: RecordedRequest) -> Reply:
        """Vendor error reply, honouring ``Error.body`` and ``Error.headers`` overrides."""
        reply = self.error_reply(err, req)
        if err.body is not None:
            reply.body = _to_bytes(err.body)
        reply.headers.update(err.headers)
        return reply


def _to_bytes(body: Any) -> bytes:
    return (
        body.encode()
        if isinstance(body, str)
        else body
        if isinstance(body, bytes)
        else dumps(body).encode()
    )


def _raw_reply(raw: Raw) -> Reply:
    return Reply(raw.status, _to_bytes(raw.body), dict(raw.headers), raw.content_type)


def retry_headers(retry_after: float | None, *, ms: bool = False) -> dict[str, str]:
    """``retry-after`` in whole seconds (rounded up), plus ``retry-after-ms`` if asked."""
    if retry_after is None:
        return {}
    headers = {"retry-after": str(max(0, -int(-retry_after // 1)))}
    if ms:
        headers["retry-after-ms"] = str(int(round(retry_after * 1000)))
    return headers


# ---------------------------------------------------------------------------
# HTTP server and handler
# ---------------------------------------------------------------------------


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    mock: MockServer

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._conns_lock:
            self._conns.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._conns_lock:
            self._conns.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Shut down every open client socket (wakes handler threads blocked on I/O)."""
        with self._conns_lock:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError | _Abort) or self.mock._stopping.is_set():
            return  # client went away or we are shutting down: not worth a traceback
        self.mock.errors.append(traceback.format_exc())
        traceback.print_exc()


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Silence per-request logging."""

    def do_GET(self) -> None:
        self._serve()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def _serve(self) -> None:
        mock = self.server.mock
        req = self._read_request()
        try:
            result = mock.dispatch(req)
        except Exception:  # a bug in a mock: answer 500 and keep the traceback
            mock.errors.append(traceback.format_exc())
            traceback.print_exc()
            result = Reply(500, b"roundtable mock server error", content_type="text/plain")
        try:
            if result is None:
                self._drop()
            elif isinstance(result, Reply):
                self._write_reply(result)
            elif isinstance(result, Pour):
                self._pour(result, mock._stopping)
            else:
                _StreamWriter(self, result, mock._stopping).run()
        except (_Abort, OSError):
            self._drop()

    def _read_request(self) -> RecordedRequest:
        parts = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = self._read_chunked()
        else:
            body = self.rfile.read(int(headers.get("content-length") or 0))
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        return RecordedRequest(
            method=self.command,
            path=parts.path,
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers=headers,
            body=body,
            json=parsed,
        )

    def _read_chunked(self) -> bytes:
        out = bytearray()
        while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
            out += self.rfile.read(size)
            self.rfile.readline()
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass  # trailers
        return bytes(out)

    def _start(self, status: int, content_type: str, headers: dict[str, str]) -> None:
        self.send_response_only(status, _REASONS.get(status))
        if self.server.mock.server_header:
            self.send_header("Server", self.server.mock.server_header)
        self.send_header("Date", self.date_time_string())
        self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)

    def _write_reply(self, reply: Reply) -> None:
        self._start(reply.status, reply.content_type, reply.headers)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    def _pour(self, pour: Pour, stopping: threading.Event) -> None:
        """Write a ``Pour``: head, the body repeated, tail, in chunked framing."""
        headers = {"Cache-Control": "no-cache", "Transfer-Encoding": "chunked", **pour.headers}
        packer = zlib.compressobj(9, zlib.DEFLATED, 31) if pour.gzip else None
        if packer is not None:
            headers["Content-Encoding"] = "gzip"
        self._start(pour.status, pour.content_type, headers)
        self.end_headers()
        sock = self.connection

        def send(data: bytes, flush: bool = False) -> None:
            if packer is not None:
                data = packer.compress(data) + (packer.flush(zlib.Z_SYNC_FLUSH) if flush else b"")
            if data:
                sock.sendall(b"%x\r\n%s\r\n" % (len(data), data))

        send(pour.head, flush=True)
        sent = 0
        while pour.times is None or sent < pour.times:
            if stopping.is_set() or (pour.delay > 0 and stopping.wait(pour.delay)):
                raise _Abort
            send(pour.body, flush=pour.delay > 0)
            sent += 1
        send(pour.tail)
        if packer is not None:
            rest = packer.flush()
            sock.sendall(b"%x\r\n%s\r\n" % (len(rest), rest))
        sock.sendall(b"0\r\n\r\n")

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()


class _StreamWriter:
    """Writes an ``EventStream`` honouring every ``Stream`` knob."""

    def __init__(
        self, handler: _RequestHandler, stream: EventStream, stopping: threading.Event
    ) -> None:
        self.h = handler
        self.stream = stream
        self.spec = stream.spec
        self.stopping = stopping
        self.rng = random.Random(self.spec.seed)
        self.sock = handler.connection

    def run(self) -> None:
        spec, events = self.spec, self.stream.events
        headers = {"Cache-Control": "no-cache", **self.stream.headers, **spec.headers}
        if spec.chunked:
            headers["Transfer-Encoding"] = "chunked"
        else:
            headers["Connection"] = "close"
            self.h.close_connection = True
        self.h._start(200, self.spec.content_type or self.stream.content_type, headers)
        self.h.end_headers()
        cuts = {"drop": spec.drop_after, "stall": spec.stall_after, "error": spec.error_after}
        pos = 0
        for at, action in sorted((k, a) for a, k in cuts.items() if k is not None):
            self._events(pos, min(at, len(events)))
            pos = max(pos, min(at, len(events)))
            if action == "drop":
                raise _Abort
            if action == "error":
                self._events_bytes([self.stream.error_event])
                self._finish()
                return
            if self.stopping.wait(spec.stall_seconds):
                raise _Abort
        self._events(pos, len(events))
        self._finish()

    def _events(self, start: int, stop: int) -> None:
        out: list[bytes] = []
        comment = self.stream.comment if self.spec.comments else None
        for i in range(start, stop):
            if comment is not None and i % 3 == 0:
                out.append(comment)
            out.append(self.stream.events[i])
        self._events_bytes(out)

    def _events_bytes(self, events: list[bytes]) -> None:
        if self.spec.delay > 0:
            for ev in events:
                if self.stopping.wait(self.spec.delay):
                    raise _Abort
                self._write(ev)
        elif events:
            self._write(b"".join(events))

    def _write(self, data: bytes) -> None:
        if self.spec.split_writes:
            for piece in self._split(data):
                self._send(piece)
                if self.stopping.wait(self.spec.split_delay):
                    raise _Abort
        else:
            for i in range(0, len(data), BATCH_BYTES):
                self._send(data[i : i + BATCH_BYTES])

    def _split(self, data: bytes) -> list[bytes]:
        """Tiny random pieces, always cutting inside every UTF-8 sequence and every CRLF."""
        cuts = {m.end() for m in _SPLIT_INSIDE.finditer(data)}
        i = 0
        while i < len(data):
            i += self.rng.randint(1, 6)
            cuts.add(i)
        edges = [0, *sorted(c for c in cuts if 0 < c < len(data)), len(data)]
        return [data[a:b] for a, b in zip(edges, edges[1:], strict=False)]

    def _send(self, data: bytes) -> None:
        if self.stopping.is_set():
            raise _Abort
        if self.spec.chunked:
            data = b"%x\r\n%s\r\n" % (len(data), data)
        self.sock.sendall(data)

    def _finish(self) -> None:
        if self.spec.chunked:
            self.sock.sendall(b"0\r\n\r\n")
        else:
            self.h._drop()


# ---------------------------------------------------------------------------
# Standalone runner
# ---------------------------------------------------------------------------


def run_cli(server_cls: type[MockServer], argv: list[str] | None = None) -> None:
    """``python -m tests.servers.<vendor>_server --port 8765 [--answer-file F]``."""
    p = argparse.ArgumentParser(
        description=f"Loopback {server_cls.name} server for manual runs and benchmarks."
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--answer", help="answer text (default: echo the last user message)")
    p.add_argument("--answer-file", type=Path, help="read the answer text from this UTF-8 file")
    p.add_argument(
        "--reasoning-file", type=Path, help="read reasoning/thinking text from this file"
    )
    p.add_argument("--chunk-count", type=int, help="split the answer into exactly N content events")
    p.add_argument("--delay", type=float, default=0.0, help="seconds between events")
    p.add_argument(
        "--key", action="append", help=f"accepted API key (repeatable; default {DEFAULT_KEY})"
    )
    a = p.parse_args(argv)
    answer = a.answer_file.read_text("utf-8") if a.answer_file else a.answer
    server = server_cls(api_keys=a.key, answer=answer, host=a.host, port=a.port)
    server.default.chunk_count = a.chunk_count
    server.default.delay = a.delay
    if a.reasoning_file:
        server.default.reasoning = a.reasoning_file.read_text("utf-8")
    server.start()
    print(f"{server_cls.name} mock listening: {server.describe()}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
