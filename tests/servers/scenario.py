"""Scenario controls shared by every loopback vendor server.

Behaviours are plain dataclasses pushed onto a server's FIFO queue with
``server.push(...)``; each one is consumed by the next request it applies to.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass
class Stream:
    """Answer one chat request (streamed, or as one body for a non-stream request).

    ``text``/``reasoning``/``chunk_count`` left as None fall back to ``server.default``;
    event indexes (``*_after``) count framed events from the first one, see README.
    """

    on: ClassVar[str] = "chat"

    text: str | None = None
    reasoning: str | None = None
    chunk_count: int | None = None
    finish: str = "stop"
    usage: bool | None = None
    line_ending: str | None = None
    comments: bool = False
    split_writes: bool = False
    split_delay: float = 0.001
    delay: float = 0.0
    drop_after: int | None = None
    stall_after: int | None = None
    stall_seconds: float | None = None
    error_after: int | None = None
    error: Error | None = None
    chunked: bool = True
    headers: dict[str, str] = field(default_factory=dict)
    seed: int = 0
    content_type: str | None = None


@dataclass
class Error:
    """Answer with the vendor's error status, headers and body.

    ``code`` selects a vendor variant (OpenAI ``code``, Anthropic error ``type``,
    Gemini ``status``/``reason``); ``body`` (dict, str or bytes) replaces the body verbatim.
    """

    status: int = 500
    message: str | None = None
    code: str | None = None
    retry_after: float | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    on: str | None = None


@dataclass
class Models:
    """Answer one model-list request with these models (ids or raw vendor dicts)."""

    on: ClassVar[str] = "models"

    models: list[str | dict[str, Any]] = field(default_factory=list)


@dataclass
class Raw:
    """Answer with exactly these bytes (e.g. an HTML 502 from a proxy)."""

    status: int = 200
    body: bytes | str | dict[str, Any] | list[Any] = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    on: str | None = None


@dataclass
class Pour:
    """Stream ``head``, then ``body`` ``times`` times (None: until the client leaves or the
    server stops) ``delay`` seconds apart, then ``tail``; chunked. With ``gzip`` the whole body
    is compressed on the fly (``Content-Encoding: gzip``): a gzip bomb when ``body`` is zeros.
    For hostile answers: endless lines, trickles, endless streams (see ``hostile.py``).
    """

    head: bytes = b""
    body: bytes = b""
    times: int | None = 1
    delay: float = 0.0
    tail: bytes = b""
    status: int = 200
    content_type: str = "text/event-stream"
    headers: dict[str, str] = field(default_factory=dict)
    gzip: bool = False
    on: str | None = None


@dataclass
class Stall:
    """Send nothing for ``seconds`` (None: until shutdown), then answer normally."""

    seconds: float | None = None
    on: str | None = None


@dataclass
class Drop:
    """Read the request, then close the connection without any response."""

    on: str | None = None


Behaviour = Stream | Error | Models | Raw | Pour | Stall | Drop


@dataclass
class RecordedRequest:
    """One request as received: header names are lower-cased, ``json`` is None if unparsable."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    json: Any = None
    kind: str = ""

    def header(self, name: str) -> str | None:
        """Return a header value by case-insensitive name."""
        return self.headers.get(name.lower())

    @property
    def body_dict(self) -> dict[str, Any]:
        """The JSON body if it is an object, else an empty dict."""
        return self.json if isinstance(self.json, dict) else {}


@dataclass
class Answer:
    """The resolved answer for one request: what every vendor renders."""

    text: str
    reasoning: str
    pieces: list[str]
    reasoning_pieces: list[str]
    prompt_tokens: int
    finish: str

    @property
    def completion_tokens(self) -> int:
        """Visible output tokens."""
        return count_tokens(self.text)

    @property
    def reasoning_tokens(self) -> int:
        """Reasoning/thinking tokens."""
        return count_tokens(self.reasoning)


_WORDS = re.compile(r"\s*\S+|\s+", re.S)


def split_text(text: str, chunk_count: int | None) -> list[str]:
    """Split ``text`` into ``chunk_count`` near-equal pieces, or word-like tokens if None."""
    if not text:
        return []
    if chunk_count is None:
        return _WORDS.findall(text)
    n = max(1, min(chunk_count, len(text)))
    size = len(text)
    return [text[i * size // n : (i + 1) * size // n] for i in range(n)]


def count_tokens(text: str) -> int:
    """Deterministic token estimate: ceil(chars / 4)."""
    return math.ceil(len(text) / 4)


def content_text(content: Any) -> str:
    """Flatten a message content (string, or list of parts with ``text``) to text."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""
