"""What each request parameter means for a provider: description, valid range, unit, default.

``get_parameters(as_json=True)`` stays the spec's form template (spec 5.5), whose values are partly
*illustrations* (``seed: 42``, ``{"type": "json_object"}``). A form or a command that shows a user
"the default" needs the truth instead: the vendor's documented range and default, or "the
provider decides". This module is that truth, Qt-free, one table per vendor family, looked up by
the provider's own ``id`` along its class hierarchy (so OpenRouter inherits OpenAI's ranges unless
it has its own row, and a plugin gets the generic description of every parameter it names).

Sources: the vendors' API references (OpenAI Chat Completions, Anthropic Messages, Gemini
``GenerationConfig``, Ollama's Modelfile options). A default is only given where the vendor
documents one that does not depend on the model; otherwise it is ``None`` ("provider default").
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .i18n import N_, _
from .parameters import get_parameters
from .timeouts import DEFAULT_READ_TIMEOUT, READ_TIMEOUT_ENV

__all__ = [
    "ParameterInfo",
    "describe",
    "description",
    "format_default",
    "format_range",
    "parameter_info",
]


@dataclass(frozen=True)
class ParameterInfo:
    """One parameter as a user should see it. ``default`` None: the provider (or model) decides."""

    name: str
    description: str = ""
    minimum: float | None = None
    maximum: float | None = None
    unit: str = ""
    default: Any = None
    #: What the default means when a number alone would mislead ("no limit", "model's maximum").
    default_note: str = ""
    choices: tuple[str, ...] = ()
    #: A step for spin boxes: 0.1 for sampling knobs, 1 for counts.
    step: float | None = None

    @property
    def has_default(self) -> bool:
        return self.default is not None


_GENERIC: dict[str, ParameterInfo] = {
    info.name: info
    for info in (
        ParameterInfo(
            "temperature",
            N_(
                "Randomness of the answer: lower is more focused and repeatable, higher more "
                "varied."
            ),
            0.0,
            2.0,
            step=0.1,
        ),
        ParameterInfo(
            "top_p",
            N_(
                "Nucleus sampling: only the most likely words whose probabilities add up to this "
                "share are considered. Change this or temperature, not both."
            ),
            0.0,
            1.0,
            step=0.05,
        ),
        ParameterInfo(
            "top_k",
            N_("Only this many of the likeliest next tokens are considered."),
            1,
            None,
            step=1,
        ),
        ParameterInfo(
            "max_tokens",
            N_("The longest answer, in tokens; the answer stops there."),
            1,
            None,
            unit=N_("tokens"),
            step=1,
            default_note=N_("model's maximum"),
        ),
        ParameterInfo(
            "presence_penalty",
            N_("Positive values push the model towards topics it has not mentioned yet."),
            -2.0,
            2.0,
            step=0.1,
        ),
        ParameterInfo(
            "frequency_penalty",
            N_("Positive values make the model repeat the same words less often."),
            -2.0,
            2.0,
            step=0.1,
        ),
        ParameterInfo(
            "seed",
            N_(
                "The same seed with the same request gives the same answer where the service "
                "supports it (best effort)."
            ),
            0,
            None,
            step=1,
            default_note=N_("random"),
        ),
        ParameterInfo(
            "stop",
            N_('Text that ends the answer when the model writes it; a JSON list, e.g. ["END"].'),
        ),
        ParameterInfo(
            "reasoning_effort",
            N_(
                "How much a reasoning model thinks before answering: more is slower and costs more."
            ),
            choices=("minimal", "low", "medium", "high"),
        ),
        ParameterInfo(
            "response_format",
            N_('Ask for JSON: {"type": "json_object"}, or a schema with "json_schema".'),
        ),
        ParameterInfo(
            "timeout",
            N_(
                "Seconds to wait for each piece of the answer before giving up (also set by "
                "{variable})."
            ),
            1,
            None,
            unit=N_("seconds"),
            default=DEFAULT_READ_TIMEOUT,
            step=10,
        ),
        ParameterInfo(
            "total_timeout",
            N_("Seconds the whole answer may take, from sending to the last word."),
            1,
            None,
            unit=N_("seconds"),
            default_note=N_("no limit"),
            step=10,
        ),
        ParameterInfo(
            "thinking_budget",
            N_("Tokens the model may spend thinking before it answers."),
            0,
            None,
            unit=N_("tokens"),
            step=256,
        ),
        ParameterInfo(
            "num_ctx", N_("The context window, in tokens."), 1, None, unit=N_("tokens"), step=1024
        ),
        ParameterInfo("web_search", N_("Let the service search the web for the answer.")),
        ParameterInfo(
            "tools", N_("Functions the model may call; a JSON list of tool definitions.")
        ),
        ParameterInfo("n", N_("How many answers to generate."), 1, None, step=1),
        ParameterInfo(
            "max_retries", N_("How often a failed request is tried again."), 0, None, step=1
        ),
    )
}

#: Per vendor family: what differs from the generic row (keyword arguments of ``replace``).
_OPENAI: dict[str, dict[str, Any]] = {
    "temperature": {"default": 1.0},
    "top_p": {"default": 1.0},
    "presence_penalty": {"default": 0.0},
    "frequency_penalty": {"default": 0.0},
    "reasoning_effort": {"default": "medium"},
}
_LOCAL: dict[str, dict[str, Any]] = {  # the server and the loaded model decide
    "reasoning_effort": {"choices": ("low", "medium", "high")},
}
_FAMILIES: dict[str, dict[str, dict[str, Any]]] = {
    "openai": _OPENAI,
    "azure": _OPENAI,
    "openrouter": _OPENAI,
    "groq": {**_OPENAI, "reasoning_effort": {"choices": ("low", "medium", "high")}},
    "deepseek": {k: v for k, v in _OPENAI.items() if k != "reasoning_effort"},
    "xai": {**_OPENAI, "reasoning_effort": {"choices": ("low", "high"), "default": "low"}},
    "mistral": {"temperature": {"maximum": 1.5}, "top_p": {"default": 1.0}},
    "perplexity": {"temperature": {"default": 0.2}, "top_p": {"default": 0.9}},
    "together": {},
    "github": {},
    "lmstudio": _LOCAL,
    "llamacpp": _LOCAL,
    "vllm": _LOCAL,
    "custom": _LOCAL,
    "openwebui": _LOCAL,
    "anthropic": {
        "temperature": {"maximum": 1.0, "default": 1.0},
        "top_k": {"minimum": 0},
        "max_tokens": {"default": 4096, "default_note": ""},  # required: the provider sends it
        "reasoning_effort": {"choices": ("low", "medium", "high")},
    },
    "gemini": {
        "top_k": {"minimum": 1},
        "reasoning_effort": {"choices": ("low", "medium", "high")},
    },
    "ollama": {  # Ollama's documented option defaults (a model's Modelfile may change them)
        "temperature": {"default": 0.8},
        "top_p": {"default": 0.9},
        "top_k": {"default": 40},
        "max_tokens": {
            "description": N_("The longest answer, in tokens (Ollama's num_predict)."),
            "default_note": N_("no limit"),
        },
        "presence_penalty": {"default": 0.0},
        "frequency_penalty": {"default": 0.0},
        "num_ctx": {"default": 4096},
        "reasoning_effort": {"choices": ("low", "medium", "high")},
    },
}  # fmt: skip


def _family(cls: type) -> Mapping[str, dict[str, Any]]:
    """The first table along the class hierarchy whose provider ``id`` has one; else none."""
    for klass in cls.__mro__:
        own_id = klass.__dict__.get("id")
        if isinstance(own_id, str) and own_id.lower() in _FAMILIES:
            return _FAMILIES[own_id.lower()]
    return {}


def describe(cls: type, name: str, *, signature_default: Any = None) -> ParameterInfo:
    """What ``name`` means for provider ``cls`` (a bare row for a name nobody described)."""
    info = _GENERIC.get(name, ParameterInfo(name))
    changes = _family(cls).get(name)
    if changes:
        info = dataclasses.replace(info, **changes)
    if signature_default is not None:  # the provider's own code sends this when nothing is set
        info = dataclasses.replace(info, default=signature_default, default_note="")
    return info


def parameter_info(cls: type) -> dict[str, ParameterInfo]:
    """Every parameter ``get_parameters`` reports for ``cls``, described, in signature order."""
    result: dict[str, ParameterInfo] = {}
    for name, param in get_parameters(cls).items():
        default = None if param.default is inspect.Parameter.empty else param.default
        result[name] = describe(cls, name, signature_default=default)
    return result


def _number(value: float, *, whole: float = 10) -> str:
    """``300.0`` → ``300``; ``1.0`` stays ``1.0`` (a sampling value) unless ``whole`` is 0."""
    if isinstance(value, float) and value.is_integer() and abs(value) >= whole:
        return str(int(value))
    return str(value)


def description(info: ParameterInfo) -> str:
    """``info.description`` in the current language (``providers.i18n``)."""
    if not info.description:
        return ""
    return _(info.description).replace("{variable}", READ_TIMEOUT_ENV)


def format_range(info: ParameterInfo) -> str:
    """``0–2``, ``≥ 1 tokens``, ``low | medium | high`` or "" when anything goes."""
    unit = f" {_(info.unit)}" if info.unit else ""
    if info.choices:
        return " | ".join(info.choices)
    if info.minimum is not None and info.maximum is not None:
        return f"{_number(info.minimum, whole=0)}–{_number(info.maximum, whole=0)}{unit}"
    if info.minimum is not None:
        return f"≥ {_number(info.minimum, whole=0)}{unit}"
    if info.maximum is not None:
        return f"≤ {_number(info.maximum, whole=0)}{unit}"
    return unit.strip()


#: Units short enough for a field's placeholder ("default 300 s").
_SHORT_UNITS = {"seconds": N_("s"), "tokens": ""}


def format_default(info: ParameterInfo, *, short: bool = False) -> str:
    """``1.0``, ``4096 tokens``, or ``provider default (no limit)`` when the vendor decides;
    ``short``: the unit abbreviated for a small field (``300 s``, ``4096``). In the current
    language."""
    if info.default is None:
        if info.default_note:
            return _("provider default ({note})").format(note=_(info.default_note))
        return _("provider default")
    if isinstance(info.default, bool):
        return _("on") if info.default else _("off")
    unit_name = _SHORT_UNITS.get(info.unit, info.unit) if short else info.unit
    unit = f" {_(unit_name)}" if unit_name else ""
    value = info.default
    return f"{_number(value) if isinstance(value, int | float) else value}{unit}"
