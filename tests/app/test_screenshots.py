"""Screenshots of the main window for the README: light and dark, an answer with code.

Writes ``docs/screenshots/main-light.png`` and ``main-dark.png`` (run it after a visual change
and look at them). The window is real: the answer streams from the loopback OpenAI server.
"""

from __future__ import annotations

import io
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
import io
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


def _chart() -> bytes:
    """A small bar chart, as a user would paste a screenshot of one."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 300), "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.text((16, 12), "Monthly signups", fill="#1f2328")
    draw.line((40, 270, 460, 270), fill="#59636e", width=2)
    draw.line((40, 40, 40, 270), fill="#59636e", width=2)
    for index, value in enumerate((120, 150, 140, 190, 60, 210)):
        left = 60 + index * 66
        colour = "#cf222e" if value < 100 else "#0969da"
        draw.rectangle((left, 270 - value, left + 44, 268), fill=colour)
        draw.text(
            (left + 10, 276), ("Jan", "Feb", "Mar", "Apr", "May", "Jun")[index], fill="#59636e"
        )
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


ATTACH_QUESTION = "Why does May drop in the chart? The raw numbers are in the CSV."
ATTACH_ANSWER = """\
May is the only month below 100 signups (**60**), and the CSV shows why: `campaign` is empty \
from 2024-05-03 to 2024-05-27, while every other month had a paid campaign running.

| month | signups | campaign |
|-------|--------:|----------|
| Apr   | 190     | spring   |
| May   | 60      | —        |
| Jun   | 210     | summer   |

So the dip follows the pause in paid acquisition, not a change in the product.
"""
CSV = b"""date,signups,campaign
2024-04-28,7,spring
2024-05-03,2,
2024-05-27,1,
2024-06-02,8,summer
"""


def test_attachments_screenshot(
    open_window: OpenWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any, tmp_path: Path
) -> None:
    openai_server.models = ["gpt-4o-mini", "gpt-4o"]
    window = open_window()
    window.set_theme("light")
    window.resize(SIZE)
    window.model_picker.setCurrentIndex(window.model_picker.findText("gpt-4o"))
    (tmp_path / "signups.png").write_bytes(_chart())
    (tmp_path / "signups.csv").write_bytes(CSV)
    (tmp_path / "notes.md").write_text("# Q3 plan\n\n- restart the campaign in August\n")
    strip = window.conversation.attachment_strip
    read = loop.expect(strip.loaded)
    strip.add_paths([tmp_path / "signups.png", tmp_path / "signups.csv"])
    loop.run(read)
    openai_server.push(Stream(text=ATTACH_ANSWER, chunk_count=30, delay=0.01))
    ended = loop.expect(window.answerEnded)
    qtbot.keyClicks(window.composer, ATTACH_QUESTION)
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    loop.run(ended)
    body = openai_server.requests[-1].body_dict
    assert body["messages"][-1]["content"][0]["type"] == "image_url"
    read = loop.expect(strip.loaded)
    strip.add_paths([tmp_path / "notes.md"])  # the next message's file, waiting in the composer
    loop.run(read)
    qtbot.keyClicks(window.composer, "Draft the August campaign from these notes.")
    loop.idle(0.2)
    window.chat_view.scroll_to_bottom()
    loop.idle(0.1)

    target = SHOTS / "attachments.png"
    image = window.grab().toImage()
    assert image.save(str(target))
    assert target.stat().st_size > 20_000


# ----- issue 15: the first window, the parameter forms, the credentials dialog, small and large --


def save(widget: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    target = SHOTS / f"{name}.png"
    image = widget.grab().toImage()
    assert image.save(str(target))
    assert target.stat().st_size > 5_000
    return target


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_first_window_screenshot(open_window: OpenWindow, loop: Loop, theme: str) -> None:
    window = open_window()
    window.set_theme(theme)
    window.resize(SIZE)
    loop.idle(0.2)
    save(window, f"first-window-{theme}")


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("pid", ["openai", "anthropic", "gemini", "ollama"])
def test_parameter_form_screenshot(
    open_window: OpenWindow, loop: Loop, qtbot: Any, pid: str, theme: str
) -> None:
    window = open_window()
    window.set_theme(theme)
    window.resize(QSize(1200, 1000))
    picker = window.provider_picker
    picker.setCurrentIndex(picker.findData(pid))
    if window.models_task is not None:
        loop.run(window.models_task)
    window.banner.dismiss()
    temperature = window.settings_form.fields["temperature"].editor
    assert isinstance(temperature, QDoubleSpinBox)
    temperature.setValue(0.4)  # one set field beside the unset ones
    loop.idle(0.2)
    panel = window.side_panel
    assert panel.widget().width() <= panel.viewport().width()
    save(panel, f"params-{pid}-{theme}")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_credentials_dialog_after_test_connection_screenshot(
    open_window: OpenWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any, theme: str
) -> None:
    openai_server.models = [f"model-{n}" for n in range(12)]
    window = open_window()
    window.set_theme(theme)
    dialog = window.open_credentials("openai")
    assert dialog is not None
    loop.run(dialog.task)
    dialog.base_url.setText(openai_server.base_url)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    loop.run(dialog.task)
    loop.idle(0.2)
    assert dialog.feedback.isVisible()
    for field in (dialog.api_key, dialog.base_url, dialog.proxy):
        assert field.height() >= field.sizeHint().height()
    save(dialog, f"credentials-tested-{theme}")
    dialog.reject()


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("size", [QSize(800, 500), QSize(1920, 1080)])
def test_window_size_screenshot(
    open_window: OpenWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any,
    size: QSize, theme: str,
) -> None:  # fmt: skip
    window = open_window()
    window.set_theme(theme)
    window.resize(size)
    openai_server.push(Stream(text=ANSWER, chunk_count=20))
    ended = loop.expect(window.answerEnded)
    qtbot.keyClicks(window.composer, QUESTION)
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    loop.run(ended)
    loop.idle(0.2)
    window.chat_view.scroll_to_bottom()
    loop.idle(0.1)
    assert (window.width(), window.height()) == (size.width(), size.height())
    save(window, f"window-{size.width()}x{size.height()}-{theme}")
