"""``roundtable keys``, ``login``, ``logout`` and ``chat`` with stored credentials, as run by users.

Each command is a real ``roundtable`` process (stdin is a pipe, so secrets are read as one line from
it) talking to tests/servers over loopback and to a real Secret Service. The processes inherit
DBUS_SESSION_BUS_ADDRESS, HOME and this test's XDG dirs, and use a keyring service of this test's
own (``ROUNDTABLE_KEYRING_SERVICE``), removed afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from providers import credentials
from tests.keyring_support import requires_secret_service
from tests.servers.base import DEFAULT_KEY
from tests.servers.openai_server import OpenAIServer
from tests.servers.openwebui_server import DEFAULT_USER, OpenWebUIServer

pytestmark = [
    pytest.mark.keyring,
    requires_secret_service,
    pytest.mark.usefixtures("keyring_service"),  # for the commands (environment) too
]

EMAIL, PASSWORD = DEFAULT_USER
_SCRIPT = Path(sys.executable).with_name("roundtable")
ROUNDTABLE = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "app.main"]


@pytest.fixture(autouse=True)
def in_tmp_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Commands run in a directory of this test's own."""
    monkeypatch.chdir(tmp_path)


def roundtable(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run the command with the current environment (monkeypatched variables included)."""
    return subprocess.run(
        [*ROUNDTABLE, *args], input=stdin, capture_output=True, text=True, timeout=60,
        env=dict(os.environ), check=False,
    )  # fmt: skip


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr}"
    return result


# --- keys -----------------------------------------------------------------------------------------


def test_keys_set_list_delete(secret_store: credentials.SecretStore) -> None:
    result = ok(roundtable("keys", "set", "-p", "openai", stdin=DEFAULT_KEY + "\n"))
    assert "stored the API key for openai" in result.stderr
    assert secret_store.get_field("openai", credentials.API_KEY) == DEFAULT_KEY

    listing = ok(roundtable("keys", "list"))
    assert listing.stdout == f"openai  {credentials.mask_secret(DEFAULT_KEY)}\n"
    assert DEFAULT_KEY not in listing.stdout + listing.stderr

    ok(roundtable("keys", "delete", "-p", "openai"))
    assert secret_store.get_field("openai", credentials.API_KEY) is None
    again = roundtable("keys", "delete", "-p", "openai")
    assert again.returncode == 1
    assert "No API key is stored for openai" in again.stderr


def test_keys_set_with_nothing_entered_stores_nothing(
    secret_store: credentials.SecretStore,
) -> None:
    result = roundtable("keys", "set", "-p", "openai", stdin="\n")
    assert result.returncode == 1
    assert "Nothing was entered" in result.stderr
    assert secret_store.names() == []


def test_keys_set_without_a_keyring_names_the_variable_before_asking() -> None:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    result = subprocess.run(
        [*ROUNDTABLE, "keys", "set", "-p", "anthropic"], input="", capture_output=True,
        text=True, timeout=60, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "No secure keyring is available" in result.stderr
    assert "Or set ANTHROPIC_API_KEY in the environment" in result.stderr
    assert "Nothing was entered" not in result.stderr  # it did not ask for the key first
    assert "Traceback" not in result.stderr


def test_a_key_is_never_an_argument(secret_store: credentials.SecretStore) -> None:
    result = roundtable("keys", "set", "-p", "openai", DEFAULT_KEY)
    assert result.returncode == 2  # argparse: unrecognized argument
    assert secret_store.names() == []


def test_chat_uses_the_stored_key(openai_server: OpenAIServer) -> None:
    ok(roundtable("keys", "set", "-p", "openai", stdin=DEFAULT_KEY + "\n"))
    assert "OPENAI_API_KEY" not in os.environ
    result = ok(roundtable("chat", "-p", "openai", "--base-url", openai_server.base_url, "hi"))
    assert result.stdout == "You said: hi\n"
    assert openai_server.last_request is not None
    assert openai_server.last_request.header("authorization") == f"Bearer {DEFAULT_KEY}"


def test_chat_without_any_key_says_how_to_set_one(openai_server: OpenAIServer) -> None:
    result = roundtable("chat", "-p", "openai", "--base-url", openai_server.base_url, "hi")
    assert result.returncode == 1
    assert "No API key for OpenAI" in result.stderr
    assert "OPENAI_API_KEY" in result.stderr
    assert "roundtable keys set -p openai" in result.stderr
    assert openai_server.requests == []


# --- login ----------------------------------------------------------------------------------------


def test_login_chat_logout(
    openwebui_server: OpenWebUIServer, secret_store: credentials.SecretStore
) -> None:
    url = openwebui_server.url
    login = ok(
        roundtable("login", "-p", "openwebui", "--base-url", url, "--user", EMAIL,
                   stdin=PASSWORD + "\n")
    )  # fmt: skip
    assert f"signed in to Open WebUI as {EMAIL}" in login.stderr
    assert secret_store.get("auth_OpenWebUI") is not None
    assert secret_store.get_field("openwebui", credentials.PASSWORD) is None

    chat = ok(roundtable("chat", "-p", "openwebui", "--base-url", url, "hi"))
    assert chat.stdout == "You said: hi\n"
    # Without --base-url: the server of the login.
    assert ok(roundtable("chat", "-p", "openwebui", "hi")).stdout == "You said: hi\n"
    assert [r.kind for r in openwebui_server.requests].count("signin") == 1

    logout = ok(roundtable("logout", "-p", "openwebui"))
    assert "signed out of Open WebUI" in logout.stderr
    assert secret_store.get("auth_OpenWebUI") is None

    again = ok(roundtable("logout", "-p", "openwebui"))
    assert "not signed in to Open WebUI" in again.stderr

    after = roundtable("chat", "-p", "openwebui", "hi")
    assert after.returncode == 1
    assert "session expired: sign in again" in after.stderr
    assert f"roundtable login -p openwebui --base-url {url} --user {EMAIL}" in after.stderr


def test_login_with_wrong_password_stores_nothing(
    openwebui_server: OpenWebUIServer, secret_store: credentials.SecretStore
) -> None:
    wrong = "wrong-password-for-test"
    result = roundtable(
        "login", "-p", "openwebui", "--base-url", openwebui_server.url, "--user", EMAIL,
        "--remember-password", stdin=wrong + "\n",
    )  # fmt: skip
    assert result.returncode == 1
    assert "The email or password provided is incorrect" in result.stderr
    assert wrong not in result.stderr + result.stdout
    assert secret_store.names() == []


def test_a_password_is_read_as_typed(
    openwebui_server: OpenWebUIServer, secret_store: credentials.SecretStore
) -> None:
    """Blanks around a password are part of it (keys, in contrast, are stripped)."""
    openwebui_server.users[EMAIL] = " spaced pass "
    ok(
        roundtable("login", "-p", "openwebui", "--base-url", openwebui_server.url, "--user",
                   EMAIL, "--remember-password", stdin=" spaced pass \n")
    )  # fmt: skip
    assert secret_store.get_field("openwebui", credentials.PASSWORD) == " spaced pass "


def test_remembered_password_renews_an_expired_session(
    openwebui_server: OpenWebUIServer, secret_store: credentials.SecretStore
) -> None:
    ok(
        roundtable("login", "-p", "openwebui", "--base-url", openwebui_server.url, "--user",
                   EMAIL, "--remember-password", stdin=PASSWORD + "\n")
    )  # fmt: skip
    assert secret_store.get_field("openwebui", credentials.PASSWORD) == PASSWORD
    openwebui_server.expire_tokens()
    openwebui_server.reset()
    assert ok(roundtable("chat", "-p", "openwebui", "-m", "gpt-4o-mini", "hi")).stdout == (
        "You said: hi\n"
    )
    assert [r.kind for r in openwebui_server.requests] == ["chat", "signin", "chat"]


def test_login_to_a_key_provider_points_to_keys_set(secret_store: credentials.SecretStore) -> None:
    result = roundtable("login", "-p", "openai", "--user", EMAIL, stdin="whatever\n")
    assert result.returncode == 1
    assert "roundtable keys set -p openai" in result.stderr
    assert secret_store.names() == []
