"""Links whose text is not plainly their target ask first, naming the real host (punycode)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from app.ui.chat_view import ChatView
from app.ui.links import needs_confirmation
from tests.app.test_chat_view import click_anchor

LOOK_ALIKE = "https://раураl.com/login"  # Cyrillic р, а, у: looks like paypal.com
LOOK_ALIKE_ACE = "https://xn--l-7sba6dbr.com/login"  # what markdown-it puts in the href


def show(view: ChatView, markdown: str) -> int:
    index = view.begin_answer("t")
    view.append_text(index, markdown)
    view.finish_answer(index)
    return index


def dialog(qtbot, view: ChatView) -> QMessageBox:
    qtbot.waitUntil(lambda: view.findChild(QMessageBox, "confirmLink") is not None)
    box = view.findChild(QMessageBox, "confirmLink")
    assert isinstance(box, QMessageBox)
    qtbot.waitUntil(box.isVisible)
    return box


@pytest.mark.parametrize(
    ("texts", "url", "ask"),
    [
        (["https://example.com/docs"], "https://example.com/docs", False),
        (["example.com/docs"], "https://example.com/docs", False),
        (["https://example.com"], "https://example.com/", False),
        (["https://example.com/a b"], "https://example.com/a%20b", False),
        (["https://a.com"], "https://b.com", True),
        (["https://a.com"], "https://a.com.evil.example/", True),
        (["the docs"], "https://docs.python.org/3/", True),
        (["https://example.com", "https://other.com"], "https://example.com", True),
        ([], "https://example.com", True),
        ([LOOK_ALIKE], LOOK_ALIKE, True),
        ([LOOK_ALIKE_ACE], LOOK_ALIKE_ACE, True),
    ],
)
def test_which_links_ask_first(texts: list[str], url: str, ask: bool) -> None:
    assert needs_confirmation(texts, url) is ask


def test_a_link_showing_its_own_target_opens_with_one_click(qtbot, view: ChatView) -> None:
    index = show(view, "See <https://example.com/docs> now.")
    with qtbot.waitSignal(view.linkActivated, timeout=1000) as link:
        click_anchor(qtbot, view, index, "https://example.com/docs")
    assert link.args == ["https://example.com/docs"]
    assert view.findChild(QMessageBox, "confirmLink") is None


def test_a_link_whose_text_is_another_url_asks_first_and_names_the_real_host(
    qtbot, view: ChatView
) -> None:
    index = show(view, "Log in at [https://a.com](https://b.com/path).")
    emitted: list[str] = []
    view.linkActivated.connect(emitted.append)
    click_anchor(qtbot, view, index, "https://b.com/path")
    box = dialog(qtbot, view)
    assert emitted == []  # nothing opens before the answer
    assert "https://b.com/path" in box.text() and "Host: b.com" in box.text()
    assert box.textFormat() == Qt.TextFormat.PlainText
    box.escapeButton().click()  # Cancel
    qtbot.waitUntil(lambda: view.findChild(QMessageBox, "confirmLink") is None)  # deleted
    assert emitted == []
    click_anchor(qtbot, view, index, "https://b.com/path")
    box = dialog(qtbot, view)
    [open_button] = [
        b for b in box.findChildren(QPushButton) if b.objectName() == "confirmLinkOpen"
    ]
    qtbot.mouseClick(open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: emitted == ["https://b.com/path"])


def test_a_look_alike_host_is_shown_in_punycode(qtbot, view: ChatView) -> None:
    index = show(view, f"[https://paypal.com/login]({LOOK_ALIKE}) and <{LOOK_ALIKE}>")
    emitted: list[str] = []
    view.linkActivated.connect(emitted.append)
    click_anchor(qtbot, view, index, LOOK_ALIKE_ACE)
    box = dialog(qtbot, view)
    assert "xn--l-7sba6dbr.com" in box.text() and "paypal" not in box.text()
    box.escapeButton().click()
    qtbot.waitUntil(lambda: view.findChild(QMessageBox, "confirmLink") is None)
    assert emitted == []
