"""The secret store for the UI: every keyring call runs in a worker thread.

Keyring calls can block on D-Bus (an unlock prompt, a slow daemon), so the window never makes them
on its own thread; it awaits these wrappers on the qasync loop. Failures are
``SecretStoreError`` with a message that says what to install or unlock; there is never a
plaintext fallback.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from providers.errors import SecretStoreError
from providers.types import BaseProvider

if TYPE_CHECKING:
    from providers.credentials import SecretStore

log = logging.getLogger(__name__)

__all__ = [
    "SecretStoreError",
    "check",
    "credential_status",
    "delete_field",
    "get_field",
    "has_api_key_field",
    "is_login_provider",
    "is_signed_in",
    "masked_field",
    "masked_proxy",
    "proxy_secret",
    "request_secrets",
    "resolve_api_key",
    "set_field",
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


def is_login_provider(provider: type[BaseProvider]) -> bool:
    """Providers that sign in with an email and a password (``login_async``)."""
    return callable(getattr(provider, "login_async", None))


def has_api_key_field(provider: type[BaseProvider]) -> bool:
    """Whether the provider takes an API key at all (a parameter or its own key lookup)."""
    if callable(getattr(provider, "resolve_api_key", None)):
        return True
    get_parameters = getattr(provider, "get_parameters", None)
    return callable(get_parameters) and "api_key" in get_parameters()


def _env_key(provider: type[BaseProvider]) -> bool:
    names: Iterable[Any] = getattr(provider, "api_key_env", ()) or ()
    return any(isinstance(name, str) and os.environ.get(name) for name in names)


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
    if _field_key(provider_id, API_KEY) in names:
        return True
    record = _login_record(provider)
    return record is not None and record in names


async def resolve_api_key(provider: type[BaseProvider], provider_id: str) -> str | None:
    """The key a request should use, looked up off the GUI thread; None when there is none.

    Providers with their own lookup (explicit → environment → keyring) keep their order; others
    get the keyring's value. An unusable keyring counts as "no key" here: the request then fails
    with the provider's own "no API key" message, and the credentials dialog says why.
    """
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
    """A proxy URL with a password, which lives in the keyring rather than the settings file."""
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
