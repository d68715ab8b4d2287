"""The comparison window: a conversation with 2-8 columns of providers/models side by side.

It only shows state and forwards intent: the run is an ``app.core.compare.CompareRun`` (one
``ChatSession`` per column, each on its own asyncio task; a follow-up goes to every column, each
with its own previous turns), preferences are ``app.core.settings.Settings`` (the columns under
``compare_columns``, presets under ``compare_presets``), the comparison and its blind votes are
saved in the history (``app.core.compare_store``), secrets go through ``app.core.secrets`` in
worker threads. Each column (``compare_column.CompareColumn``) owns its target, its own
parameters and system prompt, its turns and its figures; ``compare_layout.ColumnsArea`` places
the columns (a row that scrolls rather than clips, a grid, or tabs); blind mode hides the names
until the vote (``compare_vote``). This window owns the run, the shared prompt and system prompt,
what is saved and what is remembered.

Attachments: the composer bar is the shared ``ComposerBar``; when it gains attachments, ``send``
is the one place to hand the same ones to every column (``CompareRun.follow_up``'s sessions).
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QDesktopServices,
    QGuiApplication,
    QKeySequence,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core import pricing
from app.core.compare import Column, CompareListener, CompareRun, RequestConfig
from app.core.compare_store import (
    CompareStore,
)
from app.core.history import History
from app.core.settings import Settings
from providers import registry
from providers.types import BaseProvider

from . import pickers, theme
from .compare_blind import BlindVoting
from .compare_column import CompareColumn
from .compare_layout import MODES, ColumnsArea, Mode, fit_to_screen
from .compare_records import COLUMNS_KEY, MAX_COLUMNS, MIN_COLUMNS, ComparisonRecords
from .compare_toolbar import CompareTopBar
from .compare_vote import VoteBar
from .composer import ComposerBar, hint_label
from .error_text import window_error_text
from .resources import icon
from .tasks import ensure_loop, spawn

__all__ = ["COLUMNS_KEY", "MAX_COLUMNS", "MIN_COLUMNS", "CompareWindow", "open_compare_window"]

log = logging.getLogger(__name__)

GEOMETRY_KEY = "compare_geometry"
LAYOUT_KEY = "compare_layout"
STATS_INTERVAL_MS = 100  # how often a running column's clock moves
DEFAULT_SIZE = QSize(1280, 800)

_EXTRA_STYLE = """
QWidget#compareTop {{ background: {window}; border-bottom: 1px solid {border}; }}
QLabel#compareTitle {{ font-weight: 600; color: {text}; }}
QLabel#compareHint, QLabel#columnStats, QLabel#systemPromptLabel {{ color: {muted}; }}
QLabel#systemPromptLabel {{ padding-top: 5px; }}
QPlainTextEdit#systemPrompt, QPlainTextEdit#columnSystemPrompt {{
    background: {chat_background}; color: {text}; border: 1px solid {border};
    border-radius: 8px; padding: 2px 4px;
}}
QLabel#columnStats[state="failed"] {{ color: {error_text}; }}
QLabel#columnLetter {{ font-weight: 600; color: {text}; padding: 3px 4px; }}
QFrame#compareColumn {{
    background: {chat_background}; border: 1px solid {border}; border-radius: 10px;
}}
QFrame#columnHeader {{
    background: {window}; border: none; border-bottom: 1px solid {border};
    border-top-left-radius: 10px; border-top-right-radius: 10px;
}}
QScrollArea#columnSettings, QWidget#columnSettingsBody {{
    background: {window}; border: none; border-bottom: 1px solid {border};
}}
QFrame#columnFooter {{ background: transparent; border: none; border-top: 1px solid {border}; }}
QWidget#compareColumns, QWidget#compareColumnsHost, QScrollArea#compareScroll {{
    background: {window};
}}
QFrame#voteBar {{ background: {window}; border-bottom: 1px solid {border}; }}
QToolButton#columnStop, QToolButton#columnRetry, QToolButton#columnRemove,
QToolButton#columnSettingsButton, QToolButton#columnContinue, QToolButton#columnVote {{
    border: 1px solid transparent; border-radius: 5px; padding: 2px 6px;
}}
QToolButton#columnVote {{ border-color: {border}; font-weight: 600; }}
QToolButton#comparePresets {{ padding-right: 14px; }}
QToolButton#columnStop:hover, QToolButton#columnRetry:hover, QToolButton#columnRemove:hover,
QToolButton#columnSettingsButton:hover, QToolButton#columnContinue:hover,
QToolButton#columnVote:hover, QToolButton#columnSettingsButton:checked {{
    background: {hover}; border-color: {border};
}}
"""


class _RunListener(CompareListener):
    """Mirrors what the run reports into the columns."""

    def __init__(self, window: CompareWindow) -> None:
        self.window = window

    def _column(self, column: Column) -> CompareColumn | None:
        return self.window.column_widgets.get(column.key)

    def column_started(self, column: Column) -> None:
        widget = self._column(column)
        if widget is not None:
            widget.sync_later(column)

    def first_token(self, column: Column) -> None:
        widget = self._column(column)
        if widget is not None:
            widget.show_stats(column)
        self.window.firstToken.emit(column.key)

    def text_received(self, column: Column, text: str) -> None:
        widget = self._column(column)
        if widget is not None:
            widget.add_text(text)

    def reasoning_received(self, column: Column, text: str) -> None:
        widget = self._column(column)
        if widget is not None and widget.answer_index is not None:
            widget.deliver()  # the text before it first
            widget.view.append_reasoning(widget.answer_index, text)

    def login_requested(self, column: Column, label: str, url: str) -> None:
        widget = self._column(column)
        if widget is not None:
            widget.stats.setText(
                QCoreApplication.translate(
                    "CompareWindow", "{label} asks you to sign in (Provider → Credentials…)."
                ).format(label=label)
            )

    def column_finished(self, column: Column) -> None:
        widget = self._column(column)
        if widget is not None:
            widget.deliver()
        if widget is not None and widget.answer_index is not None:
            # The token figures are in the column's footer, beside the other columns' ones.
            widget.view.finish_answer(
                widget.answer_index, elapsed=column.elapsed,
                finish_reason=column.finish_reason, stopped=column.stopped, text=column.text,
            )  # fmt: skip
            widget.show_stats(column)
        self.window.column_ended(column.key)

    def column_failed(self, column: Column) -> None:
        widget = self._column(column)
        if widget is not None:
            widget.deliver()
        if widget is not None and widget.answer_index is not None:
            widget.view.fail_answer(
                widget.answer_index,
                column.error or QCoreApplication.translate("CompareWindow", "The request failed."),
            )
            widget.show_stats(column)
        self.window.column_ended(column.key)

    def busy_changed(self, busy: bool) -> None:
        self.window.set_busy(busy)


class CompareWindow(BlindVoting, ComparisonRecords, QWidget):
    """A top-level window holding one comparison: a conversation with several columns."""

    columnEnded = Signal(int)  # noqa: N815 - Qt signal naming; a column key (tests wait on it)
    firstToken = Signal(int)  # noqa: N815 - a column key
    busyChanged = Signal(bool)  # noqa: N815
    modelsLoaded = Signal(int)  # noqa: N815 - a column key
    saved = Signal(int)  # the comparison's conversation id, after each save
    voted = Signal(object)  # a column key, "tie" or "both_bad"
    #: A column continued alone: the id of the new conversation holding its turns (the window
    #: that opened this one shows it).
    chatRequested = Signal(int)  # noqa: N815

    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        prompt: str = "",
        history: History | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.settings = settings
        self.store = CompareStore(history) if history is not None else None
        self.providers: dict[str, type[BaseProvider]] = dict(registry.all_providers())
        self.column_widgets: dict[int, CompareColumn] = {}
        self._order: list[CompareColumn] = []
        self.marks: dict[str, str] = {}  # provider id → "needs key"/"needs sign-in"
        self.credentials_task: asyncio.Task[Any] | None = None
        self.comparison_id: int | None = None  # its conversation in the history, once saved
        self.revealed = False  # a blind comparison's names are shown (after the vote)
        #: Tests answer the export dialog with this: suggested name -> path (None: cancel).
        self.export_path_hook: Any = None
        self._dark = _is_dark(settings, parent)
        listener, explain = _RunListener(self), window_error_text
        self.run = CompareRun(listener=listener, explain=explain, loop=ensure_loop)
        self.setObjectName("compareWindow")
        self.setWindowTitle(self.tr("Compare side by side — Roundtable"))
        top = self._build_top()
        self.vote_bar = VoteBar()
        self.vote_bar.hide()
        self.area = ColumnsArea()
        bottom = self._build_bottom(prompt)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top)
        layout.addWidget(self.vote_bar)
        layout.addWidget(self.area, 1)
        layout.addWidget(bottom)

        self._stats_timer = QTimer(self)
        self._stats_timer.setInterval(STATS_INTERVAL_MS)
        self._stats_timer.timeout.connect(self._tick)
        self.vote_bar.voted.connect(self.vote)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WindowShortcut)
        escape.activated.connect(self.stop_all)
        # The main window switches the theme through the colour scheme or, where the platform
        # cannot, the application palette (``theme.apply_theme``): follow either.
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._theme_changed)

        self._apply_style()
        saved_layout = settings.get(LAYOUT_KEY)
        if saved_layout in MODES:
            self.layout_picker.setCurrentIndex(MODES.index(saved_layout))
        self._restore_columns()
        self._restore_geometry()
        self.refresh_credentials()
        self.composer.setFocus()

    def _build_top(self) -> QWidget:
        top = CompareTopBar(self.settings, MAX_COLUMNS)
        self.hint = top.hint
        self.new_button = top.new_button
        self.layout_picker = top.layout_picker
        self.blind_box = top.blind_box
        self.presets = top.presets
        self.leaderboard_button = top.leaderboard_button
        self.export_button = top.export_button
        self.add_button = top.add_button
        self.stop_all_button = top.stop_all_button
        self.new_button.clicked.connect(self.new_comparison)
        self.layout_picker.currentIndexChanged.connect(lambda i: self.set_layout(MODES[i]))
        self.blind_box.toggled.connect(self._blind_toggled)
        self.presets.chosen.connect(self.apply_preset)
        self.presets.saveRequested.connect(self.save_preset)
        self.leaderboard_button.clicked.connect(self.show_leaderboard)
        self.export_button.clicked.connect(self._ask_export)
        self.add_button.clicked.connect(lambda: self.add_column())
        self.stop_all_button.clicked.connect(self.stop_all)
        return top

    def _build_bottom(self, prompt: str) -> QWidget:
        self.system_prompt = QPlainTextEdit()
        self.system_prompt.setObjectName("systemPrompt")
        self.system_prompt.setAccessibleName(self.tr("System prompt"))
        self.system_prompt.setPlaceholderText(
            self.tr("System prompt (optional), sent to every column without its own")
        )
        self.system_prompt.setTabChangesFocus(True)
        self.system_prompt.setFixedHeight(self.system_prompt.fontMetrics().lineSpacing() * 2 + 14)
        composer_frame = ComposerBar(
            self.tr("Send to every column (Enter)"), self.tr("Stop every column (Esc)"),
            stop_name=self.tr("Stop all"),
        )  # fmt: skip
        self.composer = composer_frame.composer
        self.composer.setAccessibleName(self.tr("Prompt"))
        self.composer.setPlaceholderText(self.tr("Ask every column; follow-ups keep each context…"))
        self.composer.setPlainText(prompt)
        self.send_button = composer_frame.send_button
        self.stop_button = composer_frame.stop_button
        self.attachment_strip = composer_frame.attachments  # sent to every column
        self.attach_button = composer_frame.attach_button
        hint = hint_label(
            self.tr("Enter to send to every column · Shift+Enter for a new line · Esc stops all")
        )
        bottom = QWidget()
        bottom.setObjectName("chatColumn")  # the main window's look for its composer area
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(14, 6, 14, 8)
        bottom_layout.setSpacing(6)
        system_row = QHBoxLayout()
        system_row.setSpacing(8)
        system_label = QLabel(self.tr("System prompt"))
        system_label.setObjectName("systemPromptLabel")
        system_label.setBuddy(self.system_prompt)
        system_row.addWidget(system_label, 0, Qt.AlignmentFlag.AlignTop)
        system_row.addWidget(self.system_prompt, 1)
        bottom_layout.addLayout(system_row)
        bottom_layout.addWidget(composer_frame)
        bottom_layout.addWidget(hint)
        self.composer.submitted.connect(self.send)
        self.send_button.clicked.connect(self.send)
        self.stop_button.clicked.connect(self.stop_all)
        return bottom

    # ----- columns --------------------------------------------------------------------------------
    def columns(self) -> list[CompareColumn]:
        """The column widgets, left to right."""
        return list(self._order)

    def add_column(
        self,
        provider_id: str | None = None,
        model: str | None = None,
        params: dict[str, Any] | None = None,
        system_prompt: str | None = None,
    ) -> CompareColumn:
        """A new column; by default the last column's provider with a model no column uses yet
        and that provider's saved parameters."""
        if len(self._order) >= MAX_COLUMNS:
            raise ValueError(f"at most {MAX_COLUMNS} columns")
        if provider_id not in self.providers:
            last = self._order[-1].choice()[0] if self._order else None
            provider_id = last or self.settings.provider_id
            if provider_id not in self.providers:
                provider_id = next(iter(self.providers))
        assert provider_id is not None
        if model is None:
            model = self._unused_model(provider_id, self.providers[provider_id])
        key = self.run.add_column(
            column_spec(self.settings, self.providers[provider_id], provider_id, model, params)
        ).key
        widget = CompareColumn(key, self._dark, self.providers, self.settings)
        self.column_widgets[key] = widget
        widget.select(provider_id, model, self.marks, params)
        widget.column_settings.set_own_system_prompt(system_prompt)
        self._update_spec(widget)
        widget.choiceChanged.connect(lambda _key, w=widget: self._choice_changed(w))
        widget.modelsLoaded.connect(self.modelsLoaded.emit)
        widget.continueRequested.connect(self.continue_as_chat)
        widget.stop_button.clicked.connect(lambda _=False, k=key: self.stop_column(k))
        widget.retry_button.clicked.connect(lambda _=False, k=key: self.retry_column(k))
        widget.remove_button.clicked.connect(lambda _=False, k=key: self.remove_column(k))
        widget.vote_button.clicked.connect(lambda _=False, k=key: self.vote(k))
        widget.view.stopRequested.connect(lambda k=key: self.stop_column(k))
        widget.view.retryRequested.connect(lambda index, k=key: self.retry_column(k, index))
        widget.view.regenerateRequested.connect(lambda index, k=key: self.retry_column(k, index))
        widget.view.editRequested.connect(lambda i, text, k=key: self.run.edit(k, i, text))
        widget.view.linkActivated.connect(_open_link)
        self._order.append(widget)
        self._columns_changed()
        return widget

    def remove_column(self, key: int) -> None:
        """Drop a column (its running answer is cancelled); at least two stay."""
        widget = self.column_widgets.get(key)
        if widget is None or len(self._order) <= MIN_COLUMNS:
            return
        self.run.remove_column(key)
        del self.column_widgets[key]
        self._order.remove(widget)
        widget.shutdown()
        widget.hide()
        widget.setParent(None)
        widget.deleteLater()
        self._columns_changed()
        self.save()

    def column(self, key: int) -> CompareColumn:
        return self.column_widgets[key]

    def _unused_model(self, provider_id: str, provider: type[BaseProvider]) -> str:
        used = {model for pid, model in (w.choice() for w in self._order) if pid == provider_id}
        remembered = self.settings.model_for(provider_id) or pickers.default_model(provider)
        candidates = [remembered, *pickers.offline_models(provider)]
        return next((m for m in candidates if m and m not in used), remembered)

    def _columns_changed(self) -> None:
        if self._batching:
            return
        count = len(self._order)
        self.add_button.setEnabled(count < MAX_COLUMNS)
        for widget in self._order:
            widget.remove_button.setEnabled(count > MIN_COLUMNS)
        self.hint.setText(self.tr("%n column(s)", "", count))
        self._apply_blind()
        self.area.set_columns(self._order, self._tab_titles())
        self._save_columns()

    def set_layout(self, mode: Mode) -> None:
        """Side by side (``row``), ``grid`` or ``tabs``; remembered."""
        self.area.set_mode(mode, self._tab_titles())
        index = MODES.index(mode)
        if self.layout_picker.currentIndex() != index:
            self.layout_picker.setCurrentIndex(index)
        if self.settings.get(LAYOUT_KEY) != mode:
            try:
                self.settings.set(LAYOUT_KEY, mode)
            except OSError as error:
                log.info("could not save the comparison's layout: %s", error)

    def _tab_titles(self) -> list[str]:
        return [
            w.blind_label.text() if w.letter else (w.model_picker.current_model() or str(i + 1))
            for i, w in enumerate(self._order)
        ]

    # ----- pickers --------------------------------------------------------------------------------
    def _update_spec(self, widget: CompareColumn) -> bool:
        """The column's next request from its pickers, its own parameters and system prompt."""
        provider_id, model = widget.choice()
        if provider_id not in self.providers:
            return False
        spec = column_spec(
            self.settings, self.providers[provider_id], provider_id, model, widget.params()
        )
        self.run.set_spec(widget.key, spec)
        self.run.column(widget.key).system_prompt = widget.own_system_prompt()
        return True

    def _choice_changed(self, widget: CompareColumn) -> None:
        self._update_spec(widget)
        self.area.set_titles(self._tab_titles())
        self._save_columns()

    def refresh_credentials(self) -> None:
        """Mark providers that still need a key (one keyring round trip, in a worker thread)."""
        self.credentials_task = spawn(self._check_credentials(), name="compare keys")

    async def _check_credentials(self) -> None:
        self.marks = await pickers.credential_marks(self.providers)
        for widget in self._order:
            widget.set_marks(self.marks)
        await asyncio.to_thread(pricing.warm_up)  # the first cost shown must not stall the window

    # ----- asking ---------------------------------------------------------------------------------
    def has_turns(self) -> bool:
        return any(column.session.turns for column in self.run.columns)

    def send(self) -> bool:
        """Put the prompt (and the composer bar's attachments) to every column, after each one's
        own previous turns; False (nothing done) while one runs or it is empty."""
        text, files = self.composer.toPlainText(), self.attachment_strip.attachments()
        if self.run.busy or not (text.strip() or files) or self.attachment_strip.busy:
            return False
        first = not self.has_turns()
        if first and self.blind_box.isChecked():
            random.shuffle(self._order)  # the order the columns were set up in gives nothing away
            self._columns_changed()
        for widget in self._order:
            self._update_spec(widget)
        self._save_columns()
        if not self.run.follow_up(text, self.system_prompt.toPlainText(), files):
            return False
        self.composer.clear()
        self.attachment_strip.clear()
        self.blind_box.setEnabled(False)
        self.vote_bar.hide()
        self.save()
        return True

    def stop_column(self, key: int) -> None:
        if key in self.column_widgets:
            self.run.stop(key)

    def retry_column(self, key: int, index: int | None = None) -> bool:
        """Ask one column again (its answer at ``index``, a view index = a turn index)."""
        widget = self.column_widgets.get(key)
        if widget is None or not self._update_spec(widget):
            return False
        return self.run.retry(key, index)

    def stop_all(self) -> None:
        self.run.stop()

    def column_ended(self, key: int) -> None:
        self.save()
        self._offer_vote()
        self.columnEnded.emit(key)

    def set_busy(self, busy: bool) -> None:
        self.send_button.setVisible(not busy)
        self.stop_button.setVisible(busy)
        self.stop_all_button.setEnabled(busy)
        if busy:
            self._stats_timer.start()
        else:
            self._stats_timer.stop()
        self.busyChanged.emit(busy)

    def _tick(self) -> None:
        for column in self.run.columns:
            widget = self.column_widgets.get(column.key)
            if widget is not None and column.busy:
                widget.show_stats(column)

    def new_comparison(self) -> None:
        """Keep the columns, forget the turns: the next prompt starts a new saved comparison."""
        self.run.close()
        for widget in self._order:
            widget.redraw([], self.run.column(widget.key))
            widget.show_stats(self.run.column(widget.key))
        self.comparison_id = None
        self.revealed = False
        self.blind_box.setEnabled(True)
        self.vote_bar.hide()
        self._apply_blind()

    def _restore_geometry(self) -> None:
        saved = self.settings.get(GEOMETRY_KEY)
        if not (
            isinstance(saved, str)
            and self.restoreGeometry(QByteArray.fromBase64(saved.encode("ascii")))
        ):
            self.resize(DEFAULT_SIZE)
        fit_to_screen(self)

    # ----- look -----------------------------------------------------------------------------------
    def is_dark(self) -> bool:
        return self._dark

    def _apply_style(self) -> None:
        p = theme.palette_for(self._dark)
        window = self.palette().window().color().name()
        extra = _EXTRA_STYLE.format(
            window=window, border=p.answer_border, text=p.text, muted=p.muted,
            error_text=p.error_text, chat_background=p.background, hover=p.button_hover,
        )  # fmt: skip
        self.setStyleSheet(theme.window_style(self._dark) + extra)
        self.send_button.setIcon(icon("send", "#ffffff"))
        self.attach_button.setIcon(icon("paperclip", p.muted))
        self.stop_button.setIcon(icon("stop", QColor(p.background).name()))
        for widget in self._order:
            widget.view.set_dark(self._dark)

    def event(self, event: QEvent) -> bool:
        # Not changeEvent(): QWidget does not pass this one on to it.
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            self._theme_changed()
        return super().event(event)

    def _theme_changed(self, *_: object) -> None:
        # Later, not now: the main window records its new theme after applying it.
        QTimer.singleShot(0, self._follow_theme)

    def _follow_theme(self) -> None:
        dark = _is_dark(self.settings, self.parentWidget())
        if dark != self._dark:
            self._dark = dark
            self._apply_style()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        fit_to_screen(self)  # again now that the frame around the window is known

    # ----- lifetime -------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.run.stop()  # answers keep what they streamed; reopening shows them
        self.save()
        for widget in self._order:
            widget.shutdown()
        try:
            geometry = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
            self.settings.set(GEOMETRY_KEY, geometry)
        except OSError as error:
            log.info("could not save the comparison window's geometry: %s", error)
        super().closeEvent(event)


def column_spec(
    settings: Settings,
    provider: type[BaseProvider],
    provider_id: str,
    model: str,
    params: dict[str, Any] | None,
) -> RequestConfig:
    """What a column asks with: its provider, model and own parameters, and the connection
    settings the main window keeps for the provider."""
    connection = settings.request_connection(provider_id)  # with the proxy for all
    return RequestConfig(
        provider=provider, provider_id=provider_id, model=model, params=dict(params or {}),
        base_url=connection.get("base_url"), proxy=connection.get("proxy"),
    )  # fmt: skip


def _is_dark(settings: Settings, parent: QWidget | None) -> bool:
    is_dark = getattr(parent, "is_dark", None)
    if callable(is_dark):
        return bool(is_dark())
    if settings.theme == "system":
        return theme.system_is_dark()
    return settings.theme == "dark"


def _open_link(url: str) -> None:
    """A link the user clicked in an answer (the chat view lets only web and mail links out)."""
    QDesktopServices.openUrl(QUrl(url))


_parentless: list[CompareWindow] = []  # keeps a window without a parent alive while it is open


def open_compare_window(
    parent: QWidget | None = None, prompt: str = "", conversation_id: int | None = None
) -> CompareWindow:
    """Show the comparison window of ``parent`` (one per parent, created on first use).

    It shares ``parent.settings`` and ``parent.history`` when the parent has them (the main
    window), so both windows write the same settings and the comparison is saved in the same
    history; ``prompt`` prefills its prompt unless it is busy; ``conversation_id`` shows that
    saved comparison.
    """
    existing = [w for w in _parentless if parent is None] or (
        parent.findChildren(CompareWindow) if parent is not None else []
    )
    if existing:
        window = existing[0]
        if prompt and not window.run.busy:
            window.composer.setPlainText(prompt)
    else:
        settings = getattr(parent, "settings", None)
        if not isinstance(settings, Settings):
            settings = Settings.load()
        history = getattr(parent, "history", None)
        window = CompareWindow(
            settings, parent, prompt=prompt,
            history=history if isinstance(history, History) else None,
        )  # fmt: skip
        if parent is None:
            _parentless.append(window)
    if conversation_id is not None:
        window.open_comparison(conversation_id)
    window.show()
    window.raise_()
    window.activateWindow()
    window.composer.setFocus()
    return window
