"""What the provider tests share: the vendors and their servers, one request run to its end, its
chunks picked apart, what the server saw, and what a ``roundtable`` run did."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from providers.chat import HttpChatProvider
from providers.errors import ProviderError
from providers.vendors.anthropic import Anthropic
from providers.vendors.gemini import Gemini
from providers.vendors.ollama import Ollama
from providers.vendors.openai import OpenAI
from tests.servers import DEFAULT_KEY, MockServer

KEY = DEFAULT_KEY  # "test-key-123": what every server accepts by default
MESSAGES: list[dict[str, Any]] = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Hello there"},
]
ECHO = "You said: Hello there"  # a server's default answer to MESSAGES


# ----- vendors -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Vendor:
    """A vendor's provider and what the tests that run on every vendor need to know of it."""

    provider: type[HttpChatProvider]
    server: str  # the fixture that serves its wire format (the ``server`` fixture starts it)
    preamble: int  # events of a stream before the first word of the answer
    thinking: dict[str, Any] = field(default_factory=dict)  # options that make it stream thoughts


OPENAI = Vendor(OpenAI, "openai_server", preamble=1)  # the role
ANTHROPIC = Vendor(  # message_start, content_block_start, ping
    Anthropic, "anthropic_server", preamble=3, thinking={"reasoning_effort": "low"}
)
GEMINI = Vendor(Gemini, "gemini_server", preamble=0, thinking={"reasoning_effort": "low"})
OLLAMA = Vendor(
    Ollama,
    "ollama_server",
    preamble=0,
    thinking={"model": "qwen3:0.6b", "reasoning_effort": "high"},
)
VENDORS = [OPENAI, ANTHROPIC, GEMINI, OLLAMA]
KEYED = [vendor for vendor in VENDORS if vendor.provider.needs_auth]


def vendor_id(vendor: Vendor) -> str:
    return vendor.provider.id


every_vendor = pytest.mark.parametrize("vendor", VENDORS, ids=vendor_id)
every_keyed_vendor = pytest.mark.parametrize("vendor", KEYED, ids=vendor_id)


def case(vendor: Vendor, *values: Any, name: str = "") -> Any:
    """One row of a table that starts with the vendor (test id: ``vendor-name``)."""
    return pytest.param(vendor, *values, id="-".join(filter(None, (vendor.provider.id, name))))


# ----- requests ------------------------------------------------------------------------------
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


# ----- chunks --------------------------------------------------------------------------------
def text_of(chunks: list[Any]) -> str:
    return "".join(chunk for chunk in chunks if isinstance(chunk, str))


def only(chunks: list[Any], kind: type) -> list[Any]:
    return [chunk for chunk in chunks if isinstance(chunk, kind)]


def one(chunks: list[Any], kind: type) -> Any:
    """The single chunk of ``kind`` (fails unless there is exactly one)."""
    found = only(chunks, kind)
    assert len(found) == 1, chunks
    return found[0]


# ----- what the server saw -------------------------------------------------------------------
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


# ----- the command line ----------------------------------------------------------------------
@dataclass(frozen=True)
class Run:
    """What one ``roundtable`` command did: its exit code, all it wrote to stdout, its stderr."""

    code: int
    out: str
    err: str


Roundtable = Callable[..., Run]  # the ``roundtable`` fixture: runs ``roundtable ARGS...``
