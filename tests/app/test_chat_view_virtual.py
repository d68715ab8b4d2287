"""The chat view keeps widgets only near the screen: real widgets, real scrolling (pytest-qt)."""

from __future__ import annotations

import io
import time

from PIL import Image
from PySide6.QtCore import QPoint, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from app.core.attachments import Attachment
from app.ui.attachment_view import AttachmentChip, RemoteImage
from app.ui.chat_view import ChatView, MessageBrowser
from app.ui.version_switcher import VersionSwitcher

ANSWER = "## Part {n}\n\nSome **bold** text and `code {n}`.\n\n- one\n- two\n\n" + "Words. " * 40


def fill(view: ChatView, count: int) -> list[str]:
    """``count`` stored messages (user, answer, user, ...); returns their sources."""
    texts = []
    for n in range(count):
        if n % 2 == 0:
            texts.append(f"Question {n}: tell me more about part {n}.")
            view.add_user_message(texts[-1], lazy=True)
        else:
            texts.append(ANSWER.format(n=n))
            view.add_answer("OpenAI · gpt-4o", texts[-1], footer="1.0 s")
    return texts


def settle(qtbot) -> None:
    """Let refreshes run and released widgets be deleted."""
    qtbot.wait(20)
    QApplication.sendPostedEvents(None, 0)  # deleteLater
    qtbot.wait(1)


def live_browsers(view: ChatView) -> int:
    return len(view.findChildren(MessageBrowser))


def shown_text(view: ChatView, index: int) -> str:
    bubble = view.bubble(index)
    pages = bubble.pages() if hasattr(bubble, "pages") else [bubble.body]
    return "\n".join(page.toPlainText() for page in pages)


def test_far_off_screen_messages_hold_no_widget_or_document(qtbot, view: ChatView) -> None:
    fill(view, 300)
    view.scroll_to_bottom()
    settle(qtbot)
    built = view.built()
    assert 299 in built and 0 not in built
    assert len(built) < 30  # the screen and a margin, not the conversation
    assert live_browsers(view) < 60  # no document, laid out or not, for the others

    view.scroll_to_message(0)
    settle(qtbot)
    assert 0 in view.built() and 299 not in view.built()
    assert live_browsers(view) < 60  # the ones left behind at the bottom were released


def test_scrolling_back_rebuilds_a_message_with_the_same_text(qtbot, view: ChatView) -> None:
    texts = fill(view, 200)
    view.scroll_to_message(1)
    settle(qtbot)
    first = shown_text(view, 1)
    assert "Part 1" in first and "**" not in first  # rendered Markdown
    view.scroll_to_bottom()
    settle(qtbot)
    assert 1 not in view.built()
    assert view.message_text(1) == texts[1]  # the source is kept without the widget
    view.scroll_to_message(1)
    settle(qtbot)
    assert 1 in view.built() and shown_text(view, 1) == first


def test_the_screen_stays_on_the_message_scrolled_to(qtbot, view: ChatView) -> None:
    fill(view, 200)
    view.scroll_to_message(101)
    viewport = view._scroll.viewport()
    for _ in range(40):  # at every turn of the loop while rows around it are built and sized
        QApplication.processEvents()
        bubble = view._messages[101].bubble  # as it is: no build on the way
        assert bubble is None or abs(bubble.mapTo(viewport, QPoint(0, 0)).y()) <= 2
        time.sleep(0.002)  # timers come due between turns, as in a running app
    assert not view.is_following()


def test_copy_all_and_find_reach_every_message(qtbot, view: ChatView) -> None:
    texts = fill(view, 120)
    view.add_user_message("Where is the needle-1234 hiding?", lazy=True)
    texts.append("Where is the needle-1234 hiding?")
    view.add_answer("OpenAI · gpt-4o", "Another needle-1234 **here**.", footer="")
    texts.append("Another needle-1234 **here**.")
    view.scroll_to_message(0)
    settle(qtbot)
    assert 120 not in view.built()

    assert view.conversation_text() == "\n\n".join(texts)
    found = view.find("NEEDLE-1234")
    assert found == 120
    settle(qtbot)
    assert 120 in view.built() and 0 not in view.built()
    assert view.bubble(120).body.textCursor().selectedText() == "needle-1234"
    assert view.find("needle-1234", found + 1) == 121
    (page,) = view.bubble(121).pages()
    assert page.textCursor().selectedText() == "needle-1234"
    assert view.find("needle-1234", found - 1, backward=True) is None
    assert view.find("nowhere at all") is None


def test_copy_button_of_a_rebuilt_message_copies_its_source(qtbot, view: ChatView) -> None:
    texts = fill(view, 100)
    view.scroll_to_bottom()
    settle(qtbot)
    view.scroll_to_message(3)
    settle(qtbot)
    view.bubble(3).copy_button.click()
    assert QGuiApplication.clipboard().text() == texts[3]


def test_streaming_into_a_long_conversation(qtbot, view: ChatView) -> None:
    fill(view, 300)
    view.add_user_message("And now a long one.")
    index = view.begin_answer("OpenAI · gpt-4o")
    text = "\n\n".join(ANSWER.format(n=n) for n in range(60))  # ~25 KB, several pages
    chunks = [text[i : i + 40] for i in range(0, len(text), 40)]
    position = 0

    def tick() -> None:
        nonlocal position
        for chunk in chunks[position : position + 15]:
            view.append_text(index, chunk)
        position += 15
        if position == 150:
            view.scroll_to_message(0)  # the user scrolls away while it streams
        if position >= len(chunks):
            timer.stop()
            view.finish_answer(index)

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(5)
    qtbot.waitUntil(lambda: not timer.isActive() and view.is_rendered(index), timeout=20_000)
    assert view.message_text(index) == text
    assert index in view.built() or view.message_text(index) == text
    settle(qtbot)
    assert index not in view.built()  # ended and far from the screen: released
    assert 0 in view.built()
    view.scroll_to_bottom()
    settle(qtbot)
    assert index in view.built() and view.message_text(index) == text
    qtbot.waitUntil(lambda: view.is_rendered(index))  # a long answer renders in slices
    assert "Part 59" in shown_text(view, index)


def test_remove_from_drops_built_and_released_messages(qtbot, view: ChatView) -> None:
    fill(view, 100)
    view.scroll_to_bottom()
    settle(qtbot)
    view.remove_from(10)
    settle(qtbot)
    assert view.message_count() == 10
    assert set(view.built()) <= set(range(10)) and 9 in view.built()
    view.clear()
    settle(qtbot)
    assert view.message_count() == 0 and view.built() == [] and live_browsers(view) == 0


def test_paging_up_with_the_scroll_bar_reaches_the_first_message(qtbot, view: ChatView) -> None:
    fill(view, 300)
    view.scroll_to_bottom()
    settle(qtbot)
    bar = view._scroll.verticalScrollBar()
    for _ in range(2_000):
        if bar.value() == 0:
            break
        before = bar.value()
        bar.setValue(before - bar.pageStep())
        QApplication.processEvents()
        # Never undone (the rows built above may move it a little to keep what is shown).
        assert bar.value() <= max(0, before - bar.pageStep() // 2)
    assert bar.value() == 0 and 0 in view.built() and 299 not in view.built()


def png_attachment(name: str, color: tuple[int, int, int]) -> Attachment:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), color).save(buffer, "PNG")
    return Attachment.from_bytes(buffer.getvalue(), name)


def shown_extras(view: ChatView, index: int) -> tuple[list[str], list[bool], list[str], str]:
    """What message ``index`` shows besides its text: its chips' file names, whether each chip
    has a thumbnail, its remote image placeholders, and its ‹ n/m › ("" while hidden)."""
    bubble = view.bubble(index)
    chips = [chip for chip in bubble.findChildren(AttachmentChip) if chip.isVisibleTo(bubble)]
    remote = [image.url for image in bubble.findChildren(RemoteImage)]
    switcher = bubble.findChild(VersionSwitcher, "versionSwitcher")
    assert switcher is not None
    versions = switcher.label.text() if switcher.isVisibleTo(bubble) else ""
    thumbnails = [
        chip.label.pixmap() is not None and not chip.label.pixmap().isNull() for chip in chips
    ]
    return [chip.attachment.name for chip in chips], thumbnails, remote, versions


def test_a_rebuilt_message_shows_its_attachments_images_and_versions_again(
    qtbot, view: ChatView
) -> None:
    photo = png_attachment("photo.png", (200, 30, 30))
    drawn = png_attachment("drawn.png", (30, 200, 30))
    user = view.add_user_message("What is in this photo?", [photo])
    view.set_versions(user, 2, 3)
    answer = view.begin_answer("OpenAI · gpt-image")
    view.append_text(answer, "A red square; here is a green one.")
    view.add_images(answer, [drawn], ["https://example.invalid/more.png"])
    view.finish_answer(answer, elapsed=1.0)
    view.set_versions(answer, 1, 2)
    settle(qtbot)
    before = shown_extras(view, user), shown_extras(view, answer)
    assert before == (
        (["photo.png"], [True], [], "2/3"),
        (["drawn.png"], [True], ["https://example.invalid/more.png"], "1/2"),
    )

    fill(view, 200)
    view.scroll_to_bottom()
    settle(qtbot)
    assert user not in view.built() and answer not in view.built()  # released
    view.set_versions(answer, 2, 2)  # a change while it has no widget is kept too
    view.scroll_to_message(user)
    settle(qtbot)
    assert user in view.built() and answer in view.built()
    assert shown_extras(view, user) == (["photo.png"], [True], [], "2/3")
    assert shown_extras(view, answer) == (
        ["drawn.png"], [True], ["https://example.invalid/more.png"], "2/2",
    )  # fmt: skip
    assert view.message_text(answer) == "A red square; here is a green one."


def test_a_released_answer_keeps_the_text_it_was_given_not_a_copy(qtbot, view: ChatView) -> None:
    """The session keeps every answer's text for the next requests; the view keeps the same
    string, not a second copy of each answer made when its bubble is released."""
    texts = fill(view, 120)
    view.add_user_message("And a live one.")
    live = view.begin_answer("OpenAI · gpt-4o")
    whole = ANSWER.format(n=999) * 3
    for start in range(0, len(whole), 50):
        view.append_text(live, whole[start : start + 50])
    view.finish_answer(live, text=whole)
    qtbot.waitUntil(lambda: view.is_rendered(live))
    stored = len(texts) - 1
    view.scroll_to_bottom()
    settle(qtbot)
    assert stored in view.built() and live in view.built()
    qtbot.waitUntil(lambda: view.is_rendered(stored))
    view.scroll_to_message(0)
    settle(qtbot)
    assert stored not in view.built() and live not in view.built()  # released
    assert view.message_text(stored) is texts[stored]
    assert view.message_text(live) is whole
