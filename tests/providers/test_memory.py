"""What a finished request leaves in memory: nothing of its own.

Every request carries the whole conversation, so a request kept alive after its answer holds a
copy of the conversation. httpx's streamed ``Response`` and its byte stream refer to each other;
left as they are, each request body waits for the cyclic garbage collector, which in a long
session runs seldom (and never for frozen objects), so RSS grew by several conversations. These
tests run with the collector off: whatever is still alive is held by references, not by chance.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.providers.support import MESSAGES, Vendor, collect, every_vendor
from tests.servers import MockServer

pytestmark = pytest.mark.usefixtures("keyring_service")

LONG = [*MESSAGES[:-1], {"role": "user", "content": "A long conversation. " * 5_000}]


def alive_http_objects() -> list[Any]:
    return [item for item in gc.get_objects() if isinstance(item, httpx.Request | httpx.Response)]


@pytest.fixture
def collector_off() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@every_vendor
@pytest.mark.usefixtures("collector_off")
def test_a_finished_answer_leaves_no_request_or_response_alive(
    vendor: Vendor, server: MockServer
) -> None:
    chunks, error = collect(vendor.provider, server, messages=LONG)
    assert error is None and chunks
    assert alive_http_objects() == []
