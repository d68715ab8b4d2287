"""Providers that log in: the cached-credentials flow of spec section 11.

The login result is cached in the keyring (``AuthFileMixin``); a rejected record triggers exactly
one login per request, and concurrent requests share one login.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import weakref
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

from .base import AsyncGeneratorProvider
from .credentials import CorruptSecretError
from .errors import CloudflareError, MissingAuthError, NoValidHarFileError
from .helpers import to_async_iterator, to_sync_generator
from .mixins import AuthCacheEntry, AuthFileMixin
from .response import AuthResult
from .types import AsyncResult, CreateResult, Messages

RELOGIN_ERRORS = (MissingAuthError, NoValidHarFileError, CloudflareError)

_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


def _login_lock(key: str) -> asyncio.Lock:
    """One lock per (running loop, record): an asyncio.Lock cannot move between loops."""
    per_loop = _locks.setdefault(asyncio.get_running_loop(), {})
    return per_loop.setdefault(key, asyncio.Lock())


def _jsonable(value: Any) -> Any:
    if hasattr(value, "get_dict"):
        return value.get_dict()
    return str(value)


class AsyncAuthedProvider(AsyncGeneratorProvider, AuthFileMixin):
    """A streaming provider whose requests need a login result (token, cookies, ...)."""

    _parameter_source: ClassVar[str] = "create_authed"
    supports_stream: ClassVar[bool] = True

    @classmethod
    def create_authed(
        cls, model: str, messages: Messages, auth_result: AuthResult, **kwargs: Any
    ) -> AsyncResult:
        """The real request; raises ``MissingAuthError`` before any content when rejected."""
        raise NotImplementedError(f"{cls.__name__} does not implement create_authed")

    @classmethod
    async def on_auth_async(cls, **kwargs: Any) -> AsyncIterator[Any]:
        """The login: yields progress chunks and, last, the ``AuthResult``."""
        if "api_key" not in kwargs:
            raise MissingAuthError(f"API key is required for {cls.__name__}")
        yield AuthResult()

    @classmethod
    def on_auth(cls, **kwargs: Any) -> Iterator[Any]:
        result = cls.on_auth_async(**kwargs)
        if inspect.iscoroutine(result):
            return iter([asyncio.run(result)])
        return to_sync_generator(result)

    @classmethod
    def get_auth_result(cls) -> AuthResult:
        entry = cls.get_cache_file()
        try:
            text = entry.read_text()
        except FileNotFoundError:
            raise MissingAuthError() from None
        except CorruptSecretError:
            entry.unlink(missing_ok=True)
            raise MissingAuthError(f"Invalid auth file: {entry}") from None
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if not isinstance(data, dict) or any(
            not isinstance(key, str) or key.startswith("_") for key in data
        ):
            entry.unlink(missing_ok=True)
            raise MissingAuthError(f"Invalid auth file: {entry}")
        return AuthResult(**data)

    @classmethod
    def write_cache_file(
        cls, cache_file: AuthCacheEntry, auth_result: AuthResult | None = None
    ) -> None:
        if auth_result is None:
            return
        try:
            text = json.dumps(auth_result.get_dict(), default=_jsonable, ensure_ascii=True)
        except (TypeError, ValueError) as error:
            # The type name only: the values are secrets.
            raise RuntimeError(
                f"Failed to save auth result of {cls.__name__}: {type(error).__name__}"
            ) from None
        cache_file.write_text(text)

    @classmethod
    def create_completion(  # type: ignore[override]
        cls, model: str, messages: Messages, **kwargs: Any
    ) -> CreateResult:
        return to_sync_generator(cls.create_async_generator(model, messages, **kwargs))

    @classmethod
    async def create_async_generator(  # type: ignore[override]
        cls, model: str, messages: Messages, **kwargs: Any
    ) -> AsyncResult:
        entry = cls.get_cache_file()
        failed_record: str | None = None
        streamed_text = False
        try:
            failed_record = _read_raw(entry)
            auth_result = cls.get_auth_result()
            async for chunk in to_async_iterator(
                cls.create_authed(model, messages, **kwargs, auth_result=auth_result)
            ):
                if isinstance(chunk, str) and chunk:
                    streamed_text = True
                yield chunk
            return
        except RELOGIN_ERRORS:
            if streamed_text:
                raise
        async with _login_lock(entry.key):
            current = _read_raw(entry)
            if current is not None and current != failed_record:
                # Another request logged in while we waited: use its record.
                async for chunk in to_async_iterator(
                    cls.create_authed(model, messages, **kwargs, auth_result=cls.get_auth_result())
                ):
                    yield chunk
                return
            entry.unlink(missing_ok=True)
            fresh: AuthResult | None = None
            async for chunk in to_async_iterator(cls.on_auth_async(**kwargs)):
                if isinstance(chunk, AuthResult):
                    fresh = chunk
                else:
                    yield chunk
            if fresh is None:
                raise MissingAuthError(f"{cls.__name__}: login did not return credentials")
            stored = False
            async for chunk in to_async_iterator(
                cls.create_authed(model, messages, **kwargs, auth_result=fresh)
            ):
                if not stored:
                    cls.write_cache_file(entry, fresh)
                    stored = True
                yield chunk


def _read_raw(entry: AuthCacheEntry) -> str | None:
    """The stored record's text, or ``None`` when absent or unreadable as a record."""
    try:
        return entry.read_text()
    except (FileNotFoundError, CorruptSecretError):
        return None
