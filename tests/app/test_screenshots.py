"""Screenshots of the main window for the README: light and dark, an answer with code.

Writes ``docs/screenshots/main-light.png`` and ``main-dark.png`` (run it after a visual change
and look at them). The window is real: the answer streams from the loopback OpenAI server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QDoubleSpinBox

from tests.app.conftest import Loop, OpenWindow
from tests.servers import OpenAIServer, Stream

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SIZE = QSize(1200, 760)
QUESTION = "How do I read a large file line by line in Python without loading it all?"
ANSWER = """\
Iterate over the file object itself: Python reads it lazily, one line at a time, so memory \
use stays flat however large the file is.

```python
from pathlib import Path


def count_errors(path: Path) -> int:
    \"\"\"Count the lines that mention an error.\"\"\"
    errors = 0
    with path.open(encoding="utf-8") as lines:
        for line in lines:  # one line in memory at a time
            if "ERROR" in line:
                errors += 1
    return errors
```

A few details worth knowing:

- Pass `encoding=` explicitly; the default depends on the platform.
- Each `line` keeps its trailing `\\n`; use `line.rstrip("\\n")` when it matters.
- For binary data, open with `"rb"` and read fixed-size blocks with `file.read(65536)`.
"""


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_main_window_screenshot(
    open_window: OpenWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any, theme: str
) -> None:
    openai_server.models = ["gpt-4o-mini", "gpt-4o", "gpt-4.1", "o3-mini"]
    window = open_window()
    window.set_theme(theme)
    window.resize(SIZE)
    window.model_picker.setCurrentIndex(window.model_picker.findText("gpt-4o"))
    window.system_prompt.setPlainText("You are a concise senior Python engineer.")
    temperature = window.settings_form.fields["temperature"].editor
    assert isinstance(temperature, QDoubleSpinBox)
    temperature.setValue(0.4)

    openai_server.push(Stream(text=ANSWER, chunk_count=60, delay=0.012))  # ~0.7 s, as a fast model
    ended = loop.expect(window.answerEnded)
    qtbot.keyClicks(window.composer, QUESTION)
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    loop.run(ended)
    loop.idle(0.2)  # the view's last render and the layout settle
    window.chat_view.scroll_to_bottom()
    qtbot.keyClicks(window.composer, "And how would I do the same with asyncio?")
    loop.idle(0.1)

    SHOTS.mkdir(parents=True, exist_ok=True)
    target = SHOTS / f"main-{theme}.png"
    image = window.grab().toImage()
    assert image.width() >= SIZE.width() and image.height() >= SIZE.height()
    assert image.save(str(target))
    assert target.stat().st_size > 20_000
