"""Download a GGUF model from a URL: resumable (HTTP Range), cancellable, with progress.

The partial file ``NAME.gguf.part`` stays in the models folder when the connection breaks or
the download is cancelled, so the next attempt continues where this one stopped. Only a
complete file that starts like a GGUF model (and matches the sha256, when one is given) becomes
``NAME.gguf``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx

from ..errors import ProviderConnectionError, ProviderTimeoutError
from ..http import create_client, transport_errors
from .errors import DownloadError
from .gguf_header import MAGIC
from .models import SUFFIX, LocalModel, ModelStore, describe

PART = ".part"
CHUNK = 1024 * 1024
#: Kept free beyond the file itself, so a download never fills the disk to the last byte.
FREE_MARGIN = 64 * 1024 * 1024
#: Automatic resumes after a broken connection, before giving up.
RESUMES = 3
_PROGRESS_EVERY = 0.1
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


@dataclass(frozen=True)
class Progress:
    """Where a download is: bytes so far, total (if known), speed and time left."""

    received: int
    total: int | None
    speed: float  # bytes per second over this attempt
    eta: float | None  # seconds left, when the total and a speed are known

    @property
    def fraction(self) -> float | None:
        return self.received / self.total if self.total else None


ProgressCallback = Callable[[Progress], None]


def file_name(url: str) -> str:
    """The model's file name from its URL (``.../model.Q4_K_M.gguf?download=true``)."""
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    if not name.lower().endswith(SUFFIX) or name in (SUFFIX, ""):
        raise DownloadError(
            "The link does not end in a .gguf file name. Paste the link of the .gguf file "
            "itself (on Hugging Face: the file's download link), or give a name ending in .gguf."
        )
    return name


def direct_url(url: str) -> str:
    """A Hugging Face page link (``/blob/``) as its download link (``/resolve/``)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise DownloadError(f"{url!r} is not a web address. Paste an http(s) link to a .gguf file.")
    if parts.netloc.endswith("huggingface.co") and "/blob/" in parts.path:
        return parts._replace(path=parts.path.replace("/blob/", "/resolve/", 1)).geturl()
    return parts.geturl()


def check_free_space(folder: Path, needed: int) -> None:
    free = shutil.disk_usage(folder).free
    if needed + FREE_MARGIN > free:
        raise DownloadError(
            f"Not enough free disk space: the model needs {needed / 1024**3:.1f} GB more and "
            f"{folder} has {free / 1024**3:.1f} GB free. Free some space and try again."
        )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


class _Attempt:
    """One HTTP request, continuing the partial file."""

    def __init__(self, part: Path, report: ProgressCallback | None) -> None:
        self.part = part
        self.report = report
        self.total: int | None = None

    async def run(self, client: httpx.AsyncClient, url: str) -> None:
        offset = self.part.stat().st_size if self.part.exists() else 0
        headers = {"Range": f"bytes={offset}-"} if offset else {}
        async with client.stream("GET", url, headers=headers, follow_redirects=True) as response:
            if response.status_code == 416 and offset:
                # Nothing after ``offset``: complete already, or the file changed: start over.
                total = _content_range_total(response.headers.get("content-range", ""))
                if total == offset:
                    self.total = total
                    return
                self.part.unlink()
                raise _Restart
            if response.status_code >= 400:
                await response.aread()
                raise DownloadError(_status_message(response.status_code))
            start = 0
            if response.status_code == 206:
                match = _CONTENT_RANGE.match(response.headers.get("content-range", ""))
                if not match or int(match.group(1)) != offset:
                    raise DownloadError("The server sent the wrong part of the file. Try again.")
                start = offset
                self.total = int(match.group(3)) if match.group(3) != "*" else None
            else:  # 200: the server ignores Range; the whole file comes again
                length = response.headers.get("content-length")
                self.total = int(length) if length and length.isdigit() else None
            if self.total is not None:
                check_free_space(self.part.parent, self.total - start)
            await self._receive(response, start)

    async def _receive(self, response: httpx.Response, start: int) -> None:
        began, last = time.monotonic(), 0.0
        received = start
        mode = "ab" if start else "wb"
        with self.part.open(mode) as handle:
            if start:
                handle.truncate(start)
            async for block in response.aiter_bytes():
                if received == 0 and block[:4] != MAGIC[: len(block)]:
                    handle.close()
                    self.part.unlink()
                    raise DownloadError(
                        "The link did not give a GGUF model (the server sent something else, "
                        "perhaps a web page). Paste the link of the .gguf file itself."
                    )
                handle.write(block)
                received += len(block)
                now = time.monotonic()
                if self.report and now - last >= _PROGRESS_EVERY:
                    last = now
                    self.report(_progress(received, start, self.total, now - began))
        if self.report:
            self.report(_progress(received, start, self.total, time.monotonic() - began))
        if self.total is not None and received < self.total:
            raise ProviderConnectionError("The connection closed before the file was complete.")


class _Restart(Exception):
    """The partial file was discarded; download from the start."""


def _progress(received: int, start: int, total: int | None, elapsed: float) -> Progress:
    speed = (received - start) / elapsed if elapsed > 0 else 0.0
    eta = (total - received) / speed if total is not None and speed > 0 else None
    return Progress(received, total, speed, eta)


def _content_range_total(value: str) -> int | None:
    match = re.search(r"/(\d+)$", value)
    return int(match.group(1)) if match else None


def _status_message(status: int) -> str:
    if status in (401, 403):
        return (
            f"The server refused the download (HTTP {status}): the model may need a login or an "
            "accepted licence on its page. Download it in a browser, then add the file."
        )
    if status == 404:
        return "There is no file at this link (HTTP 404). Check the link."
    return f"The download failed (HTTP {status}). Try again later."


async def download_model(
    url: str,
    store: ModelStore | None = None,
    *,
    name: str | None = None,
    sha256: str | None = None,
    on_progress: ProgressCallback | None = None,
    proxy: str | None = None,
    resumes: int = RESUMES,
) -> LocalModel:
    """Download ``url`` into the models folder and return the installed model.

    Resumes by itself after a broken connection (up to ``resumes`` times); cancelling the task
    keeps the partial file for the next attempt.
    """
    store = store or ModelStore()
    url = direct_url(url)
    target_name = name or file_name(url)
    if not target_name.lower().endswith(SUFFIX):
        target_name += SUFFIX
    store.root.mkdir(parents=True, exist_ok=True)
    target = store.root / target_name
    if target.exists():
        raise DownloadError(f"{target.stem} is already installed ({target}).")
    part = target.with_name(target.name + PART)
    attempt = _Attempt(part, on_progress)
    failures = 0
    async with create_client(proxy=proxy, timeout=60.0) as client:
        while True:
            try:
                with transport_errors("the download server", url):
                    await attempt.run(client, url)
                break
            except _Restart:
                continue
            except (ProviderConnectionError, ProviderTimeoutError) as error:
                failures += 1
                if failures > resumes:
                    raise DownloadError(
                        f"{error} The partial download is kept: try again to continue it."
                    ) from None
                await asyncio.sleep(min(0.1 * 2 ** (failures - 1), 5.0))
    await _finish(part, target, sha256, attempt.total)
    return describe(target)


async def _finish(part: Path, target: Path, sha256: str | None, total: int | None) -> None:
    size = part.stat().st_size
    if total is not None and size != total:
        raise DownloadError("The downloaded file has the wrong size. Try again.")
    if sha256:
        actual = await asyncio.to_thread(sha256_of, part)
        if actual.lower() != sha256.strip().lower():
            with contextlib.suppress(OSError):
                part.unlink()
            raise DownloadError(
                "The downloaded file does not match the expected sha256 checksum, so it was "
                "deleted. Check the checksum, or download it again."
            )
    part.replace(target)


def discard_partial(store: ModelStore, url: str, name: str | None = None) -> None:
    """Delete the partial file of a cancelled download of ``url``."""
    target = name or file_name(direct_url(url))
    if not target.lower().endswith(SUFFIX):
        target += SUFFIX
    with contextlib.suppress(OSError):
        (store.root / (target + PART)).unlink()
