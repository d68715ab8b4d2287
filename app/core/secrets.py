"""The secret store for the UI: every keyring call runs in a worker thread.

Keyring calls can block on D-Bus (an unlock prompt, a slow daemon), so the window never makes them
on its own thread; it awaits these wrappers on the qasync loop. Failures are
``SecretStoreError`` with a message that says what to install or unlock; there is never a
plaintext fallback. Without a keyring, a key can still be kept for this run only
(``keep_for_session``, in memory): lookups here consult it too.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from providers.errors import SecretStoreError
from providers.lazy import lazy_module
from providers.types import BaseProvider

from .session_keys import SESSION_KEYS

if TYPE_CHECKING:  # loaded with the app's loop, after the window's first paint (``tasks``)
    import asyncio
else:
    asyncio = lazy_module("asyncio")


if TYPE_CHECKING:
    from providers.credentials import SecretStore

log = logging.getLogger(__name__)

__all__ = [
    "SecretStoreError",
    "api_key_variables",
    "check",
    "credential_status",
    "delete_field",
    "env_key_names",
    "forget_for_session",
    "get_field",
    "has_api_key_field",
    "is_login_provider",
    "is_session_only",
    "is_signed_in",
    "keep_for_session",
    "masked_field",
    "masked_proxy",
    "proxy_secret",
    "request_secrets",
    "resolve_api_key",
    "set_field",
    "storage_label",
    "stored_names",
]

# The store's field names (``providers.credentials.API_KEY``); spelled here so that importing
# this module does not import keyring, which the window needs only after its first paint.
API_KEY = "api_key"
PROXY = "proxy"


def _store() -> SecretStore:
    from providers import credentials

    return credentials.default_store()


async def _call(method: str, *args: Any) -> Any:
    """``default_store().<method>(*args)`` in a worker thread (keyring is imported there too)."""
    return await asyncio.to_thread(lambda: getattr(_store(), method)(*args))


def _field_key(provider_id: str, field: str) -> str:
    from providers import credentials

    return credentials.field_key(provider_id, field)


def _mask(value: str | None) -> str:
    from providers import credentials

    return credentials.mask_secret(value)


async def get_field(provider_id: str, field: str) -> str | None:
    value: str | None = await _call("get_field", provider_id, field)
    return value


async def set_field(provider_id: str, field: str, value: str) -> None:
    await _call("set_field", provider_id, field, value)


async def delete_field(provider_id: str, field: str) -> bool:
    return bool(await _call("delete_field", provider_id, field))


async def masked_field(provider_id: str, field: str) -> str:
    """The stored value in its masked form (``sk-…a1B2``), or "" when nothing is stored."""
    return _mask(await get_field(provider_id, field))


async def stored_names() -> set[str]:
    """Every key in the store's index (one keyring round trip for all providers)."""
    return set(await _call("names"))


async def check() -> None:
    """Raise ``SecretStoreError`` now if no secure keyring is usable."""
    await _call("check")


async def storage_label() -> str | None:
    """Where saved keys go (the keyring's name), or None when no keyring works (keys are then
    kept in memory for one run)."""
    try:
        return str(await _call("backend_label"))
    except SecretStoreError as error:
        log.debug("no keyring: %s", error)
        return None


def is_login_provider(provider: type[BaseProvider]) -> bool:
    """Providers that sign in with an email and a password (``login_async``)."""
    return callable(getattr(provider, "login_async", None))


def has_api_key_field(provider: type[BaseProvider]) -> bool:
    """Whether the provider takes an API key at all (a parameter or its own key lookup)."""
    if callable(getattr(provider, "resolve_api_key", None)):
        return True
    get_parameters = getattr(provider, "get_parameters", None)
    return callable(get_parameters) and "api_key" in get_parameters()


def api_key_variables(provider: type[BaseProvider]) -> list[str]:
    """The environment variables the provider reads its key from (its ``api_key_env``)."""
    names: Iterable[Any] = getattr(provider, "api_key_env", ()) or ()
    return [name for name in names if isinstance(name, str) and name]


def env_key_names(provider: type[BaseProvider]) -> list[str]:
    """Those of the provider's key variables that are set now (names only, never values)."""
    return [name for name in api_key_variables(provider) if os.environ.get(name)]


def _env_key(provider: type[BaseProvider]) -> bool:
    return bool(env_key_names(provider))


def keep_for_session(provider_id: str, field: str, value: str) -> None:
    """Keep a secret in memory until the app quits (no keyring to save it in)."""
    SESSION_KEYS.set(provider_id, field, value)


def forget_for_session(provider_id: str, field: str) -> bool:
    return SESSION_KEYS.delete(provider_id, field)


def is_session_only(provider_id: str, field: str = API_KEY) -> bool:
    """Whether this run holds the secret in memory only (it was not saved)."""
    return SESSION_KEYS.has(provider_id, field)


def _login_record(provider: type[BaseProvider]) -> str | None:
    get_cache_file = getattr(provider, "get_cache_file", None)
    if not callable(get_cache_file):
        return None
    key = getattr(get_cache_file(), "key", None)
    return key if isinstance(key, str) else None


def credential_status(provider: type[BaseProvider], provider_id: str, names: set[str]) -> bool:
    """True when the provider can be used as is: it needs no key, or one is available.

    ``names`` comes from ``stored_names()``, so checking every provider costs no keyring call.
    """
    if not getattr(provider, "needs_auth", False):
        return True
    if _env_key(provider):
        return True
    if _field_key(provider_id, API_KEY) in names or is_session_only(provider_id):
        return True
    record = _login_record(provider)
    return record is not None and record in names


async def resolve_api_key(provider: type[BaseProvider], provider_id: str) -> str | None:
    """The key a request should use, looked up off the GUI thread; None when there is none.

    Providers with their own lookup (explicit → environment → keyring) keep their order; others
    get the keyring's value. A key kept for this run only comes after the environment and before
    the keyring (it exists because the keyring could not be used). An unusable keyring counts as
    "no key" here: the request then fails with the provider's own "no API key" message, and the
    credentials dialog says why.
    """
    session = SESSION_KEYS.get(provider_id, API_KEY)
    if session and not _env_key(provider):
        return session
    resolve = getattr(provider, "resolve_api_key", None)
    try:
        if callable(resolve):
            value = await asyncio.to_thread(resolve, None)
        else:
            value = await get_field(provider_id, API_KEY)
    except SecretStoreError as error:
        log.debug("keyring unavailable for %s: %s", provider_id, error)
        return None
    return value if isinstance(value, str) and value else None


async def proxy_secret(provider_id: str) -> str | None:
    """A proxy URL with a password, which lives in the keyring (or in memory for this run)
    rather than the settings file."""
    session = SESSION_KEYS.get(provider_id, PROXY)
    if session:
        return session
    try:
        return await get_field(provider_id, PROXY)
    except SecretStoreError as error:
        log.debug("keyring unavailable for %s proxy: %s", provider_id, error)
        return None


async def masked_proxy(provider_id: str) -> str:
    """The keyring's proxy URL with its password hidden, or ""."""
    value = await proxy_secret(provider_id)
    if not value:
        return ""
    parts = urlsplit(value)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    user = f"{parts.username}:•••@" if parts.username else "•••@"
    return f"{parts.scheme}://{user}{host}{port}"


async def is_signed_in(provider: type[BaseProvider]) -> bool:
    """Whether a login provider holds a session record in the keyring."""
    record = _login_record(provider)
    if record is None:
        return False
    return await _call("get", record) is not None


async def request_secrets(provider: type[BaseProvider], provider_id: str) -> dict[str, str]:
    """The secret keyword arguments of one request (``api_key``, a proxy with a password),
    looked up when the request starts and never kept."""
    found: dict[str, str] = {}
    key = await resolve_api_key(provider, provider_id)
    if key:
        found["api_key"] = key
    proxy = await proxy_secret(provider_id)
    if proxy:
        found["proxy"] = proxy
    return found
