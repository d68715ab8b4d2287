"""The composer's attachments before sending: removable chips, the token estimate, refusals.

Files come from the attach button's dialog, the clipboard and drops (the composer hands them
over). Each one is read, checked (``Attachment.from_path``/``from_bytes``: the same checks as the
CLI and the providers) and given a thumbnail in a worker thread, so a 20 MB photo never freezes
the window; a file that cannot be sent is not attached and the strip says why, naming it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.attachments import Attachment, AttachmentError, total_tokens
from providers.lazy import lazy_module

from .attachment_view import CHIP_THUMBNAIL, AttachmentChip, prepare_thumbnail
from .tasks import spawn

if TYPE_CHECKING:  # loaded with the app's loop, after the window's first paint (``tasks``)
    import asyncio
else:
    asyncio = lazy_module("asyncio")

#: One file to read: a path, or clipboard bytes with an optional name.
Source = Path | tuple[bytes, str | None]


def load(sources: Sequence[Source]) -> tuple[list[Attachment], list[str]]:
    """The attachments that can be sent and, for the others, why not (worker thread)."""
    attached, refused = [], []
    for source in sources:
        try:
            if isinstance(source, Path):
                attachment = Attachment.from_path(source)
            else:
                attachment = Attachment.from_bytes(*source)
            prepare_thumbnail(attachment)
        except AttachmentError as error:
            refused.append(str(error))
        else:
            attached.append(attachment)
    return attached, refused


class AttachmentStrip(QFrame):
    """What the next message carries; hidden while empty and nothing is to be said."""

    changed = Signal()  # the attachments changed (added, removed, cleared)
    loaded = Signal()  # files given to ``add_paths``/``add_data`` are read (tests wait on it)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentStrip")
        self._attachments: list[Attachment] = []
        self._chips: list[AttachmentChip] = []
        self._loading = 0  # reads under way
        column = QVBoxLayout(self)
        column.setContentsMargins(2, 2, 2, 0)
        column.setSpacing(2)
        self._row = QHBoxLayout()
        self._row.setSpacing(6)
        self.summary = QLabel()
        self.summary.setObjectName("attachmentSummary")
        self._row.addStretch(1)
        self._row.addWidget(self.summary, 0, Qt.AlignmentFlag.AlignBottom)
        column.addLayout(self._row)
        error_row = QHBoxLayout()
        self.error = QLabel()
        self.error.setObjectName("attachmentError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # it quotes a file name
        self.error.setWordWrap(True)
        self.dismiss_button = QToolButton()
        self.dismiss_button.setObjectName("dismissAttachmentError")
        self.dismiss_button.setText("✕")
        self.dismiss_button.setAutoRaise(True)
        self.dismiss_button.setToolTip(self.tr("Dismiss"))
        self.dismiss_button.clicked.connect(lambda: self._say(""))
        error_row.addWidget(self.error, 1)
        error_row.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(error_row)
        self._say("")

    # ----- what the composer and the windows use ---------------------------------------------
    def attachments(self) -> list[Attachment]:
        return list(self._attachments)

    @property
    def busy(self) -> bool:
        """Files are still being read (sending now would leave them out)."""
        return self._loading > 0

    def add_paths(self, paths: Sequence[str | Path]) -> None:
        self._read([Path(path) for path in paths])

    def add_data(self, data: bytes, name: str | None = None) -> None:
        self._read([(data, name)])

    def set_attachments(self, attachments: Sequence[Attachment]) -> None:
        """Show exactly ``attachments`` (a message being edited)."""
        self.clear()
        self._add(list(attachments))

    def clear(self) -> None:
        for chip in self._chips:
            chip.hide()
            chip.deleteLater()
        self._chips, self._attachments = [], []
        self._say("")
        self._update()

    def choose_files(self) -> QFileDialog:
        """The attach button: a window-modal file dialog (not a nested event loop)."""
        dialog = QFileDialog(self.window(), self.tr("Attach files"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilters([
            self.tr("Images and text files (*.png *.jpg *.jpeg *.gif *.webp *.bmp *.txt *.md "
                    "*.csv *.json *.py *.js *.ts *.html *.css *.yaml *.yml *.toml *.xml *.log)"),
            self.tr("All files (*)"),
        ])  # fmt: skip
        dialog.filesSelected.connect(self.add_paths)
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        dialog.open()
        return dialog

    # ----- internals ---------------------------------------------------------------------------
    def _read(self, sources: list[Source]) -> None:
        if not sources:
            return
        self._loading += 1
        self._update()
        spawn(self._read_off_thread(sources), name="attachments")

    async def _read_off_thread(self, sources: list[Source]) -> None:
        try:
            attached, refused = await asyncio.to_thread(load, sources)
        finally:
            self._loading -= 1
        self._say("\n".join(refused))
        self._add(attached)
        self.loaded.emit()

    def _add(self, attachments: list[Attachment]) -> None:
        known = {attachment.sha256 for attachment in self._attachments}
        for attachment in attachments:
            if attachment.sha256 in known:
                continue  # the same file twice is sent once
            known.add(attachment.sha256)
            chip = AttachmentChip(attachment, removable=True, side=CHIP_THUMBNAIL)
            chip.removeRequested.connect(lambda c=chip: self._remove(c))
            self._row.insertWidget(len(self._chips), chip)
            self._chips.append(chip)
            self._attachments.append(attachment)
        if attachments:
            self.changed.emit()
        self._update()

    def _remove(self, chip: AttachmentChip) -> None:
        index = self._chips.index(chip)
        del self._chips[index], self._attachments[index]
        chip.hide()
        chip.deleteLater()
        self._update()
        self.changed.emit()

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
        self.dismiss_button.setVisible(bool(text))
        self._update()

    def _update(self) -> None:
        count = len(self._attachments)
        if self._loading:
            text = self.tr("Reading…")
        elif count:
            text = self.tr("{count} attached · ~{tokens} tokens").format(
                count=count, tokens=QLocale().toString(total_tokens(self._attachments))
            )
        else:
            text = ""
        self.summary.setText(text)
        self.summary.setToolTip(
            self.tr("About how many input tokens the attachments add to the message")
        )
        self.setVisible(bool(count or self._loading or self.error.text()))
