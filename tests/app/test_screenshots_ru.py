"""Screenshots of Roundtable in Russian, light and dark (issue 14): the main window, the history
panel, the credentials dialog, the comparison window and the first-run (welcome) screen.

Writes ``docs/screenshots/*-ru-{light,dark}.png``; look at them after a change of strings or
layout (the Russian texts are longer: nothing may be clipped). The windows are real, answers
stream from the loopback servers.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale, QSize, Qt
from PySide6.QtWidgets import QApplication, QWidget

from app.core.history import History, default_path
from app.core.settings import Settings
from app.ui import i18n, theme
from app.ui.compare_view import COLUMNS_KEY, open_compare_window
from app.ui.credentials_dialog import CredentialsDialog
from app.ui.welcome import WelcomeScreen
from providers import i18n as provider_i18n
from tests.app.conftest import Loop, OpenWindow
from tests.app.test_first_run import without_local
from tests.servers import OpenAIServer, Stream

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
QUESTION = "Как прочитать большой файл построчно в Python, не загружая его целиком?"
ANSWER = """\
Перебирайте сам объект файла: Python читает его лениво, по строке за раз, поэтому расход \
памяти не растёт, каким бы большим ни был файл.

```python
from pathlib import Path


def count_errors(path: Path) -> int:
    \"\"\"Считает строки с ошибками.\"\"\"
    errors = 0
    with path.open(encoding="utf-8") as lines:
        for line in lines:  # в памяти одна строка
            if "ERROR" in line:
                errors += 1
    return errors
```

Полезно знать:

- Указывайте `encoding=` явно: умолчание зависит от платформы.
- Каждая `line` оканчивается на `\\n`; уберите его через `line.rstrip("\\n")`, если нужно.
"""
EARLIER = [
    ("План поездки в Лиссабон на три дня", 40 * 24 * 3600, "gpt-4o"),
    ("Почему небо голубое?", 5 * 24 * 3600, "gpt-4o-mini"),
    ("SQL: оконные функции на примерах", 26 * 3600, "gpt-4.1"),
    ("Регулярное выражение для дат ISO", 3 * 3600, "gpt-4o-mini"),
    ("Разбить класс Python на функции поменьше", 2 * 60, "gpt-4o"),
]


@pytest.fixture
def russian(qapp: QApplication) -> Iterator[None]:
    before = QLocale()
    assert i18n.install_language("ru") == "ru", "run scripts/translations.sh compile first"
    try:
        yield
    finally:
        i18n.install_language("en")
        QLocale.setDefault(before)
        provider_i18n.set_language(None)
        theme.apply_theme("system")


def save(widget: QWidget, name: str, minimum: QSize) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    target = SHOTS / name
    image = widget.grab().toImage()
    assert image.width() >= minimum.width() and image.height() >= minimum.height()
    assert image.save(str(target))
    assert target.stat().st_size > 10_000


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen cannot raise
@pytest.mark.parametrize("shade", ["light", "dark"])
def test_russian_screenshots(
    russian: None, open_window: OpenWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any,
    shade: str,
) -> None:  # fmt: skip
    now = time.time()
    for title, age, model in EARLIER:
        writer = History(default_path(), clock=lambda age=age: now - age)
        conversation = writer.create_conversation(title, "", "openai", model)
        writer.add_message(conversation, "user", title)
        writer.add_message(conversation, "assistant", "…")
        writer.close()
    openai_server.models = ["gpt-4o-mini", "gpt-4o", "gpt-4.1", "o3-mini"]
    window = open_window()
    window.set_theme(shade)
    window.resize(QSize(1200, 760))
    window.model_picker.setCurrentIndex(window.model_picker.findText("gpt-4o"))
    window.system_prompt.setPlainText("Ты — лаконичный старший инженер Python.")
    openai_server.push(Stream(text=ANSWER, chunk_count=40, delay=0.01))
    ended = loop.expect(window.answerEnded)
    window.composer.setPlainText(QUESTION)  # keyClicks types ASCII only
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    loop.run(ended)
    loop.idle(0.2)
    window.chat_view.scroll_to_bottom()
    save(window, f"main-ru-{shade}.png", QSize(1200, 760))
    save(window.history_panel, f"history-ru-{shade}.png", QSize(200, 400))

    dialog = CredentialsDialog(window.target.providers["openai"], "openai", window.settings, window)
    qtbot.addWidget(dialog)
    dialog.show()
    if dialog.task is not None:
        loop.run(dialog.task)
    loop.idle(0.1)
    save(dialog, f"credentials-ru-{shade}.png", QSize(500, 200))
    dialog.close()

    settings: Settings = window.settings
    settings.set(COLUMNS_KEY, [{"provider": "openai", "model": m} for m in ("gpt-4o", "o3-mini")])
    for text in ("Генератор — когда данные нужны **один раз и по порядку**.", "Список — когда "
                 "нужен `len()`, индексы или несколько проходов."):  # fmt: skip
        openai_server.push(Stream(text=text, chunk_count=10, delay=0.01))
    compare = open_compare_window(window)
    qtbot.addWidget(compare)
    compare.resize(1200, 640)
    loop.run(compare.credentials_task)
    compare.composer.setPlainText("Когда генератор лучше списка?")
    qtbot.keyClick(compare.composer, Qt.Key.Key_Return)
    loop.run(compare.run.wait())
    loop.idle(0.2)
    save(compare, f"compare-ru-{shade}.png", QSize(1200, 640))
    compare.close()

    welcome = WelcomeScreen(providers=without_local(), servers=[], bound=10.0)
    qtbot.addWidget(welcome)
    welcome.setStyleSheet(theme.window_style(shade == "dark"))
    welcome.set_dark(shade == "dark")
    welcome.resize(760, 640)
    welcome.show()
    loop.run(welcome.start())
    loop.idle(0.1)
    save(welcome, f"welcome-ru-{shade}.png", QSize(760, 640))
