"""The ``local`` provider: GGUF models run in-process by llama-cpp-python.

Its models are the installed ones (``ModelStore``); ``-m`` also takes a path to a .gguf file.
The runtime is imported only when a model is first used, so listing models and building the
settings form work without it.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from ..base import AsyncGeneratorProvider
from ..helpers import filter_none, to_string
from ..mixins import ProviderModelMixin
from ..parameters import classproperty
from ..types import AsyncResult, Messages
from .errors import ModelNotInstalledError
from .models import ModelStore, install_hint, runtime_available
from .runtime import default_runtime

_ROLES = {"developer": "system", "tool": "user"}


class InstalledModels(ProviderModelMixin):
    """``models`` and ``default_model`` read from the disk on each access (files come and go),
    so they are properties, not caches: nothing to refresh or invalidate."""

    store_factory: ClassVar[type[ModelStore]] = ModelStore

    @classmethod
    def store(cls) -> ModelStore:
        return cls.store_factory()

    @classproperty
    def models(cls) -> list[str]:  # type: ignore[override]  # noqa: N805
        return [model.name for model in cls.store().list_models()]  # type: ignore[attr-defined]

    @classproperty
    def default_model(cls) -> str | None:  # type: ignore[override]  # noqa: N805
        model = cls.store().default_model()  # type: ignore[attr-defined]
        return model.name if model else None


class Local(AsyncGeneratorProvider, InstalledModels):
    """Models on this computer: private, offline, no key."""

    id = "local"
    label = "Local model"
    url = "https://github.com/abetlen/llama-cpp-python"
    working = True
    needs_auth = False
    supports_stream = True
    supports_message_history = True
    supports_system_message = True

    @classmethod
    def get_models(cls, api_key: str | None = None, **kwargs: Any) -> list[str]:
        return list(cls.models)

    @classmethod
    async def get_models_async(cls, api_key: str | None = None, **kwargs: Any) -> list[str]:
        """Off the event loop: listing reads every model file's header from the disk."""
        return await asyncio.to_thread(cls.get_models, api_key=api_key, **kwargs)

    @classmethod
    def get_model(cls, model: str | None, **kwargs: Any) -> str:
        """An installed model's name or a .gguf path; empty means the default model."""
        if model:
            return model
        default = cls.default_model
        if not default:
            raise ModelNotInstalledError(
                "No local model is installed. "
                + (
                    "Add a .gguf file with `roundtable local add PATH-OR-URL`."
                    if runtime_available()
                    else install_hint()
                )
            )
        return str(default)

    @classmethod
    async def create_async_generator(  # type: ignore[override]
        cls,
        model: str,
        messages: Messages,
        stream: bool = True,
        temperature: float | None = None,
        top_p: float | None = None,
        top_k: int | None = None,
        max_tokens: int | None = None,
        stop: list[str] | None = None,
        seed: int | None = None,
        presence_penalty: float | None = None,
        frequency_penalty: float | None = None,
        **kwargs: Any,
    ) -> AsyncResult:
        chosen = cls.store().find(cls.get_model(model))
        turns = [
            {"role": _ROLES.get(str(m.get("role")), str(m.get("role") or "user")),
             "content": to_string(m.get("content"))}
            for m in messages
        ]  # fmt: skip
        options = filter_none(
            temperature=temperature, top_p=top_p, top_k=top_k,
            max_tokens=max_tokens or None,  # 0: the form left it unset
            stop=stop or None, seed=seed,
            presence_penalty=presence_penalty, frequency_penalty=frequency_penalty,
        )  # fmt: skip
        async for chunk in default_runtime().stream(chosen, turns, options):
            yield chunk


PROVIDERS: list[type[Local]] = [Local]
