"""What every vendor's provider does alike, each against its own loopback server over real sockets:
finish reasons, text split anywhere, broken and stalled streams, and cancellation.

Vendor-specific requests, answers and error messages are tested in test_<vendor>.py.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import pytest

from providers.chat import HttpChatProvider
from providers.errors import MissingAuthError, ProviderConnectionError, ProviderTimeoutError
from providers.response import FinishReason
from providers.vendors.anthropic import Anthropic
from providers.vendors.gemini import Gemini
from providers.vendors.ollama import Ollama
from providers.vendors.openai import OpenAI
from tests.providers.support import KEY, MESSAGES, chats, collect, disconnected, only, text_of
from tests.servers import MockServer, Stream


@dataclass(frozen=True)
class Vendor:
    provider: type[HttpChatProvider]
    server: str  # the fixture that serves its wire format
    preamble: int  # events of a stream before the first word of the answer


VENDORS = [
    Vendor(OpenAI, "openai_server", preamble=1),  # the role
    Vendor(Anthropic, "anthropic_server", preamble=3),  # message_start, content_block_start, ping
    Vendor(Gemini, "gemini_server", preamble=0),
    Vendor(Ollama, "ollama_server", preamble=0),
]
every_vendor = pytest.mark.parametrize("vendor", VENDORS, ids=lambda vendor: vendor.provider.id)
keyed_vendor = pytest.mark.parametrize(
    "vendor", [v for v in VENDORS if v.provider.needs_auth], ids=lambda vendor: vendor.provider.id
)


@pytest.fixture
def server(vendor: Vendor, request: pytest.FixtureRequest) -> MockServer:
    """The vendor's server, started for this test."""
    server: MockServer = request.getfixturevalue(vendor.server)
    return server


@every_vendor
def test_length_finish_reason(vendor: Vendor, server: MockServer) -> None:
    server.push(Stream(text="cut sho", finish="length"))
    chunks, error = collect(vendor.provider, server)
    assert error is None
    assert [f.reason for f in only(chunks, FinishReason)] == ["length"]
    assert text_of(chunks) == "cut sho"


@every_vendor
def test_split_writes_inside_utf8_and_crlf_reassemble_exactly(
    vendor: Vendor, server: MockServer
) -> None:
    text = "Grüße aus Köln — 東京 👋🏽 ✓\nzweite Zeile"
    server.push(
        Stream(text=text, split_writes=True, split_delay=0, line_ending="\r\n", comments=True)
    )
    chunks, error = collect(vendor.provider, server)
    assert error is None
    assert text_of(chunks) == text


@every_vendor
def test_close_delimited_stream(vendor: Vendor, server: MockServer) -> None:
    server.push(Stream(text="No chunked encoding here.", chunked=False))
    chunks, error = collect(vendor.provider, server)
    assert error is None
    assert text_of(chunks) == "No chunked encoding here."


# ----- no connection -------------------------------------------------------------------------
@keyed_vendor
def test_no_key_anywhere_is_a_clear_error_without_a_request(
    vendor: Vendor, server: MockServer
) -> None:
    _, error = collect(vendor.provider, server, api_key=None)
    assert isinstance(error, MissingAuthError)
    assert vendor.provider.api_key_env[0] in str(error)  # says where a key goes
    assert server.requests == []


@every_vendor
def test_unreachable_server(vendor: Vendor) -> None:
    async def run() -> None:
        async for _ in vendor.provider.create_async_generator(
            "", MESSAGES, api_key=KEY, base_url="http://127.0.0.1:9"
        ):
            pass

    with pytest.raises(
        ProviderConnectionError, match=f"Could not connect to {vendor.provider.label}"
    ):
        asyncio.run(run())


# ----- broken streams ------------------------------------------------------------------------
@every_vendor
def test_dropped_connection_mid_stream(vendor: Vendor, server: MockServer) -> None:
    server.push(Stream(text="one two three four", drop_after=vendor.preamble + 2))
    chunks, error = collect(vendor.provider, server)
    assert isinstance(error, ProviderConnectionError)
    assert text_of(chunks) == "one two"


@every_vendor
def test_stream_that_ends_before_it_is_complete(vendor: Vendor, server: MockServer) -> None:
    """A close-delimited answer cut short looks like a clean end: no finish, no final event."""
    server.push(Stream(text="one two three four", drop_after=vendor.preamble + 2, chunked=False))
    chunks, error = collect(vendor.provider, server)
    assert isinstance(error, ProviderConnectionError)
    assert "ended before it was complete" in str(error)
    assert text_of(chunks) == "one two"


@every_vendor
def test_stalled_stream_times_out_quickly(vendor: Vendor, server: MockServer) -> None:
    server.push(
        Stream(text="one two three four", stall_after=vendor.preamble + 2, stall_seconds=30)
    )
    started = time.monotonic()
    chunks, error = collect(vendor.provider, server, timeout=0.3)
    elapsed = time.monotonic() - started
    assert isinstance(error, ProviderTimeoutError)
    assert 0.3 <= elapsed < 2.0
    assert "timeout" in str(error)  # says how to allow more time
    assert text_of(chunks) == "one two"


# ----- cancellation --------------------------------------------------------------------------
def _generator(vendor: Vendor, server: MockServer) -> Any:
    api_key = KEY if KEY in server.api_keys else None
    return vendor.provider.create_async_generator(
        "", MESSAGES, api_key=api_key, base_url=server.base_url
    )


@every_vendor
def test_closing_the_generator_closes_the_response(vendor: Vendor, server: MockServer) -> None:
    server.push(Stream(text="word " * 400, delay=0.02))  # 8 s if read to the end

    async def scenario() -> float:
        generator = _generator(vendor, server)
        async for chunk in generator:
            if isinstance(chunk, str) and chunk:
                break
        assert server.open_connections == 1
        started = time.monotonic()
        await generator.aclose()
        return time.monotonic() - started

    assert asyncio.run(scenario()) < 0.5
    # The server notices within a few of its 20 ms writes, long before the answer ends.
    assert disconnected(server), "the server still streams to nobody"
    assert chats(server) == 1


@every_vendor
def test_cancelling_the_task_disconnects(vendor: Vendor, server: MockServer) -> None:
    server.push(Stream(text="word " * 400, delay=0.02))
    first = asyncio.Event()

    async def consume() -> None:
        async for chunk in _generator(vendor, server):
            if isinstance(chunk, str) and chunk:
                first.set()

    async def scenario() -> None:
        task = asyncio.create_task(consume())
        await asyncio.wait_for(first.wait(), 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    assert disconnected(server), "the server still streams to nobody"
    assert chats(server) == 1
