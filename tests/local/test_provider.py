"""The ``local`` provider driving the real llama.cpp runtime: streaming, Stop, switching models,
unloading, bad files, memory and a missing runtime."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from providers import registry
from providers.base import stream_chunks
from providers.errors import ProviderError
from providers.local import resources, runtime
from providers.local.errors import ModelFileError, ModelTooLargeError, RuntimeMissingError
from providers.local.models import ModelStore
from providers.local.provider import Local
from providers.local.runtime import LocalRuntime
from providers.response import FinishReason
from tests.local.tiny_gguf import write_tiny_gguf

GREEDY = {"temperature": 0.0, "max_tokens": 24}


@pytest.fixture
def fresh_runtime(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalRuntime]:
    """A runtime of the test's own, so a loaded model never leaks into the next test."""
    rt = LocalRuntime()
    monkeypatch.setattr(runtime, "_default", rt)
    yield rt
    assert rt.shutdown(), "the local model's worker did not end"


def ask(model: str, text: str = "hello sea", **options: Any) -> list[Any]:
    async def collect() -> list[Any]:
        messages = [{"role": "user", "content": text}]
        return [c async for c in stream_chunks(Local, model, messages, **options)]  # type: ignore[arg-type]

    return asyncio.run(collect())


def text_of(chunks: list[Any]) -> str:
    return "".join(c for c in chunks if isinstance(c, str))


def test_registered_with_models_and_form(tiny_model: Path, store: ModelStore) -> None:
    store.add_file(tiny_model)
    assert registry.get_provider("local") is Local
    assert Local.models == ["SmolLM2-135M-Instruct.Q4_1", "tiny"]
    assert Local.default_model == "SmolLM2-135M-Instruct.Q4_1"
    form = Local.get_parameters(as_json=True)
    assert form["model"] == "SmolLM2-135M-Instruct.Q4_1"
    assert {"temperature", "max_tokens", "top_p", "seed", "stop"} <= set(form)
    assert "api_key" not in form


def test_streams_tokens_with_the_gguf_chat_template(
    tiny_model: Path, fresh_runtime: LocalRuntime
) -> None:
    chunks = ask(str(tiny_model), **GREEDY)
    texts = [c for c in chunks if isinstance(c, str)]
    assert len(texts) >= 10  # token by token, not one block
    assert isinstance(chunks[-1], FinishReason) and chunks[-1].reason == "length"
    assert fresh_runtime._llm.chat_format == "chat_template.default"
    assert text_of(ask(str(tiny_model), **GREEDY)) == "".join(texts)  # same model, same answer


def test_template_shapes_the_prompt(tmp_path: Path, fresh_runtime: LocalRuntime) -> None:
    """Two models with the same weights and different templates answer differently."""
    a = write_tiny_gguf(tmp_path / "a.gguf")
    b = write_tiny_gguf(
        tmp_path / "b.gguf",
        chat_template="{% for m in messages %}{{ m['content'] }} sea sea sea{% endfor %}",
    )
    assert text_of(ask(str(a), **GREEDY)) != text_of(ask(str(b), **GREEDY))


def test_tokens_arrive_on_the_loop_thread_and_loop_stays_free(
    tiny_model: Path, fresh_runtime: LocalRuntime
) -> None:
    async def run() -> tuple[set[int], int]:
        threads: set[int] = set()
        ticks = 0
        stop = False

        async def ticker() -> None:
            nonlocal ticks
            while not stop:
                ticks += 1
                await asyncio.sleep(0)

        task = asyncio.ensure_future(ticker())
        async for _chunk in fresh_runtime.stream(
            Local.store().find(str(tiny_model)), [{"role": "user", "content": "hi"}],
            {"temperature": 0.0, "max_tokens": 200},
        ):  # fmt: skip
            threads.add(threading.get_ident())
        stop = True
        await task
        return threads, ticks

    threads, ticks = asyncio.run(run())
    assert threads == {threading.get_ident()}
    assert ticks > 10  # the loop ran other work while the model generated


def test_stop_ends_generation_promptly(starter_path: Path, fresh_runtime: LocalRuntime) -> None:
    """Leaving the stream (the window's Stop cancels the task) stops the worker, which is free
    for the next request right away. (Latency is measured in tests/bench/local_model.py.)"""
    received: list[Any] = []

    async def consume() -> None:
        messages = [{"role": "user", "content": "Tell a long story."}]
        async for chunk in stream_chunks(Local, str(starter_path), messages, max_tokens=4000):  # type: ignore[arg-type]
            received.append(chunk)

    async def run() -> float:
        task = asyncio.ensure_future(consume())
        while len(received) < 3:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        began = time.perf_counter()
        assert await asyncio.to_thread(fresh_runtime.wait_idle, 5.0)
        return time.perf_counter() - began

    stopped_in = asyncio.run(asyncio.wait_for(run(), 60))
    assert stopped_in < 2.0  # generous: CI is busy; the real figure is in the bench
    assert len(received) < 200 and fresh_runtime.current is None


def test_switching_models_unloads_the_previous(tmp_path: Path, fresh_runtime: LocalRuntime) -> None:
    a = write_tiny_gguf(tmp_path / "a.gguf", seed=1)
    b = write_tiny_gguf(tmp_path / "b.gguf", seed=2)
    first = text_of(ask(str(a), **GREEDY))
    assert fresh_runtime.loaded_path == str(a)
    held = fresh_runtime._llm
    second = text_of(ask(str(b), **GREEDY))
    assert fresh_runtime.loaded_path == str(b)
    assert held._ctx is None or held._model is None or fresh_runtime._llm is not held
    assert first != second
    assert text_of(ask(str(a), **GREEDY)) == first


def test_unused_model_is_unloaded(tiny_model: Path, fresh_runtime: LocalRuntime) -> None:
    fresh_runtime.idle_unload = 0.2
    ask(str(tiny_model), **GREEDY)
    deadline = time.monotonic() + 10
    while fresh_runtime.loaded_path is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert fresh_runtime.loaded_path is None
    assert text_of(ask(str(tiny_model), **GREEDY))  # and loads again when needed


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"<html>oops</html>", "not a GGUF model"),
        # llama.cpp's own reason, captured from its log instead of printed
        (None, r"could not be loaded \(tensor .* not within the file bounds"),
    ],
)
def test_bad_file_is_a_clear_error_and_runtime_stays_usable(
    tmp_path: Path, tiny_model: Path, fresh_runtime: LocalRuntime,
    content: bytes | None, words: str,
) -> None:  # fmt: skip
    bad = tmp_path / "bad.gguf"
    data = tiny_model.read_bytes()
    bad.write_bytes(content if content is not None else data[: len(data) // 2])
    with pytest.raises(ModelFileError, match=words) as caught:
        ask(str(bad))
    assert "\n" not in str(caught.value)
    assert text_of(ask(str(tiny_model), **GREEDY))


def test_missing_file_is_a_clear_error(tmp_path: Path, fresh_runtime: LocalRuntime) -> None:
    with pytest.raises(ModelFileError, match="does not exist"):
        ask(str(tmp_path / "nowhere.gguf"))


def test_model_larger_than_free_memory_is_refused(
    tiny_model: Path, fresh_runtime: LocalRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(resources, "available_memory", lambda: 100 * 1024 * 1024)
    with pytest.raises(ModelTooLargeError, match="only 100 MB is free"):
        ask(str(tiny_model))
    assert fresh_runtime.loaded_path is None


def test_prompt_longer_than_context_is_a_clear_error(
    tiny_model: Path, fresh_runtime: LocalRuntime
) -> None:
    with pytest.raises(ProviderError, match="longer than tiny's context of 512"):
        ask(str(tiny_model), text="sea " * 2000)


def test_runtime_not_installed_names_the_command(
    tiny_model: Path, fresh_runtime: LocalRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    with pytest.raises(RuntimeMissingError, match=r"pip install 'roundtable\[local\]'"):
        ask(str(tiny_model))


def test_no_model_installed(no_starter: None) -> None:
    with pytest.raises(ProviderError, match="No local model is installed"):
        ask("")


def test_half_the_cores_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(resources.THREADS_ENV, raising=False)
    for cores, threads in ((1, 1), (2, 1), (8, 4)):
        monkeypatch.setattr(resources, "cpu_count", lambda c=cores: c)
        assert resources.default_threads() == threads
    monkeypatch.setenv(resources.THREADS_ENV, "3")
    assert resources.default_threads() == 3


def test_passive_openmp_before_the_runtime_loads() -> None:
    code = (
        "import os, sys; from providers.local import runtime;"
        "assert 'llama_cpp' not in sys.modules; runtime.import_runtime();"
        "print(os.environ.get('OMP_WAIT_POLICY'))"
    )
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60,
        check=True,
    ).stdout  # fmt: skip
    assert out.strip() == "passive"


def test_starter_model_answers_end_to_end(fresh_runtime: LocalRuntime, starter_path: Path) -> None:
    chunks = ask("", text="Say hello.", max_tokens=8, temperature=0.0)
    assert text_of(chunks).strip()
    assert fresh_runtime.loaded_path == str(starter_path)
