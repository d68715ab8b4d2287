"""Loopback HTTP servers speaking each LLM vendor's wire format (contract: README.md).

They never import ``providers`` or ``app``: a server sharing code with the client it tests
proves nothing.
"""

from .anthropic_server import AnthropicServer
from .base import DEFAULT_KEY, MockServer
from .gemini_server import GeminiServer
from .ollama_server import OllamaServer
from .openai_server import OpenAIServer
from .openwebui_server import OpenWebUIServer
from .scenario import Drop, Error, Models, Raw, RecordedRequest, Stall, Stream

__all__ = [
    "DEFAULT_KEY",
    "AnthropicServer",
    "Drop",
    "Error",
    "GeminiServer",
    "MockServer",
    "Models",
    "OllamaServer",
    "OpenAIServer",
    "OpenWebUIServer",
    "Raw",
    "RecordedRequest",
    "Stall",
    "Stream",
]
