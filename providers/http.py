"""Everything that touches httpx: clients, retries, stream readers, transport-error mapping.

Kept in one module so that a switch of HTTP library (openai-python moved to ``httpx2``) touches
one file. SSE framing is decoded by httpx-sse (handles CR/LF/CRLF, comments, multi-line data and
events split across reads); httpx decodes UTF-8 incrementally, so a character split between TCP
writes is reassembled.
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import json
import os
import random
import ssl
import threading
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from httpx_sse import EventSource, ServerSentEvent
from httpx_sse._decoders import SSEDecoder, SSELineDecoder

from .advice import Remedy, advise, plain_reason
from .errors import (
    ProviderConnectionError,
    ProviderError,
    ProviderTimeoutError,
    ResponseFormatError,
    ResponseTooLargeError,
)
from .i18n import _
from .sanitize import excerpt, redact_url
from .timeouts import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_TOTAL_TIMEOUT,
    READ_TIMEOUT_ENV,
    TOTAL_TIMEOUT_ENV,
)

#: Decoded characters a stream may send without finishing a line or an event (memory bound;
#: a generous image in one event stays well below).
MAX_EVENT_CHARS = 16 * 1024 * 1024
#: Decoded bytes kept of an error body: the message is in the first few hundred.
MAX_ERROR_BODY = 1024 * 1024
#: Decoded bytes of a whole (non-streamed) answer.
MAX_BODY = 32 * 1024 * 1024
#: Compressed bytes handed to the decoder at a time: a gzip bomb inflates ~1000:1, so one
#: network read of 64 KiB could become 64 MB before any bound could look at it.
ENCODED_PIECE = 4096

__all__ = [
    "EventSource",
    "HTTPStatusFailure",
    "RetryPolicy",
    "ServerSentEvent",
    "create_client",
    "iter_ndjson",
    "iter_sse",
    "open_stream",
    "read_body",
    "read_timeout",
    "retry_after_seconds",
    "tls_context",
    "total_timeout",
    "transport_errors",
]


def _seconds(explicit: float | None, variable: str, default: float) -> float:
    if explicit:
        return float(explicit)
    env = os.environ.get(variable)
    if env:
        try:
            value = float(env)
        except ValueError:
            raise ProviderError(f"{variable} must be a number of seconds, not {env!r}.") from None
        if value > 0:
            return value
    return default


def read_timeout(timeout: float | None = None) -> float:
    """Seconds to wait for each read: the explicit value, else the environment, else 300."""
    return _seconds(timeout, READ_TIMEOUT_ENV, DEFAULT_READ_TIMEOUT)


def total_timeout(seconds: float | None = None) -> float:
    """Seconds one whole answer may take: the explicit value, else the environment, else 1800.

    The per-read ``timeout`` cannot end a server that trickles a byte at a time or never stops.
    """
    return _seconds(seconds, TOTAL_TIMEOUT_ENV, DEFAULT_TOTAL_TIMEOUT)


@dataclass(frozen=True)
class Deadline:
    """The moment (event-loop clock) by which an answer must be complete, and why."""

    at: float
    seconds: float
    label: str

    @classmethod
    def after(cls, seconds: float, label: str) -> Deadline:
        return cls(asyncio.get_running_loop().time() + seconds, seconds, label)

    def error(self) -> ProviderTimeoutError:
        return ProviderTimeoutError(
            _(
                "{label} did not finish within {seconds} s, the total time allowed for one "
                "answer; the text so far is kept. Try again, or allow more time with the "
                "total_timeout parameter (--param total_timeout=SECONDS or {variable})."
            ).format(label=self.label, seconds=f"{self.seconds:g}", variable=TOTAL_TIMEOUT_ENV)
        )


_RELEASED = httpx.ByteStream(b"")  # a released response's stream: empty, holds nothing


class _GuardedStream(httpx.AsyncByteStream):
    """A response's raw byte stream that honours the total deadline and feeds a decompressor
    in small pieces (so no single decoding step can balloon)."""

    def __init__(self, inner: Any, deadline: Deadline | None, piece: int | None) -> None:
        self.inner = inner
        self.deadline = deadline
        self.piece = piece

    async def __aiter__(self) -> AsyncIterator[bytes]:
        chunks = self.inner.__aiter__()
        deadline, piece = self.deadline, self.piece
        while True:
            try:
                if deadline is None:
                    chunk = await anext(chunks)
                else:
                    timeout = asyncio.timeout_at(deadline.at)
                    try:
                        async with timeout:
                            chunk = await anext(chunks)
                    except TimeoutError:
                        if not timeout.expired():
                            raise
                        raise deadline.error() from None
            except StopAsyncIteration:
                return
            if piece is None or len(chunk) <= piece:
                yield chunk
            else:
                for start in range(0, len(chunk), piece):
                    yield chunk[start : start + piece]

    async def aclose(self) -> None:
        await self.inner.aclose()


async def read_body(response: httpx.Response, limit: int, label: str = "The server") -> bytes:
    """The decoded body, at most ``limit`` bytes; past it a ``ResponseTooLargeError``."""
    parts: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise ResponseTooLargeError(
                _(
                    "{label} sent an answer larger than {size} MB ({type}), more than any chat "
                    "answer: it was not read further. Check the base URL."
                ).format(
                    label=label,
                    size=limit // (1024 * 1024),
                    type=response.headers.get("content-type") or _("no content type"),
                )
            )
        parts.append(chunk)
    return b"".join(parts)


async def _read_error_body(response: httpx.Response) -> bytes:
    """The start of an error body: enough for its message, never a bomb's worth."""
    parts: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        parts.append(chunk[: MAX_ERROR_BODY - size])
        size += len(parts[-1])
        if size >= MAX_ERROR_BODY:
            break
    return b"".join(parts)


_tls_lock = threading.Lock()


@functools.cache
def _tls_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()


def tls_context() -> ssl.SSLContext:
    """Built once: loading the CA bundle costs ~15-40 ms, too much for every request. Thread-safe
    (one build; a second caller waits for it), so the window builds it on a worker thread in
    its warm-up, OpenSSL parsing the bundle without holding the GIL."""
    with _tls_lock:
        return _tls_context()


def create_client(
    *, proxy: str | None = None, timeout: float | None = None, headers: dict[str, str] | None = None
) -> httpx.AsyncClient:
    """An async client with separate connect/read timeouts and the proxy the user chose.

    Without an explicit proxy, the standard variables (HTTPS_PROXY, NO_PROXY, ...) apply.
    """
    read = read_timeout(timeout)
    return httpx.AsyncClient(
        timeout=httpx.Timeout(read, connect=min(DEFAULT_CONNECT_TIMEOUT, read)),
        proxy=proxy or None,
        trust_env=True,
        headers=headers,
        follow_redirects=False,
        verify=tls_context(),
    )


def retry_after_seconds(headers: httpx.Headers) -> float | None:
    """The server's advice in seconds from ``retry-after-ms`` or ``retry-after`` (delta or date)."""
    value = headers.get("retry-after-ms")
    if value:
        try:
            return max(0.0, float(value) / 1000.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    parsed = email.utils.parsedate_to_datetime(value) if value else None
    if parsed is None:
        return None
    return max(0.0, parsed.timestamp() - time.time())


@dataclass(frozen=True)
class RetryPolicy:
    """Retries before the first byte of an answer: overload statuses and failed connects."""

    max_retries: int = 2
    base_delay: float = 0.5
    max_delay: float = 20.0
    statuses: frozenset[int] = field(default_factory=lambda: frozenset({429, 502, 503, 504, 529}))

    def delay(self, attempt: int, advised: float | None) -> float:
        if advised is not None:
            return min(advised, self.max_delay)
        backoff = self.base_delay * 2.0**attempt
        return min(backoff * (1 + 0.25 * random.random()), self.max_delay)


NO_RETRY = RetryPolicy(max_retries=0)


@dataclass
class HTTPStatusFailure:
    """A non-success answer, read whole, handed to the vendor's error mapper."""

    status: int
    headers: httpx.Headers
    body: bytes
    url: str

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except (ValueError, RecursionError):
            return None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def retry_after(self) -> float | None:
        return retry_after_seconds(self.headers)


ErrorMapper = Callable[[HTTPStatusFailure], Exception]


@asynccontextmanager
async def open_stream(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    on_error: ErrorMapper,
    label: str,
    retry: RetryPolicy = NO_RETRY,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    advice: Callable[[HTTPStatusFailure], float | None] | None = None,
    deadline: Deadline | None = None,
    **request: Any,
) -> AsyncIterator[httpx.Response]:
    """Send a request and yield the streaming response once its status is a success.

    Overload statuses and failed connects are retried with backoff (honouring Retry-After, or
    what ``advice`` reads from the failure: Gemini puts it in the body); a final error status is
    read (its first megabyte) and turned into an exception by ``on_error``. Leaving the context
    (also by cancellation) closes the response at once. With a ``deadline`` every step, from
    connecting to the last byte read, ends when it passes.
    """
    attempt = 0
    json_body = request.pop("json", None)
    sent = None if json_body is None else _json_bytes(json_body)
    while True:
        if sent is not None:
            request["content"] = _sent_once(sent)
            request["headers"] = _json_headers(request.get("headers"), sent)
        async with _within(deadline):
            with transport_errors(label, url):
                response = await client.send(
                    client.build_request(method, url, **request), stream=True
                )
        encoded = "content-encoding" in response.headers
        if deadline is not None or encoded:
            response.stream = _GuardedStream(
                response.stream, deadline, ENCODED_PIECE if encoded else None
            )
        if response.is_success:
            break
        try:
            with transport_errors(label, url):
                body = await _read_error_body(response)
        finally:
            await release(response)
        failure = HTTPStatusFailure(response.status_code, response.headers, body, url)
        if response.status_code in retry.statuses and attempt < retry.max_retries:
            async with _within(deadline):
                await sleep(
                    retry.delay(attempt, advice(failure) if advice else failure.retry_after)
                )
            attempt += 1
            continue
        raise on_error(failure)
    try:
        with transport_errors(label, url):
            yield response
    finally:
        await release(response)


async def release(response: httpx.Response) -> None:
    """Close ``response`` and break httpx's reference cycle (the response holds its byte stream,
    which holds the response), so it and its request, whose body is the whole conversation, go
    at once rather than whenever the cyclic garbage collector next runs."""
    try:
        await response.aclose()
    finally:
        response.stream = _RELEASED


def _json_bytes(value: Any) -> bytes:
    """A JSON request body, encoded as httpx encodes ``json=``."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8")


def _json_headers(headers: Any, body: bytes) -> httpx.Headers:
    """``headers`` plus what httpx would add for ``json=``: the length (so the body is not sent
    chunked) and, unless given, the type."""
    merged = httpx.Headers(headers)
    merged["Content-Length"] = str(len(body))
    merged.setdefault("Content-Type", "application/json")
    return merged


async def _sent_once(body: bytes) -> AsyncIterator[bytes]:
    """The body as a request's content that lets go of it once sent: an ``httpx.Request`` keeps
    bytes content as long as it lives, and something (httpx's response iterators, closed by
    the loop a few steps after the answer) may keep the request a while. The body is the
    whole conversation: ``open_stream`` holds it, for retries, only until it returns."""
    yield body


@asynccontextmanager
async def _within(deadline: Deadline | None) -> AsyncIterator[None]:
    """Run the block under the total deadline (no limit without one)."""
    timeout = asyncio.timeout_at(deadline.at if deadline is not None else None)
    try:
        async with timeout:
            yield
    except TimeoutError:
        if deadline is None or not timeout.expired():
            raise
        raise deadline.error() from None


class _TransportErrors:
    """Maps httpx transport failures to our errors with a message that says what to do."""

    def __init__(self, label: str, url: str) -> None:
        self.label = label
        self.url = url

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: Any
    ) -> None:
        if error is None or not isinstance(error, httpx.TransportError):
            return
        origin = redact_url(str(httpx.URL(self.url).copy_with(path="/", query=None, fragment=None)))
        if isinstance(error, httpx.ConnectTimeout):
            raise ProviderTimeoutError(
                _(
                    "Connecting to {label} at {origin} timed out. Check the network, the proxy "
                    "and the base URL."
                ).format(label=self.label, origin=origin)
            ) from None
        if isinstance(error, httpx.ReadTimeout):
            raise advise(
                ProviderTimeoutError(
                    _(
                        "{label} sent nothing for too long and the stream was given up. Try "
                        "again, or allow more time."
                    ).format(label=self.label)
                ),
                Remedy.TIMEOUT, variables=(READ_TIMEOUT_ENV,),
            ) from None  # fmt: skip
        if isinstance(error, httpx.TimeoutException):
            raise ProviderTimeoutError(
                _("The request to {label} timed out.").format(label=self.label)
            ) from None
        if isinstance(error, httpx.ConnectError):
            raise ProviderConnectionError(
                _(
                    "Could not connect to {label} at {origin}. Check that the service is running "
                    "and the base URL is right."
                ).format(label=self.label, origin=origin)
            ) from None
        if isinstance(error, httpx.ProxyError):
            raise ProviderConnectionError(
                f"The proxy refused the connection to {self.label}. Check the proxy setting."
            ) from None
        raise ProviderConnectionError(
            f"The connection to {self.label} broke before the answer was complete "
            f"({plain_reason(error)}). Try again."
        ) from None


def transport_errors(label: str, url: str) -> _TransportErrors:
    return _TransportErrors(label, url)


def _too_large(label: str, what: str, start: str, secret: str | None) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        _(
            "{label} sent more than {size} MB without {what}, more than any answer needs, so it "
            "was not read further; it began {start}. Check that the base URL is that of the chat "
            "API."
        ).format(
            label=label,
            size=MAX_EVENT_CHARS // (1024 * 1024),
            what=what,
            start=repr(excerpt(start, 40, secret)),
        )
    )


async def iter_sse(
    response: httpx.Response, label: str = "The server", secret: str | None = None
) -> AsyncGenerator[ServerSentEvent, None]:
    """Server-sent events of a response, whatever its content type claims (proxies relabel).

    httpx-sse's decoders do the framing; this one generator layer adds the memory bound (no
    line or event longer than ``MAX_EVENT_CHARS``). One layer, not a wrapper around httpx-sse's
    generator: a layer costs about a microsecond per event, measurable on a 20,000-event answer.
    """
    lines = SSELineDecoder()
    decoder = SSEDecoder()
    decode = decoder.decode
    pending = 0  # characters since the last event: a line or event that never ends grows it
    async for text in response.aiter_text():
        pending += len(text)
        if pending > MAX_EVENT_CHARS:
            start = "".join(lines.buffer) or "\n".join(decoder._data) or text
            raise _too_large(label, "ending an event", start, secret)
        for line in lines.decode(text):
            event = decode(line)
            if event is not None:
                pending = 0
                yield event
    for line in lines.flush():
        event = decode(line)
        if event is not None:
            yield event


async def iter_ndjson(
    response: httpx.Response, label: str = "The server", secret: str | None = None
) -> AsyncIterator[Any]:
    """One decoded JSON value per non-empty line (Ollama's streaming format), lines bounded."""
    loads = json.loads
    lines = SSELineDecoder()
    pending = 0
    async for text in response.aiter_text():
        pending += len(text)
        if pending > MAX_EVENT_CHARS:
            raise _too_large(label, "a line break", "".join(lines.buffer) or text, secret)
        for line in lines.decode(text):
            if not line or line.isspace():
                continue
            pending = 0
            yield _json_line(line, loads, label, secret)
    for line in lines.flush():
        if line and not line.isspace():
            yield _json_line(line, loads, label, secret)


def _json_line(line: str, loads: Callable[[str], Any], label: str, secret: str | None) -> Any:
    try:
        return loads(line)
    except ValueError:
        raise ResponseFormatError(
            f"{label} sent a line that is not JSON: {excerpt(line, 80, secret)!r}"
        ) from None
    except RecursionError:
        raise ResponseFormatError(
            f"{label} sent JSON nested too deeply to read: {excerpt(line, 80, secret)!r}"
        ) from None
