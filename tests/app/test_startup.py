"""Start-up: the window is usable before the network stack, Markdown or the comparison load,
and all of it loads after the first paint (``app.ui.warm_up``); sending works before that."""

from __future__ import annotations

import contextlib
import gc
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from app.core.settings import Settings
from app.ui.collector import paused
from app.ui.main_window import MainWindow
from providers import registry
from providers.vendors.openai import OpenAI
from tests.app.conftest import Loop
from tests.servers import DEFAULT_KEY, OpenAIServer

ROOT = Path(__file__).resolve().parents[2]

#: Needed to send, render, attach or compare, not to show the window.
HEAVY = (
    "httpx", "keyring", "markdown_it", "pygments", "PIL", "click", "importlib.metadata",
    "providers.chat", "providers.vendors.openai", "app.ui.markdown", "app.ui.compare_view",
    "app.core.compare", "asyncio", "qasync", "ssl", "hashlib", "concurrent.futures",
    "app.core.first_run",
)  # fmt: skip

# The app's own start (``start_window``, as ``run_app`` does) in a fresh interpreter: what is
# imported once the usable window has painted, and once the warm-up has run.
CHILD = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from app.ui.application import create_application, start_window
from app.ui.warm_up import WarmUp

HEAVY = sys.argv[1].split(",")

def usable(window):
    return (window.provider_picker.count() > 0 and window.history_panel.history is not None)

class Probe(QObject):
    seen = False
    def eventFilter(self, obj, event):
        if (not self.seen and event.type() == QEvent.Type.Paint and hasattr(obj, "window")
                and obj.window().objectName() == "mainWindow" and usable(obj.window())):
            self.seen = True
            loaded = [name for name in HEAVY if name in sys.modules]
            print("AT PAINT", ",".join(loaded) or "-", flush=True)
        return False

app = create_application(sys.argv[:1])
probe = Probe()
app.installEventFilter(probe)
window = start_window(app)

def finished():
    missing = [name for name in HEAVY if name not in sys.modules]
    from app.ui import markdown
    print("AFTER WARM-UP", ",".join(missing) or "-", flush=True)
    print("MODELS", window.model_picker.count(), flush=True)
    print("PROVIDER", window.current_provider() is not None, flush=True)
    print("LEXERS", markdown._lexer.cache_info().currsize, flush=True)
    app.quit()

window.findChild(WarmUp).finished.connect(finished)
QTimer.singleShot(30_000, app.quit)
app.exec()  # as run_app does: Qt's loop, asyncio's once the warm-up brings it up
"""


def child_env(tmp_path: Path) -> dict[str, str]:
    """A fresh interpreter's environment with empty user folders (a first start)."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(ROOT),
        "LANG": "C.UTF-8",
    }


def run_child(script: str, env: dict[str, str], *args: str) -> tuple[dict[str, str], str, int]:
    """``script`` in a fresh interpreter: its "KEY value" lines, a report for failures (its
    output and errors), its exit code."""
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    report = f"rc={result.returncode}\n{result.stdout}\n{result.stderr}"
    return lines, report, result.returncode


def test_the_window_paints_before_the_heavy_modules_load_and_they_load_after(
    tmp_path: Path,
) -> None:
    lines, report, _ = run_child(CHILD, child_env(tmp_path), ",".join(HEAVY))
    assert lines.get("AT") == "PAINT -", f"loaded before the first paint: {report}"
    assert lines.get("AFTER") == "WARM-UP -", f"not loaded by the warm-up: {report}"
    assert lines.get("PROVIDER") == "True", report
    assert int(lines.get("MODELS", "0")) > 0, report
    assert int(lines.get("LEXERS", "0")) >= 10, report


# The app's own start; right after the first usable paint, before the warm-up brings the asyncio
# loop up, a message is typed and sent (argv: the server's URL, then "loop" to print whether
# qasync was loaded by then).
SEND_AT_PAINT = """
import sys
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtTest import QTest
from app.core.settings import Settings
from app.ui.application import create_application, start_window

class Probe(QObject):
    seen = False
    def eventFilter(self, obj, event):
        if (not self.seen and event.type() == QEvent.Type.Paint and hasattr(obj, "window")
                and obj.window().objectName() == "mainWindow"
                and obj.window().history_panel.history is not None):
            self.seen = True
            QTimer.singleShot(0, type_and_send)
        return False

def type_and_send():
    print("LOOP AT TYPING", "qasync" in sys.modules, flush=True)
    QTest.keyClicks(window.composer, "Hello")
    QTest.keyClick(window.composer, Qt.Key.Key_Return)
    print("SENT", window.chat_view.message_text(0), flush=True)

def ended(index):
    print("ANSWER", bool(window.chat_view.message_text(index)), flush=True)
    app.quit()

app = create_application(sys.argv[:1])
probe = Probe()
app.installEventFilter(probe)
settings = Settings.load()
settings.provider_id = "openai"
settings.set_connection_for("openai", base_url=sys.argv[1], proxy=None)
window = start_window(app, settings)
window.answerEnded.connect(ended)
QTimer.singleShot(30_000, app.quit)
app.exec()
"""


def test_a_message_typed_and_sent_before_the_loop_is_up_is_answered(
    tmp_path: Path, openai_server: OpenAIServer, keyring_service: str
) -> None:
    """The asyncio loop comes up after the first paint (``tasks.ensure_loop``): keys typed in
    between are Qt events the window takes at once, and sending brings the loop up itself."""
    env = {**child_env(tmp_path), "OPENAI_API_KEY": DEFAULT_KEY}
    for name in ("DBUS_SESSION_BUS_ADDRESS", "ROUNDTABLE_KEYRING_SERVICE"):
        if name in os.environ:
            env[name] = os.environ[name]
    lines, report, _ = run_child(SEND_AT_PAINT, env, openai_server.base_url)
    assert lines.get("LOOP") == "AT TYPING False", f"typed before the loop came up: {report}"
    assert lines.get("SENT") == "Hello", report
    assert lines.get("ANSWER") == "True", report
    assert [r for r in openai_server.requests if r.kind == "chat"], report


# ``run_app`` itself: a task spawned once the loop is up is still running when the window is
# closed; Qt's loop returns, and the task is cancelled and awaited (``tasks.end_loop``, ``drain``).
CLOSE_WHILE_BUSY = """
import asyncio, sys
from PySide6.QtCore import QTimer
from app.ui import application, tasks

app = application.create_application(sys.argv[:1])

async def busy():
    try:
        await asyncio.sleep(100)
    except asyncio.CancelledError:
        print("CANCELLED cleanly", flush=True)
        raise

def close():
    for widget in app.topLevelWidgets():
        if widget.objectName() == "mainWindow":
            widget.close()

def spawn_then_close():
    tasks.spawn(busy(), name="busy")
    QTimer.singleShot(200, close)

QTimer.singleShot(0, spawn_then_close)
print("EXIT", application.run_app(sys.argv[:1]), flush=True)
"""


def test_run_app_ends_the_tasks_still_running_when_the_window_closes(tmp_path: Path) -> None:
    lines, report, returncode = run_child(CLOSE_WHILE_BUSY, child_env(tmp_path))
    assert lines.get("CANCELLED") == "cleanly", report
    assert lines.get("EXIT") == "0", report
    assert returncode == 0, report


def test_a_message_sent_before_the_provider_classes_load_is_answered(
    qtbot: Any,
    loop: Loop,
    openai_server: OpenAIServer,
    keyring_service: str,
    monkeypatch: Any,
) -> None:
    """The app starts with the providers named only (``start(provider_classes=False)``); a
    message typed at once loads the chosen provider's class and is sent to it."""
    monkeypatch.setenv("OPENAI_API_KEY", DEFAULT_KEY)
    monkeypatch.setattr(OpenAI, "models", [])
    settings = Settings.load()
    settings.provider_id = "openai"
    settings.set_connection_for("openai", base_url=openai_server.base_url, proxy=None)
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.show()
    window.start(provider_classes=False)
    assert window.provider_picker.current_id() == "openai"
    assert window.models_task is None, "the classes wait for the warm-up"
    ended = loop.expect(window.answerEnded)
    qtbot.keyClicks(window.composer, "Hello")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    loop.run(ended)
    assert window.chat_view.message_text(1), "the answer arrived"
    assert [r for r in openai_server.requests if r.kind == "chat"]
    loop.run(window.models_task)
    loop.run(window.credentials_task)


def test_a_provider_picked_before_the_classes_load_is_kept(
    qtbot: Any, loop: Loop, keyring_service: str, monkeypatch: Any
) -> None:
    monkeypatch.setattr(OpenAI, "models", [])
    settings = Settings.load()
    settings.provider_id = "openai"
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.start(provider_classes=False)
    window.provider_picker.select("anthropic")  # the user's pick, as with the mouse
    assert window.current_provider() is not None
    assert window.current_provider()[0] == "anthropic"
    assert window.side_panel.provider_id == "anthropic", "its parameters are shown"
    assert window.models_task is not None, "its models are being listed"
    assert Settings.load().provider_id == "anthropic"
    loop.run(window.models_task)
    loop.run(window.credentials_task)


def test_a_plugin_saved_as_the_provider_is_selected_once_the_classes_load(
    qtbot: Any,
    loop: Loop,
    openai_server: OpenAIServer,
    keyring_service: str,
    monkeypatch: Any,
) -> None:
    """Plugins are named only when the classes load: the saved choice is applied then."""

    class MyPlugin(OpenAI):
        id = "myplugin"
        label = "My plugin"

    monkeypatch.setenv("OPENAI_API_KEY", DEFAULT_KEY)
    monkeypatch.setattr(OpenAI, "models", [])
    monkeypatch.setattr(registry, "_plugins", lambda: [MyPlugin])
    registry.all_providers.cache_clear()
    try:
        settings = Settings.load()
        settings.provider_id = "myplugin"
        settings.set_connection_for("myplugin", base_url=openai_server.base_url, proxy=None)
        window = MainWindow(settings)
        qtbot.addWidget(window)
        window.start(provider_classes=False)
        assert "myplugin" not in window.provider_picker.ids()
        window.target.load_classes()
        assert window.provider_picker.current_id() == "myplugin"
        assert window.side_panel.provider_id == "myplugin"
        loop.run(window.models_task)
        loop.run(window.credentials_task)
    finally:
        registry.all_providers.cache_clear()


def test_the_collector_is_held_off_only_while_the_window_modules_load() -> None:
    """``app.ui.collector.paused`` around the start-up imports: afterwards the collector runs
    as it did before them (on, or still off when the caller had turned it off), and what they
    made is frozen (never scanned again)."""
    code = (
        "import gc, sys\n"
        "if sys.argv[1] == 'off': gc.disable()\n"
        "import app.ui.application\n"
        "print(gc.isenabled(), gc.get_freeze_count() > 10_000)\n"
    )
    for state, expected in (("on", "True True"), ("off", "False True")):
        result = subprocess.run(
            [sys.executable, "-c", code, state],
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.stdout.strip() == expected, result.stderr


def test_paused_restores_the_collector_after_an_error_too() -> None:
    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with contextlib.suppress(ImportError), paused():
        raise ImportError("a module that is not there")
    assert gc.isenabled()


# The loop fails to come up once (a broken install, an error inside qasync): the next caller
# must meet the failure again, or get the app's loop, never a loop nothing runs.
LOOP_FAILS_ONCE = """
import sys
from app.ui import application, tasks

app = application.create_application(sys.argv[:1])
tasks.defer_loop(app)
real = tasks.create_event_loop
def broken(*args, **kwargs):
    tasks.create_event_loop = real
    raise RuntimeError("qasync broke")
tasks.create_event_loop = broken
try:
    tasks.ensure_loop()
except RuntimeError as error:
    print("FIRST", error, flush=True)
loop = tasks.ensure_loop()
print("SECOND app-loop" if loop in tasks._app_loop else "SECOND a loop nothing runs", flush=True)
tasks.end_loop()
"""

# The window is closed before the warm-up brought the loop up: the loop is made, not running,
# for ``drain``, and the async-generator hooks are given back as they were.
CLOSE_BEFORE_THE_LOOP = """
import sys
from PySide6.QtCore import QTimer
from app.ui import application, tasks

before = sys.get_asyncgen_hooks()
app = application.create_application(sys.argv[:1])

def close():
    for widget in app.topLevelWidgets():
        if widget.objectName() == "mainWindow":
            widget.close()

QTimer.singleShot(0, close)  # before the first paint, so before the warm-up
print("EXIT", application.run_app(sys.argv[:1]), flush=True)
print("LOOP WAS UP", bool(tasks._app_loop), flush=True)
hooks = sys.get_asyncgen_hooks()
print("HOOKS", "restored" if hooks == before else hooks, flush=True)
"""


def test_a_loop_that_failed_to_come_up_is_not_replaced_by_one_nothing_runs(
    tmp_path: Path,
) -> None:
    lines, report, _ = run_child(LOOP_FAILS_ONCE, child_env(tmp_path))
    assert lines.get("FIRST") == "qasync broke", report
    assert lines.get("SECOND") == "app-loop", report


def test_a_window_closed_before_the_loop_came_up_ends_cleanly(tmp_path: Path) -> None:
    lines, report, _ = run_child(CLOSE_BEFORE_THE_LOOP, child_env(tmp_path))
    assert lines.get("EXIT") == "0", report
    assert lines.get("HOOKS") == "restored", report
