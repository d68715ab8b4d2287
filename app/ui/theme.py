"""Light and dark colours for the chat view, and whether the system asks for dark.

One frozen palette per scheme: widgets (QSS), rendered Markdown (inline styles) and Pygments
all read the same values, so the bubbles, the text and the code blocks always agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication


@dataclass(frozen=True)
class Palette:
    """Colours as ``#rrggbb`` strings (usable in QSS and in rich-text HTML alike)."""

    dark: bool
    background: str  # behind the bubbles
    text: str
    muted: str  # titles, footers, code language labels
    user_bubble: str
    user_border: str
    answer_bubble: str
    answer_border: str
    link: str
    code_background: str
    code_header: str
    code_border: str
    inline_code: str  # background of `inline code`
    table_border: str
    quote: str  # blockquote text
    error_background: str
    error_text: str
    button_hover: str
    pygments_style: str


LIGHT = Palette(
    dark=False,
    background="#ffffff",
    text="#1f2328",
    muted="#59636e",
    user_bubble="#e8f0fe",
    user_border="#c9d8f5",
    answer_bubble="#ffffff",
    answer_border="#e1e4e8",
    link="#0969da",
    code_background="#f6f8fa",
    code_header="#eaeef2",
    code_border="#d0d7de",
    inline_code="#eff1f3",
    table_border="#d0d7de",
    quote="#59636e",
    error_background="#ffebe9",
    error_text="#82071e",
    button_hover="#eaeef2",
    pygments_style="default",
)

DARK = Palette(
    dark=True,
    background="#1e1f22",
    text="#e6edf3",
    muted="#9198a1",
    user_bubble="#22324a",
    user_border="#2f4566",
    answer_bubble="#1e1f22",
    answer_border="#3d444d",
    link="#4493f8",
    code_background="#0d1117",
    code_header="#262c36",
    code_border="#3d444d",
    inline_code="#343941",
    table_border="#3d444d",
    quote="#9198a1",
    error_background="#3c1618",
    error_text="#ffa198",
    button_hover="#2f353d",
    pygments_style="github-dark",
)


def palette_for(dark: bool) -> Palette:
    return DARK if dark else LIGHT


def system_is_dark() -> bool:
    """What the desktop asks for; ``Unknown`` (e.g. offscreen, old desktops) counts as light."""
    app = QGuiApplication.instance()
    if app is None:
        return False
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
