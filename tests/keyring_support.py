"""Helpers for tests that need a real Secret Service (see scripts/with-keyring.sh).

Use the markers on any test module that touches the keyring::

    from tests.keyring_support import requires_secret_service
    pytestmark = [pytest.mark.keyring, requires_secret_service]

The fixtures ``keyring_service`` and ``secret_store`` (registered for the whole suite in
tests/conftest.py) give a test a keyring service of its own for the default store, swept clean
afterwards; ``pytest.mark.usefixtures("keyring_service")`` gives one to every test of a module.

`requires_secret_service` skips only when there is no D-Bus session bus at all (the suite was not
started under scripts/with-keyring.sh or a desktop session). `requires_private_keyring` also skips
in a desktop session, for tests that lock the keyring or scan HOME: they are only safe inside the
throw-away keyring the script creates.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import closing

import pytest

from providers import credentials

PRIVATE_KEYRING = os.environ.get("ROUNDTABLE_PRIVATE_KEYRING") == "1"
PRIVATE_KEYRING_PASSWORD = os.environ.get("ROUNDTABLE_PRIVATE_KEYRING_PASSWORD", "")
# The HOME that with-keyring.sh created (conftest may give each test another HOME/XDG dirs); the
# daemon keeps its encrypted keyrings under PRIVATE_KEYRING_HOME/.local/share/keyrings.
PRIVATE_KEYRING_HOME = os.environ.get("ROUNDTABLE_PRIVATE_KEYRING_HOME", "")

_SECRETS_BUS_NAME = "org.freedesktop.secrets"
_SECRETS_PATH = "/org/freedesktop/secrets"


def has_session_bus() -> bool:
    """Whether a D-Bus session bus is reachable (the Secret Service lives on it)."""
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return False
    try:
        from jeepney.io.blocking import open_dbus_connection

        with closing(open_dbus_connection("SESSION")):
            return True
    except Exception:
        return False


SESSION_BUS = has_session_bus()

requires_secret_service = pytest.mark.skipif(
    not SESSION_BUS,
    reason="no D-Bus session bus: run under scripts/with-keyring.sh for a real Secret Service",
)
requires_private_keyring = pytest.mark.skipif(
    not PRIVATE_KEYRING,
    reason="locks the keyring / scans HOME: only inside scripts/with-keyring.sh's private keyring",
)


def lock_default_collection() -> None:
    """Lock the default collection, as a screen lock or the user would."""
    import secretstorage

    with closing(secretstorage.dbus_init()) as bus:
        secretstorage.get_default_collection(bus).lock()


def unlock_default_collection(password: str = PRIVATE_KEYRING_PASSWORD) -> None:
    """Unlock the default collection without a prompt (GNOME Keyring only).

    Uses gnome-keyring's private "UnlockWithMasterPassword" call with a plain session, the only
    way to unlock without a GUI prompter.
    """
    from jeepney import DBusAddress, MessageType, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    service = DBusAddress(
        _SECRETS_PATH, bus_name=_SECRETS_BUS_NAME, interface="org.freedesktop.Secret.Service"
    )
    internal = DBusAddress(
        _SECRETS_PATH,
        bus_name=_SECRETS_BUS_NAME,
        interface="org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
    )
    with closing(open_dbus_connection("SESSION")) as conn:
        (collection,) = conn.send_and_get_reply(
            new_method_call(service, "ReadAlias", "s", ("default",))
        ).body
        _output, session = conn.send_and_get_reply(
            new_method_call(service, "OpenSession", "sv", ("plain", ("s", "")))
        ).body
        secret = (session, b"", password.encode(), "text/plain")
        reply = conn.send_and_get_reply(
            new_method_call(internal, "UnlockWithMasterPassword", "o(oayays)", (collection, secret))
        )
        if reply.header.message_type != MessageType.method_return:
            raise RuntimeError(f"could not unlock the keyring: {reply.body!r}")


def delete_service_items(service: str) -> int:
    """Remove every item of a keyring service (keyring itself cannot enumerate); returns count."""
    import secretstorage

    count = 0
    with closing(secretstorage.dbus_init()) as bus:
        collection = secretstorage.get_default_collection(bus)
        if collection.is_locked():
            return 0
        for item in list(collection.search_items({"service": service})):
            item.delete()
            count += 1
    return count


@pytest.fixture
def keyring_service(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A keyring service of this test's own for the default store, swept clean afterwards.

    Set through ``ROUNDTABLE_KEYRING_SERVICE``, so ``roundtable`` processes the test starts use it
    too, and no key stored by the developer is ever picked up.
    """
    service = f"roundtable-test-{uuid.uuid4().hex}"
    monkeypatch.setenv(credentials.SERVICE_ENV, service)
    credentials.set_default_store(None)
    try:
        yield service
    finally:
        credentials.set_default_store(None)
        if SESSION_BUS:
            delete_service_items(service)


@pytest.fixture
def secret_store(keyring_service: str) -> credentials.SecretStore:
    """The default store, on this test's own keyring service."""
    return credentials.default_store()
