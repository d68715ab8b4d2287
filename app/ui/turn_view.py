"""Showing a stored turn in a ``ChatView``: shared by the conversation pane and the comparison.

One place decides how a turn that has ended looks when it is shown again (reopened from the
history, or re-labelled after a blind vote): an answer gets its one final Markdown render.
"""

from __future__ import annotations

from app.core.session import Turn

from .chat_view import ChatView


def show_turn(view: ChatView, turn: Turn, title: str | None = None) -> int:
    """Append ``turn`` to ``view`` as it ended; its index in the view. ``title`` replaces the
    answer's own (a blind column's letter)."""
    if turn.role == "user":
        return view.add_user_message(turn.content, turn.attachments)
    shown = view.begin_answer(turn.title if title is None else title)
    if turn.reasoning:
        view.append_reasoning(shown, turn.reasoning)
    if turn.content:
        view.append_text(shown, turn.content)
    if turn.attachments or turn.remote_images:
        view.add_images(shown, turn.attachments, turn.remote_images)
    if turn.error:
        view.fail_answer(shown, turn.error)
    else:
        view.finish_answer(
            shown, usage=turn.usage, elapsed=turn.elapsed or 0.0,
            finish_reason=turn.finish_reason, stopped=turn.stopped,
        )  # fmt: skip
    return shown
