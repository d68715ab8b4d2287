"""Secrets (API keys, login tokens, passwords, cookies) in the operating system's keyring.

This is the only module of Roundtable that reads or writes secrets. Everything else asks it, so the
rules live in one place:

- Secrets go only to a secure keyring backend (Secret Service / KWallet, macOS Keychain, Windows
  Credential Manager). keyring's fail and null backends, keyrings.alt's file backends and anything
  keyring itself does not recommend (priority < 1) are refused with a `SecretStoreError` that says
  what to install or unlock. There is never a fallback to a file.
- Long values are split into parts of at most 1000 characters (spec `base_provider.md` section 10),
  because Windows Credential Manager rejects blobs over 2560 bytes and keyring does not split.
- Keyring backends cannot list their entries, so the store keeps an index of its names in the
  keyring itself (entry ``__index__``).
- No secret value ever appears in an exception message, a log record or a repr.

Calls can block on D-Bus: the UI must call them off the GUI thread (``asyncio.to_thread``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sys
import threading
from collections.abc import Callable
from typing import Final, TypeVar

# keyring: one maintained API over every OS keyring (Secret Service, KWallet, Keychain, Windows).
import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

from providers.errors import NoKeyringError, SecretStoreError

from .i18n import N_, _

try:  # keyring brings SecretStorage on Linux only
    from providers.secret_service import shared as _shared_connection
except ImportError:  # pragma: no cover - macOS / Windows

    def _shared_connection(backend: KeyringBackend) -> KeyringBackend:
        return backend


__all__ = [
    "API_KEY",
    "CHUNK_SIZE",
    "COOKIES",
    "DEFAULT_SERVICE",
    "DISABLED_MESSAGE",
    "LOCKED_MESSAGE",
    "LOGIN_TOKEN",
    "NO_KEYRING_MESSAGE",
    "PASSWORD",
    "REFRESH_TOKEN",
    "CorruptSecretError",
    "SecretStore",
    "SecretStoreError",
    "default_store",
    "field_key",
    "mask_secret",
    "set_default_store",
]

log = logging.getLogger(__name__)

DEFAULT_SERVICE: Final = "roundtable"
"""The keyring service name every Roundtable secret is stored under."""

CHUNK_SIZE: Final = 1000
"""Longest value stored in one keyring entry; longer values are split into parts this long.

Counted in UTF-16 code units, which equals the character count except for characters outside the
Basic Multilingual Plane (emoji): so no entry exceeds 2000 bytes as UTF-16, under Windows
Credential Manager's 2560-byte limit, whatever the text.
"""

# Well-known field names for the per-provider helpers (key format "{provider_id}:{field}").
API_KEY: Final = "api_key"
LOGIN_TOKEN: Final = "login_token"  # noqa: S105 - a field name, not a secret
REFRESH_TOKEN: Final = "refresh_token"  # noqa: S105
PASSWORD: Final = "password"  # noqa: S105
COOKIES: Final = "cookies"

_INDEX_KEY: Final = "__index__"
_PART_SEPARATOR: Final = "#"
_FIELD_SEPARATOR: Final = ":"
_MAX_KEY_LENGTH: Final = 200
# Main-entry forms: "chunked:{n}:{sha256}" points at parts; "plain:{value}" escapes a value that
# itself starts with one of these prefixes; anything else is the value as is (the common case,
# so a key stays readable in Seahorse or KWallet Manager).
_CHUNK_PREFIX: Final = "chunked:"
_ESCAPE_PREFIX: Final = "plain:"
_CHUNK_HEADER = re.compile(r"chunked:([1-9][0-9]{0,6}):([0-9a-f]{64})")
# Backends that keep secrets in files: keyrings.alt (module "alt", "file", "file_base", ...),
# keyrings.cryptfile, and classes named like keyrings.alt's PlaintextKeyring.
_FILE_MODULE = re.compile(r"^alt$|(?:^|_|crypt)files?(?:$|_)|plaintext")
_FILE_CLASS = re.compile(r"Plaintext|File(?![a-z])")

# Each message is English source text marked for gettext (N_) and translated when it is raised
# (``_refusal``, ``_guarded``), so the window and the CLI say it in the user's language; the
# constants stay English. What to do on this platform is a sentence of its own, so that the
# translations need not splice a clause into the middle of another sentence.
if sys.platform == "win32":
    _INSTALL_HINT = N_(
        "Make sure Windows Credential Manager is available for your user account, then try again."
    )
elif sys.platform == "darwin":
    _INSTALL_HINT = N_("Make sure the macOS login Keychain exists and is unlocked, then try again.")
else:
    _INSTALL_HINT = N_(
        "Install and start a Secret Service (GNOME Keyring or KWallet) and unlock it, "
        "then try again."
    )

_NO_KEYRING: Final = N_("No secure keyring is available.")
_DISABLED: Final = N_(
    "The keyring is disabled (keyring's null backend is configured). Remove the "
    "'default-keyring' setting from keyringrc.cfg or unset PYTHON_KEYRING_BACKEND."
)
_INSECURE: Final = N_(
    "The configured keyring backend {backend} is not a secure system keyring (it stores secrets "
    "in a file or is not recommended by keyring); Roundtable will not keep secrets there. Remove "
    "keyrings.alt or the PYTHON_KEYRING_BACKEND / keyringrc.cfg setting that selects it."
)
NO_KEYRING_MESSAGE: Final = f"{_NO_KEYRING} {_INSTALL_HINT}"
"""The English text of a `NoKeyringError`; tell that case apart by the type, not this text."""
DISABLED_MESSAGE: Final = f"{_DISABLED} {_INSTALL_HINT}"
LOCKED_MESSAGE: Final = N_(
    "The system keyring is locked. Unlock it (log in to your desktop session, or open "
    "Passwords and Keys / KWallet Manager / Keychain Access and unlock the login keyring), "
    "then try again."
)
_UNREACHABLE_MESSAGE: Final = N_(
    "The system keyring could not be reached. Check that the Secret Service "
    "(GNOME Keyring or KWallet) or your system's keychain is running and unlocked, then try again."
)
_FAILED_MESSAGE: Final = N_(
    "The system keyring failed. Check that it is running and unlocked, then try again."
)

_T = TypeVar("_T")

# One lock per service, shared by every SecretStore of that service in this process, so that
# concurrent writers (the app calls the store from worker threads) cannot lose index updates.
_service_locks_guard = threading.Lock()
_service_locks: dict[str, threading.RLock] = {}


def _service_lock(service: str) -> threading.RLock:
    with _service_locks_guard:
        return _service_locks.setdefault(service, threading.RLock())


class CorruptSecretError(SecretStoreError):
    """A stored record is damaged (a part is missing or its checksum does not match).

    Callers treat it like a corrupt auth file: delete the record and ask for the secret again.
    """


# --- backend vetting ------------------------------------------------------------------------------


def _backend_name(backend: KeyringBackend) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _priority(backend: KeyringBackend) -> float:
    """keyring's own verdict; a backend that cannot work here raises RuntimeError."""
    value: object = type(backend).priority
    if not isinstance(value, int | float):
        raise TypeError("keyring backend priority is not a number")
    return float(value)


def _with_hint(sentence: str) -> str:
    """A refusal in the current language: what is wrong, then what to do on this platform."""
    return f"{sentence} {_(_INSTALL_HINT)}"


def _no_keyring() -> NoKeyringError:
    return NoKeyringError(_with_hint(_(_NO_KEYRING)))


def _refusal(backend: KeyringBackend) -> SecretStoreError | None:
    """Why `backend` must not hold secrets (translated), or None when it is a secure keyring."""
    if isinstance(backend, fail.Keyring):
        return _no_keyring()
    if isinstance(backend, null.Keyring):
        return SecretStoreError(_with_hint(_(_DISABLED)))
    cls = type(backend)
    insecure = SecretStoreError(_with_hint(_(_INSECURE).format(backend=_backend_name(backend))))
    if any(_FILE_MODULE.search(part) for part in cls.__module__.lower().split(".")) or (
        _FILE_CLASS.search(cls.__name__)
    ):
        return insecure
    try:
        priority = _priority(backend)
    except Exception:  # keyring's way of saying "not usable here"
        return _no_keyring()
    if priority < 1:
        return insecure
    return None


def _vet(candidate: KeyringBackend) -> KeyringBackend:
    """The backend to use for `candidate`, or SecretStoreError.

    keyring's chainer (chosen when several backends are viable, e.g. with keyrings.alt installed)
    would write to the first one that accepts: we pick its best secure member ourselves instead.
    """
    if isinstance(candidate, chainer.ChainerBackend):
        try:
            members = list(type(candidate).backends)
        except Exception as exc:
            raise _no_keyring() from exc
        for member in members:
            if isinstance(member, KeyringBackend) and _refusal(member) is None:
                return _shared_connection(member)
        raise _no_keyring()
    refusal = _refusal(candidate)
    if refusal is not None:
        raise refusal
    # Secret Service: one D-Bus connection per process (see providers/secret_service.py).
    return _shared_connection(candidate)


# --- error mapping --------------------------------------------------------------------------------


def _class_names(exc: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(exc).__mro__}


def _message_for(exc: Exception) -> str:
    """Turn a backend failure into a message that says what to do (never its secret)."""
    names = _class_names(exc)
    text = str(exc).lower()
    if names & {"KeyringLocked", "LockedException", "PromptDismissedException"} or any(
        word in text for word in ("locked", "prompt dismissed", "unlock")
    ):
        return LOCKED_MESSAGE
    if isinstance(exc, keyring.errors.NoKeyringError):
        return _NO_KEYRING
    if (
        isinstance(exc, OSError)
        or names & {"DBusException", "SecretServiceNotAvailableException"}
        or "ServiceUnknown" in str(exc)
    ):
        log.debug("keyring unreachable: %s", type(exc).__name__)
        return _UNREACHABLE_MESSAGE
    log.debug("keyring failed: %s", type(exc).__name__)
    return _FAILED_MESSAGE


def _mentions(exc: BaseException, secret: str) -> bool:
    """Whether the text of `exc` or of any exception chained to it contains `secret`."""
    if not secret:
        return False
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        notes = getattr(current, "__notes__", None)
        text = f"{current!s}{current.args!r}{notes!r}"
        if secret in text:
            return True
        pending += [current.__cause__, current.__context__]
    return False


def _guarded(action: Callable[[], _T], secret: str | None = None) -> _T:
    """Run a backend call; map any failure to SecretStoreError.

    The original exception is kept as ``__cause__`` for diagnosis unless its text (or that of an
    exception chained to it) contains the value being written: then it is dropped entirely, so no
    traceback, log or crash report can carry the secret.
    """
    try:
        return action()
    except SecretStoreError:
        raise
    except Exception as exc:
        message = _message_for(exc)
        error = _no_keyring() if message == _NO_KEYRING else SecretStoreError(_(message))
        if secret is None or not _mentions(exc, secret):
            raise error from exc
    # Raised outside the handler, so the new error has neither a cause nor a context.
    raise error


# --- value encoding -------------------------------------------------------------------------------


def _escape(value: str) -> str:
    if value.startswith((_CHUNK_PREFIX, _ESCAPE_PREFIX)):
        return _ESCAPE_PREFIX + value
    return value


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _units(text: str) -> int:
    """Length in UTF-16 code units: what Windows Credential Manager's size limit counts."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _split(value: str) -> list[str]:
    """Parts of at most CHUNK_SIZE characters and CHUNK_SIZE UTF-16 units (<= 2000 bytes)."""
    parts: list[str] = []
    start = units = 0
    for index, char in enumerate(value):
        width = 2 if ord(char) > 0xFFFF else 1
        if units + width > CHUNK_SIZE:
            parts.append(value[start:index])
            start, units = index, 0
        units += width
    parts.append(value[start:])
    return parts


def _part_key(key: str, index: int) -> str:
    return f"{key}{_PART_SEPARATOR}{index}"


def _check_key(key: str) -> None:
    if not isinstance(key, str):
        raise TypeError("secret key must be a str")
    if not key or len(key) > _MAX_KEY_LENGTH:
        raise ValueError(f"secret key must be 1 to {_MAX_KEY_LENGTH} characters long")
    if _PART_SEPARATOR in key or not key.isprintable():
        # The key is not echoed: a caller that passes a secret by mistake must not see it logged.
        raise ValueError("secret key must be printable and must not contain '#'")
    if key == _INDEX_KEY:
        raise ValueError(f"secret key {key!r} is reserved")


def _check_value(value: str) -> None:
    if not isinstance(value, str):
        raise TypeError("secret value must be a str")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("secret value is not valid Unicode text") from None


def field_key(provider_id: str, field: str) -> str:
    """The store key for one credential field of a provider: ``"{provider_id}:{field}"``."""
    for label, part in (("provider id", provider_id), ("field name", field)):
        if not isinstance(part, str) or not part:
            raise ValueError(f"{label} must be a non-empty str")
        if _FIELD_SEPARATOR in part:
            raise ValueError(f"{label} {part!r} must not contain ':'")
    key = f"{provider_id}{_FIELD_SEPARATOR}{field}"
    _check_key(key)
    return key


# --- the store ------------------------------------------------------------------------------------


class SecretStore:
    """Named secrets of one keyring service, with chunking, an index and safe errors.

    `backend` pins a keyring backend (tests); by default keyring's current backend is used, looked
    up on every call so ``keyring.set_keyring(...)`` takes effect at once. Nothing is cached but the
    verdict on the backend: no secret is kept in memory by the store.
    """

    def __init__(self, service: str = DEFAULT_SERVICE, *, backend: KeyringBackend | None = None):
        if not isinstance(service, str) or not service:
            raise ValueError("service must be a non-empty str")
        self.service: Final = service
        self._pinned = backend
        self._vetted_for: KeyringBackend | None = None
        self._vetted: KeyringBackend | None = None
        self._lock = _service_lock(service)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(service={self.service!r})"

    # public API -----------------------------------------------------------------------------------

    def get(self, key: str) -> str | None:
        """The stored value, or None. Raises CorruptSecretError for a damaged chunked record."""
        _check_key(key)
        with self._lock:
            return self._read(key)

    def set(self, key: str, value: str) -> None:
        """Store `value` under `key`, replacing (and cleaning up after) any previous value."""
        _check_key(key)
        _check_value(value)
        with self._lock:
            self._write(key, value)
            self._index_update(add=key)

    def delete(self, key: str) -> bool:
        """Remove `key` and all its parts; True if anything was stored."""
        _check_key(key)
        with self._lock:
            removed = self._remove(key)
            self._index_update(remove=key)
            return removed

    def names(self) -> list[str]:
        """Sorted keys stored through this store (from the index; keyring cannot enumerate)."""
        with self._lock:
            return sorted(self._index_load())

    def get_field(self, provider_id: str, field: str) -> str | None:
        """A provider's credential field, e.g. ``get_field("OpenAI", API_KEY)``."""
        return self.get(field_key(provider_id, field))

    def set_field(self, provider_id: str, field: str, value: str) -> None:
        """Store a provider's credential field."""
        self.set(field_key(provider_id, field), value)

    def delete_field(self, provider_id: str, field: str) -> bool:
        """Remove a provider's credential field; True if it was stored."""
        return self.delete(field_key(provider_id, field))

    def fields(self, provider_id: str) -> list[str]:
        """Names of the fields stored for a provider (e.g. to offer "forget this login")."""
        prefix = field_key(provider_id, "x")[:-1]
        return [name[len(prefix) :] for name in self.names() if name.startswith(prefix)]

    def check(self) -> None:
        """Raise SecretStoreError now if no secure keyring is usable (e.g. before a login)."""
        with self._lock:
            self._raw_get(_INDEX_KEY)

    def backend_label(self) -> str:
        """The keyring that holds the secrets, as keyring names it (e.g. "SecretService
        Keyring"), for the user to see; raises SecretStoreError when none is usable."""
        self.check()
        backend = self._backend()
        # Our subclasses (one shared D-Bus connection) keep the name of the keyring they extend.
        named = next(
            (c for c in type(backend).__mro__ if c.__module__.startswith("keyring.backends.")),
            type(backend),
        )
        return str(getattr(named, "name", "") or _backend_name(backend))

    # backend access -------------------------------------------------------------------------------

    def _backend(self) -> KeyringBackend:
        candidate = self._pinned
        if candidate is None:
            candidate = _guarded(keyring.get_keyring)
        if candidate is not self._vetted_for or self._vetted is None:
            self._vetted = _vet(candidate)
            self._vetted_for = candidate
            log.debug("secret store %r uses %s", self.service, _backend_name(self._vetted))
        return self._vetted

    def _call(self, action: Callable[[KeyringBackend], _T], secret: str | None = None) -> _T:
        backend = self._backend()
        return _guarded(lambda: action(backend), secret)

    def _raw_get(self, name: str) -> str | None:
        value = self._call(lambda b: b.get_password(self.service, name))
        if value is not None and not isinstance(value, str):
            raise SecretStoreError(
                "The system keyring returned a value that is not text. Check that it is "
                "running and unlocked, then try again."
            )
        return value

    def _raw_set(self, name: str, value: str) -> None:
        self._call(lambda b: b.set_password(self.service, name, value), secret=value)

    def _raw_delete(self, name: str) -> bool:
        def action(backend: KeyringBackend) -> bool:
            try:
                backend.delete_password(self.service, name)
            except keyring.errors.PasswordDeleteError:
                return False
            return True

        return self._call(action)

    # records --------------------------------------------------------------------------------------

    def _read(self, key: str) -> str | None:
        stored = self._raw_get(key)
        if stored is None:
            return None
        if stored.startswith(_ESCAPE_PREFIX):
            return stored[len(_ESCAPE_PREFIX) :]
        if not stored.startswith(_CHUNK_PREFIX):
            return stored
        match = _CHUNK_HEADER.fullmatch(stored)
        if match is None:
            raise CorruptSecretError(f"The stored secret {key!r} is damaged (bad header).")
        count, expected = int(match.group(1)), match.group(2)
        parts: list[str] = []
        for index in range(count):
            part = self._raw_get(_part_key(key, index))
            if part is None:
                raise CorruptSecretError(
                    f"The stored secret {key!r} is damaged (part {index + 1} of {count} "
                    "is missing)."
                )
            parts.append(part)
        value = "".join(parts)
        if _digest(value) != expected:
            raise CorruptSecretError(
                f"The stored secret {key!r} is damaged (its checksum does not match)."
            )
        return value

    def _part_count(self, key: str) -> int:
        """How many parts the current record of `key` says it has (0 when none or unreadable)."""
        stored = self._raw_get(key)
        match = _CHUNK_HEADER.fullmatch(stored) if stored is not None else None
        return int(match.group(1)) if match else 0

    def _write(self, key: str, value: str) -> None:
        old_count = self._part_count(key)
        encoded = _escape(value)
        if _units(encoded) <= CHUNK_SIZE:
            self._raw_set(key, encoded)
            new_count = 0
        else:
            # Parts first, then the header that makes them valid (spec section 10).
            parts = _split(value)
            for index, part in enumerate(parts):
                self._raw_set(_part_key(key, index), part)
            new_count = len(parts)
            self._raw_set(key, f"{_CHUNK_PREFIX}{new_count}:{_digest(value)}")
        self._remove_parts(key, new_count, old_count)
        log.debug("stored secret %r (%d parts)", key, new_count)

    def _remove(self, key: str) -> bool:
        old_count = self._part_count(key)
        removed = self._raw_delete(key)  # the record vanishes first, then its parts
        return self._remove_parts(key, 0, old_count) or removed

    def _remove_parts(self, key: str, start: int, known: int) -> bool:
        """Delete parts `start`.. of `key`: those the old header knew, then any strays after them.

        Known parts go highest first, so an interrupted cleanup leaves a run that the next probe
        (which stops at the first missing part) still finds.
        """
        removed = False
        for index in reversed(range(start, known)):
            removed = self._raw_delete(_part_key(key, index)) or removed
        index = max(start, known)
        while self._raw_delete(_part_key(key, index)):
            removed = True
            index += 1
        return removed

    # index ----------------------------------------------------------------------------------------

    def _index_load(self) -> list[str]:
        text = self._read(_INDEX_KEY)
        if text is None:
            return []
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
            raise CorruptSecretError(f"The index of keyring service {self.service!r} is damaged.")
        return data

    def _index_update(self, add: str | None = None, remove: str | None = None) -> None:
        try:
            names = self._index_load()
        except CorruptSecretError:
            log.warning("index of keyring service %r was damaged; starting a new one", self.service)
            names = []
        changed = False
        if add is not None and add not in names:
            names.append(add)
            changed = True
        if remove is not None and remove in names:
            names.remove(remove)
            changed = True
        if not changed:
            return
        if names:
            self._write(_INDEX_KEY, json.dumps(sorted(names), ensure_ascii=True))
        else:
            self._remove(_INDEX_KEY)


# --- masking --------------------------------------------------------------------------------------


def mask_secret(value: str | None) -> str:
    """A recognisable but useless form of a secret for the UI, e.g. ``sk-…a1B2``.

    At most 7 characters of the value are shown (a prefix of at most 3, through the first dash,
    plus the last 4), and fewer for short values: up to 8 characters only the last 2 are shown
    (``…yz``), up to 4 none (``•••``), up to 15 only the last 4. None and "" give "".
    """
    if not value:
        return ""
    length = len(value)
    if length <= 4:
        return "•••"
    if length <= 8:
        return "…" + value[-2:]
    if length <= 15:
        return "…" + value[-4:]
    dash = value.find("-", 0, 3)
    prefix = value[: dash + 1] if dash >= 0 else value[:3]
    return prefix + "…" + value[-4:]


# --- process-wide default -------------------------------------------------------------------------

_default_lock = threading.Lock()
_default: SecretStore | None = None


SERVICE_ENV: Final = "ROUNDTABLE_KEYRING_SERVICE"
"""Variable naming another keyring service for the default store: keeps a development build's or a
test run's secrets (including CLI subprocesses) apart from the user's own."""


def default_store() -> SecretStore:
    """The store the app and the providers share (service ``roundtable``, or ``SERVICE_ENV``)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = SecretStore(os.environ.get(SERVICE_ENV) or DEFAULT_SERVICE)
        return _default


def set_default_store(store: SecretStore | None) -> None:
    """Swap the shared store (tests, a custom service); None restores a fresh default."""
    global _default
    if store is not None and not isinstance(store, SecretStore):
        raise TypeError("store must be a SecretStore or None")
    with _default_lock:
        _default = store
