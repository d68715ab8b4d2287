"""Headings inside a message, pushed below the export's own: the document outline stays whole.

An export is ``# Title`` → ``## You`` / ``## model`` → the message. A message that has its own
``# Plan`` would otherwise sit beside the title in the outline (and a table of contents). Each
heading is moved ``levels`` down (at most to ``######``); code blocks are left alone because the
headings are found by markdown-it, the same parser the window renders with.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from providers.lazy import lazy_module

if TYPE_CHECKING:
    import markdown_it
else:  # when an export runs, not when the history opens
    markdown_it = lazy_module("markdown_it")

#: The ATX ``#`` run of a heading line, after any blockquote/list marker before it.
_ATX = re.compile(r"^((?:[ \t]*>)*[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?[ \t]*)(#{1,6})(?=[ \t]|$)")
_SETEXT_UNDERLINE = re.compile(r"^((?:[ \t]*>)*[ \t]*)(=+|-+)[ \t]*$")


@lru_cache(maxsize=1)
def _parser() -> markdown_it.MarkdownIt:
    return markdown_it.MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def nest_headings(text: str, levels: int = 2) -> str:
    """``text`` with every Markdown heading ``levels`` deeper (``#`` → ``###``)."""
    lines = text.split("\n")
    for token in _parser().parse(text):
        if token.type != "heading_open" or token.map is None:
            continue
        level = min(6, int(token.tag[1]) + levels)
        first, end = token.map
        if token.markup.startswith("#"):
            match = _ATX.match(lines[first])
            if match:
                lines[first] = match.group(1) + "#" * level + lines[first][match.end() :]
            continue
        # Setext (text over ``===``/``---``): one ATX line instead, the underline dropped.
        underline = end - 1
        prefix = _SETEXT_UNDERLINE.match(lines[underline])
        quote = prefix.group(1) if prefix else ""
        body = " ".join(line[len(quote) :].strip() for line in lines[first:underline])
        lines[first] = f"{quote}{'#' * level} {body}"
        for index in range(first + 1, end):
            lines[index] = None  # type: ignore[call-overload]
    return "\n".join(line for line in lines if line is not None)
