"""What the user can do about an error, said by whoever shows it.

A provider knows *what* went wrong ("No API key for OpenAI") and *what* would fix it (a key,
a base URL, more time), but not *where* the user fixes it: the command line has
``roundtable keys set`` and ``--base-url``, the window has its Credentials dialog and parameter
form. So an error carries a ``Remedy`` (and the environment variables that also work), and each
front end words it for its own place (``app.cli_common.error_text``, ``app.ui.error_text``).

``plain_reason`` turns an exception class into words, for messages that would otherwise show a
class name such as ``RemoteProtocolError``.
"""

from __future__ import annotations

import enum
import functools
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

from .i18n import N_, _
from .lazy import lazy_module

if TYPE_CHECKING:
    import ssl

    import httpx
else:  # to word a network error, which only exists once they are loaded
    httpx = lazy_module("httpx")
    ssl = lazy_module("ssl")

__all__ = ["Remedy", "advise", "carry_advice", "plain_reason", "remedy_command", "remedy_of"]

_E = TypeVar("_E", bound=BaseException)


class Remedy(enum.Enum):
    """What would fix an error (not where: that is the front end's to say)."""

    API_KEY = "api_key"  # store a key (or set one of ``variables``)
    BASE_URL = "base_url"  # give the service's address (or set one of ``variables``)
    TIMEOUT = "timeout"  # allow more time to wait for the answer
    MODEL = "model"  # choose another model (the service does not have this one)
    DEPLOYMENT = "deployment"  # give the deployment name as the model (Azure)
    SIGN_IN = "sign_in"  # sign in again (a login-based provider)


def advise(
    error: _E,
    remedy: Remedy,
    *,
    provider_id: str = "",
    variables: Sequence[str] = (),
    command: str = "",
) -> _E:
    """``error`` with what would fix it attached; returns it, for ``raise advise(...)``.

    ``variables``: environment variables that also fix it; ``command``: the exact command line
    when it needs more than the provider id (a sign-in's server and account)."""
    error.remedy = remedy  # type: ignore[attr-defined]
    error.remedy_provider = provider_id  # type: ignore[attr-defined]
    error.remedy_variables = tuple(variables)  # type: ignore[attr-defined]
    error.remedy_command = command  # type: ignore[attr-defined]
    return error


def remedy_of(error: BaseException) -> tuple[Remedy, str, tuple[str, ...]] | None:
    """``(remedy, provider id, variables)`` attached by ``advise``, or None."""
    remedy = getattr(error, "remedy", None)
    if not isinstance(remedy, Remedy):
        return None
    return remedy, getattr(error, "remedy_provider", ""), getattr(error, "remedy_variables", ())


def carry_advice(source: BaseException, target: _E) -> _E:
    """``target`` (an error rewritten from ``source``) with ``source``'s advice, if any."""
    for name in ("remedy", "remedy_provider", "remedy_variables", "remedy_command"):
        if hasattr(source, name):
            setattr(target, name, getattr(source, name))
    return target


def remedy_command(error: BaseException) -> str:
    """The command line ``advise`` was given (empty when the provider id is enough)."""
    return str(getattr(error, "remedy_command", "") or "")


@functools.cache
def _reasons() -> tuple[tuple[type[BaseException], str], ...]:
    """Most specific first: the first class the error is an instance of gives the words."""
    return (
        (
            httpx.RemoteProtocolError,
            N_("the server closed the connection in the middle of the answer"),
        ),
        (httpx.DecodingError, N_("the answer arrived damaged and could not be decoded")),
        (httpx.ReadError, N_("reading from the network failed")),
        (httpx.WriteError, N_("sending over the network failed")),
        (httpx.TimeoutException, N_("the network did not respond in time")),
        (httpx.NetworkError, N_("the network connection failed")),
        (httpx.TooManyRedirects, N_("the server redirected too many times")),
        (ssl.SSLError, N_("the secure (TLS) connection failed")),
        (ConnectionResetError, N_("the server reset the connection")),
        (ConnectionError, N_("the connection failed")),
        (TimeoutError, N_("it took too long")),
        (json.JSONDecodeError, N_("the service sent something that is not valid JSON")),
        (UnicodeError, N_("the service sent text that could not be read")),
        (MemoryError, N_("the computer ran out of memory")),
        (PermissionError, N_("a file or folder could not be used (permission denied)")),
        (FileNotFoundError, N_("a file it needs is missing")),
        (OSError, N_("the operating system reported an error")),
    )


def plain_reason(error: BaseException) -> str:
    """A few words for what kind of failure ``error`` is, never its class name."""
    for kind, words in _reasons():
        if isinstance(error, kind):
            return _(words)
    return _("an internal error")
