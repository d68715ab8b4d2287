"""Mixins: model lists and lookup, error-body mapping, and the keyring-backed auth cache."""

from __future__ import annotations

import logging
import random
from typing import Any, ClassVar

from . import credentials
from .errors import (
    BadRequestError,
    MissingAuthError,
    ModelNotSupportedError,
    PaymentRequiredError,
    RateLimitError,
    ResponseError,
)

log = logging.getLogger(__name__)


class ProviderModelMixin:
    """Model list, default model and aliases; ``get_model`` resolves and validates a name.

    Subclasses assign their own containers; the framework never mutates these shared defaults.
    """

    default_model: ClassVar[str | None] = None
    models: ClassVar[list[str]] = []
    model_aliases: ClassVar[dict[str, str | list[str]]] = {}
    models_count: ClassVar[dict[str, int]] = {}
    image_models: ClassVar[list[str]] = []
    vision_models: ClassVar[list[str]] = []
    video_models: ClassVar[list[str]] = []
    audio_models: ClassVar[dict[str, Any]] = {}
    last_model: ClassVar[str | None] = None

    @classmethod
    def get_models(cls, api_key: str | None = None, **kwargs: Any) -> list[str]:
        if not cls.models and cls.default_model is not None:
            return [cls.default_model]
        return cls.models

    @classmethod
    async def get_models_async(cls, api_key: str | None = None, **kwargs: Any) -> list[str]:
        """The app's entry point; network-listing providers override it with async I/O."""
        return cls.get_models(api_key=api_key, **kwargs)

    @classmethod
    def get_model(cls, model: str | None, **kwargs: Any) -> str:
        if not model and cls.default_model is not None:
            model = cls.default_model
        name = model or ""
        if name in cls.model_aliases:
            target = cls.model_aliases[name]
            if isinstance(target, list):
                chosen = random.choice(target)
                log.debug("%s: Selected model '%s' from alias '%s'", cls.__name__, chosen, name)
            else:
                chosen = target
                log.debug("%s: Using model '%s' for alias '%s'", cls.__name__, chosen, name)
            name = chosen
        else:
            valid = cls.get_models(**kwargs)
            if cls.models and name not in valid:
                raise ModelNotSupportedError(
                    f"Model is not supported: {name} in: {cls.__name__} Valid models: {cls.models}"
                )
        cls.last_model = name
        return name


def _error_message(data: dict[str, Any]) -> str | None:
    if "error_message" in data:
        return str(data["error_message"])
    error = data.get("error")
    if error is None or error is False:
        return None
    if isinstance(error, str):
        return error
    if error is True:
        return str(data)
    if isinstance(error, dict):
        if error.get("code"):
            message = f"Error {error['code']}: {error.get('message')}"
            if error.get("failed_generation") is not None:
                message += f"\n{error['failed_generation']}"
            return message
        if "message" in error:
            return str(error["message"])
    return str(error) if error else None


class RaiseErrorMixin:
    """Turns a decoded error body into the matching exception (spec section 9)."""

    @staticmethod
    def raise_error(data: dict[str, Any], status: int | None = None) -> None:
        if not isinstance(data, dict):
            return None
        message = _error_message(data)
        if message is None:
            return None
        if status == 401:
            raise MissingAuthError(f"Error 401: {message}")
        if status == 402:
            raise PaymentRequiredError(f"Error 402: {message}")
        if status == 400:
            raise BadRequestError(f"Error 400: {message}", status)
        if status == 429:
            raise RateLimitError(f"Error 429: {message}", status)
        if status is not None:
            raise ResponseError(f"Error {status}: {message}")
        raise ResponseError(f"Error: {message}")


class AuthCacheEntry:
    """Stands for a provider's cached login record, kept in the keyring (never in a file).

    Same surface as the reference's ``Path`` (``exists``, ``read_text``, ``write_text``,
    ``unlink``); its string form names the record, never its content.
    """

    def __init__(self, label: str) -> None:
        self.name = f"auth_{label}.json"
        self.key = f"auth_{label}"

    def exists(self) -> bool:
        return credentials.default_store().get(self.key) is not None

    def read_text(self) -> str:
        text = credentials.default_store().get(self.key)
        if text is None:
            raise FileNotFoundError(str(self))
        return text

    def write_text(self, text: str) -> None:
        credentials.default_store().set(self.key, text)

    def unlink(self, missing_ok: bool = False) -> None:
        if not credentials.default_store().delete(self.key) and not missing_ok:
            raise FileNotFoundError(str(self))

    def __str__(self) -> str:
        return f"keyring://roundtable/{self.key}"

    __repr__ = __str__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AuthCacheEntry) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)


class AuthFileMixin:
    """Where a provider's login is cached: one keyring record per provider family."""

    @classmethod
    def get_cache_file(cls) -> AuthCacheEntry:
        parent = getattr(cls, "parent", None)
        return AuthCacheEntry(parent if isinstance(parent, str) and parent else cls.__name__)
