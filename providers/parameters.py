"""The parameter machinery: which request parameters a provider advertises, and how.

``get_parameters`` reads the signature of a provider's source method (spec section 4) and reports
the parameters named in ``SAFE_PARAMETERS``. ``as_json`` turns them into the settings-form template
of spec 5.5; ``parameter_types`` gives the resolved annotation the form and the CLI coerce with.
"""

from __future__ import annotations

import copy
import inspect
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .response import BaseConversation

PARAMS_NAMESPACE = "providers"

SAFE_PARAMETERS: list[str] = [
    "model", "messages", "stream", "timeout", "media", "response_format", "prompt",
    "negative_prompt", "tools", "conversation", "history_disabled", "temperature", "top_k",
    "top_p", "frequency_penalty", "presence_penalty", "max_tokens", "stop", "api_key", "seed",
    "width", "height", "max_retries", "web_search", "cache", "guidance_scale",
    "num_inference_steps", "randomize_seed", "safe", "enhance", "private", "aspect_ratio", "n",
    "transparent", "reasoning_effort",
]  # fmt: skip

#: [OURS] Reported besides the spec's list: ``total_timeout`` (seconds for one whole answer;
#: ``timeout`` is per read and cannot end a server that trickles or never stops).
EXTRA_PARAMETERS: list[str] = ["total_timeout"]

BASIC_PARAMETERS: dict[str, Any] = {
    "provider": None,
    "model": "",
    "messages": [],
    "stream": False,
    "timeout": 0,
    "response_format": None,
    "max_tokens": 4096,
    "stop": ["stop1", "stop2"],
}

PARAMETER_EXAMPLES: dict[str, Any] = {
    "proxy": "http://user:password@127.0.0.1:3128",
    "temperature": 1,
    "top_k": 1,
    "top_p": 1,
    "frequency_penalty": 1,
    "presence_penalty": 1,
    "messages": [{"role": "system", "content": ""}, {"role": "user", "content": ""}],
    "media": [["data:image/jpeg;base64,...", "filename.jpg"]],
    "response_format": {"type": "json_object"},
    "conversation": {
        "conversation_id": "550e8400-e29b-11d4-a716-...",
        "message_id": "550e8400-e29b-11d4-a716-...",
    },
    "seed": 42,
    "tools": [],
    "width": 1024,
    "height": 1024,
    "reasoning_effort": "medium",
    "aspect_ratio": "1:1",
}

_SAFE = frozenset(SAFE_PARAMETERS) | frozenset(EXTRA_PARAMETERS)
_SECRET_PARAMETERS = frozenset({"api_key"})
_HIDDEN_PARAMETERS = frozenset({"auth_result"})


class classproperty:  # noqa: N801 - reads like the builtin decorators it stands beside
    """A read-only property on the class itself (``@classmethod @property`` is gone in 3.13)."""

    def __init__(self, fget: Callable[[Any], Any]) -> None:
        self.fget = fget
        self.__doc__ = fget.__doc__

    def __get__(self, instance: object, owner: type) -> Any:
        return self.fget(owner)


def source_method(cls: type) -> Callable[..., Any]:
    """The method whose signature defines the provider's parameters (spec section 4)."""
    return getattr(cls, cls._parameter_source)  # type: ignore[attr-defined,no-any-return]


def get_parameters(cls: type) -> dict[str, inspect.Parameter]:
    """Safe parameters of the source method, in signature order."""
    signature = inspect.signature(source_method(cls))
    supports_stream = bool(getattr(cls, "supports_stream", False))
    return {
        name: param
        for name, param in signature.parameters.items()
        if name in _SAFE
        and name not in _HIDDEN_PARAMETERS
        and param.kind not in (param.VAR_POSITIONAL, param.VAR_KEYWORD)
        and (name != "stream" or supports_stream)
    }


def _strip_optional(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def resolve_annotation(annotation: Any, globalns: Mapping[str, Any]) -> Any:
    """The annotation as a real type with ``Optional`` removed, or ``None`` if unusable."""
    if annotation is inspect.Parameter.empty or annotation is Any:
        return None
    if isinstance(annotation, str):
        try:
            annotation = eval(annotation, dict(globalns))  # noqa: S307 - the provider's own code
        except Exception:
            return None
    return _strip_optional(annotation)


def parameter_types(cls: type) -> dict[str, Any]:
    """Resolved annotation of each reported parameter (``None`` when absent/unresolvable)."""
    globalns = getattr(source_method(cls), "__globals__", {})
    return {
        name: resolve_annotation(param.annotation, globalns)
        for name, param in get_parameters(cls).items()
    }


def placeholder_for(resolved: Any) -> Any:
    """The form value for a parameter known only by its type (spec 5.5, second table)."""
    origin = typing.get_origin(resolved) or resolved
    if not isinstance(origin, type):
        return None
    if origin is bool:
        return False
    if origin is int:
        return 0
    if origin is float:
        return 0.0
    if origin is str:
        return ""
    if origin is type(None) or issubclass(origin, (Mapping, BaseConversation)):
        return {}
    if issubclass(origin, (list, tuple)) or (
        issubclass(origin, Sequence) and not issubclass(origin, (str, bytes))
    ):
        return []
    return None


def as_json(cls: type) -> dict[str, Any]:
    """The settings-form template of spec 5.5: plain, JSON-serialisable, deep-copied values."""
    params = get_parameters(cls)
    types_ = parameter_types(cls)
    layered: dict[str, Any] = dict(BASIC_PARAMETERS)
    layered.update(params)
    layered.update(
        provider=cls.__name__,
        model=getattr(cls, "default_model", ""),
        stream=bool(getattr(cls, "supports_stream", False)),
    )
    result: dict[str, Any] = {}
    for name, item in layered.items():
        if name in _SECRET_PARAMETERS:
            value = None
        elif not isinstance(item, inspect.Parameter):
            value = item
        elif item.default is not inspect.Parameter.empty and item.default is not None:
            value = item.default
        elif name == "messages" and not getattr(cls, "supports_system_message", False):
            value = PARAMETER_EXAMPLES["messages"][-1:]
        elif name in PARAMETER_EXAMPLES:
            value = PARAMETER_EXAMPLES[name]
        else:
            value = placeholder_for(types_.get(name))
        result[name] = copy.deepcopy(value)
    return result


def _type_name(annotation: Any) -> str:
    if annotation is inspect.Parameter.empty:
        return ""
    return str(getattr(annotation, "__name__", annotation))


def render_params(cls: type) -> str:
    """The human-readable signature summary behind ``Provider.params`` (spec 5.6)."""
    text = f"{PARAMS_NAMESPACE}.{cls.__name__} supports: ("
    for name, param in get_parameters(cls).items():
        text += f"\n    {name}: {_type_name(param.annotation)}"
        if param.default is not inspect.Parameter.empty and name not in _SECRET_PARAMETERS:
            default = (
                getattr(cls, "default_model", param.default) if name == "model" else param.default
            )
            text += f' = "{default}"' if isinstance(default, str) else f" = {default}"
        text += ","
    return text + "\n)"
