"""Attachments in the windows: pasted, dropped and chosen files in the composer; each vendor's
request body from the window; what cannot be sent; history, export and deletion; images an answer
returns; the comparison window. Real widgets and Qt events, loopback servers, SQLite on disk."""

from __future__ import annotations

import base64
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QToolButton

from app.core.attachments import AttachmentStore
from app.core.history import History, default_path
from app.core.session import ChatSession, RequestConfig, Turn
from app.core.settings import Settings
from app.ui.attachment_strip import AttachmentStrip
from app.ui.attachment_view import AttachmentChip
from app.ui.compare_view import COLUMNS_KEY, CompareWindow
from app.ui.conversation import ConversationPane
from app.ui.main_window import MainWindow
from providers import media
from providers.base import AsyncGeneratorProvider
from providers.response import ImageResponse
from tests.app.conftest import Loop, OpenWindow
from tests.servers import (
    DEFAULT_KEY,
    AnthropicServer,
    Error,
    ImageHostServer,
    MockServer,
    OllamaServer,
    OpenAIServer,
)

CODE = b"def greet():\n    return 'hi'\n"
BLOCK = "File: greet.py\n```python\ndef greet():\n    return 'hi'\n```\n\n"


def png(size: tuple[int, int] = (40, 30), color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


PNG = png()
PNG64 = base64.b64encode(PNG).decode()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "dot.png").write_bytes(PNG)
    (folder / "greet.py").write_bytes(CODE)
    (folder / "empty.md").write_bytes(b"")
    return {path.name: path for path in folder.iterdir()}


@pytest.fixture
def window(open_window: OpenWindow) -> MainWindow:
    return open_window()


# ----- driving the composer with real Qt events --------------------------------------------------
def strip_of(window: Any) -> AttachmentStrip:
    strip = window.attachment_strip if hasattr(window, "attachment_strip") else None
    if strip is None:
        strip = window.conversation.attachment_strip
    assert isinstance(strip, AttachmentStrip)
    return strip


def file_urls(*paths: Path) -> QMimeData:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    return data


def drop(loop: Loop, window: Any, data: QMimeData) -> None:
    """Drag ``data`` over the composer and drop it, as a file manager does; wait for the read."""
    strip = strip_of(window)
    read = loop.expect(strip.loaded)
    target = window.composer.viewport()
    where = target.rect().center()
    actions = Qt.DropAction.CopyAction
    no_buttons, no_keys = Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(where, actions, data, no_buttons, no_keys)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted(), "the composer refused the drag"
    QApplication.sendEvent(target, QDragMoveEvent(where, actions, data, no_buttons, no_keys))
    dropped = QDropEvent(QPointF(where), actions, data, no_buttons, no_keys)
    QApplication.sendEvent(target, dropped)
    assert dropped.isAccepted()
    loop.run(read)


@pytest.fixture(autouse=True)
def empty_clipboard() -> Iterator[None]:
    """The clipboard owns the data a test put there: empty it while the test's objects live
    (left for the application's end, PySide6 frees it twice and the process crashes)."""
    yield
    QGuiApplication.clipboard().clear()


def paste(loop: Loop, qtbot: Any, window: Any, data: QMimeData) -> None:
    """Put ``data`` on the clipboard and press Ctrl+V in the composer; wait for the read."""
    read = loop.expect(strip_of(window).loaded)
    QGuiApplication.clipboard().setMimeData(data)
    window.composer.setFocus()
    qtbot.keyClick(window.composer, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    loop.run(read)


def chips(strip: AttachmentStrip) -> list[AttachmentChip]:
    return [chip for chip in strip.findChildren(AttachmentChip) if chip.isVisibleTo(strip)]


def send(window: Any, loop: Loop, qtbot: Any, text: str) -> None:
    ended = loop.expect(window.answerEnded)
    qtbot.keyClicks(window.composer, text)
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    loop.run(ended)


def chat_bodies(server: MockServer) -> list[dict[str, Any]]:
    return [request.body_dict for request in server.requests if request.kind == "chat"]


def sent_image(body: dict[str, Any]) -> str:
    """The base64 of the one image of an OpenAI-format body's last message."""
    part = body["messages"][-1]["content"][0]
    assert part["type"] == "image_url"
    return str(part["image_url"]["url"].split(",", 1)[1])


# ----- the composer -------------------------------------------------------------------------------
def test_an_image_pasted_from_the_clipboard_is_attached_not_typed(
    window: MainWindow, loop: Loop, qtbot: Any
) -> None:
    data = QMimeData()
    data.setData("image/png", PNG)
    data.setText("should not be typed")
    paste(loop, qtbot, window, data)
    strip = strip_of(window)
    (attachment,) = strip.attachments()
    assert (attachment.name, attachment.kind, attachment.data) == ("pasted.png", "image", PNG)
    assert window.composer.toPlainText() == ""
    (chip,) = chips(strip)
    assert chip.label.pixmap() is not None and not chip.label.pixmap().isNull()  # a thumbnail
    assert chip.toolTip() == attachment.summary()
    assert strip.isVisible() and f"~{attachment.tokens:,} tokens" in strip.summary.text()


def test_a_copied_picture_without_a_file_type_is_attached_as_png(
    window: MainWindow, loop: Loop, qtbot: Any
) -> None:
    picture = QImage(24, 12, QImage.Format.Format_RGB32)
    picture.fill(Qt.GlobalColor.blue)
    data = QMimeData()
    data.setImageData(picture)
    for mime in ("image/png", "image/jpeg", "image/gif", "image/webp"):
        data.removeFormat(mime)  # only the application/x-qt-image an image editor may offer
    paste(loop, qtbot, window, data)
    (attachment,) = strip_of(window).attachments()
    assert attachment.mime == "image/png"
    assert Image.open(io.BytesIO(attachment.data)).size == (24, 12)


def test_files_copied_in_a_file_manager_are_attached_when_pasted(
    window: MainWindow, loop: Loop, qtbot: Any, files: dict[str, Path]
) -> None:
    paste(loop, qtbot, window, file_urls(files["greet.py"], files["dot.png"]))
    names = [attachment.name for attachment in strip_of(window).attachments()]
    assert names == ["greet.py", "dot.png"]
    assert window.composer.toPlainText() == ""
    text = QMimeData()
    text.setText("plain words")
    QGuiApplication.clipboard().setMimeData(text)
    qtbot.keyClick(window.composer, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert window.composer.toPlainText() == "plain words"  # text still pastes as text


def test_dropped_files_are_attached_with_their_token_estimate_and_can_be_removed(
    window: MainWindow, loop: Loop, qtbot: Any, files: dict[str, Path]
) -> None:
    drop(loop, window, file_urls(files["dot.png"], files["greet.py"]))
    strip = strip_of(window)
    image, code = strip.attachments()
    total = image.tokens + code.tokens
    assert strip.summary.text() == f"2 attached · ~{total:,} tokens"
    assert [chip.attachment.name for chip in chips(strip)] == ["dot.png", "greet.py"]
    assert "greet.py" in chips(strip)[1].label.text()  # a file is a named chip
    drop(loop, window, file_urls(files["dot.png"]))  # the same file again: attached once
    assert len(strip.attachments()) == 2
    remove = chips(strip)[0].remove_button
    assert remove is not None
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert [a.name for a in strip.attachments()] == ["greet.py"]
    assert strip.summary.text() == f"1 attached · ~{code.tokens:,} tokens"


def test_an_empty_file_is_refused_with_a_clear_message_and_nothing_is_sent(
    window: MainWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any, files: dict[str, Path]
) -> None:
    drop(loop, window, file_urls(files["empty.md"]))
    strip = strip_of(window)
    assert strip.attachments() == []
    assert strip.error.isVisible()
    assert "empty.md is empty (0 bytes): there is nothing to send" in strip.error.text()
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)  # nothing typed, nothing attached
    assert chat_bodies(openai_server) == [] and window.chat_view.message_count() == 0
    drop(loop, window, file_urls(files["greet.py"], files["empty.md"]))  # one good, one bad
    assert [a.name for a in strip.attachments()] == ["greet.py"]
    assert "empty.md" in strip.error.text()
    qtbot.mouseClick(strip.dismiss_button, Qt.MouseButton.LeftButton)
    assert not strip.error.isVisible()


def test_a_20_mb_image_is_read_off_the_gui_thread_and_sent_downscaled(
    window: MainWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any, tmp_path: Path
) -> None:
    side = 2650  # 2650² RGB pixels of noise, stored uncompressed: a 20 MB PNG
    noise = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    big = tmp_path / "photo.png"
    noise.save(big, "PNG", compress_level=0)
    size = big.stat().st_size
    assert size > 20 * 1024 * 1024
    strip = strip_of(window)
    read = loop.expect(strip.loaded)
    data = file_urls(big)
    where = window.composer.viewport().rect().center()
    no_buttons, no_keys = Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(where, Qt.DropAction.CopyAction, data, no_buttons, no_keys)
    QApplication.sendEvent(window.composer.viewport(), enter)
    QApplication.sendEvent(
        window.composer.viewport(),
        QDropEvent(QPointF(where), Qt.DropAction.CopyAction, data, no_buttons, no_keys),
    )
    assert strip.busy and strip.summary.text() == "Reading…"  # the window did not wait for it
    qtbot.keyClicks(window.composer, "What is in it?")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)  # too early: said, not sent
    assert window.banner.isVisible() and "still being read" in window.banner.text.text()
    assert window.chat_view.message_count() == 0
    loop.run(read, timeout=30)
    (attachment,) = strip.attachments()
    assert attachment.summary().startswith(f"photo.png (image, {media.size_text(size)}, ")
    ended = loop.expect(window.answerEnded)
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    loop.run(ended, timeout=60)
    assert window.session is not None and window.session.turns[1].error is None
    (body,) = chat_bodies(openai_server)
    sent = base64.b64decode(sent_image(body))
    assert max(Image.open(io.BytesIO(sent)).size) <= 2048  # OpenAI's documented limit
    assert len(sent_image(body)) <= 20 * 1024 * 1024
    assert strip.attachments() == [] and not strip.isVisible()  # the strip emptied on sending


# ----- each vendor's body, from the window --------------------------------------------------------
VENDOR_MODELS = {
    "openai": ("gpt-4o-mini", "OPENAI_API_KEY"),
    "anthropic": ("claude-sonnet-4-5", "ANTHROPIC_API_KEY"),
    "gemini": ("gemini-2.5-flash", "GEMINI_API_KEY"),
    "ollama": ("gemma3:latest", None),
}


@pytest.fixture
def open_on(
    qtbot: Any, loop: Loop, keyring_service: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    """Opens the main window on ``provider_id`` at ``server``, with ``model`` chosen."""
    from app.ui import theme

    def open_(provider_id: str, server: MockServer, model: str) -> MainWindow:
        variable = VENDOR_MODELS[provider_id][1]
        if variable:
            monkeypatch.setenv(variable, DEFAULT_KEY)
        settings = Settings.load()
        settings.provider_id = provider_id
        settings.set_model_for(provider_id, model)
        settings.set_connection_for(provider_id, base_url=server.base_url, proxy=None)
        window = MainWindow(settings)
        qtbot.addWidget(window)
        window.show()
        window.start()
        loop.run(window.models_task)
        loop.run(window.credentials_task)
        assert window.target.select(provider_id, model)
        return window

    yield open_
    theme.apply_theme("system")


def image_and_text(provider_id: str, body: dict[str, Any]) -> tuple[str, str]:
    """(base64 of the image, the text) of the last user turn, read the vendor's documented way."""
    if provider_id == "openai":
        image, block, text = body["messages"][-1]["content"]
        assert image["type"] == "image_url" and block["type"] == text["type"] == "text"
        url = image["image_url"]["url"]
        assert url.startswith("data:image/png;base64,")
        return url.split(",", 1)[1], block["text"] + text["text"]
    if provider_id == "anthropic":
        image, text = body["messages"][-1]["content"]
        assert image["source"]["type"] == "base64" and image["source"]["media_type"] == "image/png"
        return image["source"]["data"], text["text"]
    if provider_id == "gemini":
        image, text = body["contents"][-1]["parts"]
        assert image["inline_data"]["mime_type"] == "image/png"
        return image["inline_data"]["data"], text["text"]
    message = body["messages"][-1]
    (image,) = message["images"]
    return image, message["content"]


@pytest.mark.parametrize("provider_id", list(VENDOR_MODELS))
def test_each_vendor_receives_the_image_and_the_file_from_the_window(
    provider_id: str, open_on: Any, loop: Loop, qtbot: Any, files: dict[str, Path],
    request: pytest.FixtureRequest,
) -> None:  # fmt: skip
    server: MockServer = request.getfixturevalue(f"{provider_id}_server")
    model = VENDOR_MODELS[provider_id][0]
    if isinstance(server, OllamaServer):
        server.models = ["gemma3:latest", "llama3.2:latest"]
    window = open_on(provider_id, server, model)
    drop(loop, window, file_urls(files["dot.png"], files["greet.py"]))
    send(window, loop, qtbot, "What does it show?")
    assert window.session is not None and window.session.turns[1].error is None
    image, text = image_and_text(provider_id, chat_bodies(server)[-1])
    assert image == PNG64
    assert text == BLOCK + "What does it show?"
    user = window.chat_view.bubble(0)
    assert [chip.attachment.name for chip in user.findChildren(AttachmentChip)] == [
        "dot.png", "greet.py",
    ]  # fmt: skip


def test_a_model_without_vision_refuses_the_image_with_retry(
    open_on: Any, ollama_server: OllamaServer, loop: Loop, qtbot: Any, files: dict[str, Path]
) -> None:
    ollama_server.models = ["llama3.2:latest", "gemma3:latest"]
    window = open_on("ollama", ollama_server, "llama3.2:latest")
    drop(loop, window, file_urls(files["dot.png"]))
    send(window, loop, qtbot, "Describe it")
    assert chat_bodies(ollama_server) == []  # refused before sending
    answer = window.chat_view.bubble(1)
    error = answer.findChild(QLabel, "errorLabel")
    assert isinstance(error, QLabel) and error.isVisible()
    assert "'llama3.2:latest' does not take images" in error.text()
    retry = answer.findChild(QToolButton, "retryButton")
    assert isinstance(retry, QToolButton) and retry.isVisible()
    assert window.target.select("ollama", "gemma3:latest")
    ended = loop.expect(window.answerEnded)
    qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
    loop.run(ended)
    (body,) = chat_bodies(ollama_server)
    assert body["model"] == "gemma3:latest" and body["messages"][-1]["images"] == [PNG64]


# ----- history ------------------------------------------------------------------------------------
def stored_files(window: MainWindow) -> list[Path]:
    assert window.attachment_store is not None
    return sorted(p for p in window.attachment_store.files_dir.rglob("*") if p.is_file())


def test_attachments_survive_reopening_export_and_deletion(
    window: MainWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any,
    files: dict[str, Path], tmp_path: Path,
) -> None:  # fmt: skip
    drop(loop, window, file_urls(files["dot.png"], files["greet.py"]))
    send(window, loop, qtbot, "Look at these")
    assert window.session is not None
    conversation = window.session.conversation_id
    assert conversation is not None
    assert [p.read_bytes() for p in stored_files(window)] in ([PNG, CODE], [CODE, PNG])

    window.new_chat()
    opened = loop.expect(window.conversationOpened)
    assert window.open_conversation(conversation)
    loop.run(opened)
    user = window.chat_view.bubble(0)
    shown = user.findChildren(AttachmentChip)
    assert [chip.attachment.name for chip in shown] == ["dot.png", "greet.py"]
    assert not shown[0].label.pixmap().isNull()  # the image as a thumbnail again
    assert [a.data for a in window.session.turns[0].attachments] == [PNG, CODE]

    send(window, loop, qtbot, "And again?")  # the earlier files go with the conversation
    first = chat_bodies(openai_server)[-1]["messages"][0]["content"]
    assert first[0]["image_url"]["url"] == f"data:image/png;base64,{PNG64}"
    assert first[1:] == [
        {"type": "text", "text": BLOCK}, {"type": "text", "text": "Look at these"},
    ]  # fmt: skip

    panel = window.history_panel
    panel.export_path_hook = lambda suggested: str(tmp_path / "out" / suggested)
    (tmp_path / "out").mkdir()
    panel.menu_for(conversation)
    panel.action("Export as Markdown…").trigger()
    markdown = (tmp_path / "out" / "Look at these.md").read_text(encoding="utf-8")
    assert "![dot.png](Look%20at%20these_files/dot.png)" in markdown
    assert (tmp_path / "out" / "Look at these_files" / "greet.py").read_bytes() == CODE
    panel.menu_for(conversation)
    panel.action("Export as JSON…").trigger()
    exported = json.loads((tmp_path / "out" / "Look at these.json").read_text(encoding="utf-8"))
    names = [
        (a["name"], base64.b64decode(a["data"])) for a in exported["messages"][0]["attachments"]
    ]
    assert names == [("dot.png", PNG), ("greet.py", CODE)]

    panel.delete(conversation)
    assert stored_files(window) == []  # no other conversation used them
    reader = History(default_path())
    try:
        store = AttachmentStore.for_history(reader)
        assert store.for_conversation(conversation) == {}
        store.close()
    finally:
        reader.close()


# ----- images an answer returns -------------------------------------------------------------------
class Painter(AsyncGeneratorProvider):
    """Answers with a sentence and the images in ``urls`` (as an image-generating service)."""

    label = "Painter"
    working = True
    urls: ClassVar[list[str]] = []

    @classmethod
    async def create_async_generator(  # type: ignore[override]
        cls, model: str, messages: Any, stream: bool = True, **kwargs: Any
    ) -> Any:
        yield "Here it is."
        yield ImageResponse(list(cls.urls), "a red dot")


def test_images_an_answer_returns_are_shown_and_remote_ones_load_only_on_click(
    qtbot: Any, loop: Loop, image_host: ImageHostServer, tmp_path: Path
) -> None:
    local = tmp_path / "made.png"
    local.write_bytes(png(color=(0, 160, 0)))
    image_host.files["/far.png"] = ("image/png", png(size=(64, 48), color=(0, 0, 200)))
    Painter.urls = [f"data:image/png;base64,{PNG64}", str(local), f"{image_host.url}/far.png"]
    pane = ConversationPane(lambda: True)
    qtbot.addWidget(pane)
    pane.show()
    session = ChatSession(
        RequestConfig(provider=Painter, provider_id="painter"),
        listener=pane.listener,  # type: ignore[arg-type]
    )
    pane.attach(session)
    ended = loop.expect(pane.answerEnded)
    qtbot.keyClicks(pane.composer, "Draw a dot")
    qtbot.keyClick(pane.composer, Qt.Key.Key_Return)
    loop.run(ended)
    answer = pane.chat_view.bubble(1)
    held = answer.findChildren(AttachmentChip)
    assert [chip.attachment.data for chip in held] == [PNG, local.read_bytes()]
    assert all(not chip.label.pixmap().isNull() for chip in held)
    loop.idle(0.2)
    assert image_host.requests == []  # nothing fetched by itself
    (placeholder,) = answer.images.remote
    assert "127.0.0.1" in placeholder.label.text()
    loaded = loop.expect(placeholder.loaded)
    load = placeholder.findChild(QPushButton, "loadRemoteImage")
    assert isinstance(load, QPushButton)
    qtbot.mouseClick(load, Qt.MouseButton.LeftButton)
    loop.run(loaded)
    assert [request.path for request in image_host.requests] == ["/far.png"]
    assert placeholder.label.pixmap().size().width() == 64 and not load.isVisible()


def test_a_remote_image_that_is_not_an_image_is_not_shown(
    qtbot: Any, loop: Loop, image_host: ImageHostServer
) -> None:
    from app.ui.attachment_view import RemoteImage

    image_host.files["/page.png"] = ("image/png", b"<html>tracking</html>")
    placeholder = RemoteImage(f"{image_host.url}/page.png")
    qtbot.addWidget(placeholder)
    loaded = loop.expect(placeholder.loaded)
    placeholder.load()
    loop.run(loaded)
    assert "is not an image" in placeholder.label.text()
    assert placeholder.label.pixmap().isNull()


# ----- the comparison window ----------------------------------------------------------------------
def test_the_comparison_window_sends_the_attachments_to_every_column(
    qtbot: Any, loop: Loop, openai_server: OpenAIServer, anthropic_server: AnthropicServer,
    keyring_service: str, monkeypatch: pytest.MonkeyPatch, files: dict[str, Path],
) -> None:  # fmt: skip
    from app.ui import theme

    monkeypatch.setenv("OPENAI_API_KEY", DEFAULT_KEY)
    monkeypatch.setenv("ANTHROPIC_API_KEY", DEFAULT_KEY)
    settings = Settings.load()
    settings.set_connection_for("openai", base_url=openai_server.base_url, proxy=None)
    settings.set_connection_for("anthropic", base_url=anthropic_server.url, proxy=None)
    columns = [("openai", "gpt-4o-mini"), ("anthropic", "claude-haiku-4-5")]
    settings.set(COLUMNS_KEY, [{"provider": p, "model": m} for p, m in columns])
    window = CompareWindow(settings)
    qtbot.addWidget(window)
    window.show()
    try:
        loop.run(window.credentials_task)
        for widget in window.columns():
            loop.run(widget.models_task)
        drop(loop, window, file_urls(files["dot.png"], files["greet.py"]))
        qtbot.keyClicks(window.composer, "Compare")
        qtbot.keyClick(window.composer, Qt.Key.Key_Return)
        loop.run(window.run.wait())
        assert all(column.error is None for column in window.run.columns)
        assert image_and_text("openai", chat_bodies(openai_server)[-1]) == (
            PNG64, BLOCK + "Compare",
        )  # fmt: skip
        assert image_and_text("anthropic", chat_bodies(anthropic_server)[-1]) == (
            PNG64, BLOCK + "Compare",
        )  # fmt: skip
        first = window.columns()[0]
        assert window.retry_column(first.key)  # a retried column sends them again
        loop.run(window.run.wait())
        assert image_and_text("openai", chat_bodies(openai_server)[-1])[0] == PNG64
    finally:
        window.run.stop()
        loop.run(window.run.wait())
        theme.apply_theme("system")


# ----- refusals after sending, editing, providers without attachments ----------------------------
def test_a_server_rejecting_the_image_says_so_and_offers_retry(
    window: MainWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any, files: dict[str, Path]
) -> None:
    openai_server.push(
        Error(400, message="Invalid content type. image_url is only supported by certain models.")
    )
    drop(loop, window, file_urls(files["dot.png"]))
    send(window, loop, qtbot, "Describe it")
    answer = window.chat_view.bubble(1)
    error = answer.findChild(QLabel, "errorLabel")
    assert isinstance(error, QLabel) and error.isVisible()
    assert "image_url is only supported" in error.text()
    assert "The request carried images" in error.text()
    retry = answer.findChild(QToolButton, "retryButton")
    assert isinstance(retry, QToolButton) and retry.isVisible()
    ended = loop.expect(window.answerEnded)
    qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
    loop.run(ended)
    assert sent_image(chat_bodies(openai_server)[-1]) == PNG64  # the retry carried it again


def test_editing_a_message_brings_back_its_files_to_keep_or_remove(
    window: MainWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any, files: dict[str, Path]
) -> None:
    drop(loop, window, file_urls(files["dot.png"], files["greet.py"]))
    send(window, loop, qtbot, "First try")
    edit = window.chat_view.bubble(0).findChild(QToolButton, "editButton")
    assert isinstance(edit, QToolButton)
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    strip = strip_of(window)
    assert [a.name for a in strip.attachments()] == ["dot.png", "greet.py"]
    remove = chips(strip)[0].remove_button
    assert remove is not None
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    window.composer.clear()
    send(window, loop, qtbot, "Second try")
    content = chat_bodies(openai_server)[-1]["messages"][-1]["content"]
    assert content == [
        {"type": "text", "text": BLOCK}, {"type": "text", "text": "Second try"},
    ]  # fmt: skip
    assert window.session is not None
    assert [a.name for a in window.session.turns[0].attachments] == ["greet.py"]


def test_a_provider_that_takes_no_attachments_says_so(qtbot: Any, loop: Loop) -> None:
    Painter.urls = []
    pane = ConversationPane(lambda: True)
    qtbot.addWidget(pane)
    pane.show()
    pane.attach(
        ChatSession(
            RequestConfig(provider=Painter, provider_id="painter"),
            listener=pane.listener,  # type: ignore[arg-type]
        )
    )
    read = loop.expect(pane.attachment_strip.loaded)
    pane.attachment_strip.add_data(PNG)
    loop.run(read)
    ended = loop.expect(pane.answerEnded)
    qtbot.keyClick(pane.composer, Qt.Key.Key_Return)  # a message of an image alone
    loop.run(ended)
    error = pane.chat_view.bubble(1).findChild(QLabel, "errorLabel")
    assert isinstance(error, QLabel) and error.isVisible()
    assert error.text().startswith("Painter does not take attachments.")


def test_files_of_earlier_turns_are_sent_with_a_system_prompt_merged_into_the_first(
    qtbot: Any,
) -> None:
    from app.core.attachments import Attachment

    class NoSystem(Painter):
        supports_system_message = False

    session = ChatSession(RequestConfig(provider=NoSystem, provider_id="nosystem"))
    session.system_prompt = "Be brief."
    image = Attachment.from_bytes(PNG, "dot.png")
    session.turns = [
        Turn(role="user", content="What is this?", attachments=[image]),
        Turn(role="assistant", content="A red dot."),
        Turn(role="user", content="Bigger?", attachments=[image]),
    ]
    messages = session.request_messages(attach_last=False)
    first = messages[0]["content"]
    assert first[0] == {
        "type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG64}"},
    }  # fmt: skip
    assert first[1] == {"type": "text", "text": "Be brief.\n\nWhat is this?"}
    assert messages[2] == {"role": "user", "content": "Bigger?"}  # its file goes as ``media``
    assert isinstance(session.request_messages()[2]["content"], list)


def test_a_message_of_files_alone_is_sent_and_titled_by_them(
    window: MainWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any, files: dict[str, Path]
) -> None:
    drop(loop, window, file_urls(files["dot.png"]))
    ended = loop.expect(window.answerEnded)
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)  # no text: the image is the message
    loop.run(ended)
    content = chat_bodies(openai_server)[-1]["messages"][-1]["content"]
    assert content == [
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG64}"}}
    ]
    assert not window.chat_view.bubble(0).body.isVisibleTo(window.chat_view.bubble(0))
    assert window.history is not None and window.session is not None
    conversation_id = window.session.conversation_id
    assert conversation_id is not None
    assert window.history.conversation(conversation_id).title == "dot.png"
