"""The "Local models" dialog: the installed GGUF models (size, quantisation, context), adding
files (button or drag and drop), downloading from a pasted URL with progress, speed, time left
and Cancel. Everything it does is in ``app.core.local_models``; this module only draws it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.local_models import (
    DownloadTask,
    ModelRow,
    add_files,
    rows,
)
from providers.errors import ProviderError
from providers.local.download import Progress
from providers.local.models import LocalModel, ModelStore, install_hint, runtime_available

from .i18n import data_size, duration
from .placeholder_fit import PlaceholderFit
from .tasks import ensure_loop

log = logging.getLogger(__name__)

NAME, SIZE, QUANTISATION, CONTEXT = range(4)


class LocalModelsDialog(QDialog):
    """Opened with ``open()`` or ``show()``; ``modelsChanged`` fires after every change."""

    modelsChanged = Signal()  # noqa: N815 - Qt signal naming

    def __init__(self, store: ModelStore | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store or ModelStore()
        self.download: DownloadTask | None = None
        self.setObjectName("localModelsDialog")
        self.setWindowTitle(self.tr("Local models"))
        self.setAcceptDrops(True)
        self.setMinimumSize(640, 420)
        layout = QVBoxLayout(self)

        intro = QLabel(
            self.tr(
                "Models in GGUF format run on this computer: private and offline. "
                "Add a .gguf file, drop one here, or paste a download link."
            )
        )
        intro.setWordWrap(True)
        intro.setProperty("role", "hint")
        layout.addWidget(intro)

        self.runtime_message = QLabel()
        self.runtime_message.setObjectName("runtimeMessage")
        self.runtime_message.setProperty("role", "error")
        self.runtime_message.setWordWrap(True)
        self.runtime_message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.runtime_message)

        self.table = QTableWidget(0, 4)
        self.table.setObjectName("modelTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Model"), self.tr("Size"), self.tr("Quantisation"), self.tr("Context")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for column in (SIZE, QUANTISATION, CONTEXT):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table, 1)

        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add file…"))
        self.add_button.setObjectName("addFile")
        self.add_button.clicked.connect(self._choose_files)
        self.default_button = QPushButton(self.tr("Make default"))
        self.default_button.setObjectName("makeDefault")
        self.default_button.clicked.connect(self._make_default)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setObjectName("removeModel")
        self.remove_button.clicked.connect(self._remove)
        for button in (self.add_button, self.default_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        download_row = QHBoxLayout()
        self.url = QLineEdit()
        self.url.setObjectName("downloadUrl")
        self.url.setPlaceholderText(self.tr("https://huggingface.co/…/model.Q4_K_M.gguf"))
        self.url.setAccessibleName(self.tr("Download link"))
        self.url.returnPressed.connect(self.start_download)
        self.url.textChanged.connect(self._update_buttons)
        self.download_button = QPushButton(self.tr("Download"))
        self.download_button.setObjectName("download")
        self.download_button.clicked.connect(self.start_download)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancelDownload")
        self.cancel_button.clicked.connect(self.cancel_download)
        self.sha256 = PlaceholderFit()
        self.sha256.setObjectName("downloadSha256")
        self.sha256.setPlaceholderText(self.tr("SHA-256 (optional)"))
        self.sha256.setAccessibleName(self.tr("Expected SHA-256 checksum"))
        self.sha256.setToolTip(self.tr("When given, the downloaded file must match it"))
        download_row.addWidget(self.url, 1)
        download_row.addWidget(self.sha256)
        download_row.addWidget(self.download_button)
        download_row.addWidget(self.cancel_button)
        layout.addLayout(download_row)

        self.progress = QProgressBar()
        self.progress.setObjectName("downloadProgress")
        self.progress.setRange(0, 1000)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("downloadStatus")
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_label)

        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)

        self.refresh()
        self._show_download(False)

    # ----- list ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the models again (files may have come or gone) and redraw the list."""
        has_runtime = runtime_available()
        self.runtime_message.setVisible(not has_runtime)
        if not has_runtime:
            self.runtime_message.setText(
                self.tr("The local model runtime is not installed. %1").replace(
                    "%1", install_hint()
                )
            )
        self.rows: list[ModelRow] = rows(self.store)
        self.table.setRowCount(len(self.rows))
        for index, row in enumerate(self.rows):
            name = row.name
            if row.default:
                name = self.tr("%1 (default)").replace("%1", name)
            cells = [name, data_size(row.size), row.quantisation, row.context]
            if row.error:
                cells[QUANTISATION] = self.tr("unusable")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(row.error or str(row.path))
                if column != NAME:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(index, column, item)
        self._update_buttons()

    def selected(self) -> ModelRow | None:
        indexes = self.table.selectionModel().selectedRows()
        return self.rows[indexes[0].row()] if indexes else None

    def select(self, name: str) -> None:
        for index, row in enumerate(self.rows):
            if row.name == name:
                self.table.selectRow(index)

    def _selection_changed(self) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.selected()
        self.default_button.setEnabled(row is not None and not row.default and not row.error)
        self.remove_button.setEnabled(row is not None and not row.starter)
        busy = self.download is not None and self.download.running
        self.download_button.setEnabled(bool(self.url.text().strip()) and not busy)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setProperty("role", "error" if error else "hint")
        self.message.setText(text)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    # ----- adding, removing, default ---------------------------------------------------------
    def _choose_files(self) -> None:
        dialog = QFileDialog(self, self.tr("Add a local model"))
        dialog.setObjectName("chooseModelFiles")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilter(self.tr("GGUF models (*.gguf)"))
        dialog.filesSelected.connect(lambda files: self.add_paths([Path(f) for f in files]))
        dialog.open()

    def add_paths(self, paths: list[Path]) -> None:
        """Add files (from the file dialog or a drop); bad ones are reported, good ones kept."""
        added, errors = add_files(self.store, paths)
        self.refresh()
        if added:
            self.select(added[-1].name)
            self.modelsChanged.emit()
        if errors:
            self._say("\n".join(errors), error=True)
        elif added:
            names = ", ".join(model.name for model in added)
            self._say(self.tr("Added %1.").replace("%1", names))

    def _make_default(self) -> None:
        row = self.selected()
        if row is None:
            return
        try:
            self.store.set_default(row.name)
        except (ProviderError, OSError) as error:
            self._say(str(error), error=True)
            return
        self.refresh()
        self.select(row.name)
        self.modelsChanged.emit()

    def _remove(self) -> None:
        row = self.selected()
        if row is None:
            return
        try:
            self.store.remove(row.name)
        except (ProviderError, OSError) as error:
            self._say(str(error), error=True)
            return
        self._say(self.tr("Removed %1.").replace("%1", row.name))
        self.refresh()
        self.modelsChanged.emit()

    # ----- drag and drop ---------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_paths(paths)

    # ----- download --------------------------------------------------------------------------
    def start_download(self) -> None:
        url = self.url.text().strip()
        if not url or (self.download is not None and self.download.running):
            return
        self.download = DownloadTask(
            self.store, url, self._progress, self._download_done,
            sha256=self.sha256.text().strip() or None,
        )  # fmt: skip
        self._say("")
        self.progress.setValue(0)
        self.progress_label.setText(self.tr("Connecting…"))
        self.download.start(ensure_loop())
        self._show_download(True)

    def cancel_download(self) -> None:
        if self.download is not None and self.download.running:
            self.download.cancel(discard=True)

    def _show_download(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.progress_label.setVisible(running)
        self.cancel_button.setVisible(running)
        self.url.setEnabled(not running)
        self.sha256.setEnabled(not running)
        self._update_buttons()
        if not running:
            self.download_button.setEnabled(bool(self.url.text().strip()))

    def _progress(self, progress: Progress) -> None:
        if progress.fraction is None:
            self.progress.setRange(0, 0)  # busy indicator: the size is unknown
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(progress.fraction * 1000))
        done = data_size(progress.received)
        speed = data_size(int(progress.speed))
        if progress.total is None:
            text = self.tr("%1 at %2/s").replace("%1", done).replace("%2", speed)
        else:
            text = (
                self.tr("%1 of %2 at %3/s")
                .replace("%1", done)
                .replace("%2", data_size(progress.total))
                .replace("%3", speed)
            )
        if progress.eta is not None:
            text += self.tr(", %1 left").replace("%1", duration(progress.eta))
        self.progress_label.setText(text)

    def _download_done(self, model: LocalModel | None, error: str | None) -> None:
        self._show_download(False)
        if model is not None:
            self.url.clear()
            self.sha256.clear()
            self.refresh()
            self.select(model.name)
            self._say(self.tr("Downloaded %1.").replace("%1", model.name))
            self.modelsChanged.emit()
        elif error:
            self._say(error, error=True)
        else:
            self._say(self.tr("Download cancelled."))

    def done(self, result: int) -> None:
        """Closing the dialog cancels a running download (its partial file is kept to resume)."""
        if self.download is not None and self.download.running:
            self.download.cancel(discard=False)
        super().done(result)


def open_local_models(parent: QWidget) -> LocalModelsDialog:
    """Show the dialog (not modal: a download may run while the user chats); it deletes itself
    when closed."""
    dialog = LocalModelsDialog(parent=parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
