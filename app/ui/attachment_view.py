"""How attachments look: a thumbnail or a file chip per file, and the images an answer returned.

Shared by the composer's strip (removable chips before sending), the sent message (its files)
and the answer (images it returned, shown inline; a remote image is a placeholder that loads only
when the user clicks it). Thumbnails are made with Pillow (Qt-free, so the strip can make them
off the GUI thread) and cached by content hash.
"""

from __future__ import annotations

import io
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from app.core.attachments import Attachment, AttachmentError
from app.core.remote_image import fetch_image, host_of
from providers.lazy import lazy_module

from .resources import icon
from .tasks import spawn

if TYPE_CHECKING:
    from PIL import Image, ImageOps
else:  # Pillow once a thumbnail is made, not to show the window
    Image = lazy_module("PIL.Image")
    ImageOps = lazy_module("PIL.ImageOps")

CHIP_THUMBNAIL = 44  # px, the long side of a thumbnail in the composer's chips
MESSAGE_THUMBNAIL = 96  # px, ... in a sent message
FILE_ICON_COLOUR = "#8c959f"  # readable on the light and the dark chip
ANSWER_IMAGE = 320  # px, the long side of an image an answer returned
_CACHE_SIZE = 128
_thumbnails: OrderedDict[tuple[str, int], bytes] = OrderedDict()


def thumbnail_png(data: bytes, side: int) -> bytes:
    """A PNG of the image at most ``side`` px on its long side (b"" if it cannot be read).

    Qt-free and thread-safe: the strip makes them in a worker thread (a 20 MB photo takes a
    while to decode)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.draft("RGB", (side, side))  # JPEG: decode at a reduced size
            small = ImageOps.exif_transpose(image)
            small.thumbnail((side, side))
            if small.mode not in ("RGB", "RGBA"):
                small = small.convert("RGBA")
            buffer = io.BytesIO()
            small.save(buffer, "PNG")
            return buffer.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError):
        return b""


def prepare_thumbnail(attachment: Attachment, side: int = CHIP_THUMBNAIL) -> None:
    """Make (and cache) ``attachment``'s thumbnail; safe to call from a worker thread."""
    key = (attachment.sha256, side)
    if attachment.kind == "image" and key not in _thumbnails:
        _thumbnails[key] = thumbnail_png(attachment.data, side)


def thumbnail(attachment: Attachment, side: int) -> QPixmap:
    """``attachment``'s thumbnail (made now unless cached); a null pixmap for a text file."""
    if attachment.kind != "image":
        return QPixmap()
    key = (attachment.sha256, side)
    prepare_thumbnail(attachment, side)
    _thumbnails.move_to_end(key)
    while len(_thumbnails) > _CACHE_SIZE:
        _thumbnails.popitem(last=False)
    return QPixmap.fromImage(QImage.fromData(_thumbnails[key]))


class AttachmentChip(QFrame):
    """One file: its thumbnail (image) or name (text file), its summary as a tooltip, and an
    optional remove button."""

    removeRequested = Signal()  # noqa: N815 - Qt signal naming

    def __init__(self, attachment: Attachment, *, removable: bool, side: int) -> None:
        super().__init__()
        self.attachment = attachment
        self.setObjectName("attachmentChip")
        self.setProperty("kind", attachment.kind)
        self.setToolTip(attachment.summary())
        self.setAccessibleName(attachment.summary())
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 3, 4, 3)
        row.setSpacing(4)
        self.label = QLabel()
        self.label.setObjectName("attachmentLabel")
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # a file name is not markup
        picture = thumbnail(attachment, side)
        if not picture.isNull():
            self.label.setPixmap(picture)
        else:
            name = attachment.name if len(attachment.name) <= 28 else attachment.name[:27] + "…"
            self.label.setText(name)
            kind = QLabel()
            kind.setPixmap(icon("file", FILE_ICON_COLOUR).pixmap(QSize(16, 16)))
            row.addWidget(kind)
        row.addWidget(self.label)
        self.remove_button: QToolButton | None = None
        if removable:
            self.remove_button = QToolButton()
            self.remove_button.setObjectName("removeAttachment")
            self.remove_button.setText("✕")
            self.remove_button.setAutoRaise(True)
            remove = self.tr("Remove {name}").format(name=attachment.name)
            self.remove_button.setToolTip(remove)
            self.remove_button.setAccessibleName(remove)
            self.remove_button.setCursor(Qt.CursorShape.PointingHandCursor)
            self.remove_button.clicked.connect(self.removeRequested.emit)
            row.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)


class RemoteImage(QFrame):
    """A remote image an answer named: nothing is fetched until the user clicks Load."""

    loaded = Signal()  # the image is shown, or why not (tests wait on it)

    def __init__(self, url: str, proxy: Callable[[], str | None] = lambda: None) -> None:
        super().__init__()
        self.url = url
        self.fetches = 0  # requests made so far (tests read it)
        self._proxy = proxy
        self.setObjectName("remoteImage")
        self.setToolTip(url)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 6, 8, 6)
        self.label = QLabel(self.tr("Image at {host} (not loaded)").format(host=host_of(url)))
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.load_button = QPushButton(self.tr("Load image"))
        self.load_button.setObjectName("loadRemoteImage")
        self.load_button.setToolTip(
            self.tr("Download it from {host}: the host learns that you opened it").format(
                host=host_of(url)
            )
        )
        self.load_button.clicked.connect(self.load)
        row.addWidget(self.label, 1)
        row.addWidget(self.load_button)

    def load(self) -> None:
        self.load_button.setEnabled(False)
        self.label.setText(self.tr("Loading from {host}…").format(host=host_of(self.url)))
        self.fetches += 1
        spawn(self._fetch(), name="remote image")

    async def _fetch(self) -> None:
        try:
            data = await fetch_image(self.url, proxy=self._proxy())
        except AttachmentError as error:
            self.label.setText(str(error))
            self.load_button.setEnabled(True)
            self.load_button.setText(self.tr("Try again"))
        else:
            image = QImage.fromData(data)
            if max(image.width(), image.height()) > ANSWER_IMAGE:
                image = image.scaled(
                    QSize(ANSWER_IMAGE, ANSWER_IMAGE),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            self.label.setPixmap(QPixmap.fromImage(image))
            self.load_button.hide()
        self.loaded.emit()


class AttachmentRow(QWidget):
    """A message's files (read-only), or an answer's images at a larger size and its remote
    images as placeholders; hidden while empty."""

    def __init__(self, side: int = CHIP_THUMBNAIL) -> None:
        super().__init__()
        self.setObjectName("attachmentRow")
        self.side = side
        self.chips: list[AttachmentChip] = []
        self.remote: list[RemoteImage] = []
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(6)
        self._row.addStretch(1)
        self.hide()

    def add(self, attachments: Sequence[Attachment], remote: Sequence[str] = ()) -> None:
        for attachment in attachments:
            chip = AttachmentChip(attachment, removable=False, side=self.side)
            self.chips.append(chip)
            self._row.insertWidget(self._row.count() - 1, chip, 0, Qt.AlignmentFlag.AlignVCenter)
        for url in remote:
            placeholder = RemoteImage(url)
            self.remote.append(placeholder)
            self._row.insertWidget(self._row.count() - 1, placeholder)
        self.setVisible(bool(self.chips or self.remote))
