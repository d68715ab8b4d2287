"""The three provider classes: sync, async (one result) and async-generator (streaming).

Spec sections 5-7. Providers are classes, never instantiated; everything is a classmethod.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, ClassVar

from . import parameters
from .errors import ProviderTimeoutError
from .helpers import (
    async_concat_chunks,
    concat_chunks,
    get_running_loop,
    timeout_message,
    to_async_iterator,
    to_sync_generator,
)
from .lazy import lazy_module
from .parameters import classproperty
from .types import AsyncResult, BaseProvider, CreateResult, Messages

if TYPE_CHECKING:
    import asyncio
    from concurrent.futures import Executor
else:  # loaded with the app's loop, after the window's first paint
    asyncio = lazy_module("asyncio")


class AbstractProvider(BaseProvider):
    """A synchronous provider: ``create_completion`` yields the answer."""

    _parameter_source: ClassVar[str] = "create_completion"

    @classmethod
    def create_completion(
        cls, model: str, messages: Messages, stream: bool, **kwargs: Any
    ) -> CreateResult:
        raise NotImplementedError(f"{cls.__name__} does not implement create_completion")

    @classmethod
    async def create_async(
        cls,
        model: str,
        messages: Messages,
        *,
        timeout: float | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        executor: Executor | None = None,
        **kwargs: Any,
    ) -> str:
        """Run the sync generator in a worker thread and join its chunks.

        The worker thread cannot be cancelled: on timeout it runs on to the generator's end.
        """
        loop = loop or asyncio.get_running_loop()

        # ``stream`` defaults to False: sync signatures often declare it without a default.
        kwargs.setdefault("stream", False)

        def complete() -> str:
            return concat_chunks(cls.create_completion(model, messages, **kwargs))

        try:
            return await asyncio.wait_for(loop.run_in_executor(executor, complete), timeout)
        except TimeoutError as error:
            if isinstance(error, ProviderTimeoutError) or timeout is None:
                raise
            raise ProviderTimeoutError(timeout_message(timeout, cls.__name__)) from error

    @classmethod
    def get_create_function(cls) -> Callable[..., Any]:
        return cls.create_completion

    @classmethod
    def get_async_create_function(cls) -> Callable[..., Any]:
        return cls.create_async

    @classmethod
    def get_parameters(cls, as_json: bool = False) -> dict[str, Any]:
        """Advertised request parameters; ``as_json=True`` gives the settings-form template."""
        if as_json:
            return parameters.as_json(cls)
        return parameters.get_parameters(cls)

    @classmethod
    def get_parameter_types(cls) -> dict[str, Any]:
        return parameters.parameter_types(cls)

    @classproperty
    def params(cls) -> str:  # noqa: N805 - a class property receives the class
        return parameters.render_params(cls)  # type: ignore[arg-type]


class AsyncProvider(AbstractProvider):
    """A provider whose ``create_async`` returns the whole answer at once."""

    _parameter_source: ClassVar[str] = "create_async"

    @classmethod
    def create_completion(  # type: ignore[override]
        cls, model: str, messages: Messages, stream: bool = False, **kwargs: Any
    ) -> CreateResult:
        get_running_loop(check_nested=True)
        yield asyncio.run(cls.create_async(model, messages, **kwargs))

    @classmethod
    async def create_async(cls, model: str, messages: Messages, **kwargs: Any) -> str:  # type: ignore[override]
        raise NotImplementedError(f"{cls.__name__} does not implement create_async")


class AsyncGeneratorProvider(AbstractProvider):
    """A streaming provider: ``create_async_generator`` yields chunks as they arrive."""

    _parameter_source: ClassVar[str] = "create_async_generator"
    supports_stream: ClassVar[bool] = True

    @classmethod
    def create_completion(  # type: ignore[override]
        cls, model: str, messages: Messages, stream: bool = True, **kwargs: Any
    ) -> CreateResult:
        return to_sync_generator(
            cls.create_async_generator(model, messages, stream=stream, **kwargs), stream=stream
        )

    @classmethod
    def create_async_generator(
        cls, model: str, messages: Messages, stream: bool = True, **kwargs: Any
    ) -> AsyncResult:
        raise NotImplementedError(f"{cls.__name__} does not implement create_async_generator")

    @classmethod
    async def create_async(
        cls,
        model: str,
        messages: Messages,
        *,
        timeout: float | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        executor: Executor | None = None,
        **kwargs: Any,
    ) -> str:
        """Consume the stream on the running loop (no worker thread) and join its chunks."""

        async def collect() -> str:
            generator = cls.create_async_generator(model, messages, **kwargs)
            async with contextlib.aclosing(generator):  # type: ignore[type-var]
                return await async_concat_chunks(generator)

        try:
            return await asyncio.wait_for(collect(), timeout)
        except TimeoutError as error:
            if isinstance(error, ProviderTimeoutError) or timeout is None:
                raise
            raise ProviderTimeoutError(timeout_message(timeout, cls.__name__)) from error

    @classmethod
    def get_async_create_function(cls) -> Callable[..., Any]:
        return cls.create_async_generator


def get_provider_method(provider: type[BaseProvider]) -> Callable[..., CreateResult]:
    """The synchronous entry point of any provider (R2's dispatch, over ``get_create_function``)."""
    return provider.get_create_function()  # type: ignore[no-any-return]


async def stream_chunks(
    provider: type[BaseProvider], model: str, messages: Messages, **kwargs: Any
) -> AsyncIterator[Any]:
    """Every provider as one async stream, on the running loop.

    Async generators are iterated directly; async providers give one chunk; sync providers are
    stepped chunk by chunk in a worker thread so the loop never blocks.
    """
    if issubclass(provider, AsyncGeneratorProvider):
        generator = provider.create_async_generator(model, messages, **kwargs)
        async with contextlib.aclosing(generator):  # type: ignore[type-var]
            async for chunk in generator:
                yield chunk
        return
    if issubclass(provider, AsyncProvider):
        async for chunk in to_async_iterator(provider.create_async(model, messages, **kwargs)):
            yield chunk
        return
    if issubclass(provider, AbstractProvider):
        iterator = iter(provider.create_completion(model, messages, stream=True, **kwargs))
        done = object()

        def step() -> Any:
            return next(iterator, done)

        try:
            while (chunk := await asyncio.to_thread(step)) is not done:
                yield chunk
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                await asyncio.to_thread(close)
        return
    raise NotImplementedError(f"{provider.__name__} does not implement an async method")
