"""The local models the window shows and manages, Qt-free: rows for the list, adding files, and
one download at a time as an asyncio task with progress.

The dialog (``app.ui.local_models``) only draws what this module reports; the CLI's ``local``
verb uses the same formatting helpers.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from providers.errors import ProviderError
from providers.local.download import Progress, discard_partial, download_model
from providers.local.models import SUFFIX, LocalModel, ModelStore

__all__ = ["DownloadTask", "ModelRow", "add_files", "format_duration", "rows"]


def format_duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


@dataclass(frozen=True)
class ModelRow:
    """One line of the model list, as plain values."""

    name: str
    size: int  # bytes: the window words it in its own language
    quantisation: str
    context: str
    default: bool
    starter: bool
    error: str | None
    path: Path


def rows(store: ModelStore) -> list[ModelRow]:
    default = store.default_model()
    return [
        ModelRow(
            name=model.name,
            size=model.size,
            quantisation=model.quantisation if model.info else "",
            context=str(model.context_length or "") if model.info else "",
            default=default is not None and model.name == default.name,
            starter=model.starter,
            error=model.error,
            path=model.path,
        )
        for model in store.list_models()
    ]


def add_files(store: ModelStore, paths: Iterable[Path]) -> tuple[list[LocalModel], list[str]]:
    """Add every .gguf file; the others and the bad ones give one message each, nothing lost."""
    added: list[LocalModel] = []
    errors: list[str] = []
    for path in paths:
        if not path.name.lower().endswith(SUFFIX):
            errors.append(f"{path.name} is not a .gguf model file.")
            continue
        try:
            added.append(store.add_file(path))
        except ProviderError as error:
            errors.append(str(error))
        except OSError as error:
            errors.append(f"{path.name} could not be added: {error.strerror}.")
    return added, errors


class DownloadTask:
    """One download on the running loop. ``on_progress`` gets a ``Progress`` now and then;
    ``on_done`` gets the installed model, or the error message (``None`` and ``None`` when
    cancelled)."""

    def __init__(
        self,
        store: ModelStore,
        url: str,
        on_progress: Callable[[Progress], None],
        on_done: Callable[[LocalModel | None, str | None], None],
        *,
        sha256: str | None = None,
    ) -> None:
        self.store = store
        self.url = url.strip()
        self.sha256 = sha256 or None
        self._on_progress = on_progress
        self._on_done = on_done
        self._task: asyncio.Task[None] | None = None
        self._discard = False

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def task(self) -> asyncio.Task[None] | None:
        return self._task

    def start(self, loop: asyncio.AbstractEventLoop | None = None) -> asyncio.Task[None]:
        """Start downloading on ``loop`` (the window's; default: the current one)."""
        loop = loop or asyncio.get_event_loop()
        self._task = loop.create_task(self._run(), name="model download")
        return self._task

    def cancel(self, discard: bool = True) -> None:
        """Stop the download; ``discard`` deletes the partial file (else a later download of
        the same URL continues it)."""
        self._discard = discard
        if self._task is not None:
            self._task.cancel()

    async def _run(self) -> None:
        try:
            model = await download_model(
                self.url, self.store, sha256=self.sha256, on_progress=self._on_progress
            )
        except asyncio.CancelledError:
            if self._discard:
                with contextlib.suppress(ProviderError):
                    discard_partial(self.store, self.url)
            self._on_done(None, None)
            raise
        except ProviderError as error:
            self._on_done(None, str(error))
        except OSError as error:
            self._on_done(None, f"The model could not be saved: {error.strerror}.")
        else:
            self._on_done(model, None)
