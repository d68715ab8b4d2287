"""llama-cpp-python in one dedicated worker thread that owns the loaded model.

Why a single thread: a llama.cpp context is not thread-safe, and one owner makes "one model at a
time" and "unload after a while unused" simple. Tokens reach the asyncio loop with
``call_soon_threadsafe``; the loop never waits on the runtime. Stop sets an event the worker
checks after every token, so generation ends within one token's time.

Every llama call happens on the worker, never elsewhere: unload and shutdown are jobs queued to
it (and waited for), a second worker never starts while the first may still be inside llama.cpp,
the completion generator is closed where it ran, and nothing holding a llama object (a
traceback, a sampler in a reference cycle) is left for the garbage collector to free on another
thread. Two threads in one context, or a model freed mid-``llama_decode``, is a segfault.
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import contextlib
import ctypes
import logging
import os
import threading
import time
import weakref
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
    """One request: run by the worker, answered through ``emit`` on the caller's loop.
    ``stop`` ends the worker once it has run (and nothing else is queued)."""

    action: Callable[[LocalRuntime, _Job], None]
    emit: Callable[[Any], None]
    stop: bool = False
    cancel: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)


def _ignore(item: Any) -> None:
    """``emit`` of the runtime's own jobs (unload, stop): nobody listens."""


def _unload_action(runtime: LocalRuntime, job: _Job) -> None:
    runtime._unload()


class _End:
    """The last item of a job's stream: ``error`` is what to raise, if anything."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


def _detached(error: Exception) -> Exception:
    """``error`` without its traceback and hidden context: their frames hold llama objects,
    which must be released on the worker, not wherever the caller drops the error."""
    error.__traceback__ = None
    if error.__suppress_context__:
        error.__context__ = None
    return error


def _free_sampler(llm: Any) -> None:
    """Free the sampler chain llama-cpp-python keeps on the model after a request.

    Its objects sit in reference cycles, so without this the garbage collector frees them later
    on whatever thread it happens to run (the window's, say) instead of the worker."""
    sampler = getattr(llm, "_sampler", None)
    if sampler is not None:
        llm._sampler = None
        sampler.close()


class LocalRuntime:
    """Owns the worker thread and the one loaded model.

    Only the worker touches llama objects (load, generate, free). The state below is guarded by
    ``_lock``; ``_thread`` is cleared only by the worker itself, after its last llama call, so a
    new worker can never start while the old one still uses the model.
    """

    def __init__(self, idle_unload: float = DEFAULT_IDLE_UNLOAD, threads: int | None = None):
        self.idle_unload = idle_unload
        self.threads = threads
        self._lock = threading.Condition()
        self._jobs: collections.deque[_Job] = collections.deque()
        self._pending = 0  # jobs submitted and not finished
        self._thread: threading.Thread | None = None
        self._llm: Any = None
        self._key: tuple[str, int, float] | None = None
        self._last_used = time.monotonic()
        self.current: _Job | None = None
        _live.add(self)

    # ----- public API (any thread) -----------------------------------------------------------
    @property
    def loaded_path(self) -> str | None:
        key = self._key
        return key[0] if key else None

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

    def unload(self, timeout: float = 0.0) -> bool:
        """Free the loaded model (done by the worker, after the current request); waits up to
        ``timeout`` seconds and tells whether it is done."""
        with self._lock:
            if self._thread is None:
                return True  # no worker: nothing is loaded
            job = self._enqueue(_Job(_unload_action, _ignore))
        return job.done.wait(timeout)

    def wait_idle(self, timeout: float) -> bool:
        """Whether the worker has nothing left to do (no request running or queued) within
        ``timeout`` seconds."""
        with self._lock:
            return self._lock.wait_for(lambda: self._pending == 0, timeout)

    def shutdown(self, timeout: float = 30.0) -> bool:
        """Cancel every request, have the worker free the model and end, and wait for it.

        False if it is still inside llama.cpp after ``timeout`` seconds: it then ends by itself,
        and no second worker starts before it has.
        """
        with self._lock:
            thread = self._thread
            if thread is None:
                return True
            for job in (self.current, *self._jobs):
                if job is not None:
                    job.cancel.set()
            self._enqueue(_Job(_unload_action, _ignore, stop=True))
        thread.join(timeout)
        return not thread.is_alive()

    # ----- worker ----------------------------------------------------------------------------
    def _submit(self, job: _Job) -> None:
        with self._lock:
            self._enqueue(job)

    def _enqueue(self, job: _Job) -> _Job:
        """Queue ``job`` and make sure a worker will run it (``_lock`` held)."""
        self._jobs.append(job)
        self._pending += 1
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._work, name="roundtable-local-model", daemon=True
            )
            self._thread.start()
        self._lock.notify_all()
        return job

    def _take(self) -> _Job | None:
        """The next job, or None once the loaded model has been unused for ``idle_unload``."""
        with self._lock:
            while not self._jobs:
                if self._llm is None:
                    self._lock.wait()
                    continue
                left = self._last_used + self.idle_unload - time.monotonic()
                if left <= 0:
                    return None
                self._lock.wait(left)
            self.current = self._jobs.popleft()
            return self.current

    def _work(self) -> None:
        try:
            while True:
                job = self._take()
                if job is None:
                    log.info("local model unused for %.0f s: unloading it", self.idle_unload)
                    self._unload()
                    continue
                self._run(job)
                with self._lock:
                    if job.stop and not self._jobs:
                        self._thread = None  # this thread makes no llama call any more
                        return
        finally:
            with self._lock:
                if self._thread is threading.current_thread():  # died: let a new one take over
                    self._thread = None
                    if self._jobs:
                        self._thread = threading.Thread(
                            target=self._work, name="roundtable-local-model", daemon=True
                        )
                        self._thread.start()
                self._lock.notify_all()

    def _run(self, job: _Job) -> None:
        try:
            job.action(self, job)
        except Exception as error:  # everything reaches the caller, nothing kills us
            job.emit(_End(_detached(error)))
        except BaseException:
            job.emit(_End(ProviderError("The local model runtime stopped. Try again.")))
            raise
        else:
            job.emit(_End())
        finally:
            with self._lock:
                self._last_used = time.monotonic()
                self.current = None
                self._pending -= 1
                job.done.set()
                self._lock.notify_all()

    def _unload(self) -> None:
        llm, self._llm, self._key = self._llm, None, None
        if llm is not None:
            with contextlib.suppress(Exception):
                _free_sampler(llm)
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
        llm = None
        with contextlib.suppress(ValueError, RuntimeError, OSError):
            llm = llama_cpp.Llama(
                model_path=str(model.path), n_ctx=n_ctx, n_threads=threads,
                n_threads_batch=threads, verbose=False,
            )  # fmt: skip
        if llm is None:  # raised outside the handler: a half-built model is freed here, now
            raise _load_failure(model)
        self._llm, self._key = llm, key
        return llm

    def _generate(
        self, job: _Job, model: LocalModel, messages: list[dict[str, str]],
        options: dict[str, Any], n_ctx: int | None,
    ) -> None:  # fmt: skip
        if job.cancel.is_set():  # left before its turn came: load nothing
            return
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
                chunks.close()  # here, on the worker: never left for another thread to finalise
                _free_sampler(llm)
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


#: Every runtime, so that leaving the process first stops their workers (see ``_shutdown_all``).
_live: weakref.WeakSet[LocalRuntime] = weakref.WeakSet()


@atexit.register
def _shutdown_all() -> None:
    """At exit, before the interpreter and llama.cpp's libraries are torn down: a worker still
    inside llama.cpp then (the window closed mid-answer) would crash the process on its way out,
    and a model freed by the collector during finalisation would log into a freed callback."""
    for runtime in list(_live):
        runtime.shutdown(timeout=10.0)


_default: LocalRuntime | None = None


def default_runtime() -> LocalRuntime:
    """The process's runtime (one loaded model for the whole app)."""
    global _default
    with _runtime_lock:
        if _default is None:
            _default = LocalRuntime()
        return _default
