"""Turning ``KEY=VALUE`` text into typed request parameters, checked against a provider.

Shared by the CLI (``--param``) and anything else that takes parameters as text. Qt-free.
"""

from __future__ import annotations

import json
import typing
from typing import Any

from providers.errors import ParameterError
from providers.types import BaseProvider

#: Keys the form never edits: the framework fills them in.
FIXED_KEYS = frozenset({"model", "messages", "stream", "provider", "media"})
#: Keys that hold secrets: never taken as text from a command line or a form field.
SECRET_KEYS = frozenset({"api_key"})
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def editable_parameters(provider: type[BaseProvider]) -> dict[str, Any]:
    """Name → resolved type of the parameters a user may set for this provider."""
    types_ = provider.get_parameter_types()  # type: ignore[attr-defined]
    return {name: kind for name, kind in types_.items() if name not in FIXED_KEYS}


def coerce(name: str, text: str, kind: Any) -> Any:
    """``text`` as a value of ``kind``; a ``ParameterError`` that names the parameter if not."""
    origin = typing.get_origin(kind) or kind
    try:
        if origin is bool:
            lowered = text.strip().lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
            raise ValueError
        if origin is int:
            return int(text)
        if origin is float:
            return float(text)
        if origin is str:
            return text
        if origin in (list, tuple, dict):
            try:
                value = json.loads(text)
            except ValueError:
                if origin is dict:
                    raise
                return [text]  # a single stop word needs no JSON
            if not isinstance(value, dict if origin is dict else list):
                raise ValueError
            return value
        try:
            return json.loads(text)
        except ValueError:
            return text
    except ValueError:
        expected = getattr(origin, "__name__", str(kind))
        example = {"bool": "true", "int": "512", "float": "0.7", "list": '["a","b"]',
                   "dict": '{"type":"json_object"}'}.get(expected, "...")  # fmt: skip
        raise ParameterError(
            f"Parameter {name!r} expects {expected}, not {text!r} (e.g. {name}={example})."
        ) from None


def parse_assignments(provider: type[BaseProvider], assignments: list[str]) -> dict[str, Any]:
    """``["temperature=0.2", ...]`` → ``{"temperature": 0.2}``, validated against the provider."""
    allowed = editable_parameters(provider)
    values: dict[str, Any] = {}
    for assignment in assignments:
        name, sep, text = assignment.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ParameterError(f"Write parameters as KEY=VALUE, not {assignment!r}.")
        if name in SECRET_KEYS:
            raise ParameterError(
                f"{name!r} is a secret and is never given on the command line: use the key "
                "variable or `roundtable keys set`."
            )
        if name == "media":
            raise ParameterError(
                "Attach files with --attach FILE (repeatable), not as a parameter."
            )
        if name not in allowed:
            settable = [key for key in allowed if key not in SECRET_KEYS]
            raise ParameterError(
                f"{name!r} is not a parameter of {provider.__name__}. "
                f"Its parameters: {', '.join(settable) or 'none'}."
            )
        values[name] = coerce(name, text, allowed[name])
    return values
