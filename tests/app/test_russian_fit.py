"""What a Russian-speaking user sees: no clipped text, no English sentence (issue 11).

Russian texts are a third longer than English ones; each test puts a real window or widget in
Russian at a small size and checks what the eye would catch on a screenshot: a scroll bar where
the content should reflow, a button or field whose text is wider than itself.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QAbstractButton, QScrollArea

from app.ui.main_window import MainWindow
from tests.app import test_first_run_window as first_run
from tests.app import test_screenshots_ru as screenshots_ru
from tests.app.conftest import Loop
from tests.app.test_first_run_window import shown_welcome

# Fixtures shared with those tests: the window on a fresh profile, the app in Russian.
fresh_window = first_run.fresh_window
no_env_keys = first_run.no_env_keys
russian = screenshots_ru.russian

pytestmark = [
    pytest.mark.qt_log_ignore("This plugin does not support raise"),
    pytest.mark.usefixtures("russian"),
]


def clipped_buttons(root: Any) -> list[str]:
    """The shown buttons under ``root`` whose text is wider than the button."""
    return [
        f"{button.text()!r}: {button.fontMetrics().horizontalAdvance(button.text())} px "
        f"in {button.width()} px"
        for button in root.findChildren(QAbstractButton)
        if button.isVisible()
        and button.text()
        and button.fontMetrics().horizontalAdvance(button.text()) > button.width()
    ]


def test_the_welcome_screen_reflows_at_800_px_with_the_parameters_open(
    fresh_window: Any, loop: Loop
) -> None:
    window: MainWindow = fresh_window()
    welcome = shown_welcome(window, loop)
    window.resize(800, 600)
    loop.idle(0.2)
    assert window.side_panel.isVisible() and window.width() == 800
    scroll = welcome.findChild(QScrollArea, "welcomeScroll")
    assert scroll is not None
    page = scroll.widget()
    assert scroll.horizontalScrollBar().maximum() == 0, (
        f"the page needs {page.minimumSizeHint().width()} px, has {scroll.viewport().width()}"
    )
    assert page.width() <= scroll.viewport().width()
    assert welcome.cards, "the scan found the loopback server"
    assert clipped_buttons(welcome) == []
