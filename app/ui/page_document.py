"""Building a long answer's page documents so that the pages look like one document.

Pieces of an answer are appended to a page's ``QTextDocument`` (``append_html``) exactly as one
``setHtml`` of them all would show them; a paragraph going on over two pages keeps its look
(``move_last_line``), and so does the space between two blocks on two pages (``space_pages``).
``PageKeeper`` replays the same steps to rebuild a released page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QTextBlockFormat, QTextCursor, QTextDocument, QTextDocumentFragment

from providers.lazy import lazy_module

if TYPE_CHECKING:
    from . import markdown as md
else:  # markdown-it and Pygments once there is Markdown to show
    md = lazy_module("app.ui.markdown")

# A paragraph's pieces join into one text block up to this size: Qt lays out a whole block
# again when text is added to it (measured ~0.55 ms a KB), so a longer one starts a new line.
MERGE_CHARS = 8_000
ZERO_WIDTH_SPACE = "\u200b"
# A line moved to the page below: the text, its block's format, its length in the page above.
MovedLine = tuple[QTextDocumentFragment, QTextBlockFormat, int]


def append_html(document: QTextDocument, html: str, piece: md.Piece) -> None:
    """Append rendered HTML to a page exactly as one ``setHtml`` of it all would show it.

    ``QTextCursor.insertHtml`` merges the first block it inserts into the block at the cursor
    (keeping that block's format): appended as is, a heading's paragraph became part of the
    heading. A zero-width space in a paragraph of its own takes that place and is removed.
    The one merge wanted: a paragraph cut in two goes on in its first piece's text block.
    """
    html = html.rstrip()
    if document.isEmpty():
        document.setHtml(html)
        return
    cursor = QTextCursor(document)
    cursor.movePosition(QTextCursor.MoveOperation.End)
    seam = piece.opens
    if seam is not None and seam.kind == md.PARAGRAPH and not seam.depth:  # not in a list item
        last = document.lastBlock()
        if last.length() > MERGE_CHARS and split_last_line(document):
            last = document.lastBlock()  # long enough: go on in a new block (see there)
        if last.length() <= MERGE_CHARS:
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertText(seam.joiner, last.charFormat())  # not the code span's before it
            cursor.insertHtml(html)
            if last.next().isValid() or piece.closes is None or piece.closes.kind != md.PARAGRAPH:
                _set_margin(last, bottom=_paragraph_margin())  # the paragraph ends in this piece
            return
    position = cursor.position()
    cursor.insertHtml(f"<p>{ZERO_WIDTH_SPACE}</p>{html}")
    cursor.setPosition(position)
    cursor.setPosition(position + 1, QTextCursor.MoveMode.KeepAnchor)
    if cursor.selectedText() == ZERO_WIDTH_SPACE:
        cursor.removeSelectedText()


def _last_line_start(document: QTextDocument) -> int | None:
    """Where the last line of the last block starts as laid out now, if it has two lines."""
    block = document.lastBlock()
    document.documentLayout().blockBoundingRect(block)  # lays the block out if need be
    layout = block.layout()
    if layout is None or layout.lineCount() < 2:
        return None
    return block.position() + layout.lineAt(layout.lineCount() - 1).textStart()


def split_last_line(document: QTextDocument) -> bool:
    """Start a new text block with the last line of the last one, where the text wraps anyway.

    Qt lays out a whole block again when text is added to it, so a paragraph too long for
    that goes on in a new block; broken where it wraps, it looks the same (at this width).
    """
    start = _last_line_start(document)
    if start is None:
        return False
    cursor = QTextCursor(document)
    cursor.setPosition(start)
    _drop_line_break_before(cursor)
    cursor.insertBlock()  # the same format for both halves; no margin between them
    _set_margin(cursor.block(), top=0)
    _set_margin(cursor.block().previous(), bottom=0)
    return True


def _drop_line_break_before(cursor: QTextCursor) -> None:
    """A line that starts after a hard line break moves to a new block: the break would add an
    empty line at the end of the block it leaves."""
    document = cursor.document()
    if cursor.position() > 0 and document.characterAt(cursor.position() - 1) == md.LINE_SEPARATOR:
        cursor.deletePreviousChar()


@dataclass
class PageLog:
    """How a page's document was built, to build it again the same way (``replay``)."""

    pieces: list[tuple[str, md.Piece]] = field(default_factory=list)  # (HTML, piece) appended
    moved_in: MovedLine | None = None  # the line it began with, from the page above
    moved_out: int = 0  # characters at its end that went on to the page below


def move_last_line(upper: QTextDocument, lower: QTextDocument) -> MovedLine | None:
    """Begin an empty page with the last line of the paragraph the page above ends with, so
    that a paragraph going on from one page to the next looks unbroken (at this width)."""
    moved = _take_last_line(upper)
    if moved is not None:
        _put_line(lower, moved)
    return moved


def replay(document: QTextDocument, log: PageLog) -> Iterator[None]:
    """Build an empty page's document again as it was built (at the same width: the same),
    a piece per step: a page near the screen is rebuilt in slices between frames."""
    if log.moved_in is not None:
        _put_line(document, log.moved_in)
    for html, piece in log.pieces:
        append_html(document, html, piece)
        yield
    if log.moved_out:  # as many characters as went then (lines wrap elsewhere at a new width)
        cursor = QTextCursor(document)
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.setPosition(cursor.position() - log.moved_out, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        _drop_line_break_before(cursor)


def _take_last_line(upper: QTextDocument) -> MovedLine | None:
    start = _last_line_start(upper)
    if start is None:
        return None
    block_format = upper.lastBlock().blockFormat()
    cursor = QTextCursor(upper)
    cursor.setPosition(start)
    cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
    line, length = cursor.selection(), cursor.selectionEnd() - cursor.selectionStart()
    cursor.removeSelectedText()
    _drop_line_break_before(cursor)
    block_format.setTopMargin(0)
    return line, block_format, length


def _put_line(lower: QTextDocument, moved: MovedLine) -> None:
    below = QTextCursor(lower)
    line, block_format, _ = moved
    below.insertFragment(line)
    below.setBlockFormat(block_format)


def _set_margin(block: Any, *, top: float | None = None, bottom: float | None = None) -> None:
    block_format = block.blockFormat()
    if top is not None:
        block_format.setTopMargin(top)
    if bottom is not None:
        block_format.setBottomMargin(bottom)
    QTextCursor(block).setBlockFormat(block_format)


def space_pages(upper: QTextDocument, lower: QTextDocument) -> None:
    """Keep the space between two blocks that fall on two pages.

    A document leaves out the top margin of its first block and the bottom margin of its last
    (between blocks it keeps the larger of the two); a table keeps its margins. The page below
    gets what one document would have had there as its top margin (cheap: it has one piece).
    """
    first = lower.firstBlock()
    if QTextCursor(first).currentTable() is not None:
        return
    space = max(upper.lastBlock().blockFormat().bottomMargin(), first.blockFormat().topMargin())
    frame = lower.rootFrame()
    frame_format = frame.frameFormat()
    frame_format.setTopMargin(space)
    frame.setFrameFormat(frame_format)


@cache
def _paragraph_margin() -> float:
    """The bottom margin QTextDocument gives a paragraph (<p>) of rich text."""
    document = QTextDocument()
    document.setHtml("<p>x</p>")
    return document.firstBlock().blockFormat().bottomMargin()
