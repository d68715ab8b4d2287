"""``after_first_paint``: work put off until a widget is painted, and the chat view's use of it."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from app.ui import chat_view
from app.ui.chat_view import ChatView
from app.ui.deferred import after_first_paint


def test_runs_once_after_the_first_paint_and_not_before(qtbot: Any) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    calls: list[str] = []
    after_first_paint(widget, lambda: calls.append("done"))
    qtbot.wait(50)
    assert calls == [], "a widget never shown is never painted"
    widget.resize(200, 100)
    widget.show()
    qtbot.waitUntil(lambda: calls == ["done"])
    widget.update()
    qtbot.wait(50)
    assert calls == ["done"], "once"


def test_the_chat_view_warms_the_lexers_only_once_shown(qtbot: Any, monkeypatch: Any) -> None:
    started: list[bool] = []
    monkeypatch.setattr(chat_view, "warm_up", lambda: started.append(True))
    view = ChatView()
    qtbot.addWidget(view)
    qtbot.wait(50)
    assert started == [], "building a window must not start the lexer thread nor the worker"
    view.resize(300, 200)
    view.show()
    qtbot.waitUntil(lambda: started == [True])
