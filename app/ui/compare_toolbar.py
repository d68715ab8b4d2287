"""The comparison window's top bar: a hint and the buttons acting on the whole comparison.

Widgets only: the window connects each button to what it does.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from app.core.settings import Settings

from .compare_presets_menu import PresetsButton
from .flow_layout import FlowLayout


class CompareTopBar(QWidget):
    """New, layout, blind, presets, leaderboard, export, add column, stop all."""

    def __init__(self, settings: Settings, max_columns: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setObjectName("compareTop")
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 8, 14, 8)
        row.setSpacing(8)
        # No title here (the window's title says it): the bar must fit a small screen.
        self.hint = QLabel()
        self.hint.setObjectName("compareHint")
        self.hint.setWordWrap(True)  # wraps rather than widening the window
        self.new_button = QPushButton(self.tr("New"))
        self.new_button.setObjectName("newComparison")
        self.new_button.setToolTip(self.tr("Start a new comparison with these columns"))
        self.layout_picker = QComboBox()
        self.layout_picker.setObjectName("compareLayout")
        self.layout_picker.setAccessibleName(self.tr("Layout"))
        for text in (self.tr("Side by side"), self.tr("Grid"), self.tr("Tabs")):
            self.layout_picker.addItem(text)
        self.blind_box = QCheckBox(self.tr("Blind"))
        self.blind_box.setObjectName("blindMode")
        self.blind_box.setToolTip(
            self.tr("Hide providers and models (columns A, B, …) until you vote")
        )
        self.presets = PresetsButton(self.settings)
        self.leaderboard_button = QPushButton(self.tr("Leaderboard"))
        self.leaderboard_button.setObjectName("showLeaderboard")
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setObjectName("exportComparison")
        self.export_button.setToolTip(self.tr("Save this comparison as Markdown or JSON"))
        self.add_button = QPushButton(self.tr("Add column"))
        self.add_button.setObjectName("addColumn")
        self.add_button.setToolTip(
            self.tr("Add a provider/model column (up to {count})").format(count=max_columns)
        )
        self.stop_all_button = QPushButton(self.tr("Stop all"))
        self.stop_all_button.setObjectName("stopAll")
        self.stop_all_button.setToolTip(self.tr("Stop every column (Esc)"))
        self.stop_all_button.setEnabled(False)
        # The buttons wrap onto a second line rather than hold the window wider than a small
        # screen (in Russian they need ~800 px on one line).
        buttons = QWidget()
        buttons.setObjectName("compareButtons")
        flow = FlowLayout(buttons)
        flow.setContentsMargins(0, 0, 0, 0)
        for widget in (
            self.new_button, self.layout_picker, self.blind_box, self.presets,
            self.leaderboard_button, self.export_button, self.add_button, self.stop_all_button,
        ):  # fmt: skip
            flow.addWidget(widget)
        row.addWidget(self.hint, 1)
        row.addWidget(buttons)
