"""Model output (untrusted Markdown) to the rich-text HTML subset that QTextDocument shows.

markdown-it-py is CommonMark-exact and lets us replace single render rules; Pygments highlights
code with inline styles (QTextDocument has no CSS classes worth relying on). Security rules:
raw HTML is escaped, never passed through; images become plain links (nothing is ever loaded);
only http, https and mailto links are links at all.

``BlockScanner`` finds where finished blocks end in a growing text, so a streaming view renders
each finished block once and re-renders only the open tail; ``PieceSplitter`` adds cuts inside
a block that stays open too long (``find_cut``), and ``render(..., opens=, closes=)`` renders
the pieces so that they look like one block.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_right
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from html import escape
from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from pygments import highlight
from pygments.formatter import Formatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound
from PySide6.QtCore import QCoreApplication

from .theme import Palette

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
COPY_SCHEME = "copy"  # code block header anchors: ``copy:N`` copies code block N
IMAGE_MARK = "\N{FRAME WITH PICTURE}"
# A code block's number before it is known: NUL never reaches the HTML otherwise (markdown-it
# replaces it in the source with U+FFFD).
_NUMBER_MARK = re.compile("\0([0-9]+)\0")
# Pygments needs ~2 us a character: a longer code block stays plain so that its one render
# cannot freeze the window for long (editors give up on highlighting huge files too).
HIGHLIGHT_LIMIT = 20_000


def is_safe_link(url: str) -> bool:
    """Whether a link in model output may become clickable: web and mail links only."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme not in SAFE_SCHEMES:
        return False
    return scheme == "mailto" or bool(parts.netloc)


@dataclass
class Rendered:
    """HTML for QTextDocument plus the source of each code block, in ``copy:N`` order, and
    the source a piece adds to the code block of the piece before it (``continued_code``)."""

    html: str
    code_blocks: list[str] = field(default_factory=list)
    continued_code: str | None = None

    def numbered(self, first: int) -> Rendered:
        """Rendered with ``first_code_index=None`` (where the first number was not known yet,
        e.g. in the render worker): its code blocks numbered from ``first`` on."""
        html = _NUMBER_MARK.sub(lambda m: str(first + int(m[1])), self.html)
        return replace(self, html=html)


class MarkdownRenderer:
    """Renders Markdown with one palette; make a new one when the theme changes."""

    def __init__(self, palette: Palette) -> None:
        self.palette = palette
        self._formatter = QtRichTextFormatter(style=palette.pygments_style)
        # breaks: a single line break is kept, as chat clients do (poems, addresses, lists
        # without markers); CommonMark would join the lines.
        md = MarkdownIt("commonmark", {"html": False, "breaks": True})
        md.enable(["table", "strikethrough"])
        md.validateLink = is_safe_link  # type: ignore[method-assign]
        rules = {
            "fence": self._fence,
            "code_block": self._fence,
            "code_inline": self._code_inline,
            "image": self._image,
            "table_open": self._table_open,
            "th_open": self._cell_open,
            "td_open": self._cell_open,
        }
        for name, method in rules.items():
            md.add_render_rule(name, _as_rule(method))
        self._md = md

    def render(
        self,
        text: str,
        *,
        first_code_index: int | None = 0,
        opens: Seam | None = None,
        closes: Seam | None = None,
        copy_label: str | None = None,
    ) -> Rendered:
        """Render ``text``; its code blocks are numbered from ``first_code_index`` on (``None``:
        not known yet, see ``Rendered.numbered``).

        ``opens``: ``text`` continues a block cut in two (see ``find_cut``), so its first block
        goes on where the last piece's left off; ``closes``: its last block goes on in the next.
        ``copy_label``: the code header's Copy, when translated elsewhere (a worker process).
        """
        if copy_label is None:
            copy_label = QCoreApplication.translate("Markdown", "Copy")
        env: dict[str, Any] = {
            "code_blocks": [], "first": first_code_index, "continued": None, "copy": copy_label,
        }  # fmt: skip
        if opens is None and closes is None:
            html = self._md.render(text, env)
        else:
            tokens = self._md.parse((opens.prefix if opens else "") + text, env)
            tokens = _mark_seams(tokens, opens, closes)
            html = self._md.renderer.render(tokens, self._md.options, env)
        return Rendered(html, env["code_blocks"], env["continued"])

    def stylesheet(self) -> str:
        """Default CSS for the QTextDocument the HTML goes into."""
        p = self.palette
        return (
            f"a {{ color: {p.link}; text-decoration: none; }}"
            f"blockquote {{ color: {p.quote}; margin-left: 12px; }}"
            "h1 { font-size: x-large; } h2 { font-size: large; } h3 { font-size: medium; }"
            "pre { margin-top: 0px; margin-bottom: 0px; }"
            # The cells of a table cut in pieces (a class: Qt parses a style attribute per cell,
            # which doubled the time to insert a piece); a piece after a cut has no top edge.
            f"td.cut, th.cut {{ border: 1px solid {p.table_border}; }}"
            f"td.cutjoin {{ border: 1px solid {p.table_border}; border-top-style: none; }}"
        )

    # -- render rules (markdown-it calls them with the renderer as ``r``) -------------------
    def _fence(
        self, r: Any, tokens: Sequence[Token], idx: int, options: Any, env: MutableMapping[str, Any]
    ) -> str:
        # One box: a header (language, Copy) and the code, as two tables drawn with cell borders
        # rather than the table's, so that the pieces of a code block cut in two join without a
        # seam: a later piece has no header and no top edge, an earlier one no bottom edge.
        # (With the header in a row of the same table, Qt painted each line of code over the
        # underscores of the line above: ``value_1`` showed as ``value 1``.)
        token = tokens[idx]
        language = token.info.strip().split(maxsplit=1)[0] if token.info.strip() else ""
        code = token.content
        opens, closes = "opens" in token.meta, "closes" in token.meta
        p = self.palette
        line = f"1px solid {p.code_border}"
        table = (
            '<table width="100%" cellspacing="0" cellpadding="0" border="0"'
            ' style="border-collapse: collapse;'
        )
        header = ""
        if opens:
            env["continued"] = code
        else:
            count = len(env["code_blocks"])
            number = f"\0{count}\0" if env["first"] is None else str(env["first"] + count)
            env["code_blocks"].append(code)
            label = escape(language) if language else "&nbsp;"
            copy = escape(env["copy"])
            header = (
                f'{table} margin-top: 6px; margin-bottom: 0px;"><tr><td bgcolor="{p.code_header}"'
                f' style="padding: 3px 8px; border: {line};">'
                f'<table width="100%" cellspacing="0" cellpadding="0" border="0"><tr>'
                f'<td><span style="color: {p.muted};">{label}</span></td>'
                f'<td align="right"><a href="{COPY_SCHEME}:{number}">{copy}</a></td>'
                f"</tr></table></td></tr></table>"
            )
        lexer = _lexer(language.lower()) if language and len(code) <= HIGHLIGHT_LIMIT else None
        body = highlight(code, lexer, self._formatter) if lexer else escape(code)
        body = body.rstrip("\n")
        top, bottom = (0 if opens else 6), (0 if closes else 6)
        bottom_edge = "" if closes else f" border-bottom: {line};"
        return (
            f'{header}{table} margin-top: 0px; margin-bottom: {bottom}px;">'
            f'<tr><td bgcolor="{p.code_background}" style="padding: {top}px 8px {bottom}px 8px;'
            f' border-left: {line}; border-right: {line};{bottom_edge}">'
            f'<pre style="white-space: pre-wrap;">{body}</pre></td></tr></table>\n'
        )

    def _code_inline(
        self, r: Any, tokens: Sequence[Token], idx: int, options: Any, env: MutableMapping[str, Any]
    ) -> str:
        code = escape(tokens[idx].content)
        return f'<code style="background-color: {self.palette.inline_code};">{code}</code>'

    def _image(
        self, r: Any, tokens: Sequence[Token], idx: int, options: Any, env: MutableMapping[str, Any]
    ) -> str:
        # Never an <img>: a remote image would tell its server that (and when) the answer was read.
        token = tokens[idx]
        alt = r.renderInlineAsText(token.children or [], options, env) or "image"
        label = f"{IMAGE_MARK} {escape(alt)}"
        src = str(token.attrGet("src") or "")
        if not is_safe_link(src):
            return label
        return f'<a href="{escape(src)}">{label}</a>'

    def _table_open(
        self, r: Any, tokens: Sequence[Token], idx: int, options: Any, env: MutableMapping[str, Any]
    ) -> str:
        token = tokens[idx]
        seam = token.meta.get("seam")
        if seam is None:
            return (
                f'<table border="1" cellspacing="0" cellpadding="4" style="border-collapse:'
                f" collapse; border-style: solid; border-color: {self.palette.table_border};"
                ' margin-top: 6px; margin-bottom: 6px;">\n'
            )
        # A table cut in pieces: fixed column widths so that the pieces line up, cell borders
        # so that they join (the first row of a later piece has no top edge).
        top = 0 if "opens" in token.meta else 6
        bottom = 0 if "closes" in token.meta else 6
        return (
            f'<table width="{seam.width}%" border="0" cellspacing="0" cellpadding="4"'
            f' style="border-collapse: collapse; margin-top: {top}px;'
            f' margin-bottom: {bottom}px;">\n'
        )

    def _cell_open(
        self, r: Any, tokens: Sequence[Token], idx: int, options: Any, env: MutableMapping[str, Any]
    ) -> str:
        token = tokens[idx]
        style = str(token.attrGet("style") or "")
        align = style.removeprefix("text-align:").strip() if style.startswith("text-align:") else ""
        attr = f' align="{escape(align)}"' if align in ("left", "center", "right") else ""
        if "cell" in token.meta:
            attr += f' class="{token.meta["cell"]}"'
            if "width" in token.meta:
                attr += f' width="{token.meta["width"]}%"'
        return f"<{token.tag}{attr}>"


class QtRichTextFormatter(Formatter):  # type: ignore[misc]
    """Pygments tokens as ``<font color>``, ``<b>``, ``<i>``: what QTextDocument parses fastest.

    Measured on 28 KB of Python: Pygments' HtmlFormatter with inline CSS took 74 ms to format
    and 57 ms to insert into a QTextDocument; this one 49 ms and 31 ms (Qt parses a CSS style
    attribute for every span, but ``<font color>`` natively). Adjacent tokens of one style merge.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._tags: dict[Any, tuple[str, str]] = {}

    def format(self, tokensource: Any, outfile: Any) -> None:
        out: list[str] = []
        current: tuple[str, str] | None = None
        text: list[str] = []
        for kind, value in tokensource:
            tags = self._tags.get(kind) or self._tags_for(kind)
            if tags is not current and not (value.isspace() and current is not None):
                if text and current is not None:
                    out.append(current[0] + escape("".join(text), quote=False) + current[1])
                current, text = tags, []
            text.append(value)
        if text and current is not None:
            last = "".join(text).removesuffix("\n")  # lexers add a final newline; <pre> shows it
            out.append(current[0] + escape(last, quote=False) + current[1])
        outfile.write("".join(out))

    def _tags_for(self, kind: Any) -> tuple[str, str]:
        style = self.style.style_for_token(kind)
        opening, closing = "", ""
        for on, start, end in (
            (style["color"], f'<font color="#{style["color"]}">', "</font>"),
            (style["bold"], "<b>", "</b>"),
            (style["italic"], "<i>", "</i>"),
            (style["underline"], "<u>", "</u>"),
        ):
            if on:
                opening, closing = opening + start, end + closing
        self._tags[kind] = (opening, closing)
        return self._tags[kind]


def _mark_seams(tokens: list[Token], opens: Seam | None, closes: Seam | None) -> list[Token]:
    """Tell the render rules which blocks continue across a cut (see ``Seam``): the first
    block continues the last piece's (inside the first item of ``opens.depth`` lists, whose
    markers are hidden), the last goes on in the next piece."""
    if opens is not None:  # first: it may split a list in two
        index = _top_block(tokens, last=False)
        for _ in range(opens.depth):
            if index is None or tokens[index].type not in _LIST_OPENS:
                break
            tokens = _hide_first_item(tokens, index)
            index = _item_block(tokens, index, last=False)
        else:
            if index is not None:
                tokens = _mark_block(tokens, index, opens, "opens")
    if closes is not None:
        index = _top_block(tokens, last=True)
        for _ in range(closes.depth):  # down the last items of the lists around the cut
            if index is None or tokens[index].type not in _LIST_OPENS:
                break
            _add_style(tokens[index], "margin-bottom: 0px;")
            index = _item_block(tokens, index, last=True)
        else:
            if index is not None:
                tokens = _mark_block(tokens, index, closes, "closes")
    return tokens


_LIST_OPENS = ("bullet_list_open", "ordered_list_open")


def _mark_block(tokens: list[Token], index: int, seam: Seam, side: str) -> list[Token]:
    token = tokens[index]
    if _KINDS.get(token.type) != seam.kind:
        return tokens
    token.meta[side] = seam
    if seam.kind in (PARAGRAPH, LIST, QUOTE):
        _add_style(token, "margin-top: 0px;" if side == "opens" else "margin-bottom: 0px;")
    elif seam.kind == TABLE:
        token.meta["seam"] = seam
        end = _mark_table_cells(tokens, index, seam.widths, "opens" in token.meta)
        heads = [i for i in range(index, end) if tokens[i].type in ("thead_open", "thead_close")]
        if side == "opens" and heads:  # the header the prefix brought in: shown once, above
            return tokens[: heads[0]] + tokens[heads[-1] + 1 :]
    return tokens


def _top_block(tokens: list[Token], *, last: bool) -> int | None:
    tops = [i for i, t in enumerate(tokens) if t.level == 0 and t.nesting >= 0]
    return (tops[-1] if last else tops[0]) if tops else None


def _item_block(tokens: list[Token], index: int, *, last: bool) -> int | None:
    """The first block of the first item (or the last of the last) of the list at ``index``."""
    level = tokens[index].level
    found = None
    for i in range(index + 1, len(tokens)):
        token = tokens[i]
        if token.level <= level or (not last and found is not None):
            break
        if token.type == "list_item_open" and token.level == level + 1:
            found = None
        elif token.level == level + 2 and token.nesting >= 0 and (last or found is None):
            found = i
            if not last:
                break
    return found


def _hide_first_item(tokens: list[Token], index: int) -> list[Token]:
    """The first item of the list at ``index`` only holds the rest of an item cut in two: no
    marker, no margin; the items after it go on in a list of their own, numbered as before."""
    opening = tokens[index]
    _add_style(opening, "list-style-type: none; margin-top: 0px; margin-bottom: 0px;")
    level = opening.level
    for i in range(index + 1, len(tokens)):
        token = tokens[i]
        if token.type == "list_item_close" and token.level == level + 1:
            following = tokens[i + 1] if i + 1 < len(tokens) else None
            if following is None or following.type != "list_item_open":
                return tokens
            close_type = opening.type.replace("_open", "_close")
            closing = Token(close_type, opening.tag, -1, level=level, block=True)
            attrs: dict[str, str | int | float] = {"style": "margin-top: 0px;"}
            if opening.type == "ordered_list_open" and following.info.isdigit():
                attrs = {"start": int(following.info), **attrs}
            again = replace(opening, attrs=attrs, meta={})
            return [*tokens[: i + 1], closing, again, *tokens[i + 1 :]]
    return tokens


def _add_style(token: Token, style: str) -> None:
    token.attrSet("style", f"{token.attrGet('style') or ''}{style}")


def _mark_table_cells(tokens: list[Token], index: int, widths: Sequence[int], joins: bool) -> int:
    """Mark the cells of the cut table at ``index`` (its first row's with the column widths);
    ``joins``: it continues a piece before (its header goes). Returns the index after it."""
    column, row = 0, 0
    body = False
    for i in range(index + 1, len(tokens)):
        token = tokens[i]
        if token.type == "table_close":
            return i + 1
        if token.type == "tbody_open":
            body = True
        elif token.type == "tr_open" and (body or not joins):
            column, row = 0, row + 1
        elif token.type in ("th_open", "td_open") and (body or not joins):
            token.meta["cell"] = "cutjoin" if joins and row == 1 else "cut"
            if row == 1:
                token.meta["width"] = widths[column] if column < len(widths) else 1
            column += 1
    return len(tokens)


def _as_rule(method: Callable[..., str]) -> Callable[..., str]:
    """markdown-it binds rules to its renderer with ``__get__``; a bound method must be wrapped."""

    def rule(r: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return method(r, tokens, idx, options, env)

    return rule


@lru_cache(maxsize=64)
def _lexer(language: str) -> Lexer | None:
    """Pygments lexer for a fence's language tag; None (plain text) for unknown tags."""
    try:
        return get_lexer_by_name(language)
    except ClassNotFound:
        return None


#: Warmed up after the window's first paint (``application.warm_up_steps``), one a turn of the
#: loop: the first ``get_lexer_by_name`` scans plugins and compiles the lexer's regexes
#: (measured 2-30 ms a language), which would otherwise freeze the first streamed code block.
COMMON_LANGUAGES = (
    "python", "javascript", "typescript", "bash", "json", "html", "css", "c", "cpp", "java",
    "go", "rust", "sql", "yaml", "text",
)  # fmt: skip


def lexer(language: str) -> Lexer | None:
    """The (cached) Pygments lexer for a fence's language tag; None for plain text."""
    return _lexer(language)


def load_common_lexers() -> None:
    """Every common lexer now: the render worker's warm-up, before it takes pieces."""
    for language in COMMON_LANGUAGES:
        _lexer(language)


# -- finding the end of the finished blocks ------------------------------------------------

_FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})(.*)$")
_MAYBE_CONTINUATION = frozenset(" \t\r\n-+*0123456789")
_LIST_ITEM = re.compile(r"^(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)")


class BlockScanner:
    """Finds block boundaries in a growing text, looking at each line once.

    A boundary is the start of a line that follows a blank line outside any code
    fence, starts at column 0 (so it cannot continue a list item or an indented code block)
    and does not start a list item (so a list is never cut in two): nothing before it can
    change when more text arrives. Fences are tracked leniently (any indentation), which can
    only cost boundaries, never cut a code block in two.
    """

    def __init__(self) -> None:
        self._fence: tuple[str, int, int] | None = None  # (char, run length, indent) while open
        self._previous_blank = False
        self._position = 0  # where the first line not scanned yet starts
        self._mid_line = False  # that line began before the text: its owner cut it in two
        # That line's start, once reported as a boundary while the line was unfinished: the
        # next scan looks at the line again and must not report it twice (an owner that left it
        # uncut, e.g. ``PieceSplitter`` stopped by its deadline, would cut an empty piece).
        self._reported = -1

    @property
    def in_fence(self) -> bool:
        """Whether the lines scanned so far end inside a code fence."""
        return self._fence is not None

    def scan(self, text: str) -> int:
        """The last new boundary in ``text`` (which extends what was scanned before), else 0."""
        found = self.scan_all(text)
        return found[-1] if found else 0

    def scan_all(self, text: str) -> list[int]:
        """Every new boundary in ``text`` (which extends what was scanned before), in order."""
        found: list[int] = []
        position = self._position
        # str.find, not a regex: ``[^\n]*\n`` retried at every position of a long unfinished
        # line is quadratic (a 40 KB line without a newline took a second per scan).
        while (end := text.find("\n", position)) != -1:
            line = text[position:end].removesuffix("\r")
            if self._mid_line:  # the rest of a line cut in two: not blank, starts nothing
                self._mid_line = False
                self._previous_blank = False
            elif self._starts_block(line) and position and position != self._reported:
                found.append(position)
            position = end + 1
        self._position = position
        # An unfinished line already starts a new block if its first character rules out every
        # continuation: not indented and no list marker (digits, -, +, *).
        first = text[position : position + 1]
        if (
            first
            and first not in _MAYBE_CONTINUATION
            and self._fence is None
            and self._previous_blank
            and not self._mid_line
            and position
            and position != self._reported
        ):
            found.append(position)
            self._reported = position
        return found

    def drop_prefix(self, length: int) -> None:
        """The owner cut ``length`` characters off the front of its text (at a boundary or a cut
        of ``find_cut``, which may fall inside the line not scanned yet)."""
        if length > self._position:
            self._position = 0
            self._mid_line = True
        else:
            self._position -= length
        self._reported -= length  # below 0 (never a boundary) once cut off or passed

    def _starts_block(self, line: str) -> bool:
        boundary = (
            self._fence is None
            and self._previous_blank
            and line[:1] not in ("", " ", "\t")
            and not _LIST_ITEM.match(line)
        )
        fenced = _FENCE.match(line)
        if fenced:
            indent, run, rest = len(fenced.group(1)), fenced.group(2), fenced.group(3)
            if self._fence is None:
                if not (run[0] == "`" and "`" in rest):  # ```a``` is inline code, not a fence
                    self._fence = (run[0], len(run), indent)
            elif (
                run[0] == self._fence[0]
                and len(run) >= self._fence[1]
                and not rest.strip()
                and indent <= self._fence[2] + 3
            ):
                self._fence = None
        self._previous_blank = self._fence is None and not line.strip()
        return boundary


def split_point(text: str) -> int:
    """Length of the longest prefix of ``text`` made of finished blocks (0 if none)."""
    return BlockScanner().scan(text)


def split_blocks(text: str) -> list[str]:
    """``text`` cut at every boundary; rendering the pieces one by one equals rendering it."""
    pieces: list[str] = []
    start = 0
    for cut in BlockScanner().scan_all(text):
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return [p for p in pieces if p]


# -- cutting an open block that grows too long ---------------------------------------------
#
# A model may stream 100 KB without one blank line: one paragraph, 1,000 list items, a huge
# table or code block. The open tail would grow without bound and be re-rendered every frame,
# so once it is longer than CUT_CHARS it is cut where the part before renders the same now
# and later: between blocks, between list items or table rows, at a line of code, at a space
# of a paragraph. Each piece is rendered once; a ``Seam`` tells both sides of a cut how to
# render so that the pieces look like one block (no margin between them, the same table
# columns, one code box whose Copy button copies all of it).

PARAGRAPH, LIST, QUOTE, TABLE, CODE = "paragraph", "list", "quote", "table", "code"
CUT_CHARS = 4_000  # an open block longer than this is cut: the tail re-rendered per frame
# ...but a table or code block once it has been cut: Qt lays out a table's rows at ~0.2 ms
# each and Pygments highlights code at ~3.5 us a character, four times a paragraph's cost.
CUT_HEAVY_CHARS = 1_500
LINE_SEPARATOR = "\u2028"  # a hard line break inside a paragraph (QTextDocument's own)

_KINDS = {
    "paragraph_open": PARAGRAPH,
    "bullet_list_open": LIST,
    "ordered_list_open": LIST,
    "blockquote_open": QUOTE,
    "table_open": TABLE,
    "fence": CODE,
    "code_block": CODE,
}
# Whether the text after a cut, alone, starts a paragraph too (no list, heading, quote, table,
# fence, setext underline, thematic break or link reference definition).
_UNSAFE_START = re.compile(r"[#>+*=_~|:\[`\-]|\d{1,9}[.)](?:\s|$)")
_CLOSING_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*\r?$")
# Delimiters left literal in a rendered piece of a paragraph that a later closer could still
# pair with (emphasis, strikethrough); a cut after one would show ``**`` instead of bold.
# CommonMark: a run opens if "left-flanking" (not before a space; before punctuation only
# after a space or punctuation); ``_`` never inside a word. ``1134**,`` closes, never opens.
_PUNCTUATION = r"!-/:-@\[-`{-~"
_OPEN_DELIMITER = re.compile(
    rf"(?:^|(?<=[\s{_PUNCTUATION}]))(?<![*_~])(?:\*++|_++|~~)(?=\S)"
    rf"|(?<=[^\s{_PUNCTUATION}])(?:\*++|~~)(?=[^\s{_PUNCTUATION}])"
)
_CODE_SPAN = re.compile(r"<code[^>]*>.*?</code>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_INLINE_EVENT = re.compile(r"\\.|`+|[\[\]]")
_SPACES = re.compile(r"[ \t\n]+(?=\S)")


@dataclass(frozen=True)
class Seam:
    """How the piece after a cut continues the block the piece before it ends with.

    ``prefix`` is source parsed before the later piece but not shown (a table's header and
    delimiter rows, a fence's opening line). ``joiner`` is what stands between the halves of
    a paragraph (a space, or a line separator for a line break). A cut table's
    pieces share fixed column ``widths`` and ``width`` (percent) so that their columns line up.
    A block cut inside the last item of a list (code in a numbered step) has ``depth`` list
    items around it: ``prefix`` starts with a marker line for each (``1.``), whose marker the
    later piece hides, so that the rest lands in a list item indented as before.
    """

    kind: str  # PARAGRAPH, LIST, QUOTE, TABLE, CODE, or "" (pieces simply follow each other)
    prefix: str = ""
    joiner: str = ""
    widths: tuple[int, ...] = ()
    width: int = 100
    depth: int = 0


@dataclass(frozen=True)
class Piece:
    """Finished source, rendered on its own; ``opens``/``closes``: the seams at its two ends."""

    source: str
    opens: Seam | None = None
    closes: Seam | None = None


def join_pieces(pieces: Sequence[Piece]) -> Piece:
    """Adjacent pieces as one: their sources are contiguous, so the seams between them vanish."""
    return Piece("".join(p.source for p in pieces), pieces[0].opens, pieces[-1].closes)


@dataclass(frozen=True)
class Cut:
    position: int
    seam: Seam | None  # None: between top-level blocks, nothing to continue


class PieceSplitter:
    """Cuts a growing answer into finished pieces, front to back, for a streaming view.

    Pieces end at block boundaries (``BlockScanner``) and, inside an open block longer than
    ``CUT_CHARS``, where ``find_cut`` says. ``seam`` is what the rest (the open tail) continues.
    """

    def __init__(self) -> None:
        self._scanner = BlockScanner()
        self._boundaries: list[int] = []  # found but not cut at yet (a deadline stopped us)
        self.seam: Seam | None = None

    def split(self, tail: str, *, deadline: float | None = None) -> list[Piece]:
        """Pieces finished at the front of ``tail``; the owner drops their length from it.

        ``tail`` extends the text of the last call less the pieces it returned. After the first
        piece, stops at ``deadline`` (``time.perf_counter()``); ``backlog`` then says so.
        """
        self._boundaries += self._scanner.scan_all(tail)
        pieces: list[Piece] = []
        start = 0
        done = 0  # boundaries used
        limit = self.limit(tail)
        while True:
            end = self._boundaries[done] if done < len(self._boundaries) else len(tail)
            if end - start > limit:
                if pieces and deadline is not None and time.perf_counter() > deadline:
                    break
                cut = find_cut(tail, start, end, self.seam, limit)
                pieces.append(Piece(tail[start : cut.position], self.seam, cut.seam))
                self.seam, start = cut.seam, cut.position
                limit = self.limit(tail)
                continue
            if done == len(self._boundaries):
                break
            pieces.append(Piece(tail[start:end], self.seam))
            self.seam, start = None, end
            done += 1
        self._scanner.drop_prefix(start)
        self._boundaries = [b - start for b in self._boundaries[done:]]
        return pieces

    def backlog(self, tail: str) -> bool:
        """Whether ``split`` left finished pieces in ``tail`` because of its deadline."""
        return bool(self._boundaries) or len(tail) > self.limit(tail)

    def limit(self, tail: str) -> int:
        """How long the open ``tail`` may grow before it is cut: shorter in a table or code
        block (the seam says so, or the scanner is inside a fence, or the last line is a row)."""
        heavy = self._scanner.in_fence or (
            self.seam is not None and self.seam.kind in (TABLE, CODE)
        )
        if not heavy:
            end = tail.rfind("\n")
            heavy = tail[tail.rfind("\n", 0, max(end, 0)) + 1 : end].lstrip(" ").startswith("|")
        return CUT_HEAVY_CHARS if heavy else CUT_CHARS


def split_pieces(text: str) -> list[Piece]:
    """A finished ``text`` as the pieces a stream of it is rendered in (none over the size
    ``find_cut`` aims at), the last one included."""
    splitter = PieceSplitter()
    pieces = splitter.split(text)
    rest = text[sum(len(p.source) for p in pieces) :]
    if rest:
        pieces.append(Piece(rest, splitter.seam))
    return pieces


def find_cut(text: str, start: int, end: int, opens: Seam | None, limit: int = CUT_CHARS) -> Cut:
    """Where to cut ``text[start:end]``, open blocks longer than ``limit``: the latest place (in
    at most 1.5 ``limit`` characters) where the part before renders as it will when the rest
    has arrived. ``opens`` is the seam ``text[start:]`` continues. The cut is always after
    ``start``, however odd the text (in the worst case it falls anywhere in a line).
    """
    window = _Window(text, start, end, opens, limit)
    if opens is not None and opens.kind in (TABLE, CODE) and not opens.depth:
        along = window.along(opens)
        if along is not None:
            return window.cut(along, opens)
    blocks = window.blocks()
    if not blocks:
        return window.cut(window.last_resort(), None)
    last = window.tokens[blocks[-1]]
    assert last.map is not None
    at = window.lines[last.map[0]]
    if at > window.head:  # between top-level blocks: nothing before can change any more
        return window.cut(at, None)
    kind = _KINDS.get(last.type, "")
    if kind == PARAGRAPH:
        found = window.in_paragraph(last)
    elif kind == LIST:
        found = window.in_list(blocks[-1])
    elif kind == TABLE:
        found = window.between_children(blocks[-1], kind)
    elif kind == CODE:
        found = window.in_code(last)
    else:
        found = window.between_lines(last, kind)
    if found is not None:
        return window.cut(*found)
    position = window.last_resort()
    return window.cut(position, window.seam(last, kind, position))


class _Window:
    """The text ``find_cut`` looks at, parsed once: ``source`` is the seam's prefix plus at most
    1.5 ``limit`` characters of the text; positions below are positions in ``source``."""

    def __init__(self, text: str, start: int, end: int, opens: Seam | None, limit: int) -> None:
        self.opens = opens
        self.limit = limit
        prefix = opens.prefix if opens else ""
        self.head = len(prefix)  # source positions up to here are not in the text
        self.shift = start - self.head
        self.source = prefix + text[start : min(end, start + limit * 3 // 2)]
        self.lines = [0, *(m.end() for m in re.finditer("\n", self.source))]  # line starts
        self.unfinished = len(self.lines) - 1  # the last line, unfinished (maybe empty)
        self._tokens: list[Token] | None = None

    @property
    def tokens(self) -> list[Token]:
        if self._tokens is None:
            self._tokens = _cutting_parser().parse(self.source)
        return self._tokens

    def cut(self, position: int, seam: Seam | None) -> Cut:
        return Cut(position + self.shift, seam)

    def line(self, number: int) -> str:
        end = self.lines[number + 1] if number + 1 < len(self.lines) else len(self.source)
        return self.source[self.lines[number] : end]

    def blocks(self) -> list[int]:
        """Indexes of the top-level block tokens that start on a finished line (or on a long
        unfinished one, whose start can no longer change what it is)."""
        settled = self.unfinished + (len(self.line(self.unfinished)) >= 64)
        return [
            i
            for i, t in enumerate(self.tokens)
            if t.level == 0 and t.nesting >= 0 and t.map and t.map[0] < settled
        ]

    # -- the kinds of open block -----------------------------------------------------------
    def along(self, seam: Seam) -> int | None:
        """The start of the last finished line, if every finished line still continues the
        table or code block the window starts in: rows (lines starting with ``|``), code
        lines (no fence-like line). Saves the parse, the costliest part of a cut (a table's
        ~1.3 ms a KB); anything else gets the parse."""
        best = None
        first = seam.prefix.count("\n")
        for number in range(first, self.unfinished):
            line = self.line(number)
            if seam.kind == TABLE:
                fits = line.lstrip(" ").startswith("|")
            elif seam.prefix:
                fits = not _CLOSING_FENCE.match(line.rstrip("\n"))
            else:  # an indented code block
                fits = not line.strip() or line.startswith(("    ", "\t"))
            if not fits:
                return None
            if self.lines[number] > self.head and line.strip():
                best = self.lines[number]
        return best

    def in_paragraph(self, block: Token, column: int = 0) -> tuple[int, Seam] | None:
        """At a line break or a space, where no code span, link or emphasis is still open and
        the text after the cut alone starts a paragraph (not a list, heading, table...);
        ``column``: where the paragraph's lines start (in a list item)."""
        assert block.map is not None
        low = max(self.lines[block.map[0]], self.head)
        high = len(self.source) if block.map[1] > self.unfinished else self.lines[block.map[1]]
        closed = self._inline_closed(low, high)
        candidates = [p for p in closed if self._paragraph_may_start(p, block, column)]
        limit, tries = len(self.source), 0
        for position in reversed(candidates):
            if position > limit:
                continue
            if tries == 4:
                break
            tries += 1
            # The last few hundred characters: emphasis seldom runs longer (a closer at the
            # start of them looks open too, which only moves the cut a little earlier).
            near = self.source.find(" ", max(low, position - 600), position) + 1 or low
            rendered = _inline_parser().renderInline(self.source[near:position])
            literal = _TAG.sub("", _CODE_SPAN.sub("", rendered))
            if not _OPEN_DELIMITER.search(literal):
                return position, Seam(PARAGRAPH, joiner=self._joiner(position))
            # Some delimiter before the cut is still open: try before the last one.
            limit = max(self.source.rfind(mark, low, position) for mark in "*_~")
        # No luck: before the last delimiter that may be open, else the latest (a run of
        # emphasis cut in two shows its stars; the final render of short answers mends it).
        earlier = [p for p in candidates if p <= limit] or candidates
        if earlier:
            return earlier[-1], Seam(PARAGRAPH, joiner=self._joiner(earlier[-1]))
        return None

    def in_list(self, index: int, items: str = "") -> tuple[int, Seam] | None:
        """Between the list's last items; if one item is all there is, inside its last block
        (a paragraph, code, a list), the seam led by ``items`` marker lines for the items
        around it (``1.`` for a numbered one: an item that starts with a blank line)."""
        found = self.between_children(index, LIST)
        if found is not None:
            return found[0], replace(found[1], prefix=items, depth=items.count("\n"))
        level = self.tokens[index].level
        item = inside = -1
        for i in range(index + 1, len(self.tokens)):
            token = self.tokens[i]
            if token.level <= level:
                break
            if token.type == "list_item_open" and token.level == level + 1:
                item = i
            elif token.level == level + 2 and token.nesting >= 0 and token.map:
                inside = i  # the last block of the last item
        if item < 0 or inside < item:
            return None
        marker = self.tokens[item]
        assert marker.map is not None
        line = self.line(marker.map[0])
        number = marker.info if self.tokens[index].type == "ordered_list_open" else ""
        items += f"{line[: len(line) - len(line.lstrip())]}{number}{marker.markup}\n"
        block = self.tokens[inside]
        kind = _KINDS.get(block.type, "")
        if kind == LIST:
            return self.in_list(inside, items)
        column = len(line) - len(line.lstrip()) + len(number) + len(marker.markup) + 1
        if kind == PARAGRAPH:
            found = self.in_paragraph(block, column)
        elif kind == CODE:
            found = self.in_code(block)
        else:
            return None
        if found is None:
            return None
        seam = found[1]
        return found[0], replace(seam, prefix=items + seam.prefix, depth=items.count("\n"))

    def between_children(self, index: int, kind: str) -> tuple[int, Seam] | None:
        """At the start of the last list item or table row that starts on a finished line."""
        block = self.tokens[index]
        child = "list_item_open" if kind == LIST else "tr_open"
        level = block.level + (1 if kind == LIST else 2)
        best = None
        for token in self.tokens[index + 1 :]:
            if token.level <= block.level:
                break
            if token.type == child and token.level == level and token.map:
                at = self.lines[token.map[0]]
                if token.map[0] < self.unfinished and at > self.head:
                    best = at
        if best is None:
            return None
        if kind == LIST:
            return best, Seam(LIST)
        return best, self._table_seam(index, block, best)

    def in_code(self, block: Token) -> tuple[int, Seam] | None:
        """At the start of the last finished line of code (not a closing fence, and for an
        indented code block not a blank line)."""
        assert block.map is not None
        first = block.map[0] + (block.type == "fence")
        best = None
        for number in range(first, min(block.map[1], self.unfinished)):
            line = self.line(number)
            if block.type == "fence" and _CLOSING_FENCE.match(line.rstrip("\n")):
                break
            if self.lines[number] > self.head and (block.type == "fence" or line.strip()):
                best = self.lines[number]
        return None if best is None else (best, self.seam(block, CODE, best))

    def between_lines(self, block: Token, kind: str) -> tuple[int, Seam] | None:
        """Any other block (a quote, a heading, ...): at the start of its last finished line;
        a quote only before a line that is quoted too."""
        assert block.map is not None
        for number in range(min(block.map[1], self.unfinished) - 1, block.map[0], -1):
            at, line = self.lines[number], self.line(number)
            if at <= self.head:
                break
            if line.strip() and (kind != QUOTE or line.lstrip(" ").startswith(">")):
                return at, Seam(kind)
        return None

    # -- helpers -----------------------------------------------------------------------------
    def last_resort(self) -> int:
        """A cut for text without any better place (one huge line): at its last space in the
        second half of the window, else at the end of the window."""
        low = self.head + self.limit // 2
        space = self.source.rfind(" ", low)
        position = space + 1 if space >= low else len(self.source)
        if self.source[position - 1 : position + 1] == "\r\n":
            position -= 1
        return max(position, self.head + 1)

    def seam(self, block: Token, kind: str, position: int) -> Seam:
        """The seam for a cut at ``position`` inside ``block``, whatever made it."""
        if kind == PARAGRAPH:
            return Seam(PARAGRAPH, joiner=self._joiner(position))
        if kind == CODE:
            assert block.map is not None
            if self.opens is not None and self.opens.kind == CODE and not self.lines[block.map[0]]:
                return self.opens  # still the code block the window started in
            opening = self.line(block.map[0]) if block.type == "fence" else ""
            return Seam(CODE, prefix=opening)
        if kind in (LIST, QUOTE):
            return Seam(kind)
        return Seam("")

    def _inline_closed(self, low: int, high: int) -> list[int]:
        """Positions in ``low..high`` right after a space or line break, outside any code span
        and link text that is still open there."""
        found: list[int] = []
        ticks = 0  # the backtick run of an open code span, 0 outside one
        depth = 0  # open [ of link texts
        events = _INLINE_EVENT.finditer(self.source, low, high)
        event = next(events, None)
        for space in _SPACES.finditer(self.source, low, high):
            while event is not None and event.start() < space.end():
                mark = event.group()
                if mark[0] == "`":
                    if not ticks:
                        ticks = len(mark)
                    elif len(mark) == ticks:
                        ticks = 0
                elif not ticks and mark == "[":
                    depth += 1
                elif not ticks and mark == "]":
                    depth = max(0, depth - 1)
                event = next(events, None)
            if not ticks and not depth and space.end() > self.head:
                found.append(space.end())
        return found

    def _paragraph_may_start(self, position: int, block: Token, column: int) -> bool:
        """Whether the text from ``position`` alone starts a paragraph (and its line cannot turn
        into a table header when the next line comes)."""
        if _UNSAFE_START.match(self.source, position):
            return False
        number = bisect_right(self.lines, position) - 1
        line_start = self.lines[number]
        line = self.line(number)
        if position > line_start + len(line) - len(line.lstrip(" ")):  # inside the line
            # What stays of the line must not end the paragraph as a setext underline, or
            # become a table's header row when the next piece brings a delimiter row (its
            # first line cannot be an underline, and may start with the list marker).
            first = block.map is not None and number == block.map[0]
            return "|" not in line and (first or not line.lstrip(" ").startswith(("=", "-")))
        return position - line_start < column + 4  # an indented line alone would be code

    def _joiner(self, position: int) -> str:
        """What stood between the two halves of the paragraph at a cut at ``position``."""
        before = self.source[:position].rstrip(" \t")
        if not before.endswith("\n"):
            return " " if position and self.source[position - 1].isspace() else ""
        return LINE_SEPARATOR  # every line break is a hard one (``breaks``: as chat clients do)

    def _table_seam(self, index: int, block: Token, cut: int) -> Seam:
        """One seam for every piece of a table: its header and fixed column widths."""
        if (
            self.opens is not None
            and self.opens.kind == TABLE
            and block.map
            and (self.lines[block.map[0]] < self.head)
        ):
            return self.opens
        assert block.map is not None
        header = self.line(block.map[0]) + self.line(block.map[0] + 1)
        # Each column as wide as its longest cell so far (up to 60 characters, the rest wraps),
        # a bold header a fifth wider, two characters for the cell padding; a character is
        # about one percent of a chat column.
        widths: list[float] = []
        column, head = 0, False
        for token in self.tokens[index + 1 :]:
            if token.level == 0 or (token.map and self.lines[token.map[0]] >= cut):
                break
            if token.type in ("thead_open", "thead_close"):
                head = token.type == "thead_open"
            elif token.type == "tr_open":
                column = 0
            elif token.type == "inline" and token.level == 4:
                size = min(len(token.content), 60) * (1.2 if head else 1) + 2
                if column < len(widths):
                    widths[column] = max(widths[column], size)
                else:
                    widths.append(size)
                column += 1
        total = sum(widths) or 1
        percents = tuple(max(1, round(100 * w / total)) for w in widths)
        width = max(30, min(100, round(total)))
        return Seam(TABLE, prefix=header, widths=percents, width=width)


@lru_cache(maxsize=1)
def _inline_parser() -> MarkdownIt:
    """The renderer's Markdown dialect without its render rules."""
    return MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(
        ["table", "strikethrough"]
    )


@lru_cache(maxsize=1)
def _cutting_parser() -> MarkdownIt:
    """Blocks only: where a cut may go does not depend on inline content (parsing it would
    double a cut's cost)."""
    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    return md.disable("inline")
