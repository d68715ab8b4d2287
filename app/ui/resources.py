"""The one way to find a shipped file (icons, style sheets, later translations).

The files live in the top-level ``resources/`` folder of the source tree; the wheel and the
PyInstaller build install that folder as ``app/resources`` (pyproject's package-dir mapping,
``packaging/roundtable.spec``). ``resource_path`` looks in the installed place first, then in the
source tree, so the app, the packaging and the tests all resolve the same path.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap

_HERE = Path(__file__).resolve()
_CANDIDATES = (_HERE.parents[1] / "resources", _HERE.parents[2] / "resources")


@cache
def resources_root() -> Path:
    """The folder holding ``icons/`` and ``styles/`` (installed copy first, then sources)."""
    for candidate in _CANDIDATES:
        if (candidate / "icons").is_dir():
            return candidate
    return _CANDIDATES[-1]


def resource_path(*parts: str) -> Path:
    """``resource_path("icons", "send.svg")``: the path of a shipped file (it may not exist)."""
    return resources_root().joinpath(*parts)


def icon(name: str, color: str) -> QIcon:
    """An SVG icon from ``resources/icons`` drawn in ``color`` (they use ``currentColor``)."""
    try:
        svg = resource_path("icons", f"{name}.svg").read_text(encoding="utf-8")
    except OSError:
        return QIcon()
    pixmap = QPixmap()
    pixmap.loadFromData(svg.replace("currentColor", color).encode(), "SVG")
    if pixmap.isNull():
        return QIcon()
    scaled = QPixmap(48, 48)
    scaled.fill(Qt.GlobalColor.transparent)
    painter = QPainter(scaled)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.drawPixmap(scaled.rect(), pixmap)
    painter.end()
    scaled.setDevicePixelRatio(2.0)
    return QIcon(scaled)
