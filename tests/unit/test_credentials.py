"""SecretStore against a real Secret Service (gnome-keyring in a private D-Bus session).

Run: scripts/with-keyring.sh .venv/bin/python -m pytest tests/unit/test_credentials.py -q
Tests that need no keyring (masking, validation, refused backends) run everywhere.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import time
import traceback
import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

from providers import i18n as provider_i18n
from providers.credentials import (
    API_KEY,
    CHUNK_SIZE,
    COOKIES,
    LOGIN_TOKEN,
    PASSWORD,
    REFRESH_TOKEN,
    CorruptSecretError,
    SecretStore,
    SecretStoreError,
    default_store,
    field_key,
    mask_secret,
    set_default_store,
)
from providers.errors import NoKeyringError, ProviderError
from providers.vendors.openai import OpenAI
from tests.keyring_support import (
    PRIVATE_KEYRING,
    PRIVATE_KEYRING_HOME,
    SESSION_BUS,
    delete_service_items,
    lock_default_collection,
    requires_private_keyring,
    requires_secret_service,
    unlock_default_collection,
)

secret_service = [pytest.mark.keyring, requires_secret_service]


# --- fixtures and fake backends -------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _restore_keyring_backend() -> Iterator[None]:
    """Tests may swap keyring's global backend; always put the original back."""
    saved = keyring.get_keyring()
    try:
        yield
    finally:
        keyring.set_keyring(saved)


@pytest.fixture
def service() -> Iterator[str]:
    """A keyring service name of its own per test, swept clean afterwards."""
    name = f"roundtable-test-{uuid.uuid4().hex}"
    yield name
    if SESSION_BUS:
        delete_service_items(name)


@pytest.fixture
def store(service: str) -> SecretStore:
    return SecretStore(service)


def _unregistered(cls: type[KeyringBackend]) -> type[KeyringBackend]:
    """keyring registers every backend class for auto-detection; keep test fakes out of it."""
    KeyringBackend._classes.discard(cls)  # type: ignore[attr-defined]
    return cls


class _MemoryBackend(KeyringBackend):
    """A backend that keeps values in a dict, to prove refused backends receive nothing."""

    priority = 5

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.data.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.data[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.data.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")


_unregistered(_MemoryBackend)


@_unregistered
class PlaintextKeyring(_MemoryBackend):
    """Looks like keyrings.alt's PlaintextKeyring: a file backend with priority 0.5."""

    priority = 0.5


PlaintextKeyring.__module__ = "keyrings.alt.file"


@_unregistered
class HighPriorityFileKeyring(_MemoryBackend):
    """A file backend that claims a high priority must still be refused (by its module)."""

    priority = 10


HighPriorityFileKeyring.__module__ = "keyrings.alt.file"


@_unregistered
class LowPriorityKeyring(_MemoryBackend):
    """Not recommended by keyring (priority < 1) even without 'file' in its name."""

    priority = 0.9


@_unregistered
class SecureMemoryKeyring(_MemoryBackend):
    """Stands for a secure backend where a test needs full control over what it stores."""

    priority = 5


class _LeakyError(keyring.errors.PasswordSetError):
    pass


@_unregistered
class LeakyKeyring(SecureMemoryKeyring):
    """A careless backend that puts the password into its error messages."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise _LeakyError(f"could not store {password!r} for {username}")


@_unregistered
class ExplodingKeyring(SecureMemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringError("backend exploded")


@_unregistered
class LockedKeyring(SecureMemoryKeyring):
    """What keyring's SecretService backend raises when the user dismisses the unlock prompt."""

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")


def _raw(service: str, name: str) -> str | None:
    """Read one keyring entry directly, bypassing SecretStore."""
    return keyring.get_password(service, name)


def _secret(length: int = 48, *, unicode: bool = False) -> str:
    """A value that cannot occur by accident anywhere on disk (ASCII unless asked)."""
    seed = f"s3cr3t-{uuid.uuid4().hex}-ü€-" if unicode else f"s3cr3t-{uuid.uuid4().hex}-"
    return (seed * (length // len(seed) + 1))[:length]


# --- round trip -----------------------------------------------------------------------------------


class TestRoundTrip:
    pytestmark = secret_service

    def test_set_get_delete_names(self, store: SecretStore, service: str) -> None:
        assert store.get("alpha") is None
        assert store.names() == []
        store.set("alpha", "value-a")
        store.set("beta", "value-b")
        assert store.get("alpha") == "value-a"
        assert store.names() == ["alpha", "beta"]
        assert _raw(service, "alpha") == "value-a"  # plain values are stored as they are
        store.set("alpha", "value-a2")
        assert store.get("alpha") == "value-a2"
        assert store.names() == ["alpha", "beta"]
        assert store.delete("alpha") is True
        assert store.delete("alpha") is False
        assert store.get("alpha") is None
        assert store.names() == ["beta"]
        assert store.delete("beta") is True
        assert store.names() == []
        assert _raw(service, "__index__") is None  # an empty index is removed

    def test_index_lives_in_the_keyring(self, service: str) -> None:
        SecretStore(service).set("gamma", "g")
        assert SecretStore(service).names() == ["gamma"]
        assert _raw(service, "__index__") == '["gamma"]'

    def test_stores_do_not_share_services(self, store: SecretStore, service: str) -> None:
        other = SecretStore(f"{service}-other")
        try:
            store.set("k", "mine")
            assert other.get("k") is None
            assert other.names() == []
        finally:
            delete_service_items(other.service)

    @pytest.mark.parametrize(
        "value",
        [
            "",
            " ",
            "ünïcödé €𝄞 values",
            "line\nbreaks\tand\x00nul",
            "chunked:3:abc",
            "chunked:1:" + "0" * 64,
            "chunked:",
            "plain:",
            "plain:plain:x",
            '{"json": true}',
        ],
    )
    def test_values_round_trip(self, store: SecretStore, value: str) -> None:
        store.set("v", value)
        assert store.get("v") == value

    def test_long_value_starting_with_chunk_prefix(self, store: SecretStore) -> None:
        value = "chunked:2:" + "x" * 2500
        store.set("v", value)
        assert store.get("v") == value
        value = "plain:" + "y" * 997  # escaping pushes it past one entry
        store.set("v", value)
        assert store.get("v") == value

    def test_field_helpers(self, store: SecretStore, service: str) -> None:
        assert (API_KEY, LOGIN_TOKEN, REFRESH_TOKEN, PASSWORD, COOKIES) == (
            "api_key",
            "login_token",
            "refresh_token",
            "password",
            "cookies",
        )
        store.set_field("OpenAI", API_KEY, "sk-test-1234")
        store.set_field("OpenAI", COOKIES, "c" * 3000)
        store.set_field("Anthropic", API_KEY, "sk-ant-5678")
        assert field_key("OpenAI", API_KEY) == "OpenAI:api_key"
        assert _raw(service, "OpenAI:api_key") == "sk-test-1234"
        assert store.get_field("OpenAI", API_KEY) == "sk-test-1234"
        assert store.get_field("OpenAI", COOKIES) == "c" * 3000
        assert store.get_field("OpenAI", PASSWORD) is None
        assert store.fields("OpenAI") == ["api_key", "cookies"]
        assert store.delete_field("OpenAI", COOKIES) is True
        assert store.delete_field("OpenAI", COOKIES) is False
        assert store.names() == ["Anthropic:api_key", "OpenAI:api_key"]
        assert _raw(service, "OpenAI:cookies#0") is None

    def test_check_passes_with_a_real_keyring(self, store: SecretStore) -> None:
        store.check()

    def test_concurrent_sets_keep_the_index_whole(self, store: SecretStore) -> None:
        errors: list[BaseException] = []

        twin = SecretStore(store.service)  # another instance of the same service

        def work(n: int) -> None:
            try:
                (store if n % 2 else twin).set(f"key{n}", f"value{n}")
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert store.names() == [f"key{n}" for n in range(6)]


# --- chunking -------------------------------------------------------------------------------------


class TestChunking:
    pytestmark = secret_service

    def test_5000_chars_are_split_and_reassembled(self, store: SecretStore, service: str) -> None:
        value = _secret(5000)
        store.set("big", value)
        header = _raw(service, "big")
        digest = hashlib.sha256(value.encode()).hexdigest()
        assert header == f"chunked:5:{digest}"
        parts = [_raw(service, f"big#{i}") for i in range(5)]
        assert all(p is not None and 0 < len(p) <= CHUNK_SIZE for p in parts)
        assert "".join(p or "" for p in parts) == value
        assert _raw(service, "big#5") is None
        assert store.get("big") == value
        assert store.names() == ["big"]

        assert store.delete("big") is True
        assert _raw(service, "big") is None
        assert all(_raw(service, f"big#{i}") is None for i in range(6))
        assert store.get("big") is None

    def test_text_beyond_the_bmp_is_split_by_utf16_units(
        self, store: SecretStore, service: str
    ) -> None:
        # Windows counts UTF-16 units: 1000 units (2000 bytes) per entry whatever the text.
        value = "𝄞" * 1200
        store.set("k", value)
        parts = [_raw(service, f"k#{i}") for i in range(3)]
        assert [len(p or "") for p in parts] == [500, 500, 200]
        assert _raw(service, "k#3") is None
        assert store.get("k") == value
        store.set("k", "😀" * 700)  # only 700 characters, but 1400 units
        assert str(_raw(service, "k")).startswith("chunked:2:")
        assert _raw(service, "k#2") is None
        assert store.get("k") == "😀" * 700
        store.set("k", "ü" * 1000)  # BMP: 1000 characters fit one entry
        assert _raw(service, "k") == "ü" * 1000

    def test_boundary(self, store: SecretStore, service: str) -> None:
        store.set("edge", "e" * CHUNK_SIZE)
        assert _raw(service, "edge") == "e" * CHUNK_SIZE
        assert _raw(service, "edge#0") is None
        store.set("edge", "e" * (CHUNK_SIZE + 1))
        assert _raw(service, "edge#1") == "e"
        assert str(_raw(service, "edge")).startswith("chunked:2:")
        assert store.get("edge") == "e" * (CHUNK_SIZE + 1)

    def test_shorter_rewrite_removes_surplus_parts(self, store: SecretStore, service: str) -> None:
        store.set("k", _secret(5000))
        shorter = _secret(2500)
        store.set("k", shorter)
        assert str(_raw(service, "k")).startswith("chunked:3:")
        assert [_raw(service, f"k#{i}") is not None for i in range(6)] == [True] * 3 + [False] * 3
        assert store.get("k") == shorter
        store.set("k", "short")
        assert _raw(service, "k") == "short"
        assert all(_raw(service, f"k#{i}") is None for i in range(6))
        assert store.get("k") == "short"

    def test_stray_parts_from_an_interrupted_write_are_removed(
        self, store: SecretStore, service: str
    ) -> None:
        # A crash after writing parts but before the header leaves parts nobody points at.
        keyring.set_password(service, "k#0", "stray-0")
        keyring.set_password(service, "k#1", "stray-1")
        store.set("k", "fresh")
        assert _raw(service, "k#0") is None
        assert _raw(service, "k#1") is None
        keyring.set_password(service, "k#0", "stray")
        assert store.delete("k") is True
        assert _raw(service, "k#0") is None

    def test_delete_of_only_stray_parts_reports_true(
        self, store: SecretStore, service: str
    ) -> None:
        keyring.set_password(service, "k#0", "stray")
        assert store.delete("k") is True
        assert _raw(service, "k#0") is None

    def test_missing_part_is_corrupt(self, store: SecretStore, service: str) -> None:
        value = _secret(3500)
        store.set("k", value)
        keyring.delete_password(service, "k#2")
        with pytest.raises(CorruptSecretError) as info:
            store.get("k")
        assert isinstance(info.value, SecretStoreError)
        assert isinstance(info.value, ProviderError)
        assert "part 3 of 4 is missing" in str(info.value)
        assert value[:8] not in str(info.value)
        # The record can still be deleted and rewritten.
        assert store.delete("k") is True
        assert all(_raw(service, f"k#{i}") is None for i in range(4))
        store.set("k", value)
        assert store.get("k") == value

    def test_changed_part_is_corrupt(self, store: SecretStore, service: str) -> None:
        value = _secret(2100)
        store.set("k", value)
        keyring.set_password(service, "k#1", "tampered")
        with pytest.raises(CorruptSecretError, match="checksum"):
            store.get("k")

    @pytest.mark.parametrize("header", ["chunked:", "chunked:two:abc", "chunked:0:" + "0" * 64])
    def test_bad_header_is_corrupt(self, store: SecretStore, service: str, header: str) -> None:
        keyring.set_password(service, "k", header)
        with pytest.raises(CorruptSecretError, match="bad header"):
            store.get("k")

    def test_damaged_index(self, store: SecretStore, service: str, caplog) -> None:
        keyring.set_password(service, "__index__", "not json")
        with pytest.raises(CorruptSecretError, match="index"):
            store.names()
        with caplog.at_level(logging.WARNING, logger="providers.credentials"):
            store.set("k", "v")
        assert any("damaged" in r.getMessage() for r in caplog.records)
        assert store.names() == ["k"]


# --- backends that must be refused ----------------------------------------------------------------


def _chain_text(exc: BaseException | None) -> str:
    """Everything an exception chain says (messages and args), without source lines."""
    parts = []
    while exc is not None:
        parts += [str(exc), repr(exc), repr(exc.args), repr(getattr(exc, "__notes__", None))]
        exc = exc.__cause__ or exc.__context__
    return "\n".join(parts)


def _assert_all_operations_fail(store: SecretStore, needle: str) -> list[SecretStoreError]:
    errors = []
    for call in (
        lambda: store.get("k"),
        lambda: store.set("k", "sk-never-stored-1234"),
        lambda: store.delete("k"),
        store.names,
        store.check,
        lambda: store.set_field("P", API_KEY, "sk-never-stored-1234"),
    ):
        with pytest.raises(SecretStoreError) as info:
            call()
        assert not isinstance(info.value, CorruptSecretError)
        assert needle in str(info.value)
        assert "sk-never-stored-1234" not in _chain_text(info.value)
        errors.append(info.value)
    return errors


class TestRefusedBackends:
    def test_fail_backend(self) -> None:
        keyring.set_keyring(fail.Keyring())
        errors = _assert_all_operations_fail(SecretStore("roundtable-test-fail"), "Install")
        message = str(errors[0])
        assert message.startswith("No secure keyring is available.")
        assert "Secret Service" in message and "unlock" in message

    def test_no_keyring_is_its_own_type_and_speaks_the_chosen_language(self) -> None:
        """The window tells "no keyring at all" (a key can still be kept for one run) from a
        locked one by the type, never by the English text, which it shows translated."""
        keyring.set_keyring(fail.Keyring())
        store = SecretStore("roundtable-test-fail-ru")
        provider_i18n.set_language("ru")
        try:
            with pytest.raises(NoKeyringError) as info:
                store.get("k")
            missing = OpenAI.missing_key_error(info.value)
        finally:
            provider_i18n.set_language(None)
        message = str(info.value)
        assert message.startswith("Защищённой связки ключей нет.") and "Secret Service" in message
        assert "keyring is available" not in message and "try again" not in message
        # No keyring: the key is simply missing (the window offers one for this run), not
        # "could not be read from the keyring".
        assert str(missing).startswith("Нет ключа API для OpenAI (здесь нет системной связки")
        with pytest.raises(SecretStoreError, match=r"^No secure keyring is available\."):
            store.get("k")  # English again once the language is back to the environment's

    def test_default_store_follows_keyring_backend_changes(self) -> None:
        store = SecretStore("roundtable-test-swap")
        keyring.set_keyring(SecureMemoryKeyring())
        store.set("k", "v")
        keyring.set_keyring(fail.Keyring())
        with pytest.raises(SecretStoreError, match="No secure keyring"):
            store.get("k")

    def test_null_backend(self) -> None:
        keyring.set_keyring(null.Keyring())
        _assert_all_operations_fail(SecretStore("roundtable-test-null"), "disabled")

    @pytest.mark.parametrize("cls", [PlaintextKeyring, HighPriorityFileKeyring, LowPriorityKeyring])
    def test_plaintext_and_unrecommended_backends(self, cls: type[_MemoryBackend]) -> None:
        backend = cls()
        keyring.set_keyring(backend)
        errors = _assert_all_operations_fail(SecretStore("roundtable-test-plain"), "not a secure")
        assert cls.__name__ in str(errors[0])
        assert backend.data == {}  # nothing was written, not even the index
        # Pinned explicitly, it is refused just the same.
        with pytest.raises(SecretStoreError, match="not a secure"):
            SecretStore("roundtable-test-plain", backend=cls()).set("k", "v")

    @pytest.mark.parametrize(
        ("module", "name", "priority", "refused"),
        [
            ("keyrings.alt.file", "EncryptedKeyring", 0.6, True),
            ("keyrings.alt.Windows", "RegistryKeyring", 5, True),
            ("keyrings.cryptfile.cryptfile", "CryptFileKeyring", 2.5, True),
            ("some.plugin", "PlaintextStore", 5, True),
            ("some.plugin", "FileSystemKeyring", 5, True),
            ("keyring.backends.SecretService", "Keyring", 0.99, True),
            ("my.profile", "ProfileKeyring", 5, False),
            ("keyring_pass", "PasswordStoreBackend", 1, False),
        ],
    )
    def test_backend_classification(
        self, module: str, name: str, priority: float, refused: bool
    ) -> None:
        cls = _unregistered(type(name, (_MemoryBackend,), {"priority": priority}))
        cls.__module__ = module
        store = SecretStore("roundtable-test-classify", backend=cls())
        if refused:
            with pytest.raises(SecretStoreError, match="not a secure"):
                store.set("k", "v")
        else:
            store.set("k", "v")
            assert store.get("k") == "v"

    def test_chainer_uses_only_its_secure_member(self) -> None:
        plain, secure = PlaintextKeyring(), SecureMemoryKeyring()

        @_unregistered
        class Chain(chainer.ChainerBackend):
            backends = [plain, secure]  # type: ignore[assignment]

        keyring.set_keyring(Chain())
        store = SecretStore("roundtable-test-chain")
        store.set("k", "v" * 1500)
        assert store.get("k") == "v" * 1500
        assert plain.data == {}
        assert ("roundtable-test-chain", "k#1") in secure.data

    def test_chainer_without_secure_member(self) -> None:
        @_unregistered
        class Chain(chainer.ChainerBackend):
            backends = [PlaintextKeyring(), LowPriorityKeyring()]  # type: ignore[assignment]

        keyring.set_keyring(Chain())
        _assert_all_operations_fail(SecretStore("roundtable-test-chain"), "No secure keyring")

    def test_locked_backend_message(self) -> None:
        store = SecretStore("roundtable-test-locked", backend=LockedKeyring())
        with pytest.raises(SecretStoreError) as info:
            store.get("k")
        assert str(info.value).startswith("The system keyring is locked. Unlock it")

    @pytest.mark.keyring
    @requires_secret_service
    @requires_private_keyring
    def test_locked_collection(self, store: SecretStore) -> None:
        store.set("k", "v")
        lock_default_collection()
        try:
            started = time.monotonic()
            with pytest.raises(SecretStoreError) as info:
                store.get("k")
            assert time.monotonic() - started < 5
            assert str(info.value).startswith("The system keyring is locked. Unlock it")
            with pytest.raises(SecretStoreError, match="locked"):
                store.set("k", "new-value")
        finally:
            unlock_default_collection()
        assert store.get("k") == "v"


# --- secrets never leak ---------------------------------------------------------------------------


class TestNoLeaks:
    def test_backend_error_text_with_the_secret_is_not_chained(self) -> None:
        secret = "sk-leaky-" + uuid.uuid4().hex
        store = SecretStore("roundtable-test-leak", backend=LeakyKeyring())
        with pytest.raises(SecretStoreError) as info:
            store.set("k", secret)
        error = info.value
        assert error.__cause__ is None and error.__context__ is None
        assert secret not in _chain_text(error)
        assert secret not in "".join(traceback.format_exception(error))

    def test_backend_error_without_secret_is_chained_for_diagnosis(self) -> None:
        store = SecretStore("roundtable-test-leak", backend=ExplodingKeyring())
        with pytest.raises(SecretStoreError, match=r"keyring failed\. Check") as info:
            store.get("k")
        assert isinstance(info.value.__cause__, keyring.errors.KeyringError)

    def test_long_value_through_leaky_backend(self) -> None:
        secret = "sk-leaky-" + uuid.uuid4().hex * 40
        store = SecretStore("roundtable-test-leak", backend=LeakyKeyring())
        with pytest.raises(SecretStoreError) as info:
            store.set("k", secret)
        assert info.value.__cause__ is None and info.value.__context__ is None
        assert secret[:1000] not in _chain_text(info.value)

    @pytest.mark.keyring
    @requires_secret_service
    def test_repr_errors_and_logs(self, store: SecretStore, service: str, caplog) -> None:
        secret = _secret(2500)
        with caplog.at_level(logging.DEBUG):
            store.set("k", secret)
            assert store.get("k") == secret
            keyring.delete_password(service, "k#1")
            with pytest.raises(CorruptSecretError) as info:
                store.get("k")
            store.delete("k")
        for chunk in (secret, secret[:12], secret[1000:1012], secret[-12:]):
            assert chunk not in repr(store)
            assert chunk not in str(store)
            assert chunk not in _chain_text(info.value)
            assert chunk not in "".join(traceback.format_exception(info.value))
            assert all(chunk not in r.getMessage() for r in caplog.records)
        assert repr(store) == f"SecretStore(service={service!r})"

    @pytest.mark.keyring
    @requires_secret_service
    @requires_private_keyring
    def test_no_file_holds_the_secret(self, store: SecretStore) -> None:
        started = time.time() - 1
        short, long_ = _secret(60, unicode=True), _secret(4200, unicode=True)
        store.set_field("OpenAI", API_KEY, short)
        store.set_field("OpenAI", COOKIES, long_)
        store.set_field("OpenAI", COOKIES, long_[:2100])  # rewrite, leaves surplus to delete
        assert store.get_field("OpenAI", API_KEY) == short
        assert store.get_field("OpenAI", COOKIES) == long_[:2100]
        assert store.names() == ["OpenAI:api_key", "OpenAI:cookies"]
        store.set("temporary", short + "-tmp")
        assert store.delete("temporary")
        # One of them stays stored while we look at the disk.
        store.delete_field("OpenAI", API_KEY)

        private_home = Path(PRIVATE_KEYRING_HOME)
        roots = [private_home, Path(os.environ["HOME"]), Path.cwd()] + [
            Path(os.environ[name])
            for name in (
                "XDG_DATA_HOME",
                "XDG_CONFIG_HOME",
                "XDG_CACHE_HOME",
                "XDG_STATE_HOME",
                "XDG_RUNTIME_DIR",
            )
            if os.environ.get(name)
        ]
        keyrings = list((private_home / ".local/share/keyrings").glob("*.keyring"))
        assert keyrings, "gnome-keyring should have written its (encrypted) keyring file"

        needles = set()
        for value in (short, long_, short + "-tmp"):
            for piece in (value, value[:24], value[-24:], value[1000:1024], value[2000:2024]):
                if len(piece) == 24 or piece == value:
                    needles.add(piece.encode("utf-8"))
                    needles.add(piece.encode("utf-16-le"))

        def files() -> Iterator[Path]:
            for root in roots:
                skip_old = root == Path.cwd()
                for dirpath, dirnames, filenames in os.walk(root):
                    dirnames[:] = [d for d in dirnames if d not in {".venv", ".git"}]
                    for filename in filenames:
                        path = Path(dirpath, filename)
                        try:
                            info = path.lstat()
                        except OSError:
                            continue
                        if not path.is_file() or path.is_symlink():
                            continue
                        if skip_old and info.st_mtime < started:
                            continue  # the rest of the repo predates this test
                        if info.st_size <= 50_000_000:
                            yield path
            # New files in the temp dir too (outside the private HOME).
            tmp = Path(tempfile.gettempdir())
            for dirpath, _dirnames, filenames in os.walk(tmp):
                for filename in filenames:
                    path = Path(dirpath, filename)
                    try:
                        info = path.lstat()
                    except OSError:
                        continue
                    if path.is_file() and info.st_mtime >= started and info.st_size <= 50_000_000:
                        yield path

        scanned = 0
        seen: set[Path] = set()
        for path in files():
            if path in seen:
                continue
            seen.add(path)
            try:
                data = path.read_bytes()
            except OSError:
                continue
            scanned += 1
            leaks = [n for n in needles if n in data]
            assert not leaks, f"{path} contains a secret"
        assert all(k in seen for k in keyrings)
        assert scanned > 0
        assert PRIVATE_KEYRING


# --- masking --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("a", "•••"),
        ("abcd", "•••"),
        ("abcde", "…de"),
        ("abcdefgh", "…gh"),
        ("abcdefghi", "…fghi"),
        ("sk-abcdefghijkl", "…ijkl"),  # 15 characters: no prefix yet
        ("sk-abcdefghijklma1B2", "sk-…a1B2"),
        ("sk-test-fake-key-0123", "sk-…0123"),
        ("sk-ant-fake-key-WXYZ", "sk-…WXYZ"),
        ("AIzaSyAbcdefghijklmnopqrstuvw", "AIz…tuvw"),
        ("ghp_abcdefghijklmnopqrstuvwxyz", "ghp…wxyz"),
        ("a-bcdefghijklmnopqrstu", "a-…rstu"),
    ],
)
def test_mask_secret(value: str | None, expected: str) -> None:
    assert mask_secret(value) == expected


def test_mask_secret_never_reveals_more_than_seven_characters() -> None:
    for length in range(0, 200):
        value = "".join(chr(0x41 + (i * 7) % 26) for i in range(length))
        masked = mask_secret(value)
        shown = masked.replace("…", "").replace("•", "")
        assert len(shown) <= 7
        assert len(shown) <= length // 2
        if length:
            assert masked != value


# --- validation and the default store -------------------------------------------------------------


@pytest.mark.parametrize("key", ["", "a#0", "__index__", "x" * 201, "tab\there"])
def test_invalid_keys(key: str) -> None:
    store = SecretStore("roundtable-test-keys", backend=SecureMemoryKeyring())
    with pytest.raises(ValueError):
        store.set(key, "v")
    with pytest.raises(ValueError):
        store.get(key)


@pytest.mark.parametrize(("provider", "field"), [("", "f"), ("p", ""), ("a:b", "f"), ("p", "x:y")])
def test_invalid_fields(provider: str, field: str) -> None:
    with pytest.raises(ValueError):
        field_key(provider, field)


def test_invalid_values() -> None:
    store = SecretStore("roundtable-test-values", backend=SecureMemoryKeyring())
    with pytest.raises(TypeError):
        store.set("k", b"bytes")  # type: ignore[arg-type]
    with pytest.raises(ValueError) as info:
        store.set("k", "hunter2\ud800value")
    assert str(info.value) == "secret value is not valid Unicode text"


def test_memory_backend_round_trip_without_dbus() -> None:
    """The store's logic, independent of D-Bus (runs everywhere)."""
    backend = SecureMemoryKeyring()
    store = SecretStore("svc", backend=backend)
    store.set("k", "x" * 2500)
    assert backend.data[("svc", "k")].startswith("chunked:3:")
    assert store.get("k") == "x" * 2500
    store.set("k", "y")
    assert sorted(backend.data) == [("svc", "__index__"), ("svc", "k")]
    assert store.delete("k")
    assert backend.data == {}


def test_default_store() -> None:
    original = default_store()
    try:
        assert isinstance(original, SecretStore)
        assert original.service == "roundtable"
        assert default_store() is original
        custom = SecretStore("roundtable-test-default")
        set_default_store(custom)
        assert default_store() is custom
        set_default_store(None)
        fresh = default_store()
        assert fresh is not custom and fresh.service == "roundtable"
        with pytest.raises(TypeError):
            set_default_store("roundtable")  # type: ignore[arg-type]
    finally:
        set_default_store(original)
