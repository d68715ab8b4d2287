"""A comparison column's own settings: its parameters and, optionally, its own system prompt.

The parameter form is the one the main window uses (``settings_form.SettingsForm``, generated
from the provider's ``get_parameters(as_json=True)``), so "gpt-4o at temperature 0.2" can sit
beside "gpt-4o at 1.0". The system prompt is the shared one unless "Own system prompt" is ticked.
Shown folded under the column's header; it scrolls when it is taller than the room it has.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from providers.types import BaseProvider

from .settings_form import SettingsForm

MAX_HEIGHT = 260  # px: the answer keeps most of the column


class ColumnSettings(QScrollArea):
    """Parameters and own system prompt of one column."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("columnSettings")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setMaximumHeight(MAX_HEIGHT)
        body = QWidget()
        body.setObjectName("columnSettingsBody")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        self.own_prompt = QCheckBox(self.tr("Own system prompt"))
        self.own_prompt.setObjectName("ownSystemPrompt")
        self.own_prompt.setToolTip(self.tr("Off: this column uses the shared system prompt"))
        self.system_prompt = QPlainTextEdit()
        self.system_prompt.setObjectName("columnSystemPrompt")
        self.system_prompt.setAccessibleName(self.tr("This column's system prompt"))
        self.system_prompt.setPlaceholderText(self.tr("System prompt for this column only"))
        self.system_prompt.setTabChangesFocus(True)
        self.system_prompt.setFixedHeight(self.system_prompt.fontMetrics().lineSpacing() * 3 + 14)
        self.system_prompt.setEnabled(False)
        self.form = SettingsForm()
        layout.addWidget(self.own_prompt)
        layout.addWidget(self.system_prompt)
        layout.addWidget(self.form)
        layout.addStretch(1)
        self.setWidget(body)
        self.own_prompt.toggled.connect(self._own_toggled)
        self.system_prompt.textChanged.connect(self.changed.emit)
        self.form.valuesChanged.connect(self.changed.emit)

    def set_provider(self, provider: type[BaseProvider], values: Mapping[str, Any]) -> None:
        """The form for ``provider`` with ``values`` set."""
        self.form.set_provider(provider, values)

    def params(self) -> dict[str, Any]:
        """The set, valid parameters: what this column's request sends."""
        return self.form.values()

    def own_system_prompt(self) -> str | None:
        """This column's system prompt, or None for the shared one."""
        return self.system_prompt.toPlainText() if self.own_prompt.isChecked() else None

    def set_own_system_prompt(self, text: str | None) -> None:
        self.own_prompt.setChecked(text is not None)
        self.system_prompt.setPlainText(text or "")

    def _own_toggled(self, own: bool) -> None:
        self.system_prompt.setEnabled(own)
        self.changed.emit()
