"""One column of the comparison window: its provider and model, its answer, its figures.

The column owns its target: the provider and model pickers, the live model list (a task), and
the "needs key" marks it is given. It tells the window through signals when its choice changes
(``choiceChanged``) and when its live list is shown (``modelsLoaded``); the window owns the run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.compare import Column
from app.core.settings import Settings
from providers.errors import ProviderError
from providers.types import BaseProvider

from . import pickers
from .chat_view import ChatView
from .provider_picker import ProviderPicker
from .tasks import spawn


class ColumnTexts(QObject):
    """Counts with their plural forms (lupdate reads them only from ``self.tr(text, "", n)``)."""

    def tokens(self, n: int) -> str:
        return self.tr("%n token(s)", "", n)


_PLURALS = ColumnTexts()


def format_seconds(seconds: float) -> str:
    if seconds < 1:
        return QCoreApplication.translate("CompareColumn", "{ms} ms").format(
            ms=QLocale().toString(seconds * 1000, "f", 0)
        )
    return QCoreApplication.translate("CompareColumn", "{seconds} s").format(
        seconds=QLocale().toString(seconds, "f", 2)
    )


def format_stats(column: Column) -> str:
    """The column's footer: ``First token 210 ms · Total 1.84 s · 57 tokens · 31.0 tok/s``."""
    state = column.state
    if state == "idle":
        return ""
    parts: list[str] = []
    ttft = column.time_to_first_token
    elapsed = column.elapsed or 0.0
    if ttft is not None:
        parts.append(
            QCoreApplication.translate("CompareColumn", "First token {time}").format(
                time=format_seconds(ttft)
            )
        )
    if state == "running":
        parts.append(
            f"{format_seconds(elapsed)}…"
            if ttft is not None
            else QCoreApplication.translate("CompareColumn", "Waiting…")
        )
        return " · ".join(parts)
    parts.append(
        QCoreApplication.translate("CompareColumn", "Total {time}").format(
            time=format_seconds(elapsed)
        )
    )
    tokens = column.output_tokens
    if tokens is not None:
        parts.append(_PLURALS.tokens(tokens))
    speed = column.tokens_per_second
    if speed is not None:
        parts.append(
            QCoreApplication.translate("CompareColumn", "{speed} tok/s").format(
                speed=QLocale().toString(speed, "f", 0 if speed >= 100 else 1)
            )
        )
    if state == "stopped":
        parts.append(QCoreApplication.translate("CompareColumn", "stopped"))
    elif state == "failed":
        parts.append(QCoreApplication.translate("CompareColumn", "failed"))
    elif column.finish_reason in ("length", "max_tokens", "MAX_TOKENS"):
        parts.append(QCoreApplication.translate("CompareColumn", "truncated"))
    return " · ".join(parts)


def _button(text: str, name: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setObjectName(name)
    button.setToolTip(tip)
    button.setAccessibleName(tip)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    return button


class CompareColumn(QFrame):
    """One column: provider and model pickers, Stop/Retry/remove, the answer and its figures."""

    choiceChanged = Signal(int)  # noqa: N815 - Qt signal naming; this column's key
    modelsLoaded = Signal(int)  # noqa: N815 - this column's key

    def __init__(
        self,
        key: int,
        dark: bool,
        providers: Mapping[str, type[BaseProvider]],
        settings: Settings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.key = key
        self.providers = providers
        self.settings = settings
        self.setObjectName("compareColumn")
        self.setMinimumWidth(260)
        self.answer_index: int | None = None  # the run's answer in ``view``
        self.models_task: asyncio.Task[Any] | None = None

        header = QFrame()
        header.setObjectName("columnHeader")
        row = QHBoxLayout(header)
        row.setContentsMargins(8, 6, 6, 6)
        row.setSpacing(6)
        self.provider_picker = ProviderPicker()
        self.provider_picker.setSizeAdjustPolicy(
            ProviderPicker.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.provider_picker.setMinimumContentsLength(8)
        self.provider_picker.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.model_picker = pickers.ModelPicker(min_chars=10)
        self.model_picker.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.stop_button = _button(
            self.tr("Stop"),
            "columnStop",
            self.tr("Stop this column"),
        )
        self.retry_button = _button(
            self.tr("Retry"),
            "columnRetry",
            self.tr("Ask this column again"),
        )
        self.remove_button = _button("✕", "columnRemove", self.tr("Remove this column"))
        self.stop_button.hide()
        self.retry_button.hide()
        row.addWidget(self.provider_picker)
        row.addWidget(self.model_picker, 1)
        row.addWidget(self.remove_button)

        self.view: ChatView = ChatView()
        self.view.set_dark(dark)

        footer = QFrame()
        footer.setObjectName("columnFooter")
        footer_row = QHBoxLayout(footer)
        footer_row.setContentsMargins(10, 3, 6, 3)
        footer_row.setSpacing(4)
        self.stats = QLabel()
        self.stats.setObjectName("columnStats")
        self.stats.setTextFormat(Qt.TextFormat.PlainText)
        self.stats.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stats.setWordWrap(True)  # four narrow columns: wrap rather than widen the window
        self.stats.setText(self.tr("Not asked yet"))
        footer_row.addWidget(self.stats, 1)
        footer_row.addWidget(self.stop_button, 0, Qt.AlignmentFlag.AlignVCenter)
        footer_row.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignVCenter)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(self.view, 1)
        layout.addWidget(footer)

        self.provider_picker.set_providers(
            [(pid, pickers.provider_label(p)) for pid, p in providers.items()]
        )
        self.provider_picker.providerChanged.connect(lambda _pid: self._provider_changed())
        self.model_picker.currentIndexChanged.connect(lambda _i: self.choiceChanged.emit(key))
        line = self.model_picker.lineEdit()
        assert line is not None  # an editable combo box has one
        line.editingFinished.connect(lambda: self.choiceChanged.emit(key))

    # ----- the column's target --------------------------------------------------------------------
    def choice(self) -> tuple[str | None, str]:
        return self.provider_picker.current_id(), self.model_picker.current_model()

    def select(self, provider_id: str, model: str, marks: Mapping[str, str]) -> None:
        """Show ``provider_id`` and ``model`` (without signals) and start listing its models."""
        self.provider_picker.select(provider_id, emit=False)
        self.set_marks(marks)
        self._fill_models(pickers.offline_models(self.providers[provider_id]), model)
        self.load_models()

    def set_marks(self, marks: Mapping[str, str]) -> None:
        pickers.apply_marks(self.provider_picker, marks)

    def _provider_changed(self) -> None:
        provider_id = self.provider_picker.current_id()
        if provider_id not in self.providers:
            return
        provider = self.providers[provider_id]
        model = self.settings.model_for(provider_id) or pickers.default_model(provider)
        self._fill_models(pickers.offline_models(provider), model)
        self.choiceChanged.emit(self.key)
        self.load_models()

    def _fill_models(self, models: list[str], wanted: str) -> None:
        provider = self.providers.get(self.provider_picker.current_id() or "")
        default = pickers.default_model(provider) if provider is not None else ""
        self.model_picker.fill(models, wanted, default)

    def load_models(self) -> None:
        """List the provider's models in the background (the old listing is dropped)."""
        self.shutdown()
        provider_id = self.provider_picker.current_id()
        if provider_id not in self.providers:
            return
        self.models_task = spawn(
            self._list_models(provider_id), name=f"compare models {provider_id}"
        )

    async def _list_models(self, provider_id: str) -> None:
        provider = self.providers[provider_id]
        try:
            models = await pickers.live_models(
                provider, provider_id, self.settings.connection_for(provider_id)
            )
        except ProviderError as error:
            tip = self.tr("Could not list the models: {error} The built-in list is shown.").format(
                error=error
            )
            self.model_picker.setToolTip(tip)
            return
        if self.provider_picker.current_id() != provider_id or not models:
            return
        self.model_picker.setToolTip(self.tr("Model (you can also type a model name)"))
        self._fill_models(models, self.model_picker.current_model())
        self.choiceChanged.emit(self.key)
        self.modelsLoaded.emit(self.key)

    # ----- the answer -----------------------------------------------------------------------------
    def show_stats(self, column: Column) -> None:
        self.stats.setText(format_stats(column) or self.tr("Not asked yet"))
        usage = column.usage or {}
        self.stats.setToolTip(
            "\n".join(
                f"{name.replace('_', ' ').capitalize()}: {QLocale().toString(value)}"
                for name, value in usage.items()
                if isinstance(value, int) and not isinstance(value, bool)
            )
        )
        state = column.state
        if self.stats.property("state") != state:
            self.stats.setProperty("state", state)
            self.stats.style().unpolish(self.stats)
            self.stats.style().polish(self.stats)
        self.stop_button.setVisible(state == "running")
        self.retry_button.setVisible(state in ("finished", "stopped", "failed"))

    def begin(self, title: str) -> None:
        self.view.clear()
        self.answer_index = self.view.begin_answer(title)

    def shutdown(self) -> None:
        if self.models_task is not None and not self.models_task.done():
            self.models_task.cancel()
