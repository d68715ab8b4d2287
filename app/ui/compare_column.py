"""One column of the comparison window: its provider and model, its answer, its figures.

The column owns its target: the provider and model pickers, the live model list (a task), and
the "needs key" marks it is given. It tells the window through signals when its choice changes
(``choiceChanged``) and when its live list is shown (``modelsLoaded``); the window owns the run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale, QObject, Qt, QTimer, Signal
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
from app.core.compare_store import column_letter
from app.core.pricing import format_usd
from app.core.session import Turn
from app.core.settings import Settings
from providers.errors import ProviderError
from providers.types import BaseProvider

from . import pickers
from .chat_view import ChatView
from .compare_column_settings import ColumnSettings
from .provider_picker import ProviderPicker
from .tasks import spawn
from .turn_view import show_turn

MIN_WIDTH = 300  # px: below this answers get hard to read; the row scrolls instead
#: Streamed text reaches every column's view together, once a frame: the views then render in
#: the same turn of the event loop and Qt paints the window once, not once per column.
FRAME_MS = 30


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


def format_stats(column: Column, *, with_cost: bool = True) -> str:
    """The column's footer: ``First token 210 ms · Total 1.84 s · 57 tokens · 31.0 tok/s ·
    $0.0012`` (no cost while blind: a price would tell the model)."""
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
    cost = column.cost if with_cost else None
    if cost is not None:
        parts.append(
            QCoreApplication.translate("CompareColumn", "{cost} estimated").format(
                cost=format_usd(cost.usd)
            )
            if cost.estimated
            else format_usd(cost.usd)
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
    """One column: its target and settings, Stop/Retry/Continue/remove, its turns, its figures."""

    choiceChanged = Signal(int)  # noqa: N815 - Qt signal naming; this column's key
    modelsLoaded = Signal(int)  # noqa: N815 - this column's key
    continueRequested = Signal(int)  # noqa: N815 - this column's key: go on with it as a chat

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
        self.setMinimumWidth(MIN_WIDTH)
        self.answer_index: int | None = None  # the running (or last) answer in ``view``
        self.models_task: asyncio.Task[Any] | None = None
        self.shown: list[Turn] = []  # the session's turns the view shows, in order
        self._pending: list[str] = []  # text for ``answer_index`` until the next frame
        self.letter = ""  # "A", "B", ... while the comparison is blind

        # Two rows: the pickers get the column's whole width (a narrow column still shows the
        # model's name), the column's actions sit below them.
        header = QFrame()
        header.setObjectName("columnHeader")
        rows = QVBoxLayout(header)
        rows.setContentsMargins(8, 6, 6, 4)
        rows.setSpacing(2)
        self.pickers_row = QWidget()
        row = QHBoxLayout(self.pickers_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        actions = QHBoxLayout()
        actions.setSpacing(2)
        self.blind_label = QLabel()
        self.blind_label.setObjectName("columnLetter")
        self.blind_label.hide()
        self.provider_picker = ProviderPicker()
        self.provider_picker.setSizeAdjustPolicy(
            ProviderPicker.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.provider_picker.setMinimumContentsLength(6)
        self.provider_picker.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.model_picker = pickers.ModelPicker(min_chars=8)
        self.model_picker.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.settings_button = _button(
            self.tr("⚙ Settings"), "columnSettingsButton",
            self.tr("This column's parameters and system prompt"),
        )  # fmt: skip
        self.settings_button.setCheckable(True)
        self.continue_button = _button(
            self.tr("↗ Continue as chat"), "columnContinue",
            self.tr("Continue this column alone as a chat in the main window"),
        )  # fmt: skip
        self.stop_button = _button(self.tr("Stop"), "columnStop", self.tr("Stop this column"))
        self.retry_button = _button(
            self.tr("Retry"), "columnRetry", self.tr("Ask this column again")
        )
        self.remove_button = _button("✕", "columnRemove", self.tr("Remove this column"))
        self.vote_button = _button(
            self.tr("This one is better"), "columnVote", self.tr("Vote for this answer")
        )
        for button in (self.stop_button, self.retry_button, self.vote_button):
            button.hide()
        row.addWidget(self.provider_picker)
        row.addWidget(self.model_picker, 1)
        actions.addWidget(self.blind_label)
        actions.addWidget(self.settings_button)
        actions.addStretch(1)
        actions.addWidget(self.continue_button)
        actions.addWidget(self.remove_button)
        rows.addWidget(self.pickers_row)
        rows.addLayout(actions)

        self.column_settings = ColumnSettings()
        self.column_settings.hide()

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
        self.stats.setWordWrap(True)  # narrow columns: wrap rather than widen the window
        self.stats.setText(self.tr("Not asked yet"))
        self.stats.setMinimumWidth(80)
        footer_row.addWidget(self.stats, 1)
        for button in (self.vote_button, self.stop_button, self.retry_button):
            footer_row.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(self.column_settings)
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
        self.settings_button.toggled.connect(self.column_settings.setVisible)
        self.column_settings.changed.connect(lambda: self.choiceChanged.emit(key))
        self.continue_button.clicked.connect(lambda: self.continueRequested.emit(key))

    # ----- the column's target --------------------------------------------------------------------
    def choice(self) -> tuple[str | None, str]:
        return self.provider_picker.current_id(), self.model_picker.current_model()

    def params(self) -> dict[str, Any]:
        """This column's own parameters (what its next request sends)."""
        return self.column_settings.params()

    def own_system_prompt(self) -> str | None:
        return self.column_settings.own_system_prompt()

    def select(
        self,
        provider_id: str,
        model: str,
        marks: Mapping[str, str],
        params: Mapping[str, Any] | None = None,
    ) -> None:
        """Show ``provider_id``, ``model`` and ``params`` (default: the provider's saved ones,
        without signals) and start listing its models."""
        self.provider_picker.select(provider_id, emit=False)
        self.set_marks(marks)
        provider = self.providers[provider_id]
        self.column_settings.set_provider(
            provider, self.settings.params_for(provider_id) if params is None else params
        )
        self._fill_models(pickers.offline_models(provider), model)
        self.load_models()

    def set_marks(self, marks: Mapping[str, str]) -> None:
        pickers.apply_marks(self.provider_picker, marks)

    def _provider_changed(self) -> None:
        provider_id = self.provider_picker.current_id()
        if provider_id not in self.providers:
            return
        provider = self.providers[provider_id]
        model = self.settings.model_for(provider_id) or pickers.default_model(provider)
        self.column_settings.set_provider(provider, self.settings.params_for(provider_id))
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
                provider, provider_id, self.settings.request_connection(provider_id)
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

    # ----- blind mode -----------------------------------------------------------------------------
    def set_blind(self, position: int | None) -> None:
        """Hide the provider and model behind ``Model A`` (the column's ``position``); None
        shows them again."""
        blind = position is not None
        self.letter = column_letter(position) if position is not None else ""
        self.blind_label.setText(self.tr("Model {letter}").format(letter=self.letter))
        self.blind_label.setVisible(blind)
        for widget in (self.pickers_row, self.settings_button):
            widget.setVisible(not blind)
        self.continue_button.setEnabled(not blind)  # the chat would name the model
        if blind:
            self.settings_button.setChecked(False)

    def answer_title(self, column: Column) -> str:
        """What an answer bubble is headed with: the letter while blind."""
        if self.letter:
            return self.tr("Model {letter}").format(letter=self.letter)
        return column.spec.title

    # ----- the turns ------------------------------------------------------------------------------
    def sync(self, turns: list[Turn], column: Column) -> None:
        """Make the view show ``turns`` (the session's): what differs from what it shows is
        replaced (a retried answer, a new comparison), what is new is added; the last turn, if
        it is streaming, becomes ``answer_index``."""
        self._pending.clear()  # the turns themselves hold that text
        same = 0
        while same < min(len(self.shown), len(turns)) and self.shown[same] is turns[same]:
            same += 1
        if same < len(self.shown):
            self.view.remove_from(same)
            del self.shown[same:]
        title = self.answer_title(column)
        for turn in turns[same:]:
            if turn.role == "assistant" and turn.streaming:
                self.answer_index = self.view.begin_answer(title)
                if turn.reasoning:  # what arrived while the column waited for its turn
                    self.view.append_reasoning(self.answer_index, turn.reasoning)
                if turn.content:
                    self.view.append_text(self.answer_index, turn.content)
            else:
                shown = show_turn(self.view, turn, title if turn.role == "assistant" else None)
                if turn.role == "assistant":
                    self.answer_index = shown
            self.shown.append(turn)

    def add_text(self, text: str) -> None:
        """Streamed text for the running answer, shown at the next frame (``deliver``)."""
        if self.answer_index is None:
            return  # not shown yet: ``sync`` shows what the session's turn holds by then
        self._pending.append(text)
        _frames.add(self)

    def deliver(self) -> None:
        """Show the text that arrived since the last frame."""
        if self._pending and self.answer_index is not None:
            self.view.append_text(self.answer_index, "".join(self._pending))
        self._pending.clear()

    def sync_later(self, column: Column) -> None:
        """``sync`` with the column's session soon, one column per turn of the event loop:
        a column's new bubbles cost 10-30 ms, and eight columns at once would freeze the window
        (tests/bench/compare_columns.py). Until then its text waits in the session's turn."""
        self.deliver()
        self.answer_index = None  # the old answer takes no more text
        _syncs.add(self, column)

    def redraw(self, turns: list[Turn], column: Column) -> None:
        """Show every turn again (after the names are revealed)."""
        self.view.clear()
        self.shown = []
        self.answer_index = None
        self.sync(turns, column)

    # ----- figures --------------------------------------------------------------------------------
    def show_stats(self, column: Column) -> None:
        text = format_stats(column, with_cost=not self.letter)
        self.stats.setText(text or self.tr("Not asked yet"))
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

    def shutdown(self) -> None:
        _syncs.drop(self)
        _frames.drop(self)
        if self.models_task is not None and not self.models_task.done():
            self.models_task.cancel()


class _SyncQueue:
    """Columns waiting for ``sync``, done one per event-loop turn (a zero timer started after
    each one, so timers and sockets are served in between)."""

    def __init__(self) -> None:
        self.waiting: dict[CompareColumn, Column] = {}

    def add(self, widget: CompareColumn, column: Column) -> None:
        if not self.waiting:
            QTimer.singleShot(0, self._next)
        self.waiting[widget] = column

    def drop(self, widget: CompareColumn) -> None:
        self.waiting.pop(widget, None)

    def _next(self) -> None:
        if not self.waiting:
            return
        widget = next(iter(self.waiting))
        column = self.waiting.pop(widget)
        widget.sync(column.session.turns, column)
        widget.show_stats(column)
        if self.waiting:
            QTimer.singleShot(0, self._next)


class _Frames:
    """Columns with text waiting for the next frame (one timer for every column)."""

    def __init__(self) -> None:
        self.waiting: dict[CompareColumn, None] = {}
        self.timer: QTimer | None = None

    def add(self, widget: CompareColumn) -> None:
        self.waiting[widget] = None
        if self.timer is None:  # made on first use: a QTimer needs the application
            self.timer = QTimer()
            self.timer.setSingleShot(True)
            self.timer.timeout.connect(self._deliver)
        if not self.timer.isActive():
            self.timer.start(FRAME_MS)

    def drop(self, widget: CompareColumn) -> None:
        self.waiting.pop(widget, None)

    def _deliver(self) -> None:
        widgets = list(self.waiting)
        self.waiting.clear()
        for widget in widgets:
            widget.deliver()


_syncs = _SyncQueue()
_frames = _Frames()
