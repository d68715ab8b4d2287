"""keyring's Secret Service backend on one long-lived D-Bus connection per process.

Why: keyring's own backend opens a new D-Bus connection for every call (and one more each time
its priority is checked) and closes it at once. gnome-keyring-daemon (seen with 42 to 50) has a
race on such short-lived clients: a request from a connection it has not registered as a client
yet, or no longer, hits ``gkd_secret_service_get_pkcs11_session: assertion 'client' failed`` and
then GLib's fatal ``invoke_get_property_in_idle_cb: assertion failed: (error != NULL)`` - the
daemon aborts and every keyring call of the desktop session fails until it is restarted. Several
threads connecting at once make it likely (our test suite aborted it within seconds). One
connection, reused and serialized by a lock, is never a new client after the first call.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast

import secretstorage
from keyring.backend import KeyringBackend
from keyring.backends import SecretService
from keyring.errors import InitError, KeyringLocked

_T = TypeVar("_T")

__all__ = ["SharedConnectionKeyring", "shared", "shared_connection"]

# jeepney's blocking connection is not thread-safe: every use of the shared one holds this lock.
_LOCK = threading.RLock()
_connection: Any = None  # jeepney.io.blocking.DBusConnection (untyped)
_connection_pid = 0


class _KeptConnection:
    """The shared connection as handed to secretstorage: keyring closes it after every call,
    which must not close the shared one."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)

    def close(self) -> None:
        """Kept open on purpose (see the module docstring)."""


def shared_connection() -> Any:
    """The process's Secret Service connection (opened on first use, again after a fork or a
    broken socket), never closed by keyring. Call with the lock held."""
    global _connection, _connection_pid
    if _connection is None or _connection_pid != os.getpid():
        _connection = secretstorage.dbus_init()
        _connection_pid = os.getpid()
    return _KeptConnection(_connection)


def _drop_connection() -> None:
    """Forget a connection that failed; the next call opens a fresh one."""
    global _connection
    if _connection is not None and _connection_pid == os.getpid():
        with contextlib.suppress(OSError):
            _connection.close()
    _connection = None


class SharedConnectionKeyring(SecretService.Keyring):
    """keyring's SecretService backend, but every call reuses the process's one connection."""

    # keyring registers every backend subclass: the inherited priority (which checks that a
    # Secret Service is reachable) keeps this one from being picked where there is none.

    def get_preferred_collection(self) -> Any:
        """keyring's own logic (same errors), on the shared connection."""
        with _LOCK:
            bus = shared_connection()
            try:
                if hasattr(self, "preferred_collection"):
                    collection = secretstorage.Collection(bus, self.preferred_collection)
                else:
                    collection = secretstorage.get_default_collection(bus)
            except secretstorage.exceptions.SecretStorageException as exc:
                raise InitError(f"Failed to create the collection: {exc}.") from exc
            if collection.is_locked():
                collection.unlock()
                if collection.is_locked():  # the user dismissed the prompt
                    raise KeyringLocked("Failed to unlock the collection!")
            return collection

    def _serialized(self, action: Callable[..., _T], *args: Any) -> _T:
        with _LOCK:
            try:
                return action(*args)
            except (OSError, EOFError):  # the socket broke: never reuse it
                _drop_connection()
                raise

    def get_password(self, service: str, username: str) -> str | None:
        return cast("str | None", self._serialized(super().get_password, service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._serialized(super().set_password, service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        self._serialized(super().delete_password, service, username)

    def get_credential(self, service: str, username: str | None) -> Any:
        return self._serialized(super().get_credential, service, username)


def shared(backend: KeyringBackend) -> KeyringBackend:
    """`backend` on the shared connection if it is keyring's Secret Service backend, else as is."""
    if type(backend) is not SecretService.Keyring:
        return backend
    replacement = SharedConnectionKeyring()  # type: ignore[no-untyped-call]
    replacement.__dict__.update(backend.__dict__)  # scheme, preferred_collection, ...
    return replacement
