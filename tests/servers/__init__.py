"""Loopback HTTP servers speaking each LLM vendor's wire format (contract: README.md).

They never import ``providers`` or ``app``: a server sharing code with the client it tests
proves nothing. Names are imported lazily so ``python -m tests.servers.<vendor>_server`` runs
its module exactly once.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .anthropic_server import AnthropicServer
    from .base import DEFAULT_KEY, MockServer
    from .gemini_server import GeminiServer
    from .image_host import ImageHostServer
    from .ollama_server import OllamaServer
    from .openai_server import OpenAIServer
    from .openwebui_server import OpenWebUIServer
    from .scenario import Drop, Error, Models, Pour, Raw, RecordedRequest, Stall, Stream

_EXPORTS = {
    "AnthropicServer": "anthropic_server",
    "DEFAULT_KEY": "base",
    "Drop": "scenario",
    "Error": "scenario",
    "GeminiServer": "gemini_server",
    "ImageHostServer": "image_host",
    "MockServer": "base",
    "Models": "scenario",
    "OllamaServer": "ollama_server",
    "OpenAIServer": "openai_server",
    "OpenWebUIServer": "openwebui_server",
    "Pour": "scenario",
    "Raw": "scenario",
    "RecordedRequest": "scenario",
    "Stall": "scenario",
    "Stream": "scenario",
}
__all__ = [
    "DEFAULT_KEY",
    "AnthropicServer",
    "Drop",
    "Error",
    "GeminiServer",
    "ImageHostServer",
    "MockServer",
    "Models",
    "OllamaServer",
    "OpenAIServer",
    "OpenWebUIServer",
    "Pour",
    "Raw",
    "RecordedRequest",
    "Stall",
    "Stream",
]


def __getattr__(name: str) -> Any:
    """Import exported names on first use."""
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
