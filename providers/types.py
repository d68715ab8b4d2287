"""Core types of the provider contract (spec sections 1 and 2)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from typing import IO, Any, ClassVar, Literal, NotRequired, TypeAlias, TypedDict, Union

from .response import ResponseType


class Message(TypedDict):
    """One chat message; ``content`` is text or a list of content parts."""

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[dict[str, Any]]
    tool_calls: NotRequired[list[dict[str, Any]]]
    tool_call_id: NotRequired[str]


Messages: TypeAlias = list[Message]
CreateResult: TypeAlias = Iterator[str | ResponseType]
AsyncResult: TypeAlias = AsyncIterator[str | ResponseType]
Cookies: TypeAlias = dict[str, str]
ImageType: TypeAlias = Union[str, bytes, IO[bytes], "os.PathLike[str]", Any]
MediaListType: TypeAlias = list[tuple[ImageType, str | None]]


class BaseProvider:
    """Abstract root of every provider. Providers are classes, never instantiated."""

    url: ClassVar[str | None] = None
    working: ClassVar[bool] = False
    needs_auth: ClassVar[bool] = False
    supports_stream: ClassVar[bool] = False
    supports_message_history: ClassVar[bool] = False
    supports_system_message: ClassVar[bool] = False
    active_by_default: ClassVar[bool | None] = None
    live: ClassVar[int] = 0

    @classmethod
    def get_create_function(cls) -> Any:
        raise NotImplementedError(f"{cls.__name__} does not implement get_create_function")

    @classmethod
    def get_async_create_function(cls) -> Any:
        raise NotImplementedError(f"{cls.__name__} does not implement get_async_create_function")

    @classmethod
    def get_dict(cls) -> dict[str, Any]:
        return {"name": cls.__name__, "url": cls.url, "label": getattr(cls, "label", None)}

    @classmethod
    def get_parent(cls) -> str:
        parent = getattr(cls, "parent", None)
        return parent if isinstance(parent, str) and parent else cls.__name__


class BaseRetryProvider(BaseProvider):
    """Marker base of retry groups (out of scope; kept for the type union)."""

    __name__ = "RetryProvider"
    supports_stream: ClassVar[bool] = True
    last_provider: ClassVar[type[BaseProvider] | None] = None
    use_stream_timeout: ClassVar[bool] = True


ProviderType: TypeAlias = type[BaseProvider] | BaseRetryProvider


class Streaming:
    """A tiny wrapper whose ``str()`` is its data."""

    def __init__(self, data: str) -> None:
        self.data = data

    def __str__(self) -> str:
        return self.data
