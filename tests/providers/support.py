"""What the provider tests share: one request run to its end, its chunks picked apart, and what the
loopback server saw."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from providers.errors import ProviderError
from tests.servers import DEFAULT_KEY, MockServer

KEY = DEFAULT_KEY  # "test-key-123": what every server accepts by default
MESSAGES: list[dict[str, Any]] = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Hello there"},
]
ECHO = "You said: Hello there"  # a server's default answer to MESSAGES


async def gather(generator: AsyncIterator[Any]) -> list[Any]:
    return [chunk async for chunk in generator]


def collect(
    provider: Any, server: MockServer, **kwargs: Any
) -> tuple[list[Any], ProviderError | None]:
    """Every chunk of one request to ``server`` until the end, or until an error (returned, with
    what came before it).

    By default: MESSAGES to the provider's default model at the server's base URL, with KEY when
    the server accepts it (an Ollama server wants no key by default).
    """
    kwargs.setdefault("base_url", server.base_url)
    if KEY in server.api_keys:
        kwargs.setdefault("api_key", KEY)
    model = kwargs.pop("model", "")
    messages = kwargs.pop("messages", MESSAGES)
    chunks: list[Any] = []

    async def run() -> None:
        async for chunk in provider.create_async_generator(model, messages, **kwargs):
            chunks.append(chunk)

    try:
        asyncio.run(run())
    except ProviderError as error:
        return chunks, error
    return chunks, None


def answer(provider: Any, server: MockServer, **kwargs: Any) -> list[Any]:
    """The chunks of a request that must succeed (``collect``; an error is raised)."""
    chunks, error = collect(provider, server, **kwargs)
    if error is not None:
        raise error
    return chunks


def text_of(chunks: list[Any]) -> str:
    return "".join(chunk for chunk in chunks if isinstance(chunk, str))


def only(chunks: list[Any], kind: type) -> list[Any]:
    return [chunk for chunk in chunks if isinstance(chunk, kind)]


def one(chunks: list[Any], kind: type) -> Any:
    """The single chunk of ``kind`` (fails unless there is exactly one)."""
    found = only(chunks, kind)
    assert len(found) == 1, chunks
    return found[0]


def last_body(server: MockServer) -> dict[str, Any]:
    assert server.last_request is not None
    return server.last_request.body_dict


def chats(server: MockServer) -> int:
    """How many chat requests the server received (retries included, model listings not)."""
    return sum(1 for request in server.requests if request.kind == "chat")


def disconnected(server: MockServer, within: float = 1.0) -> bool:
    """Whether every client has gone from the server within ``within`` seconds."""
    deadline = time.monotonic() + within
    while server.open_connections and time.monotonic() < deadline:
        time.sleep(0.01)
    return server.open_connections == 0


@dataclass(frozen=True)
class Run:
    """What one ``roundtable`` command did: its exit code, all it wrote to stdout, its stderr."""

    code: int
    out: str
    err: str


Roundtable = Callable[..., Run]  # the ``roundtable`` fixture: runs ``roundtable ARGS...``
