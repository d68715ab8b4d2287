"""Model output (untrusted Markdown) to the rich-text HTML subset that QTextDocument shows.

markdown-it-py is CommonMark-exact and lets us replace single render rules; Pygments highlights
code with inline styles (QTextDocument has no CSS classes worth relying on). Security rules:
raw HTML is escaped, never passed through; images become plain links (nothing is ever loaded);
only http, https and mailto links are links at all.

``BlockScanner`` finds where finished blocks end in a growing text, so a streaming view renders
each finished block once and re-renders only the open tail.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field
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

from .theme import Palette

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
COPY_SCHEME = "copy"  # code block header anchors: ``copy:N`` copies code block N
IMAGE_MARK = "\N{FRAME WITH PICTURE}"
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
    """HTML for QTextDocument plus the source of each code block, in ``copy:N`` order."""

    html: str
    code_blocks: list[str] = field(default_factory=list)


class MarkdownRenderer:
    """Renders Markdown with one palette; make a new one when the theme changes."""

    def __init__(self, palette: Palette) -> None:
        self.palette = palette
        self._formatter = QtRichTextFormatter(style=palette.pygments_style)
        md = MarkdownIt("commonmark", {"html": False})
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

    def render(self, text: str, *, first_code_index: int = 0) -> Rendered:
        """Render ``text``; its code blocks are numbered from ``first_code_index`` on."""
        env: dict[str, Any] = {"code_blocks": [], "first": first_code_index}
        html = self._md.render(text, env)
        return Rendered(html, env["code_blocks"])

    def stylesheet(self) -> str:
        """Default CSS for the QTextDocument the HTML goes into."""
        p = self.palette
        return (
            f"a {{ color: {p.link}; text-decoration: none; }}"
            f"blockquote {{ color: {p.quote}; margin-left: 12px; }}"
            "h1 { font-size: x-large; } h2 { font-size: large; } h3 { font-size: medium; }"
            "pre { margin-top: 0px; margin-bottom: 0px; }"
        )

    # -- render rules (markdown-it calls them with the renderer as ``r``) -------------------
    def _fence(
        self, r: Any, tokens: Sequence[Token], idx: int, options: Any, env: MutableMapping[str, Any]
    ) -> str:
        token = tokens[idx]
        language = token.info.strip().split(maxsplit=1)[0] if token.info.strip() else ""
        code = token.content
        number = env["first"] + len(env["code_blocks"])
        env["code_blocks"].append(code)
        p = self.palette
        lexer = _lexer(language.lower()) if language and len(code) <= HIGHLIGHT_LIMIT else None
        body = highlight(code, lexer, self._formatter) if lexer else escape(code)
        body = body.rstrip("\n")
        label = escape(language) if language else "&nbsp;"
        return (
            f'<table width="100%" cellspacing="0" cellpadding="0" border="1"'
            f' style="border-collapse: collapse; border-style: solid;'
            f" border-color: {p.code_border};"
            f' margin-top: 6px; margin-bottom: 6px;">'
            f'<tr><td bgcolor="{p.code_header}" style="padding: 3px 8px;">'
            f'<table width="100%" cellspacing="0" cellpadding="0" border="0"><tr>'
            f'<td><span style="color: {p.muted};">{label}</span></td>'
            f'<td align="right"><a href="{COPY_SCHEME}:{number}">Copy</a></td>'
            f"</tr></table></td></tr>"
            f'<tr><td bgcolor="{p.code_background}" style="padding: 6px 8px;">'
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
        return (
            f'<table border="1" cellspacing="0" cellpadding="4" style="border-collapse: collapse;'
            " border-style: solid;"
            f' border-color: {self.palette.table_border}; margin-top: 6px; margin-bottom: 6px;">\n'
        )

    def _cell_open(
        self, r: Any, tokens: Sequence[Token], idx: int, options: Any, env: MutableMapping[str, Any]
    ) -> str:
        token = tokens[idx]
        style = str(token.attrGet("style") or "")
        align = style.removeprefix("text-align:").strip() if style.startswith("text-align:") else ""
        attr = f' align="{escape(align)}"' if align in ("left", "center", "right") else ""
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


COMMON_LANGUAGES = (
    "python", "javascript", "typescript", "bash", "json", "html", "css", "c", "cpp", "java",
    "go", "rust", "sql", "yaml", "text",
)  # fmt: skip
_warm_up_started = threading.Event()


def warm_up_lexers() -> None:
    """Load Pygments' lexer registry and the common lexers on a background thread, once.

    The first ``get_lexer_by_name`` scans plugins and compiles the lexer's regexes (~80 ms
    measured for Python): done on the GUI thread it would freeze the first streamed code block.
    """
    if _warm_up_started.is_set():
        return
    _warm_up_started.set()

    def load() -> None:
        for language in COMMON_LANGUAGES:
            _lexer(language)

    threading.Thread(target=load, name="pygments-warm-up", daemon=True).start()


# -- finding the end of the finished blocks ------------------------------------------------

_LINE = re.compile(r"[^\n]*\n")
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

    def scan(self, text: str) -> int:
        """The last new boundary in ``text`` (which extends what was scanned before), else 0."""
        last = 0
        for match in _LINE.finditer(text, self._position):
            if self._starts_block(match.group().rstrip("\r\n")):
                last = match.start()
            self._position = match.end()
        # An unfinished line already starts a new block if its first character rules out every
        # continuation: not indented and no list marker (digits, -, +, *).
        first = text[self._position : self._position + 1]
        if first and first not in _MAYBE_CONTINUATION and self._fence is None:
            last = self._position if self._previous_blank else last
        return last

    def drop_prefix(self, length: int) -> None:
        """The owner cut ``length`` characters off the front of its text (at a boundary)."""
        self._position -= length

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


def _boundaries(text: str) -> Iterator[int]:
    scanner = BlockScanner()
    for match in _LINE.finditer(text):
        if scanner._starts_block(match.group().rstrip("\r\n")):
            yield match.start()


def split_point(text: str) -> int:
    """Length of the longest prefix of ``text`` made of finished blocks (0 if none)."""
    return BlockScanner().scan(text)


def split_blocks(text: str) -> list[str]:
    """``text`` cut at every boundary; rendering the pieces one by one equals rendering it."""
    pieces: list[str] = []
    start = 0
    for cut in _boundaries(text):
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return [p for p in pieces if p]
