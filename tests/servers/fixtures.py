"""Pytest fixtures: one started server per test, stopped afterwards.

Register with ``pytest_plugins = ["tests.servers.fixtures"]`` in the top-level conftest.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

import pytest

from .anthropic_server import AnthropicServer
from .base import MockServer
from .gemini_server import GeminiServer
from .image_host import ImageHostServer
from .ollama_server import OllamaServer
from .openai_server import OpenAIServer
from .openwebui_server import OpenWebUIServer

T = TypeVar("T", bound=MockServer)


def _serve(server: T) -> Iterator[T]:
    """Start, yield, stop; then fail the test if the mock itself crashed on a request."""
    server.start()
    try:
        yield server
    finally:
        server.stop()
    assert not server.errors, f"{server.name} mock server crashed:\n" + "\n".join(server.errors)


@pytest.fixture
def openai_server() -> Iterator[OpenAIServer]:
    """OpenAI (+ Azure) server; ``base_url`` is ``http://127.0.0.1:PORT/v1``."""
    yield from _serve(OpenAIServer())


@pytest.fixture
def anthropic_server() -> Iterator[AnthropicServer]:
    """Anthropic server; ``base_url`` is the host root."""
    yield from _serve(AnthropicServer())


@pytest.fixture
def gemini_server() -> Iterator[GeminiServer]:
    """Gemini server; ``base_url`` is the host root."""
    yield from _serve(GeminiServer())


@pytest.fixture
def ollama_server() -> Iterator[OllamaServer]:
    """Ollama server (no auth); ``base_url`` is the host root."""
    yield from _serve(OllamaServer())


@pytest.fixture
def openwebui_server() -> Iterator[OpenWebUIServer]:
    """Open WebUI server; ``base_url`` is the host root."""
    yield from _serve(OpenWebUIServer())


@pytest.fixture
def image_host() -> Iterator[ImageHostServer]:
    """A web host of image files (``files``), for remote images in answers."""
    yield from _serve(ImageHostServer())
