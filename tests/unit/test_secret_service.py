"""The Secret Service backend reuses one D-Bus connection per process (providers/secret_service.py).

Why it matters: gnome-keyring-daemon aborts on a race with short-lived clients ("assertion
'client' failed" then "invoke_get_property_in_idle_cb: assertion failed"); keyring's own backend
opened a new connection for every call, and several threads doing so killed the daemon within
seconds. These tests count the clients the real session bus sees.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import closing

import pytest
from jeepney.io.blocking import open_dbus_connection

from providers.credentials import SecretStore
from tests.keyring_support import delete_service_items, requires_secret_service

pytestmark = [pytest.mark.keyring, requires_secret_service]


def _bus_serial() -> int:
    """The number in the unique name (":1.N") the bus gives a new connection: one more for each
    connection made since."""
    with closing(open_dbus_connection("SESSION")) as probe:
        return int(probe.unique_name.rsplit(".", 1)[1])


@pytest.fixture
def services() -> Iterator[list[str]]:
    names = [f"roundtable-test-{uuid.uuid4().hex}" for _ in range(4)]
    yield names
    for name in names:
        delete_service_items(name)


def test_store_calls_reuse_one_bus_connection(services: list[str]) -> None:
    stores = [SecretStore(name) for name in services]
    for store in stores:  # vetting (keyring's priority check) connects once per new store
        store.check()  # and the process's shared connection exists from here on
    before = _bus_serial()
    for n, store in enumerate(stores * 3):
        store.set("key", f"value{n}")
        assert store.get("key") == f"value{n}"
    assert stores[1].delete("key") is True
    new_connections = _bus_serial() - before - 1
    assert new_connections == 0


def test_threads_on_several_services_share_the_connection(services: list[str]) -> None:
    stores = [SecretStore(name) for name in services]
    for store in stores:
        store.check()
    before = _bus_serial()
    errors: list[BaseException] = []

    def work(store: SecretStore) -> None:
        try:
            for n in range(5):
                store.set("key", f"value{n}")
                assert store.get("key") == f"value{n}"
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _bus_serial() - before - 1 == 0


def test_the_shared_connection_keeps_keyrings_own_name_for_people(services: list[str]) -> None:
    """Preferences shows where keys are kept: keyring's name, not our class's."""
    assert SecretStore(services[0]).backend_label() == "SecretService Keyring"
