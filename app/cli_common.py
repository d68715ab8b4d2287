"""What every ``roundtable`` command shares: exit codes, the usage error, provider and prompt.

Its own module so that each command module (``cli``, ``cli_compare``, ``cli_secrets``, ...) imports
it downward instead of importing ``cli``, which dispatches to them.
"""

from __future__ import annotations

import sys

from providers import registry
from providers.errors import ProviderNotFoundError
from providers.types import BaseProvider

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(Exception):
    """Bad input detected before any network access."""


def find_provider(name: str) -> type[BaseProvider]:
    """The provider registered as ``name``; an unknown name is a usage error listing the ids."""
    try:
        return registry.get_provider(name)
    except ProviderNotFoundError as error:
        raise UsageError(str(error)) from None


def read_prompt(prompt: str) -> str:
    """The prompt text; ``-`` reads it from stdin. An empty prompt is a usage error."""
    text = sys.stdin.read() if prompt == "-" else prompt
    if not text.strip():
        raise UsageError("The prompt is empty.")
    return text
