"""The side panel: the system prompt and the parameter form generated for the current provider.

It owns the per-provider parameters as the user edits them: the form is rebuilt from the
provider's signature (``SettingsForm``), the values come from and go back to ``Settings`` (once
typing pauses, and before the provider changes). The window asks it for ``system_prompt_text()``,
``values()`` and ``errors()`` when a message is sent.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QScrollArea, QVBoxLayout, QWidget

from app.core.settings import Settings
from providers.types import BaseProvider

from .preset_widgets import PresetPicker
from .settings_form import SettingsForm

SAVE_DELAY_MS = 400  # typing changes a field per key: the settings file is written once it pauses
MIN_WIDTH = 250  # px: the panel's least width however short its texts are


class SidePanel(QScrollArea):
    """System prompt above, the provider's parameters below."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidePanel")
        self.settings = settings
        self.provider_id: str | None = None
        self._pending = False  # edits not yet written to the settings
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_params)

        self.system_prompt = QPlainTextEdit()
        self.system_prompt.setObjectName("systemPrompt")
        self.system_prompt.setAccessibleName(self.tr("System prompt"))
        self.system_prompt.setPlaceholderText(self.tr("e.g. You are a concise assistant."))
        self.system_prompt.setTabChangesFocus(True)
        self.system_prompt.setFixedHeight(self.system_prompt.fontMetrics().lineSpacing() * 4 + 14)
        self.settings_form = SettingsForm()
        self.settings_form.valuesChanged.connect(self._save_later)
        self.presets = PresetPicker()  # filled and acted on by the window's PresetController

        content = QWidget()
        content.setObjectName("sidePanelContent")
        column = QVBoxLayout(content)
        column.setContentsMargins(12, 14, 12, 14)
        column.setSpacing(8)
        column.addWidget(_label(self.tr("Preset"), "heading"))
        column.addWidget(self.presets)
        column.addSpacing(6)
        column.addWidget(_label(self.tr("System prompt"), "heading"))
        column.addWidget(
            _label(
                self.tr("For this conversation; sent before your messages."),
                "hint",
            )
        )
        column.addWidget(self.system_prompt)
        column.addSpacing(10)
        column.addWidget(_label(self.tr("Parameters"), "heading"))
        column.addWidget(
            _label(
                self.tr(
                    "Only the fields you change are sent; the others keep the provider's defaults.",
                ),
                "hint",
            )
        )
        column.addWidget(self.settings_form)
        column.addStretch(1)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(content)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """Never narrower than its content (with the scroll bar beside it): the panel does not
        scroll sideways, so a narrower panel cut the form's right edge (longer Russian texts)."""
        content = self.widget().minimumSizeHint().width()
        bar = self.verticalScrollBar().sizeHint().width()
        width = max(MIN_WIDTH, content + bar + 2 * self.frameWidth())
        return QSize(width, super().minimumSizeHint().height())

    def set_provider(self, pid: str, provider: type[BaseProvider]) -> None:
        """Show ``pid``'s parameters (the previous provider's pending edits are saved first)."""
        self.save_params()
        self.provider_id = pid
        self.settings_form.set_provider(provider, self.settings.params_for(pid))
        self.updateGeometry()  # the new form's least width is the panel's

    def system_prompt_text(self) -> str:
        return self.system_prompt.toPlainText()

    def set_system_prompt(self, text: str) -> None:
        self.system_prompt.setPlainText(text)

    def values(self) -> dict[str, Any]:
        return self.settings_form.values()

    def errors(self) -> dict[str, str]:
        """Field name → why its value is invalid (invalid values are never sent)."""
        return self.settings_form.errors()

    def errors_message(self, errors: dict[str, str]) -> str:
        """What the window says when ``errors`` stop a send."""
        return self.tr(
            "Fix or unset the marked parameter(s) ({names}) before sending: invalid values are "
            "never sent.", "", len(errors),
        ).format(names=", ".join(errors))  # fmt: skip

    def _save_later(self) -> None:
        self._pending = True
        self._save_timer.start()

    def save_params(self) -> None:
        """Write pending edits to the settings now."""
        self._save_timer.stop()
        if self._pending and self.provider_id is not None:
            self.settings.set_params_for(self.provider_id, self.settings_form.values())
        self._pending = False


def _label(text: str, role: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", role)
    label.setWordWrap(role == "hint")
    return label
