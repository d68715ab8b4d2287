"""One huge answer holds laid-out pages only near the screen (real widgets, real scrolling).

Work and memory, not time: how many pages hold a document, and that a page rebuilt from what
its release kept shows the same text, at the same place, with working find and Copy.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QPoint, QUrl
from PySide6.QtGui import QGuiApplication, QTextDocument

from app.ui import chat_view
from app.ui.chat_view import ChatView, MessageBrowser
from app.ui.markdown import Piece
from app.ui.page_keeper import PageKeeper
from tests.app.conftest import feed

MOST_LIVE_PAGES = 8  # pages with a document after a ~1 MB answer (~65 pages) at the bottom


def sections(first: int, count: int) -> str:
    """Headings, paragraphs, lists, code and tables (~200 characters a section)."""
    parts = []
    for i in range(first, first + count):
        parts.append(f"## Part {i}\n\nSome *text* with `code {i}` and a [link](https://e.com/{i}).")
        parts.append(f"- one {i}\n- two **{i}**")
        parts.append(f"```python\ndef f_{i}(x):\n    return x * {i}  # note {i}\n```")
        parts.append(f"| a | b |\n|---|--:|\n| {i} | {i * 2} |")
    return "\n\n".join(parts) + "\n"


def stream(qtbot, view: ChatView, text: str, size: int = 20_000) -> int:
    """``text`` streamed into a new answer, a chunk per turn of the event loop, then ended."""
    index = view.begin_answer("t")
    feed(qtbot, view, index, text, size, timeout_ms=120_000)
    view.finish_answer(index)
    qtbot.waitUntil(lambda: view.is_rendered(index), timeout=300_000)
    view.refresh()
    return index


def live_pages(view: ChatView, index: int) -> list[MessageBrowser]:
    """The answer's browsers whose document has content (each one laid out)."""
    bubble = view.bubble(index)
    return [page for page in bubble.findChildren(MessageBrowser) if not page.document().isEmpty()]


def page_top(view: ChatView, page: MessageBrowser) -> int:
    container = view._scroll.widget()
    assert container is not None
    return page.mapTo(container, QPoint(0, 0)).y()


def whole_words(view: ChatView, text: str) -> list[str]:
    document = QTextDocument()
    document.setHtml(view.renderer.render(text).html)
    return document.toPlainText().split()


def test_a_huge_answer_keeps_documents_only_near_the_screen(qtbot, view: ChatView) -> None:
    text = sections(0, 5_000)  # ~1 MB
    index = stream(qtbot, view, text)
    bubble = view.bubble(index)
    pages = list(bubble._pages)
    assert len(pages) > 50
    assert len(live_pages(view, index)) <= MOST_LIVE_PAGES
    assert view.message_text(index) == text
    heights = [page.height() for page in pages]

    bar = view._scroll.verticalScrollBar()
    bar.setValue(0)
    view.refresh()
    assert pages[0] in live_pages(view, index), "the first page was not rebuilt"
    assert len(live_pages(view, index)) <= MOST_LIVE_PAGES
    assert [page.height() for page in pages] == heights  # nothing moved
    first = whole_words(view, text[:2_000])[:100]
    assert pages[0].toPlainText().split()[:100] == first

    # A released page in the middle, scrolled to: rebuilt where it was, the screen still.
    middle = pages[len(pages) // 2]
    assert middle not in live_pages(view, index)
    top = page_top(view, middle)
    bar.setValue(top + 300)
    view.refresh()
    assert middle in live_pages(view, index)
    assert page_top(view, middle) == top and bar.value() == top + 300
    assert middle.height() == heights[len(pages) // 2]

    # Every page, rebuilt, shows what one render of the whole answer shows (each released
    # again once read: the test holds one page's layout at a time, not the answer's).
    keeper, shown = bubble._keeper, []
    for page in pages:
        released = keeper.is_released(page)
        keeper.restore(page)
        shown.append(page.toPlainText())
        if released:
            keeper.release(page)
    assert " ".join(shown).split() == whole_words(view, text)


def test_find_reaches_a_released_page(qtbot, view: ChatView) -> None:
    text = "The needle-early is here.\n\n" + sections(0, 1_500)  # ~300 KB, ~20 pages
    index = stream(qtbot, view, text)
    first = view.bubble(index)._pages[0]
    assert first not in live_pages(view, index), "the first page was not released"
    assert view.find("needle-early") == index
    view.refresh()
    assert first in live_pages(view, index)
    assert first.textCursor().selectedText() == "needle-early"
    top = page_top(view, first) + first.cursorRect().top()
    bar = view._scroll.verticalScrollBar()
    assert bar.value() <= top < bar.value() + view._scroll.viewport().height()


def test_copy_in_a_released_page_copies_its_code(qtbot, view: ChatView, monkeypatch) -> None:
    released: dict[int, str] = {}  # each page's rich text when it was released
    release = PageKeeper.release

    def recording(keeper: PageKeeper, page: MessageBrowser) -> None:
        released[id(page)] = page.toHtml()
        release(keeper, page)

    monkeypatch.setattr(PageKeeper, "release", recording)
    index = stream(qtbot, view, sections(0, 1_500))
    bubble = view.bubble(index)
    first = bubble._pages[0]
    assert first not in live_pages(view, index), "the first page was not released"
    view._scroll.verticalScrollBar().setValue(0)
    view.refresh()
    assert first in live_pages(view, index)
    assert 'href="copy:3"' in first.toHtml()
    first.anchorClicked.emit(QUrl("copy:3"))
    assert QGuiApplication.clipboard().text() == "def f_3(x):\n    return x * 3  # note 3\n"
    # A released page just below the screen is rebuilt in slices between frames, the screen
    # still; then every released page, rebuilt, is the same rich text as before.
    bar = view._scroll.verticalScrollBar()
    page = bubble._pages[5]
    assert page not in live_pages(view, index)
    value = page_top(view, page) - view._scroll.viewport().height() - 50
    bar.setValue(value)
    qtbot.waitUntil(lambda: not bubble._keeper.is_released(page))
    assert bar.value() == value
    assert page.toHtml() == released[id(page)]
    rebuilt = {id(page): page.toHtml() for page in bubble.pages() if id(page) in released}
    assert len(rebuilt) >= 10
    assert rebuilt == {key: released[key] for key in rebuilt}


def test_pages_rebuilt_at_another_width_lose_no_text(qtbot, view: ChatView) -> None:
    """A paragraph going on over two pages moved its last line to the next page; rebuilt after
    the window got narrower (lines wrap elsewhere), each word is still shown once."""
    text = "".join(f"{'lorem ipsum dolor ' * 2_500}end{n}.\n\n" for n in range(6))  # 270 KB
    index = stream(qtbot, view, text)
    bubble = view.bubble(index)
    assert bubble._keeper.is_released(bubble._pages[0])
    view.resize(480, 600)
    view.refresh()
    words = " ".join(page.toPlainText() for page in bubble.pages()).split()
    assert words == whole_words(view, text)


def test_a_burst_split_past_its_deadline_renders_whole(qtbot, view: ChatView, monkeypatch) -> None:
    """On a busy machine a flush's split stops after one piece (its deadline has passed) and
    leaves finished blocks for the next: each must be cut once. A boundary found twice made an
    empty piece, the flush divided by its length and was never scheduled again: the answer
    stopped rendering (and a test waiting for it hung). The flushes run here, one by one, so
    an error in one fails this test rather than vanishing in the event loop."""
    monkeypatch.setattr(chat_view, "SPLIT_SHARE", 0.0)  # every split stops after one piece
    text = "".join(f"{'lorem ipsum dolor ' * 2_500}end{n}.\n\n" for n in range(3))  # 135 KB
    index = view.begin_answer("t")
    bubble = view.bubble(index)
    for i in range(0, len(text), 20_000):
        view.append_text(index, text[i : i + 20_000])
        bubble._throttle.call_now()
    view.finish_answer(index)
    waited = time.monotonic() + 120
    while not view.is_rendered(index) and time.monotonic() < waited:
        bubble._throttle.call_now()  # also takes the render worker's results, once back
        time.sleep(0.005)
    assert view.is_rendered(index)
    words = " ".join(page.toPlainText() for page in bubble.pages()).split()
    assert words == whole_words(view, text)


def test_an_empty_piece_in_the_backlog_does_not_stop_the_answer(qtbot, view: ChatView) -> None:
    """Whatever the splitter gives, the flushes go on: an empty piece once raised in the flush
    (it learned its speed per character from it) and the answer never rendered again."""
    index = view.begin_answer("t")
    bubble = view.bubble(index)
    view.append_text(index, "first paragraph.\n\n")
    bubble._throttle.call_now()
    bubble._queue.waiting.append(Piece(""))
    bubble._throttle.call_now()  # the empty piece alone in the backlog
    view.append_text(index, "second paragraph.\n\n")
    view.finish_answer(index)
    for _ in range(50):
        if view.is_rendered(index):
            break
        bubble._throttle.call_now()
    assert view.is_rendered(index)
    assert bubble.pages()[0].toPlainText().split() == [
        "first",
        "paragraph.",
        "second",
        "paragraph.",
    ]
