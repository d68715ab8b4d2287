"""Rasterise the app icon (SVG) into the PNG sizes desktops look up in the hicolor theme.

Uses QtSvg, which the app already depends on, so packaging needs no image tool.
Usage: python packaging/render_icons.py SVG OUT_DIR [SIZE ...]
Writes OUT_DIR/<size>x<size>/apps/io.github.roundtable.Roundtable.png for each size
(default 256 128 64 48), i.e. OUT_DIR is a hicolor theme folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

DEFAULT_SIZES = (256, 128, 64, 48)
ICON_NAME = "io.github.roundtable.Roundtable"


def render(svg: Path, size: int) -> QImage:
    """The icon drawn at ``size`` x ``size`` on a transparent background."""
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def write_pngs(svg: Path, theme_dir: Path, sizes: list[int]) -> list[Path]:
    written = []
    for size in sizes:
        target = theme_dir / f"{size}x{size}" / "apps" / f"{ICON_NAME}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not render(svg, size).save(str(target), "PNG"):
            raise OSError(f"could not write {target}")
        written.append(target)
    return written


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display needed
    app = QGuiApplication.instance() or QGuiApplication([])
    sizes = [int(size) for size in argv[2:]] or list(DEFAULT_SIZES)
    for path in write_pngs(Path(argv[0]), Path(argv[1]), sizes):
        print(path)
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
