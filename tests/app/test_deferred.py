"""``after_first_paint``: work put off until a widget is painted, and the window's warm-up."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtWidgets import QWidget

from app.ui.deferred import after_first_paint
from app.ui.warm_up import WarmUp
from providers import lazy
from providers.lazy import declared, lazy_module


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


def test_the_warm_up_runs_after_the_first_paint_a_step_a_turn_then_the_lazy_rest(
    qtbot: Any,
) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    calls: list[str] = []

    def steps() -> Iterator[Callable[[], None]]:
        yield lambda: calls.append("first")
        # Read a step at a time: this one is made after the first has run.
        yield lambda: calls.append(f"second after {calls}")

    lazy = lazy_module("tabnanny")  # declared, never used: the warm-up loads it
    warm_up = WarmUp(widget, steps())
    qtbot.wait(50)
    assert calls == [] and not warm_up.done, "a widget never shown is never painted"
    widget.resize(200, 100)
    widget.show()
    with qtbot.waitSignal(warm_up.finished, timeout=10_000):
        pass
    assert calls == ["first", "second after ['first']"]
    assert lazy.loaded and "tabnanny" in sys.modules
    assert all(module.loaded for module in declared())


def test_a_failing_warm_up_step_is_logged_and_the_rest_still_runs(
    qtbot: Any, caplog: Any, monkeypatch: Any
) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    calls: list[str] = []

    def broken() -> None:
        raise ModuleNotFoundError("No module named 'not_installed'")

    missing = "no_such_module_for_the_warm_up"  # declared only for this test: fails once
    monkeypatch.setitem(lazy._declared, missing, lazy.LazyModule(missing))
    warm_up = WarmUp(widget, [broken, lambda: calls.append("after")])
    widget.show()
    with qtbot.waitSignal(warm_up.finished, timeout=10_000):
        pass
    assert calls == ["after"] and warm_up.done
    assert caplog.text.count("a warm-up step failed") == 2  # the step and the module
