"""llama-cpp-python in one dedicated worker thread that owns the loaded model.

Why a single thread: a llama.cpp context is not thread-safe, and one owner makes "one model at a
time" and "unload after a while unused" simple. Tokens reach the asyncio loop with
``call_soon_threadsafe``; the loop never waits on the runtime. Stop sets an event the worker
checks after every token, so generation ends within one token's time.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import ctypes
import logging
import os
import queue
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import ProviderError
from ..response import FinishReason
from .errors import ModelFileError, RuntimeMissingError
from .models import LocalModel, install_hint
from .resources import check_memory, default_threads

log = logging.getLogger(__name__)

#: Unload the model after this many seconds without a request (frees its memory).
DEFAULT_IDLE_UNLOAD = 600.0
DEFAULT_CONTEXT = 4096

_runtime_lock = threading.Lock()
_log_lines: collections.deque[str] = collections.deque(maxlen=50)
_log_callback: Any = None  # kept alive: llama.cpp holds a raw pointer to it


def import_runtime() -> Any:
    """Import llama_cpp once, set up for sharing the machine, with its logging captured.

    ``OMP_WAIT_POLICY=passive`` must be set before the library loads: with OpenMP's default
    busy-waiting, on 2 busy cores speed falls from ~45 to under 15 tokens/s.
    """
    global _log_callback
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    try:
        import llama_cpp
    except ImportError:
        raise RuntimeMissingError(
            f"The local model runtime (llama-cpp-python) is not installed. {install_hint()}"
        ) from None
    with _runtime_lock:
        if _log_callback is None:

            @llama_cpp.llama_log_callback  # type: ignore[untyped-decorator]
            def capture(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
                line = text.decode("utf-8", errors="replace").rstrip()
                if line:
                    _log_lines.append(line)
                    log.debug("llama.cpp: %s", line)

            _log_callback = capture
            llama_cpp.llama_log_set(capture, ctypes.c_void_p(0))
    return llama_cpp


def _load_failure(model: LocalModel) -> ModelFileError:
    """llama.cpp's own reason (from its captured log) in one sentence with what to do."""
    detail = ""
    for line in reversed(_log_lines):
        if "error loading model:" in line:
            detail = line.split("error loading model:", 1)[1].strip()
            break
        if not detail and ("error" in line.lower() or "invalid" in line.lower()):
            detail = line.split(": ", 1)[-1].strip()
    reason = f" ({detail})" if detail else ""
    return ModelFileError(
        f"{model.name} could not be loaded{reason}. The file may be damaged, incomplete or of "
        "an architecture this runtime does not know: download it again or choose another model."
    )


@dataclass
class _Job:
    """One request: run by the worker, answered through ``emit`` on the caller's loop."""

    action: Callable[[LocalRuntime, _Job], None]
    emit: Callable[[Any], None]
    cancel: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)


class _End:
    """The last item of a job's stream: ``error`` is what to raise, if anything."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


class LocalRuntime:
    """Owns the worker thread and the one loaded model."""

    def __init__(self, idle_unload: float = DEFAULT_IDLE_UNLOAD, threads: int | None = None):
        self.idle_unload = idle_unload
        self.threads = threads
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._llm: Any = None
        self._key: tuple[str, int, float] | None = None
        self._last_used = time.monotonic()
        self.current: _Job | None = None

    # ----- public API (any thread) -----------------------------------------------------------
    @property
    def loaded_path(self) -> str | None:
        return self._key[0] if self._key else None

    async def stream(
        self, model: LocalModel, messages: list[dict[str, str]], options: dict[str, Any],
        n_ctx: int | None = None,
    ) -> AsyncIterator[Any]:  # fmt: skip
        """Text chunks, then a ``FinishReason``; leaving early (Stop) cancels the generation."""
        loop = asyncio.get_running_loop()
        items: asyncio.Queue[Any] = asyncio.Queue()

        def emit(item: Any) -> None:
            try:
                loop.call_soon_threadsafe(items.put_nowait, item)
            except RuntimeError:  # the loop is closed: nobody is listening any more
                job.cancel.set()

        def action(runtime: LocalRuntime, job: _Job) -> None:
            runtime._generate(job, model, messages, options, n_ctx)

        job = _Job(action, emit)
        self._submit(job)
        try:
            while True:
                item = await items.get()
                if isinstance(item, _End):
                    if item.error is not None:
                        raise item.error
                    return
                yield item
        finally:
            job.cancel.set()

    def unload(self) -> None:
        """Free the loaded model (done by the worker, after the current request)."""
        if self._thread is not None:
            self._submit(_Job(lambda runtime, job: runtime._unload(), lambda item: None))

    def wait_idle(self, timeout: float) -> bool:
        """Whether the worker finished its current request within ``timeout`` seconds."""
        job = self.current
        return job is None or job.done.wait(timeout)

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop the worker (unloading the model) and wait for it."""
        thread = self._thread
        if thread is None:
            return
        if self.current is not None:
            self.current.cancel.set()
        self._jobs.put(None)
        thread.join(timeout)
        self._thread = None

    # ----- worker ----------------------------------------------------------------------------
    def _submit(self, job: _Job) -> None:
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._work, name="roundtable-local-model", daemon=True
                )
                self._thread.start()
        self._jobs.put(job)

    def _work(self) -> None:
        while True:
            wait = None
            if self._llm is not None:
                wait = max(0.0, self._last_used + self.idle_unload - time.monotonic())
            try:
                job = self._jobs.get(timeout=wait)
            except queue.Empty:
                log.info("local model unused for %.0f s: unloading it", self.idle_unload)
                self._unload()
                continue
            if job is None:
                self._unload()
                return
            self.current = job
            try:
                job.action(self, job)
            except BaseException as error:  # everything reaches the caller, nothing kills us
                job.emit(_End(error if isinstance(error, Exception) else None))
                if not isinstance(error, Exception):
                    raise
            else:
                job.emit(_End())
            finally:
                self._last_used = time.monotonic()
                job.done.set()
                self.current = None

    def _unload(self) -> None:
        llm, self._llm, self._key = self._llm, None, None
        if llm is not None:
            with contextlib.suppress(Exception):
                llm.close()

    def _load(self, model: LocalModel, n_ctx: int) -> Any:
        """The model ready to generate: the loaded one if it is the same, else a fresh load
        (after unloading the other: one model at a time)."""
        try:
            mtime = model.path.stat().st_mtime
        except OSError:
            raise ModelFileError(f"The model file {model.path} does not exist any more.") from None
        key = (str(model.path.resolve()), n_ctx, mtime)
        if self._key == key and self._llm is not None:
            return self._llm
        llama_cpp = import_runtime()
        self._unload()
        if model.info is None:
            raise ModelFileError(model.error or f"{model.name} is not a usable GGUF model.")
        check_memory(model, n_ctx)
        threads = self.threads or default_threads()
        _log_lines.clear()
        try:
            llm = llama_cpp.Llama(
                model_path=str(model.path), n_ctx=n_ctx, n_threads=threads,
                n_threads_batch=threads, verbose=False,
            )  # fmt: skip
        except (ValueError, RuntimeError, OSError):
            raise _load_failure(model) from None
        self._llm, self._key = llm, key
        return llm

    def _generate(
        self, job: _Job, model: LocalModel, messages: list[dict[str, str]],
        options: dict[str, Any], n_ctx: int | None,
    ) -> None:  # fmt: skip
        context = n_ctx or min(model.context_length or DEFAULT_CONTEXT, DEFAULT_CONTEXT)
        llm = self._load(model, context)
        if job.cancel.is_set():
            return
        try:
            chunks = llm.create_chat_completion(messages=messages, stream=True, **options)
            try:
                for chunk in chunks:
                    if job.cancel.is_set():
                        return
                    choice = chunk["choices"][0]
                    text = choice.get("delta", {}).get("content")
                    if text:
                        job.emit(text)
                    if choice.get("finish_reason"):
                        job.emit(FinishReason(str(choice["finish_reason"])))
            finally:
                chunks.close()
        except ValueError as error:
            if "context window" in str(error):
                raise ProviderError(
                    f"The conversation is longer than {model.name}'s context of {context} "
                    "tokens. Start a new chat, or shorten the messages."
                ) from None
            raise ProviderError(f"The local model failed: {error}") from None
        except RuntimeError as error:
            self._unload()  # the context may be in a bad state: start afresh next time
            raise ProviderError(f"The local model failed: {error}. Try again.") from None


_default: LocalRuntime | None = None


def default_runtime() -> LocalRuntime:
    """The process's runtime (one loaded model for the whole app)."""
    global _default
    with _runtime_lock:
        if _default is None:
            _default = LocalRuntime()
        return _default
