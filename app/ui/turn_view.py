"""Showing a stored turn in a ``ChatView``: shared by the conversation pane and the comparison.

One place decides how a turn that has ended looks when it is shown again (reopened from the
history, or re-labelled after a blind vote): an answer gets its one final Markdown render,
when it first comes near the screen.
"""

from __future__ import annotations

from app.core.session import Turn

from .chat_view import ChatView, format_footer


def show_turn(view: ChatView, turn: Turn, title: str | None = None) -> int:
    """Append ``turn`` to ``view`` as it ended; its index in the view. ``title`` replaces the
    answer's own (a blind column's letter). The view keeps the turn's source and renders it
    once it comes near the screen."""
    if turn.role == "user":
        return view.add_user_message(turn.content, turn.attachments, lazy=True)
    footer = format_footer(turn.usage, turn.elapsed or 0.0, turn.finish_reason, turn.stopped)
    shown = view.add_answer(
        turn.title if title is None else title, turn.content, reasoning=turn.reasoning or "",
        footer=footer, error=turn.error or None,
    )  # fmt: skip
    if turn.attachments or turn.remote_images:
        view.add_images(shown, turn.attachments, turn.remote_images)
    return shown
