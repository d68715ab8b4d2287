"""Bridges between sync and async code, and small message helpers (spec section 12).

Named ``helpers`` so that it never shadows the stdlib ``asyncio`` module.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import NestAsyncioError, ProviderTimeoutError
from .lazy import lazy_module
from .response import HiddenResponse, JsonResponse

if TYPE_CHECKING:
    import asyncio
else:  # loaded with the app's loop, after the window's first paint
    asyncio = lazy_module("asyncio")

T = TypeVar("T")

_NESTED_MESSAGE = (
    "A synchronous provider call was made inside a running event loop. "
    "Use the async API (create_async_generator / create_async) instead."
)


def get_running_loop(check_nested: bool) -> asyncio.AbstractEventLoop | None:
    """The loop running in this thread, or ``None``; never patches the loop."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    if check_nested:
        raise NestAsyncioError(_NESTED_MESSAGE)
    return loop


def timeout_message(timeout: float, name: str | None = None) -> str:
    suffix = f" in {name}" if name else ""
    return f"The operation timed out after {timeout} seconds{suffix}"


def _finalize_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what is left on a private loop, shut it down and close it."""
    try:
        pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        asyncio.set_event_loop(None)
        loop.close()


def to_sync_generator(
    generator: AsyncIterator[T] | Awaitable[T],
    stream: bool = True,
    timeout: float | None = None,
) -> Iterator[T]:
    """Drive an async generator (or a coroutine) from synchronous code on a private loop.

    Nothing happens before the first ``next()``. Closing the returned generator finalises the
    async generator (its ``finally`` blocks run) before ``close()`` returns.
    """
    if get_running_loop(check_nested=False) is not None:
        if inspect.iscoroutine(generator):
            generator.close()
        raise NestAsyncioError(_NESTED_MESSAGE)

    async def bounded(awaitable: Awaitable[Any]) -> Any:
        if timeout is None:
            return await awaitable
        try:
            return await asyncio.wait_for(awaitable, timeout)
        except TimeoutError as error:
            raise ProviderTimeoutError(timeout_message(timeout)) from error

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        if inspect.isawaitable(generator):
            yield loop.run_until_complete(bounded(generator))
            return
        agen = generator
        if not stream:
            items = loop.run_until_complete(bounded(async_generator_to_list(agen)))
            yield from items
            return
        try:
            while True:
                try:
                    item = loop.run_until_complete(bounded(agen.__anext__()))
                except StopAsyncIteration:
                    break
                yield item
        finally:
            aclose = getattr(agen, "aclose", None)
            if aclose is not None:
                loop.run_until_complete(aclose())
    finally:
        _finalize_loop(loop)


async def to_async_iterator(obj: Any) -> AsyncIterator[Any]:
    """One async shape for every result: str/bytes and coroutines are one item."""
    if isinstance(obj, (str, bytes)):
        yield obj
    elif hasattr(obj, "__aiter__"):
        async for item in obj:
            yield item
    elif inspect.isawaitable(obj):
        yield await obj
    else:
        for item in obj:
            yield item


async def async_generator_to_list(generator: AsyncIterable[T]) -> list[T]:
    return [item async for item in generator]


def _is_visible(chunk: object) -> bool:
    return bool(chunk) and not isinstance(chunk, (BaseException, HiddenResponse, JsonResponse))


def concat_chunks(chunks: Iterable[Any]) -> str:
    """The visible text of a stream: hidden chunks, errors and empty items are skipped."""
    return "".join(str(chunk) for chunk in chunks if _is_visible(chunk))


async def async_concat_chunks(chunks: AsyncIterable[Any]) -> str:
    return concat_chunks(await async_generator_to_list(chunks))


def to_string(content: Any) -> str:
    """The text of a message content: str as is, text parts joined, ``None`` as ``""``."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for part in content:
            if isinstance(part, dict):
                if part.get("type", "text") == "text":
                    texts.append(str(part.get("text", "")))
            elif isinstance(part, str):
                texts.append(part)
        return "".join(texts)
    return str(content)


def format_prompt(
    messages: list[Any],
    add_special_tokens: bool = False,
    do_continue: bool = False,
    include_system: bool = True,
) -> str:
    """Render messages as ``Role: text`` lines for providers that take one prompt string."""
    if not messages:
        raise ValueError("no messages")
    if not add_special_tokens and len(messages) <= 1:
        return to_string(messages[0].get("content"))
    lines = []
    for message in messages:
        if not include_system and message.get("role") in ("system", "developer"):
            continue
        text = to_string(message.get("content"))
        if text.strip():
            lines.append(f"{str(message.get('role', '')).capitalize()}: {text}")
    prompt = "\n".join(lines)
    return prompt if do_continue else prompt + "\nAssistant:"


def get_last_user_message(messages: list[Any]) -> str:
    for message in reversed(messages):
        if message.get("role") == "user":
            return to_string(message.get("content"))
    return ""


def get_system_prompt(messages: list[Any]) -> str:
    return "\n".join(
        to_string(m.get("content")) for m in messages if m.get("role") in ("system", "developer")
    )


def filter_none(**kwargs: Any) -> dict[str, Any]:
    return {key: value for key, value in kwargs.items() if value is not None}


def format_cookies(cookies: dict[str, str]) -> str:
    return "; ".join(f"{key}={value}" for key, value in cookies.items())
