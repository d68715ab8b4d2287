"""Light and dark: the colours, applying a theme to the application, the windows' style sheet.

One frozen palette per scheme: widgets (QSS), rendered Markdown (inline styles) and Pygments
all read the same values, so the bubbles, the text and the code blocks always agree. Every
window styles itself with ``window_style`` (``resources/styles/window.qss``), so they all agree
too. Imports no window.
"""

from __future__ import annotations

from dataclasses import dataclass
from string import Template

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from .resources import resource_path


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


def _dark_palette() -> QPalette:
    """A dark palette for platforms that cannot switch the scheme themselves (Fusion-based)."""
    colors = palette_for(True)
    window, base, text = QColor("#2b2d31"), QColor(colors.background), QColor(colors.text)
    muted, link = QColor(colors.muted), QColor(colors.link)
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: window,
        QPalette.ColorRole.ToolTipBase: window,
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: muted,
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor("#35373c"),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor("#ffffff"),
        QPalette.ColorRole.Light: QColor("#4a4d54"),
        QPalette.ColorRole.Midlight: QColor("#3d4046"),
        QPalette.ColorRole.Mid: QColor("#2a2c30"),
        QPalette.ColorRole.Dark: QColor("#1a1b1e"),
        QPalette.ColorRole.Shadow: QColor("#000000"),
        QPalette.ColorRole.Highlight: QColor("#3574f0"),
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Link: link,
        QPalette.ColorRole.LinkVisited: link,
    }
    for role, color in roles.items():
        palette.setColor(role, color)
    disabled = QColor("#6f737a")
    for role in (
        QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText,
    ):  # fmt: skip
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def apply_theme(choice: str) -> bool:
    """Apply "system", "light" or "dark"; returns whether the window is now dark.

    "system" follows the desktop (``colorSchemeChanged`` re-applies it). An explicit choice is
    asked of the platform first and, where it cannot switch (offscreen, older desktops), made
    with our own palette.
    """
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    hints = QGuiApplication.styleHints()
    wanted = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(choice)
    if hasattr(hints, "setColorScheme"):
        hints.setColorScheme(wanted or Qt.ColorScheme.Unknown)
    dark = system_is_dark() if wanted is None else wanted == Qt.ColorScheme.Dark
    platform_did_it = wanted is None or hints.colorScheme() == wanted
    if platform_did_it:
        app.setPalette(QPalette())  # the platform's own palette
    elif dark:
        app.setPalette(_dark_palette())
    else:
        app.setPalette(app.style().standardPalette())
    return dark


def window_style(dark: bool) -> str:
    """The window's QSS (``resources/styles/window.qss``) with the theme's colours."""
    p = palette_for(dark)
    window = QGuiApplication.palette().window().color()
    values = {
        "text": p.text, "muted": p.muted, "chat_background": p.background,
        "window": window.name(), "panel": window.name(), "base": p.answer_bubble,
        "border": p.answer_border, "hover": p.button_hover, "accent": p.link,
        "disabled_accent": "#3d4a63" if dark else "#b6c8ee",
        "error_bg": p.error_background, "error_text": p.error_text,
        "error_border": "#8e1f1b" if dark else "#f5c2bf",
        "warn_bg": "#3b2e12" if dark else "#fff8e1",
        "warn_border": "#6b5210" if dark else "#f0d98a",
        "info_bg": p.user_bubble, "info_border": p.user_border,
        "success": "#3fb950" if dark else "#1a7f37",
        "placeholder": "#6e7681" if dark else "#8c959f",
    }  # fmt: skip
    try:
        template = resource_path("styles", "window.qss").read_text(encoding="utf-8")
    except OSError:
        return ""
    return Template(template).safe_substitute(values)
