"""The credentials dialog with a real Secret Service (scripts/with-keyring.sh) and real servers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit

from app.core import secrets
from app.core.settings import Settings
from app.ui.credentials_dialog import CredentialsDialog
from providers import credentials
from providers.base import stream_chunks
from providers.registry import get_provider
from providers.vendors.openai import OpenAI
from providers.vendors.openwebui import OpenWebUI
from tests.app.conftest import Loop
from tests.keyring_support import requires_secret_service
from tests.servers import DEFAULT_KEY, OpenAIServer, OpenWebUIServer


@pytest.fixture
def open_dialog(qtbot: Any, loop: Loop, keyring_service: str) -> Iterator[Any]:
    def open_(provider_id: str) -> CredentialsDialog:
        dialog = CredentialsDialog(get_provider(provider_id), provider_id, Settings.load())
        qtbot.addWidget(dialog)
        dialog.show()
        loop.run(dialog.task)  # the stored state is read in a worker thread
        return dialog

    yield open_


def click(qtbot: Any, widget: Any) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def save(dialog: CredentialsDialog, loop: Loop, qtbot: Any) -> None:
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Save))
    loop.run(dialog.task)


def files_containing(root: Path, secret: str) -> list[Path]:
    return [
        path for path in root.rglob("*") if path.is_file() and secret.encode() in path.read_bytes()
    ]


@pytest.mark.keyring
@requires_secret_service
def test_a_key_goes_to_the_keyring_and_comes_back_only_masked(
    open_dialog: Any, loop: Loop, qtbot: Any, tmp_path: Path
) -> None:
    secret = "test-roundtable-key-A1b2"  # fake, but long enough to be masked with a prefix
    dialog = open_dialog("openai")
    assert not dialog.keyring_message.isVisible()
    assert dialog.api_key.echoMode() == QLineEdit.EchoMode.Password
    assert not dialog.forget_key.isEnabled()
    saved = loop.expect(dialog.saved)
    qtbot.keyClicks(dialog.api_key, secret)
    save(dialog, loop, qtbot)
    assert loop.run(saved) == ("openai",)
    assert not dialog.isVisible() and dialog.api_key.text() == ""
    assert credentials.default_store().get_field("openai", credentials.API_KEY) == secret
    assert files_containing(tmp_path, secret) == []  # settings, caches: nowhere on disk

    again = open_dialog("openai")
    assert again.api_key.text() == ""  # the stored key is never put into the field
    assert credentials.mask_secret(secret) in again.api_key.placeholderText()
    assert secret not in again.api_key.placeholderText()
    assert again.forget_key.isEnabled()
    click(qtbot, again.forget_key)
    loop.run(again.task)
    assert credentials.default_store().get_field("openai", credentials.API_KEY) is None
    assert "removed" in again.feedback.text()


@pytest.mark.keyring
@requires_secret_service
def test_test_connection_lists_the_models(
    open_dialog: Any, loop: Loop, qtbot: Any, openai_server: OpenAIServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(OpenAI, "models", [])
    dialog = open_dialog("openai")
    qtbot.keyClicks(dialog.base_url, openai_server.base_url)
    qtbot.keyClicks(dialog.api_key, "wrong-key-000")
    click(qtbot, dialog.test_button)
    loop.run(dialog.task)
    assert dialog.feedback.isVisible() and dialog.feedback.property("role") == "error"
    assert "rejected" in dialog.feedback.text() and "wrong-key-000" not in dialog.feedback.text()

    dialog.api_key.clear()
    qtbot.keyClicks(dialog.api_key, DEFAULT_KEY)
    click(qtbot, dialog.test_button)
    loop.run(dialog.task)
    assert dialog.feedback.property("role") == "success"
    assert dialog.feedback.text() == "Connected — 3 models: gpt-4o-mini, gpt-4o, o3-mini"
    assert dialog.models == ["gpt-4o-mini", "gpt-4o", "o3-mini"]
    assert openai_server.last_request.header("authorization") == f"Bearer {DEFAULT_KEY}"
    # Testing stores nothing.
    assert credentials.default_store().get_field("openai", credentials.API_KEY) is None


@pytest.mark.keyring
@requires_secret_service
def test_test_connection_result_makes_the_dialog_grow_not_squash(
    open_dialog: Any, loop: Loop, qtbot: Any, openai_server: OpenAIServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(OpenAI, "models", [])
    dialog = open_dialog("openai")
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.base_url, openai_server.base_url)
    qtbot.keyClicks(dialog.api_key, "wrong-key-000")
    click(qtbot, dialog.test_button)
    loop.run(dialog.task)
    qtbot.wait(50)  # the layout settles
    assert dialog.feedback.isVisible()
    for field in (dialog.api_key, dialog.base_url, dialog.proxy):
        assert field.height() >= field.sizeHint().height(), field.objectName()
    feedback = dialog.feedback
    assert feedback.height() >= feedback.heightForWidth(feedback.width())
    assert dialog.buttons.geometry().bottom() <= dialog.height()


@pytest.mark.keyring
@requires_secret_service
@pytest.mark.parametrize(
    ("pid", "page"),
    [
        ("openai", "https://platform.openai.com/api-keys"),
        ("openrouter", "https://openrouter.ai/keys"),
        ("anthropic", "https://console.anthropic.com/settings/keys"),
        ("custom", None),
        ("lmstudio", None),
        ("llamacpp", None),
        ("vllm", None),
    ],
)
def test_get_an_api_key_links_the_providers_own_page_or_none(
    open_dialog: Any, pid: str, page: str | None
) -> None:
    dialog = open_dialog(pid)
    links = dialog.findChildren(QLabel, "getKeyLink")
    if page is None:
        assert links == []
    else:
        assert len(links) == 1 and f'href="{page}"' in links[0].text()


@pytest.mark.keyring
@requires_secret_service
def test_a_wrong_address_is_said_in_the_dialogs_words(
    open_dialog: Any, loop: Loop, qtbot: Any, openai_server: OpenAIServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(OpenAI, "models", [])
    dialog = open_dialog("openai")
    dialog.base_url.clear()
    qtbot.keyClicks(dialog.base_url, openai_server.base_url + "/wrong/place")
    qtbot.keyClicks(dialog.api_key, DEFAULT_KEY)
    click(qtbot, dialog.test_button)
    loop.run(dialog.task)
    text = dialog.feedback.text()
    assert dialog.feedback.property("role") == "error" and "no model list at this address" in text
    assert "roundtable" not in text and "None" not in text  # no command, no "model None"


@pytest.mark.keyring
@requires_secret_service
def test_base_url_and_proxy_are_kept_apart_from_secrets(
    open_dialog: Any, loop: Loop, qtbot: Any, tmp_path: Path
) -> None:
    dialog = open_dialog("openai")
    qtbot.keyClicks(dialog.base_url, "http://127.0.0.1:9/v1")
    qtbot.keyClicks(dialog.proxy, "http://proxy.invalid:3128")
    save(dialog, loop, qtbot)
    assert Settings.load().connection_for("openai") == {
        "base_url": "http://127.0.0.1:9/v1", "proxy": "http://proxy.invalid:3128",
    }  # fmt: skip

    dialog = open_dialog("openai")
    assert dialog.base_url.text() == "http://127.0.0.1:9/v1"
    dialog.proxy.clear()
    qtbot.keyClicks(dialog.proxy, "http://me:proxy-pass-123@proxy.invalid:3128")
    save(dialog, loop, qtbot)
    assert Settings.load().connection_for("openai") == {"base_url": "http://127.0.0.1:9/v1"}
    stored = credentials.default_store().get_field("openai", "proxy")
    assert stored == "http://me:proxy-pass-123@proxy.invalid:3128"
    assert files_containing(tmp_path, "proxy-pass-123") == []
    assert "proxy-pass-123" not in open_dialog("openai").proxy.placeholderText()


def test_without_a_keyring_a_key_is_used_for_this_run_only(
    open_dialog: Any, loop: Loop, qtbot: Any, tmp_path: Path, no_keyring: None,
    openai_server: OpenAIServer,
) -> None:  # fmt: skip
    """No Secret Service: Save keeps the key in memory, saves the base URL and proxy, and the
    key answers requests until the app quits; nothing secret reaches a file."""
    secret = "test-session-only-key-9876"
    openai_server.api_keys = {secret}
    dialog = open_dialog("openai")
    assert dialog.session_only and dialog.keyring_message.isVisible()
    message = dialog.keyring_message.text()
    assert "No secure keyring is available" in message and "OPENAI_API_KEY" in message
    assert not dialog.session_note.isVisible()
    saved = loop.expect(dialog.saved)
    qtbot.keyClicks(dialog.api_key, secret)
    qtbot.keyClicks(dialog.base_url, openai_server.base_url)
    qtbot.keyClicks(dialog.proxy, "http://proxy.invalid:3128")
    save(dialog, loop, qtbot)
    assert loop.run(saved) == ("openai",)
    assert not dialog.isVisible() and dialog.api_key.text() == ""
    assert Settings.load().connection_for("openai") == {
        "base_url": openai_server.base_url, "proxy": "http://proxy.invalid:3128",
    }  # fmt: skip
    assert files_containing(tmp_path, secret) == []

    # Requests of this run use it (the window asks request_secrets for every request).
    found = loop.run(secrets.request_secrets(OpenAI, "openai"))
    assert found == {"api_key": secret}
    assert secrets.credential_status(OpenAI, "openai", set())  # no "needs key" mark
    chunks = loop.run(answer(OpenAI, base_url=openai_server.base_url, **found))
    assert "".join(c for c in chunks if isinstance(c, str)) == "You said: hi"
    assert openai_server.last_request.header("authorization") == f"Bearer {secret}"

    # Reopened: labelled as not saved, never shown; "Remove" forgets it.
    again = open_dialog("openai")
    assert again.session_note.isVisible()
    assert again.session_note.text() == (
        "Not saved — no keyring. Used until you quit. You can also set OPENAI_API_KEY."
    )
    assert secret not in again.api_key.placeholderText() and again.api_key.text() == ""
    assert again.forget_key.isEnabled()
    assert again.grab().save("/tmp/roundtable-credentials-no-keyring.png")  # noqa: S108
    for label in (again.keyring_message, again.session_note):  # nothing cut off
        assert label.height() >= label.heightForWidth(label.width()), label.text()
    assert again.api_key.height() >= again.api_key.sizeHint().height()
    click(qtbot, again.forget_key)
    loop.run(again.task)
    assert again.feedback.text() == "The key kept for this session was forgotten."
    assert not secrets.is_session_only("openai")
    assert loop.run(secrets.request_secrets(OpenAI, "openai")) == {}
    assert not again.session_note.isVisible()


def test_without_a_keyring_a_proxy_password_stays_in_memory(
    open_dialog: Any, loop: Loop, qtbot: Any, tmp_path: Path, no_keyring: None
) -> None:
    dialog = open_dialog("openai")
    qtbot.keyClicks(dialog.base_url, "http://127.0.0.1:9/v1")
    qtbot.keyClicks(dialog.proxy, "http://me:proxy-pass-456@proxy.invalid:3128")
    save(dialog, loop, qtbot)
    assert not dialog.isVisible()
    assert Settings.load().connection_for("openai") == {"base_url": "http://127.0.0.1:9/v1"}
    assert loop.run(secrets.proxy_secret("openai")) == "http://me:proxy-pass-456@proxy.invalid:3128"
    assert files_containing(tmp_path, "proxy-pass-456") == []
    again = open_dialog("openai")
    assert again.proxy.text() == ""
    assert (
        again.proxy.placeholderText() == "Kept for this session: http://me:•••@proxy.invalid:3128"
    )


def test_without_a_keyring_the_test_button_uses_the_session_key(
    open_dialog: Any, loop: Loop, qtbot: Any, no_keyring: None, openai_server: OpenAIServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(OpenAI, "models", [])
    secrets.keep_for_session("openai", secrets.API_KEY, DEFAULT_KEY)
    dialog = open_dialog("openai")
    assert dialog.session_note.isVisible() and dialog.forget_key.isEnabled()
    qtbot.keyClicks(dialog.base_url, openai_server.base_url)
    click(qtbot, dialog.test_button)
    loop.run(dialog.task)
    assert dialog.feedback.property("role") == "success", dialog.feedback.text()
    assert openai_server.last_request.header("authorization") == f"Bearer {DEFAULT_KEY}"


async def answer(provider: Any, **kwargs: Any) -> list[Any]:
    messages = [{"role": "user", "content": "hi"}]
    return [chunk async for chunk in stream_chunks(provider, "gpt-4o-mini", messages, **kwargs)]


@pytest.mark.keyring
@requires_secret_service
def test_login_provider_signs_in_and_out(
    open_dialog: Any, loop: Loop, qtbot: Any, openwebui_server: OpenWebUIServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(OpenWebUI, "models", [])
    dialog = open_dialog("openwebui")
    assert dialog.login_box.isVisible() and not dialog.key_row.isVisible()
    assert dialog.login_status.text() == "Not signed in."
    qtbot.keyClicks(dialog.base_url, openwebui_server.url)
    qtbot.keyClicks(dialog.email, "test@example.com")
    qtbot.keyClicks(dialog.password, "not-the-password")
    click(qtbot, dialog.sign_in)
    loop.run(dialog.task)
    assert (
        dialog.feedback.property("role") == "error"
        and "did not sign you in" in dialog.feedback.text()
    )

    dialog.password.clear()
    qtbot.keyClicks(dialog.password, "test-password")
    click(qtbot, dialog.sign_in)
    loop.run(dialog.task)
    assert dialog.login_status.text() == "Signed in as test@example.com."
    assert dialog.password.text() == ""
    record = OpenWebUI.get_cache_file().key
    assert credentials.default_store().get(record) is not None

    click(qtbot, dialog.test_button)
    loop.run(dialog.task)
    assert dialog.models == ["llama3.2:latest", "gpt-4o-mini"]

    click(qtbot, dialog.sign_out)
    loop.run(dialog.task)
    assert dialog.login_status.text() == "Not signed in."
    assert credentials.default_store().get(record) is None
