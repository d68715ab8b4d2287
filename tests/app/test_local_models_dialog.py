"""The "Local models" dialog with real widgets: the list, adding by button and by drop,
download with progress and Cancel, default and removal, a missing runtime."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog

from app.ui import local_models as dialog_module
from app.ui.local_models import LocalModelsDialog
from providers.local.models import ModelStore
from tests.app.conftest import Loop
from tests.local.tiny_gguf import write_tiny_gguf
from tests.servers.file_server import FileServer

pytest.importorskip("llama_cpp", reason="the local extra is not installed")


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return write_tiny_gguf(tmp_path / "tiny.gguf")


@pytest.fixture
def server() -> Iterator[FileServer]:
    with FileServer() as server:
        yield server


@pytest.fixture
def dialog(qtbot: Any, loop: Loop) -> LocalModelsDialog:
    window = LocalModelsDialog(ModelStore())
    qtbot.addWidget(window)
    window.show()
    return window


def cells(dialog: LocalModelsDialog) -> list[list[str]]:
    table = dialog.table
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def drop(dialog: LocalModelsDialog, *paths: Path) -> None:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    dialog.dropEvent(event)


def test_lists_models_with_size_quantisation_context(dialog: LocalModelsDialog) -> None:
    assert dialog.windowTitle() == "Local models"
    assert cells(dialog) == [["SmolLM2-135M-Instruct.Q4_1 (default)", "94 MB", "Q4_1", "8192"]]
    assert dialog.runtime_message.isHidden()


def test_drop_adds_gguf_files_and_reports_bad_ones(
    dialog: LocalModelsDialog, tiny: Path, tmp_path: Path, qtbot: Any
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hi")
    with qtbot.waitSignal(dialog.modelsChanged, timeout=1000):
        drop(dialog, tiny, notes)
    size = f"{round(tiny.stat().st_size / 1024)} kB"  # not "0 MB": the locale's own units
    assert cells(dialog)[1] == ["tiny", size, "F32", "512"]
    assert dialog.selected().name == "tiny"  # type: ignore[union-attr]
    assert "notes.txt is not a .gguf model file" in dialog.message.text()


def test_add_file_button_opens_a_file_dialog(
    dialog: LocalModelsDialog, tiny: Path, qtbot: Any
) -> None:
    dialog.add_button.click()
    chooser = dialog.findChild(QFileDialog, "chooseModelFiles")
    assert chooser is not None and chooser.isVisible()
    with qtbot.waitSignal(dialog.modelsChanged, timeout=1000):
        chooser.filesSelected.emit([str(tiny)])
    assert [row[0] for row in cells(dialog)][1] == "tiny"
    chooser.reject()


def test_make_default_and_remove(dialog: LocalModelsDialog, tiny: Path) -> None:
    dialog.add_paths([tiny])
    dialog.select("tiny")
    assert dialog.default_button.isEnabled()
    dialog.default_button.click()
    assert cells(dialog)[1][0] == "tiny (default)"
    dialog.select("SmolLM2-135M-Instruct.Q4_1")
    assert not dialog.remove_button.isEnabled()  # the starter model comes with the package
    dialog.select("tiny")
    dialog.remove_button.click()
    assert len(cells(dialog)) == 1 and "Removed tiny." in dialog.message.text()
    assert tiny.exists()


def test_download_shows_progress_and_installs(
    dialog: LocalModelsDialog, loop: Loop, server: FileServer, tiny: Path
) -> None:
    data = tiny.read_bytes()
    server.files["/m/model.gguf"] = data + b"\0" * (800_000 - len(data))
    server.delay = 0.02
    statuses: list[str] = []
    dialog.url.setText(f"{server.url}/m/model.gguf")
    dialog.download_button.click()
    assert dialog.progress.isVisible() and dialog.cancel_button.isVisible()
    assert not dialog.download_button.isEnabled()

    def watch() -> bool:
        statuses.append(dialog.progress_label.text())
        return dialog.download is not None and not dialog.download.running

    loop.until(watch, timeout=30)
    assert any(" of 781 kB at " in s and "/s" in s for s in statuses), statuses
    assert any(" left" in s for s in statuses), statuses
    assert "Downloaded model." in dialog.message.text()
    assert [row[0] for row in cells(dialog)][1] == "model"
    assert dialog.progress.isHidden() and dialog.url.text() == ""


def test_cancel_stops_the_download_and_deletes_the_partial_file(
    dialog: LocalModelsDialog, loop: Loop, server: FileServer, tiny: Path
) -> None:
    server.files["/big.gguf"] = tiny.read_bytes() + b"\0" * 5_000_000
    server.delay = 0.05
    dialog.url.setText(f"{server.url}/big.gguf")
    dialog.download_button.click()
    loop.until(lambda: dialog.progress.value() > 0, timeout=20)
    dialog.cancel_button.click()
    loop.until(lambda: not dialog.download.running, timeout=10)  # type: ignore[union-attr]
    assert dialog.message.text() == "Download cancelled."
    assert not list(dialog.store.root.glob("big*"))
    assert dialog.download_button.isEnabled() and dialog.url.isEnabled()


def test_download_checks_the_sha256_given(
    dialog: LocalModelsDialog, loop: Loop, server: FileServer, tiny: Path
) -> None:
    server.files["/m.gguf"] = tiny.read_bytes()
    dialog.url.setText(f"{server.url}/m.gguf")
    dialog.sha256.setText("ab" * 32)
    dialog.download_button.click()
    loop.until(lambda: not dialog.download.running, timeout=10)  # type: ignore[union-attr]
    assert "does not match the expected sha256" in dialog.message.text()
    assert not list(dialog.store.root.glob("m.gguf*"))


def test_download_error_is_shown(dialog: LocalModelsDialog, loop: Loop, server: FileServer) -> None:
    dialog.url.setText(f"{server.url}/nothing.gguf")
    dialog.download_button.click()
    loop.until(lambda: not dialog.download.running, timeout=10)  # type: ignore[union-attr]
    assert "HTTP 404" in dialog.message.text()
    assert dialog.message.property("role") == "error"


def test_missing_runtime_shows_the_install_command(
    qtbot: Any, loop: Loop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dialog_module, "runtime_available", lambda: False)
    window = LocalModelsDialog(ModelStore())
    qtbot.addWidget(window)
    window.show()
    assert window.runtime_message.isVisible()
    assert "pip install 'roundtable[local]'" in window.runtime_message.text()
