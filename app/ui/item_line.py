"""Lines of " · "-separated items that wrap between the items, never inside one.

A label such as an answer's ``1,234 in · 567 out · 3.2 s`` or the composer's key hint, kept on
one unbreakable line, holds its pane (and so the window) at its full width: after the footer's
buttons and the Presets button joined these lines the window no longer fitted 800 px. Wrapped
at every space, an item splits ("3.2" / "s"); with the spaces inside items non-breaking, a
word-wrapped label breaks only after a separator.
"""

from __future__ import annotations

SEPARATOR = " · "
_NBSP = "\u00a0"


def whole_items(text: str) -> str:
    """``text`` with the spaces inside each item non-breaking (shown the same)."""
    return (_NBSP + SEPARATOR.lstrip()).join(
        item.replace(" ", _NBSP) for item in text.split(SEPARATOR)
    )
