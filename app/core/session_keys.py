"""Secrets kept in memory for this run only, for a desktop without a usable keyring.

Without a Secret Service a key cannot be saved (never a plaintext file), but it can still be
used until the app quits: the credentials dialog puts it here and ``app.core.secrets`` consults
it after the keyring. Nothing here is ever written anywhere: no file, no log, no repr, no pickle.
"""

from __future__ import annotations

import threading
from typing import Any, NoReturn


class SessionKeys:
    """``(provider_id, field) → value`` in this process's memory; thread-safe (lookups run in
    worker threads)."""

    def __init__(self) -> None:
        self._values: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def get(self, provider_id: str, field: str) -> str | None:
        with self._lock:
            return self._values.get((provider_id, field))

    def set(self, provider_id: str, field: str, value: str) -> None:
        with self._lock:
            self._values[(provider_id, field)] = value

    def delete(self, provider_id: str, field: str) -> bool:
        with self._lock:
            return self._values.pop((provider_id, field), None) is not None

    def has(self, provider_id: str, field: str) -> bool:
        with self._lock:
            return (provider_id, field) in self._values

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def __repr__(self) -> str:
        with self._lock:
            names = sorted(f"{pid}:{field}" for pid, field in self._values)
        return f"SessionKeys({', '.join(names)})"  # names only, never a value

    def __reduce__(self) -> NoReturn:
        raise TypeError("session keys are never serialised")

    def __getstate__(self) -> Any:
        raise TypeError("session keys are never serialised")


#: The one store of this process.
SESSION_KEYS = SessionKeys()
