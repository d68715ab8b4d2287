"""Downloading a model over real loopback HTTP: progress, resume with Range, cancel, checks."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
from collections import namedtuple
from pathlib import Path

import pytest

from providers.local import download
from providers.local.download import Progress, direct_url, download_model
from providers.local.errors import DownloadError
from providers.local.models import ModelStore
from tests.servers.file_server import FileServer


@pytest.fixture
def payload(tiny_model: Path) -> bytes:
    """A real model padded to ~1.5 MB, so a download takes several reads."""
    data = tiny_model.read_bytes()
    return data + b"\0" * (1_500_000 - len(data))


def fetch(url: str, store: ModelStore, **kwargs: object) -> tuple[Path, list[Progress]]:
    seen: list[Progress] = []
    model = asyncio.run(download_model(url, store, on_progress=seen.append, **kwargs))  # type: ignore[arg-type]
    return model.path, seen


def test_download_installs_the_model_with_progress(
    file_server: FileServer, store: ModelStore, payload: bytes
) -> None:
    file_server.files["/org/repo/resolve/main/tiny.Q8_0.gguf"] = payload
    path, seen = fetch(
        f"{file_server.url}/org/repo/resolve/main/tiny.Q8_0.gguf?download=true", store
    )
    assert path == store.root / "tiny.Q8_0.gguf" and path.read_bytes() == payload
    assert store.find("tiny.Q8_0").info is not None
    last = seen[-1]
    assert (last.received, last.total, last.fraction) == (len(payload), len(payload), 1.0)
    assert last.speed > 0 and last.eta == 0
    assert not list(store.root.glob("*.part"))


def test_broken_connection_resumes_with_range(
    file_server: FileServer, store: ModelStore, payload: bytes
) -> None:
    file_server.files["/m.gguf"] = payload
    file_server.drops = [300_000, 200_000]
    path, _ = fetch(f"{file_server.url}/m.gguf", store)
    assert path.read_bytes() == payload
    assert [r["range"] for r in file_server.requests] == ["", "bytes=300000-", "bytes=500000-"]


def test_server_without_range_starts_over(
    file_server: FileServer, store: ModelStore, payload: bytes
) -> None:
    file_server.files["/m.gguf"] = payload
    file_server.ranges = False
    file_server.drops = [300_000]
    path, _ = fetch(f"{file_server.url}/m.gguf", store)
    assert path.read_bytes() == payload


def test_cancel_keeps_partial_and_next_attempt_continues(
    file_server: FileServer, store: ModelStore, payload: bytes
) -> None:
    file_server.files["/m.gguf"] = payload
    file_server.delay = 0.05
    url = f"{file_server.url}/m.gguf"

    async def cancel_midway() -> None:
        seen: list[Progress] = []
        task = asyncio.ensure_future(download_model(url, store, on_progress=seen.append))
        while not seen or seen[-1].received < 200_000:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(cancel_midway())
    part = store.root / "m.gguf.part"
    kept = part.stat().st_size
    assert 0 < kept < len(payload) and not (store.root / "m.gguf").exists()
    file_server.delay = 0.0
    path, _ = fetch(url, store)
    assert path.read_bytes() == payload
    assert file_server.requests[-1]["range"] == f"bytes={kept}-"


def test_discarding_a_cancelled_download(store: ModelStore) -> None:
    store.root.mkdir(parents=True)
    (store.root / "m.gguf.part").write_bytes(b"GGUF")
    download.discard_partial(store, "http://127.0.0.1:1/m.gguf")
    assert not list(store.root.iterdir())


def test_sha256_checked(file_server: FileServer, store: ModelStore, payload: bytes) -> None:
    file_server.files["/m.gguf"] = payload
    url = f"{file_server.url}/m.gguf"
    with pytest.raises(DownloadError, match="sha256"):
        fetch(url, store, sha256="0" * 64)
    assert not list(store.root.iterdir())
    path, _ = fetch(url, store, sha256=hashlib.sha256(payload).hexdigest().upper())
    assert path.exists()


def test_a_web_page_is_not_saved(file_server: FileServer, store: ModelStore) -> None:
    file_server.files["/m.gguf"] = b"<!doctype html><html>Sign in</html>" * 100
    with pytest.raises(DownloadError, match="did not give a GGUF model"):
        fetch(f"{file_server.url}/m.gguf", store)
    assert not list(store.root.iterdir())


def test_not_enough_disk_space_stops_before_writing(
    file_server: FileServer, store: ModelStore, payload: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    file_server.files["/m.gguf"] = payload
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**9, 10**9, 1000))
    with pytest.raises(DownloadError, match="Not enough free disk space"):
        fetch(f"{file_server.url}/m.gguf", store)
    assert not list(store.root.glob("*.gguf*"))


@pytest.mark.parametrize(
    ("status", "words"), [(404, "no file at this link"), (403, "login"), (500, "HTTP 500")]
)
def test_error_statuses(
    file_server: FileServer, store: ModelStore, status: int, words: str
) -> None:
    file_server.status["/m.gguf"] = status
    with pytest.raises(DownloadError, match=words):
        fetch(f"{file_server.url}/m.gguf", store)


def test_redirects_are_followed(file_server: FileServer, store: ModelStore, payload: bytes) -> None:
    file_server.files["/m.gguf"] = payload
    path, _ = fetch(f"{file_server.url}/redirect/m.gguf", store)
    assert path.read_bytes() == payload


def test_gives_up_after_repeated_breaks_and_keeps_partial(
    file_server: FileServer, store: ModelStore, payload: bytes
) -> None:
    file_server.files["/m.gguf"] = payload
    file_server.drops = [100_000] * 10
    with pytest.raises(DownloadError, match="partial download is kept"):
        fetch(f"{file_server.url}/m.gguf", store, resumes=1)
    assert (store.root / "m.gguf.part").stat().st_size == 200_000


def test_already_installed(file_server: FileServer, store: ModelStore, tiny_model: Path) -> None:
    store.add_file(tiny_model)
    with pytest.raises(DownloadError, match="already installed"):
        fetch(f"{file_server.url}/tiny.gguf", store)


def test_links() -> None:
    assert (
        direct_url("https://huggingface.co/a/b/blob/main/x.gguf")
        == "https://huggingface.co/a/b/resolve/main/x.gguf"
    )
    with pytest.raises(DownloadError, match="not a web address"):
        direct_url("ftp://example/x.gguf")
    with pytest.raises(DownloadError, match=r"\.gguf file name"):
        download.file_name("https://example.com/model")
