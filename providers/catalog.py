"""The built-in providers by id and label, without importing them: the list a window shows first.

Why: a vendor module brings httpx, the keyring and the chat machinery with it (~50 ms at start);
the provider picker needs only names. This table is the one list of built-in providers (the
registry imports the classes from the modules it names, in this order);
``tests/unit/test_registry.py`` checks that it matches the classes exactly (ids, labels, order),
so the two cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import N_

__all__ = ["BUILTIN", "Listed", "builtin_modules"]


@dataclass(frozen=True)
class Listed:
    """One built-in provider: its stable id, its label and the module whose ``PROVIDERS``
    list holds its class."""

    id: str
    label: str
    module: str


_OPENAI = "providers.vendors.openai"

#: In display order. A descriptive label is marked for translation (``registry.provider_label``
#: and ``listing`` translate it); its class carries the same English text.
BUILTIN: tuple[Listed, ...] = (
    Listed("openai", "OpenAI", _OPENAI),
    Listed("openrouter", "OpenRouter", _OPENAI),
    Listed("groq", "Groq", _OPENAI),
    Listed("deepseek", "DeepSeek", _OPENAI),
    Listed("mistral", "Mistral", _OPENAI),
    Listed("together", "Together AI", _OPENAI),
    Listed("xai", "xAI", _OPENAI),
    Listed("perplexity", "Perplexity", _OPENAI),
    Listed("github", "GitHub Models", _OPENAI),
    Listed("azure", "Azure OpenAI", _OPENAI),
    Listed("lmstudio", "LM Studio", _OPENAI),
    Listed("llamacpp", N_("llama.cpp server"), _OPENAI),
    Listed("vllm", "vLLM", _OPENAI),
    Listed("custom", N_("Custom OpenAI-compatible endpoint"), _OPENAI),
    Listed("anthropic", "Anthropic", "providers.vendors.anthropic"),
    Listed("gemini", "Google Gemini", "providers.vendors.gemini"),
    Listed("ollama", "Ollama", "providers.vendors.ollama"),
    Listed("openwebui", "Open WebUI", "providers.vendors.openwebui"),
    Listed("local", N_("Local model"), "providers.local.provider"),
)


def builtin_modules() -> tuple[str, ...]:
    """The modules holding the built-in providers, each once, in display order."""
    return tuple(dict.fromkeys(entry.module for entry in BUILTIN))
