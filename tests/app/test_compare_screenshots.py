"""Screenshots of the comparison window: 2, 4 and 8 columns at 1280x800 and 1920x1080, light
and dark, and blind mode before and after the vote.

Writes ``docs/screenshots/compare-<columns>-<size>-<theme>.png`` and
``compare-blind-before.png``/``compare-blind-after.png`` (look at them after a visual change).
Real windows: the answers stream from the loopback servers. Besides the pictures, each shot
checks that nothing is clipped: every column keeps its readable width, and the columns that do
not fit are reached by scrolling the row.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.core.settings import Settings
from app.ui import theme
from app.ui.compare_column import MIN_WIDTH
from app.ui.compare_view import COLUMNS_KEY, CompareWindow
from tests.app.conftest import Loop
from tests.app.test_compare import settle
from tests.servers import DEFAULT_KEY, AnthropicServer, OpenAIServer, Stream

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PROMPT = "How do I flatten a nested list in Python? Keep it short."
ANSWERS = [
    """\
Use a comprehension for one level of nesting:

```python
flat = [item for sublist in nested for item in sublist]
```

For arbitrary depth, recurse or use `itertools.chain.from_iterable` repeatedly.""",
    """\
`itertools.chain.from_iterable(nested)` flattens one level lazily — wrap it in `list()` \
when you need a list. It is usually the fastest pure-Python option.""",
    """\
A recursive generator handles any depth:

```python
def flatten(items):
    for item in items:
        if isinstance(item, list):
            yield from flatten(item)
        else:
            yield item
```""",
    """\
- one level: `sum(nested, [])` works but is **quadratic** — avoid it for big lists
- better: a list comprehension or `itertools.chain`
- deep nesting: a recursive generator with `yield from`""",
]
OPENAI_MODELS = ["gpt-4o", "gpt-4o-mini", "gpt-4.1", "o3-mini"]
COLUMNS = {
    2: [("openai", "gpt-4o"), ("anthropic", "claude-sonnet-4-5")],
    4: [("openai", "gpt-4o"), ("anthropic", "claude-sonnet-4-5"), ("ollama", "llama3.2"),
        ("openai", "gpt-4o-mini")],
    8: [("openai", "gpt-4o"), ("anthropic", "claude-sonnet-4-5"), ("ollama", "llama3.2"),
        ("openai", "gpt-4o-mini"), ("anthropic", "claude-haiku-4-5"), ("ollama", "qwen3:0.6b"),
        ("openai", "gpt-4.1"), ("openai", "o3-mini")],
}  # fmt: skip
SIZES = [(1280, 800), (1920, 1080)]


@pytest.fixture
def shoot(
    qtbot: Any, loop: Loop, openai_server: OpenAIServer, anthropic_server: AnthropicServer,
    ollama_server: Any, monkeypatch: pytest.MonkeyPatch, keyring_service: str,
) -> Iterator[Any]:  # fmt: skip
    """A comparison window on ``columns`` in ``theme_name``, every column answered."""
    monkeypatch.setenv("OPENAI_API_KEY", DEFAULT_KEY)
    monkeypatch.setenv("ANTHROPIC_API_KEY", DEFAULT_KEY)
    openai_server.models = OPENAI_MODELS
    servers = {"openai": openai_server, "anthropic": anthropic_server, "ollama": ollama_server}

    def open_(
        columns: list[tuple[str, str]], theme_name: str, size: tuple[int, int], blind: bool = False
    ) -> CompareWindow:
        settings = Settings.load()
        settings.theme = theme_name
        theme.apply_theme(theme_name)
        for provider_id, server in servers.items():
            url = server.base_url if provider_id == "openai" else server.url
            settings.set_connection_for(provider_id, base_url=url, proxy=None)
        settings.set(COLUMNS_KEY, [{"provider": p, "model": m} for p, m in columns])
        settings.set("compare_layout", "row")
        window = CompareWindow(settings)
        qtbot.addWidget(window)
        opened.append(window)
        window.show()
        window.resize(*size)  # after show: the offscreen screen is smaller than the shot
        settle(window, loop)
        for index, (provider_id, _model) in enumerate(columns):
            servers[provider_id].push(Stream(text=ANSWERS[index % len(ANSWERS)], chunk_count=6))
        if blind:
            window.blind_box.setChecked(True)
        window.system_prompt.setPlainText("You are a concise senior Python engineer.")
        qtbot.keyClicks(window.composer, PROMPT)
        qtbot.keyClick(window.composer, Qt.Key.Key_Return)
        loop.run(window.run.wait(), timeout=30)
        loop.idle(0.4)  # the views' last render and the layout settle
        assert [c.state for c in window.run.columns] == ["finished"] * len(columns)
        return window

    opened: list[CompareWindow] = []
    yield open_
    for window in opened:
        window.run.stop()
        loop.run(window.run.wait())
    theme.apply_theme("system")


def save(window: CompareWindow, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    image = window.grab().toImage()
    assert (image.width(), image.height()) == (window.width(), window.height())
    target = SHOTS / name
    assert image.save(str(target))
    assert target.stat().st_size > 20_000


def assert_nothing_clipped(window: CompareWindow) -> None:
    """Every column at its readable width or more; what does not fit scrolls, fully reachable."""
    columns = window.columns()
    for widget in columns:
        assert widget.width() >= MIN_WIDTH, (widget.width(), MIN_WIDTH)
    viewport = window.area.scroll.viewport().width()
    host = window.area.scroll.widget()
    bar = window.area.scroll.horizontalScrollBar()
    assert host.width() - viewport == bar.maximum()  # the whole row can be scrolled to
    assert columns[-1].geometry().right() <= host.width()
    for widget in columns:
        answer = widget.view.bubble(widget.answer_index or 0)
        assert answer.width() <= widget.view.width()  # a card never wider than its column


@pytest.mark.parametrize("count", sorted(COLUMNS))
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("theme_name", ["light", "dark"])
def test_compare_screenshots(
    shoot: Any, loop: Loop, count: int, size: tuple[int, int], theme_name: str
) -> None:
    window = shoot(COLUMNS[count], theme_name, size)
    assert window.is_dark() == (theme_name == "dark")
    if count == 2:  # one column's own settings shown: its parameter form and system prompt
        first = window.columns()[0]
        first.settings_button.click()
        first.column_settings.form.fields["temperature"].editor.setValue(0.2)  # type: ignore[attr-defined]
        loop.idle(0.2)
    assert_nothing_clipped(window)
    save(window, f"compare-{count}-{size[0]}x{size[1]}-{theme_name}.png")


def test_compare_blind_screenshots(shoot: Any, qtbot: Any, loop: Loop) -> None:
    window = shoot(COLUMNS[2], "light", SIZES[0], blind=True)
    assert window.is_blind() and window.vote_bar.isVisible()
    save(window, "compare-blind-before.png")
    qtbot.mouseClick(window.columns()[1].vote_button, Qt.MouseButton.LeftButton)
    loop.idle(0.3)
    assert not window.is_blind() and not window.vote_bar.isVisible()
    save(window, "compare-blind-after.png")


@pytest.mark.parametrize("mode", ["grid", "tabs"])
def test_compare_layout_screenshots(shoot: Any, loop: Loop, mode: str) -> None:
    """The layouts for many columns: 8 in a 2x4 grid, or one at a time in tabs."""
    window = shoot(COLUMNS[8], "light", SIZES[1])
    window.set_layout(mode)
    loop.idle(0.3)
    for widget in window.columns():
        assert widget.width() >= MIN_WIDTH
    save(window, f"compare-8-1920x1080-{mode}-light.png")
