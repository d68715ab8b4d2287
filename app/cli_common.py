"""What every ``roundtable`` command shares: exit codes, the usage error, provider and prompt.

Its own module so that each command module (``cli``, ``cli_compare``, ``cli_secrets``, ...) imports
it downward instead of importing ``cli``, which dispatches to them.
"""

from __future__ import annotations

import sys

from providers import registry
from providers.advice import Remedy, plain_reason, remedy_command, remedy_of
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


def error_text(error: BaseException) -> str:
    """An error as the command line says it: what happened, then the command that fixes it."""
    text = str(error) or f"{plain_reason(error)[:1].upper()}{plain_reason(error)[1:]}."
    advice = remedy_of(error)
    if advice is None:
        return text
    remedy, provider_id, variables = advice
    either = " or ".join(variables)
    if remedy is Remedy.API_KEY:
        hint = f"Set {either} or run" if either else "Run"
        hint += (
            f" `roundtable keys set -p {provider_id}`."
            if provider_id
            else " `roundtable keys set`."
        )
    elif remedy is Remedy.BASE_URL:
        hint = "Pass --base-url URL" + (f" or set {either}." if either else ".")
    elif remedy is Remedy.TIMEOUT:
        hint = "Pass --param timeout=SECONDS" + (f" or set {either}=SECONDS." if either else ".")
    elif remedy is Remedy.MODEL:
        hint = f"Pick another model: `roundtable models -p {provider_id}` lists them."
    elif remedy is Remedy.SIGN_IN:
        command = remedy_command(error) or f"roundtable login -p {provider_id} --user EMAIL"
        hint = f"Run `{command}`."
    else:
        hint = "Give the deployment name as the model (-m DEPLOYMENT)."
    return f"{text} {hint}"


def read_prompt(prompt: str) -> str:
    """The prompt text; ``-`` reads it from stdin. An empty prompt is a usage error."""
    text = sys.stdin.read() if prompt == "-" else prompt
    if not text.strip():
        raise UsageError("The prompt is empty.")
    return text
