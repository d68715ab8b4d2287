"""Races between the asyncio side and the local model's worker, run one per process by
test_runtime_threads.py: a crash there (a segfault inside llama.cpp) is then a failed test with
faulthandler's stacks of every thread, not the end of the whole test run.

Usage: python -X faulthandler -m tests.local.runtime_races SCENARIO MODEL.gguf [OTHER.gguf]
Prints "ok" when the scenario ran to its end; any failure raises.
"""

from __future__ import annotations

import asyncio
import atexit
import gc
import sys
from collections.abc import Callable
from typing import Any

LONG_PROMPT = [{"role": "user", "content": "Tell a long story about the sea. " * 60}]
SHORT_PROMPT = [{"role": "user", "content": "Tell a long story."}]
MANY_TOKENS = {"max_tokens": 4000}


async def take(stream: Any, count: int) -> list[Any]:
    """The first ``count`` items of ``stream``, then leave it (as Stop does)."""
    items: list[Any] = []
    try:
        async for item in stream:
            items.append(item)
            if len(items) >= count:
                break
    finally:
        await stream.aclose()
    return items


async def leave_during_prompt(rt: Any, model: Any) -> None:
    """Ask with a long prompt and leave while the worker is inside llama_decode with it."""
    stream = rt.stream(model, LONG_PROMPT, MANY_TOKENS)
    first = asyncio.ensure_future(stream.__anext__())
    while rt.current is None:
        await asyncio.sleep(0.001)
    await asyncio.sleep(0.05)
    first.cancel()
    await asyncio.gather(first, return_exceptions=True)
    await stream.aclose()


def shutdown_then_ask(rt: Any, model: Any, other: Any) -> None:
    """A shutdown that gives up waiting, then a new request at once: one worker, never two."""

    async def run() -> None:
        await take(rt.stream(model, SHORT_PROMPT, MANY_TOKENS), 1)
        await leave_during_prompt(rt, model)
        rt.shutdown(timeout=0.01)
        assert len(await take(rt.stream(model, SHORT_PROMPT, MANY_TOKENS), 3)) == 3

    asyncio.run(run())
    assert rt.shutdown(), "the worker did not end"


def stop_switch_unload_shutdown(rt: Any, model: Any, other: Any) -> None:
    """Stop, at once ask another model, unload and shut down while that one generates."""

    async def run() -> None:
        assert len(await take(rt.stream(model, SHORT_PROMPT, MANY_TOKENS), 3)) == 3
        stream = rt.stream(other, SHORT_PROMPT, MANY_TOKENS)
        assert len(await take_some(stream)) == 2

    async def take_some(stream: Any) -> list[Any]:
        items = [await stream.__anext__(), await stream.__anext__()]
        assert rt.loaded_path == str(other.path.resolve())
        rt.unload()  # queued behind the generation
        assert not rt.wait_idle(0)
        assert await asyncio.to_thread(rt.shutdown)
        await stream.aclose()
        return items

    asyncio.run(run())
    assert rt.loaded_path is None and rt.shutdown()


def exit_while_generating(rt: Any, model: Any, other: Any) -> None:
    """Leave the process while the worker is inside llama.cpp (the window closed mid-answer).

    ``check`` is registered before the runtime module's own exit hook, so it runs after it."""

    async def run() -> None:
        await take(rt.stream(model, SHORT_PROMPT, MANY_TOKENS), 1)
        await leave_during_prompt(rt, model)

    asyncio.run(run())
    assert rt.current is not None, "the worker should still be busy"


def no_llama_object_left_for_the_collector(rt: Any, model: Any, other: Any) -> None:
    """After answers, a Stop and a shutdown, no llama.cpp object is still allocated: none is
    left for the garbage collector to free on another thread."""
    gc.disable()

    async def run() -> None:
        await take(rt.stream(model, SHORT_PROMPT, {"max_tokens": 8}), 100)
        await take(rt.stream(model, SHORT_PROMPT, MANY_TOKENS), 3)
        await take(rt.stream(other, SHORT_PROMPT, {"max_tokens": 8}), 100)

    asyncio.run(run())
    assert rt.wait_idle(30)
    assert not live_llama_objects(rt) - {"model", "ctx", "batch"}, live_llama_objects(rt)
    assert rt.shutdown()
    assert not live_llama_objects(rt), live_llama_objects(rt)


def live_llama_objects(rt: Any) -> set[str]:
    """The kinds of llama-cpp-python wrappers whose C object is still allocated."""
    from llama_cpp import _internals

    kinds = {
        _internals.LlamaModel: "model", _internals.LlamaContext: "ctx",
        _internals.LlamaBatch: "batch", _internals.LlamaSampler: "sampler",
    }  # fmt: skip
    found = set()
    for obj in gc.get_objects():
        kind = kinds.get(type(obj))
        if kind is not None and getattr(obj, kind) is not None:
            found.add(kind)
    return found


SCENARIOS: dict[str, Callable[[Any, Any, Any], None]] = {
    "shutdown-then-ask": shutdown_then_ask,
    "stop-switch-unload-shutdown": stop_switch_unload_shutdown,
    "exit-while-generating": exit_while_generating,
    "no-llama-object-left-for-the-collector": no_llama_object_left_for_the_collector,
}


def main(scenario: str, path: str, other_path: str) -> None:
    holder: dict[str, Any] = {}

    def check() -> None:  # runs after the runtime's exit hook (atexit is last in, first out)
        rt = holder.get("rt")
        if rt is not None and scenario == "exit-while-generating":
            ended = rt._thread is None and rt.loaded_path is None
            print("worker ended before exit" if ended else "worker still running at exit")
            sys.stdout.flush()

    atexit.register(check)
    from providers.local.models import ModelStore
    from providers.local.runtime import LocalRuntime

    store = ModelStore()
    holder["rt"] = rt = LocalRuntime()
    SCENARIOS[scenario](rt, store.find(path), store.find(other_path))
    print("ok", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
