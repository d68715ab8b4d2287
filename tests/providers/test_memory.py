"""What a finished request leaves in memory: nothing of its own.

Every request carries the whole conversation, so a request kept alive after its answer holds a
copy of the conversation. httpx's streamed ``Response`` and its byte stream refer to each other;
left as they are, each request body waits for the cyclic garbage collector, which in a long
session runs seldom (and never for frozen objects), so RSS grew by several conversations. These
tests run with the collector off: whatever is still alive is held by references, not by chance.
"""

from __future__ import annotations

import asyncio
import gc
import json
import types
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from providers.http import create_client, open_stream
from tests.providers.support import KEY, MESSAGES, Vendor, collect, every_vendor
from tests.servers import MockServer, OpenAIServer

pytestmark = pytest.mark.usefixtures("keyring_service")

LONG = [*MESSAGES[:-1], {"role": "user", "content": "A long conversation. " * 5_000}]


def alive_http_objects() -> list[Any]:
    return [item for item in gc.get_objects() if isinstance(item, httpx.Request | httpx.Response)]


@pytest.fixture
def collector_off() -> Iterator[set[int]]:
    """The collector off for the test; what httpx objects were alive before it (ids): an
    earlier test may hold one on purpose (a model list's cached error)."""
    gc.collect()
    gc.disable()
    try:
        yield {id(item) for item in alive_http_objects()}
    finally:
        gc.enable()


@every_vendor
def test_a_finished_answer_leaves_no_request_or_response_alive(
    vendor: Vendor, server: MockServer, collector_off: set[int]
) -> None:
    chunks, error = collect(vendor.provider, server, messages=LONG)
    assert error is None and chunks
    assert [item for item in alive_http_objects() if id(item) not in collector_off] == []


SHARED = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType)


def reachable_bytes(root: Any, at_least: int) -> list[int]:
    """Sizes of the bytes objects of ``at_least`` bytes that ``root`` holds: what it refers to,
    at any depth, short of what all code shares (classes, modules, functions)."""
    seen: set[int] = set()
    found: list[int] = []
    todo = [root]
    while todo:
        item = todo.pop()
        if id(item) in seen or isinstance(item, SHARED):
            continue
        seen.add(id(item))
        if isinstance(item, bytes | bytearray | memoryview):
            if len(item) >= at_least:
                found.append(len(item))
            continue
        todo.extend(gc.get_referents(item))
    return found


def test_a_sent_request_keeps_no_copy_of_its_body(openai_server: OpenAIServer) -> None:
    """The body is the whole conversation; once sent, the request must not hold it (something
    may hold the request a while: httpx's iterators, closed by the loop a few steps later)."""
    body = {"model": "gpt-4o-mini", "stream": True, "messages": LONG}
    size = len(json.dumps(body))
    held: list[int] = []

    async def send() -> None:
        async with (
            create_client() as client,
            open_stream(
                client, "POST", f"{openai_server.base_url}/chat/completions", json=body,
                headers={"Authorization": f"Bearer {KEY}"}, on_error=RuntimeError, label="Test",
            ) as response,
        ):  # fmt: skip
            await response.aread()
            held.extend(reachable_bytes(response.request, size // 2))

    asyncio.run(send())
    assert held == []
    received = openai_server.last_request
    assert received is not None and received.json == body  # the same bytes as httpx's json=
    assert received.header("content-length") == str(len(received.body))
    assert received.header("transfer-encoding") is None  # not chunked: some servers refuse it
