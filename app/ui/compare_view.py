"""The comparison window: one prompt, 2-4 columns of providers/models answering it side by side.

It only shows state and forwards intent: the run is an ``app.core.compare.CompareRun`` (one
``ChatSession`` per column, each on its own asyncio task), preferences are
``app.core.settings.Settings`` (the columns' providers and models under ``compare_columns``;
parameters and connection settings are the ones the main window keeps per provider), secrets go
through ``app.core.secrets`` in worker threads. Each column shows its answer in a ``ChatView``
(one answer per run: the same throttled Markdown streaming as the chat) and a footer with time to
first token, total time, output tokens and tokens per second. Each column owns its own target
and figures (``compare_column.CompareColumn``); this window owns the run, the columns' layout, the
prompt and what is remembered.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QDesktopServices,
    QGuiApplication,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.compare import Column, CompareRun, RequestConfig
from app.core.settings import Settings
from providers import registry
from providers.types import BaseProvider

from . import pickers, theme
from .compare_column import CompareColumn
from .composer import ComposerBar, hint_label
from .resources import icon
from .tasks import spawn

log = logging.getLogger(__name__)

MIN_COLUMNS = 2
MAX_COLUMNS = 4
COLUMNS_KEY = "compare_columns"  # [{"provider": id, "model": name}, ...] in settings.json
GEOMETRY_KEY = "compare_geometry"
STATS_INTERVAL_MS = 100  # how often a running column's clock moves
DEFAULT_SIZE = QSize(1280, 800)

_EXTRA_STYLE = """
QWidget#compareTop {{ background: {window}; border-bottom: 1px solid {border}; }}
QLabel#compareTitle {{ font-weight: 600; color: {text}; }}
QLabel#compareHint, QLabel#columnStats, QLabel#systemPromptLabel {{ color: {muted}; }}
QLabel#systemPromptLabel {{ padding-top: 5px; }}
QPlainTextEdit#systemPrompt {{
    background: {chat_background}; color: {text}; border: 1px solid {border};
    border-radius: 8px; padding: 2px 4px;
}}
QLabel#columnStats[state="failed"] {{ color: {error_text}; }}
QFrame#compareColumn {{
    background: {chat_background}; border: 1px solid {border}; border-radius: 10px;
}}
QFrame#columnHeader {{
    background: {window}; border: none; border-bottom: 1px solid {border};
    border-top-left-radius: 10px; border-top-right-radius: 10px;
}}
QFrame#columnFooter {{ background: transparent; border: none; border-top: 1px solid {border}; }}
QWidget#compareColumns {{ background: {window}; }}
QSplitter#compareSplitter::handle {{ background: transparent; }}
QToolButton#columnStop, QToolButton#columnRetry, QToolButton#columnRemove {{
    border: 1px solid transparent; border-radius: 5px; padding: 2px 6px;
}}
QToolButton#columnStop:hover, QToolButton#columnRetry:hover, QToolButton#columnRemove:hover {{
    background: {hover}; border-color: {border};
}}
"""


class _RunListener:
    """Mirrors what the run reports into the columns (an ``app.core.compare.CompareListener``
    by duck typing)."""

    def __init__(self, window: CompareWindow) -> None:
        self.window = window

    def _column(self, column: Column) -> CompareColumn | None:
        return self.window.column_widgets.get(column.key)

    def column_started(self, column: Column) -> None:
        widget = self._column(column)
        if widget is not None:
            widget.begin(column.spec.title)
            widget.show_stats(column)

    def first_token(self, column: Column) -> None:
        widget = self._column(column)
        if widget is not None:
            widget.show_stats(column)
        self.window.firstToken.emit(column.key)

    def text_received(self, column: Column, text: str) -> None:
        widget = self._column(column)
        if widget is not None and widget.answer_index is not None:
            widget.view.append_text(widget.answer_index, text)

    def reasoning_received(self, column: Column, text: str) -> None:
        widget = self._column(column)
        if widget is not None and widget.answer_index is not None:
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
        if widget is not None and widget.answer_index is not None:
            # The token figures are in the column's footer, beside the other columns' ones.
            widget.view.finish_answer(
                widget.answer_index, elapsed=column.elapsed,
                finish_reason=column.finish_reason, stopped=column.stopped,
            )  # fmt: skip
            widget.show_stats(column)
        self.window.columnEnded.emit(column.key)

    def column_failed(self, column: Column) -> None:
        widget = self._column(column)
        if widget is not None and widget.answer_index is not None:
            widget.view.fail_answer(
                widget.answer_index,
                column.error or QCoreApplication.translate("CompareWindow", "The request failed."),
            )
            widget.show_stats(column)
        self.window.columnEnded.emit(column.key)

    def busy_changed(self, busy: bool) -> None:
        self.window.set_busy(busy)


class CompareWindow(QWidget):
    """A top-level window putting one prompt to several providers/models at once."""

    columnEnded = Signal(int)  # noqa: N815 - Qt signal naming; a column key (tests wait on it)
    firstToken = Signal(int)  # noqa: N815 - a column key
    busyChanged = Signal(bool)  # noqa: N815
    modelsLoaded = Signal(int)  # noqa: N815 - a column key

    def __init__(
        self, settings: Settings, parent: QWidget | None = None, *, prompt: str = ""
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.settings = settings
        self.providers: dict[str, type[BaseProvider]] = dict(registry.all_providers())
        self.column_widgets: dict[int, CompareColumn] = {}
        self.marks: dict[str, str] = {}  # provider id → "needs key"/"needs sign-in"
        self.credentials_task: asyncio.Task[Any] | None = None
        self._dark = _is_dark(settings, parent)
        self.run: CompareRun = CompareRun(listener=_RunListener(self))  # type: ignore[arg-type]  # a CompareListener by duck typing

        self.setObjectName("compareWindow")
        self.setWindowTitle(self.tr("Compare side by side — Roundtable"))

        top = QWidget()
        top.setObjectName("compareTop")
        top_row = QHBoxLayout(top)
        top_row.setContentsMargins(14, 8, 14, 8)
        top_row.setSpacing(8)
        title = QLabel(self.tr("Compare side by side"))
        title.setObjectName("compareTitle")
        self.hint = QLabel()
        self.hint.setObjectName("compareHint")
        self.add_button = QPushButton(self.tr("Add column"))
        self.add_button.setObjectName("addColumn")
        self.add_button.setToolTip(
            self.tr("Add a provider/model column (up to {count})").format(count=MAX_COLUMNS)
        )
        self.stop_all_button = QPushButton(self.tr("Stop all"))
        self.stop_all_button.setObjectName("stopAll")
        self.stop_all_button.setToolTip(self.tr("Stop every column (Esc)"))
        self.stop_all_button.setEnabled(False)
        top_row.addWidget(title)
        top_row.addWidget(self.hint, 1)
        top_row.addWidget(self.add_button)
        top_row.addWidget(self.stop_all_button)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("compareSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(8)
        columns_area = QWidget()
        columns_area.setObjectName("compareColumns")
        columns_layout = QVBoxLayout(columns_area)
        columns_layout.setContentsMargins(10, 10, 10, 4)
        columns_layout.addWidget(self.splitter)

        self.system_prompt = QPlainTextEdit()
        self.system_prompt.setObjectName("systemPrompt")
        self.system_prompt.setAccessibleName(self.tr("System prompt"))
        self.system_prompt.setPlaceholderText(
            self.tr("System prompt (optional), sent to every column")
        )
        self.system_prompt.setTabChangesFocus(True)
        self.system_prompt.setFixedHeight(self.system_prompt.fontMetrics().lineSpacing() * 2 + 14)

        composer_frame = ComposerBar(
            self.tr("Send to every column (Enter)"),
            self.tr("Stop every column (Esc)"),
            stop_name=self.tr("Stop all"),
        )
        self.composer = composer_frame.composer
        self.composer.setAccessibleName(self.tr("Prompt"))
        self.composer.setPlaceholderText(self.tr("Ask every column the same question…"))
        self.composer.setPlainText(prompt)
        self.send_button = composer_frame.send_button
        self.stop_button = composer_frame.stop_button
        hint = hint_label(
            self.tr(
                "Enter to send to every column · Shift+Enter for a new line · Esc stops all",
            )
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

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top)
        layout.addWidget(columns_area, 1)
        layout.addWidget(bottom)

        self._stats_timer = QTimer(self)
        self._stats_timer.setInterval(STATS_INTERVAL_MS)
        self._stats_timer.timeout.connect(self._tick)
        self.add_button.clicked.connect(lambda: self.add_column())
        self.stop_all_button.clicked.connect(self.stop_all)
        self.composer.submitted.connect(self.send)
        self.send_button.clicked.connect(self.send)
        self.stop_button.clicked.connect(self.stop_all)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WindowShortcut)
        escape.activated.connect(self.stop_all)
        # The main window switches the theme through the colour scheme or, where the platform
        # cannot, the application palette (``theme.apply_theme``): follow either.
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._theme_changed)

        self._apply_style()
        self._restore_columns()
        self._restore_geometry()
        self.refresh_credentials()
        self.composer.setFocus()

    # ----- columns --------------------------------------------------------------------------------
    def columns(self) -> list[CompareColumn]:
        """The column widgets, left to right."""
        found = (self.splitter.widget(i) for i in range(self.splitter.count()))
        return [widget for widget in found if isinstance(widget, CompareColumn)]

    def add_column(self, provider_id: str | None = None, model: str | None = None) -> CompareColumn:
        """A new column; by default the last column's provider with a model no column uses yet."""
        if len(self.columns()) >= MAX_COLUMNS:
            raise ValueError(f"at most {MAX_COLUMNS} columns")
        if provider_id not in self.providers:
            last = self.columns()[-1].choice()[0] if self.columns() else None
            provider_id = last or self.settings.provider_id
            if provider_id not in self.providers:
                provider_id = next(iter(self.providers))
        assert provider_id is not None
        provider = self.providers[provider_id]
        if model is None:
            model = self._unused_model(provider_id, provider)
        spec = self._spec(provider_id, model)
        key = self.run.add_column(spec).key
        widget = CompareColumn(key, self._dark, self.providers, self.settings)
        self.column_widgets[key] = widget
        widget.choiceChanged.connect(lambda _key, w=widget: self._choice_changed(w))
        widget.modelsLoaded.connect(self.modelsLoaded.emit)
        widget.select(provider_id, model, self.marks)
        widget.stop_button.clicked.connect(lambda _=False, k=key: self.stop_column(k))
        widget.retry_button.clicked.connect(lambda _=False, k=key: self.retry_column(k))
        widget.remove_button.clicked.connect(lambda _=False, k=key: self.remove_column(k))
        widget.view.stopRequested.connect(lambda k=key: self.stop_column(k))
        widget.view.retryRequested.connect(lambda _index, k=key: self.retry_column(k))
        widget.view.regenerateRequested.connect(lambda _index, k=key: self.retry_column(k))
        widget.view.linkActivated.connect(_open_link)
        self.splitter.addWidget(widget)
        self.splitter.setStretchFactor(self.splitter.count() - 1, 1)
        self._equalize()
        self._columns_changed()
        return widget

    def remove_column(self, key: int) -> None:
        """Drop a column (its running answer is cancelled); at least two stay."""
        widget = self.column_widgets.get(key)
        if widget is None or len(self.columns()) <= MIN_COLUMNS:
            return
        self.run.remove_column(key)
        del self.column_widgets[key]
        widget.shutdown()
        widget.hide()
        widget.setParent(None)
        widget.deleteLater()
        self._equalize()
        self._columns_changed()

    def column(self, key: int) -> CompareColumn:
        return self.column_widgets[key]

    def _unused_model(self, provider_id: str, provider: type[BaseProvider]) -> str:
        used = {model for pid, model in (w.choice() for w in self.columns()) if pid == provider_id}
        remembered = self.settings.model_for(provider_id) or pickers.default_model(provider)
        candidates = [remembered, *pickers.offline_models(provider)]
        return next((m for m in candidates if m and m not in used), remembered)

    def _equalize(self) -> None:
        count = self.splitter.count()
        if count:
            self.splitter.setSizes([max(1, self.splitter.width() // count)] * count)

    def _columns_changed(self) -> None:
        count = len(self.columns())
        self.add_button.setEnabled(count < MAX_COLUMNS)
        for widget in self.columns():
            widget.remove_button.setEnabled(count > MIN_COLUMNS)
        self.hint.setText(
            self.tr("%n column(s) · one prompt, answered at the same time", "", count)
        )
        self._save_columns()

    # ----- pickers --------------------------------------------------------------------------------
    def _spec(self, provider_id: str, model: str) -> RequestConfig:
        connection = self.settings.connection_for(provider_id)
        return RequestConfig(
            provider=self.providers[provider_id], provider_id=provider_id, model=model,
            params=self.settings.params_for(provider_id),
            base_url=connection.get("base_url"), proxy=connection.get("proxy"),
        )  # fmt: skip

    def _update_spec(self, widget: CompareColumn) -> bool:
        """The column's next request from its pickers and the provider's current settings."""
        provider_id, model = widget.choice()
        if provider_id not in self.providers:
            return False
        self.run.set_spec(widget.key, self._spec(provider_id, model))
        return True

    def _choice_changed(self, widget: CompareColumn) -> None:
        self._update_spec(widget)
        self._save_columns()

    def refresh_credentials(self) -> None:
        """Mark providers that still need a key (one keyring round trip, in a worker thread)."""
        self.credentials_task = spawn(self._check_credentials(), name="compare keys")

    async def _check_credentials(self) -> None:
        self.marks = await pickers.credential_marks(self.providers)
        for widget in self.columns():
            widget.set_marks(self.marks)

    # ----- asking ---------------------------------------------------------------------------------
    def send(self) -> bool:
        """Put the prompt to every column; False (nothing done) while one runs or it is empty."""
        text = self.composer.toPlainText()
        if self.run.busy or not text.strip():
            return False
        for widget in self.columns():
            self._update_spec(widget)
        self._save_columns()
        return self.run.start(text, self.system_prompt.toPlainText())

    def stop_column(self, key: int) -> None:
        if key in self.column_widgets:
            self.run.stop(key)

    def retry_column(self, key: int) -> bool:
        widget = self.column_widgets.get(key)
        if widget is None or not self._update_spec(widget):
            return False
        return self.run.retry(key)

    def stop_all(self) -> None:
        self.run.stop()

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

    # ----- settings -------------------------------------------------------------------------------
    def _restore_columns(self) -> None:
        saved = self.settings.get(COLUMNS_KEY)
        entries = (
            [entry for entry in saved if isinstance(entry, dict)] if isinstance(saved, list) else []
        )
        for entry in entries[:MAX_COLUMNS]:
            provider_id, model = entry.get("provider"), entry.get("model")
            if isinstance(provider_id, str) and provider_id in self.providers:
                self.add_column(provider_id, model if isinstance(model, str) else None)
        while len(self.columns()) < MIN_COLUMNS:
            self.add_column()

    def _save_columns(self) -> None:
        if not self.column_widgets:
            return
        entries = [
            {"provider": pid, "model": model} for pid, model in (w.choice() for w in self.columns())
        ]
        if self.settings.get(COLUMNS_KEY) != entries:
            try:
                self.settings.set(COLUMNS_KEY, entries)
            except OSError as error:
                log.info("could not save the comparison's columns: %s", error)

    def _restore_geometry(self) -> None:
        saved = self.settings.get(GEOMETRY_KEY)
        if isinstance(saved, str) and self.restoreGeometry(
            QByteArray.fromBase64(saved.encode("ascii"))
        ):
            return
        self.resize(DEFAULT_SIZE)

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
        self.stop_button.setIcon(icon("stop", QColor(p.background).name()))
        for widget in self.columns():
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

    # ----- lifetime -------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.run.stop()  # answers keep what they streamed; reopening shows them
        for widget in self.columns():
            widget.shutdown()
        try:
            geometry = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
            self.settings.set(GEOMETRY_KEY, geometry)
        except OSError as error:
            log.info("could not save the comparison window's geometry: %s", error)
        super().closeEvent(event)


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


def open_compare_window(parent: QWidget | None = None, prompt: str = "") -> CompareWindow:
    """Show the comparison window of ``parent`` (one per parent, created on first use).

    It shares ``parent.settings`` when the parent has one (the main window), so both windows
    write the same settings; ``prompt`` prefills its prompt unless it is busy.
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
        window = CompareWindow(settings, parent, prompt=prompt)
        if parent is None:
            _parentless.append(window)
    window.show()
    window.raise_()
    window.activateWindow()
    window.composer.setFocus()
    return window
