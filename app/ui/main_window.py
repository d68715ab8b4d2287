"""The main window: pick a provider and a model, tune parameters, chat.

It only shows state and forwards intent: the conversation is an ``app.core.session.ChatSession``,
preferences are ``app.core.settings.Settings``, secrets go through ``app.core.secrets`` (worker
threads). Network work (model lists, answers) runs as asyncio tasks on the qasync loop.

Two steps (``application.start_window``): the constructor builds and shows the window's shell
with Qt and the settings only; ``start()``, called once the shell has been painted and the
asyncio loop exists, adds the chat view, the session and the providers. So the modules behind
those (asyncio, Markdown, Pygments, httpx, keyring, sqlite3) are imported inside methods here.

History: the session saves the conversation as it happens (``app.core.history``, opened in
``start()``); the history panel on the left lists, searches and reopens conversations. A
history that cannot be opened (damaged, newer) is reported and the window works without it.
"""

from __future__ import annotations

import logging
import time
from string import Template
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QEvent, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QColor,
    QDesktopServices,
    QGuiApplication,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.settings import Settings

from . import application, theme
from .application import RESOURCES, icon
from .composer import ComposerBar, hint_label
from .provider_picker import NEEDS_KEY, NEEDS_SIGN_IN, ProviderPicker

if TYPE_CHECKING:
    import asyncio
    from types import ModuleType

    from app.core.history import History
    from app.core.session import ChatSession, RequestConfig, Turn
    from providers.types import BaseProvider

    from .chat_view import ChatView
    from .history_panel import HistoryPanel
    from .settings_form import SettingsForm

log = logging.getLogger(__name__)

DEFAULT_SIZE = QSize(1180, 780)
# Reopening a conversation rebuilds its bubbles; the chat view costs ~5-15 ms per message
# (widgets, Markdown), so they are added a frame's budget at a time, and only the most recent
# ones until the user asks for the rest.
RESTORE_RECENT = 40
RESTORE_BUDGET_MS = 25


# ----- look ---------------------------------------------------------------------------------------


def window_style(dark: bool) -> str:
    """The window's QSS (``resources/styles/window.qss``) with the theme's colours."""
    p = theme.palette_for(dark)
    window = QGuiApplication.palette().window().color()
    values = {
        "text": p.text, "muted": p.muted, "chat_background": p.background,
        "window": window.name(), "panel": window.name(), "base": p.answer_bubble,
        "border": p.answer_border, "hover": p.button_hover, "accent": p.link,
        "disabled_accent": "#3d4a63" if dark else "#b6c8ee",
        "error_bg": p.error_background, "error_text": p.error_text,
        "error_border": "#8e1f1b" if dark else "#f5c2bf",
        "warn_bg": "#3b2e12" if dark else "#fff8e1",
        "warn_border": "#6b5210" if dark else "#f0d98a",
        "info_bg": p.user_bubble, "info_border": p.user_border,
        "success": "#3fb950" if dark else "#1a7f37",
        "placeholder": "#6e7681" if dark else "#8c959f",
    }  # fmt: skip
    try:
        template = (RESOURCES / "styles" / "window.qss").read_text(encoding="utf-8")
    except OSError:
        return ""
    return Template(template).safe_substitute(values)


# ----- small widgets ------------------------------------------------------------------------------


class EmptyState(QLabel):
    """What an empty conversation shows, centred over the chat view (which it follows)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("emptyState")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hide()

    def set_target(self, label: str, model: str) -> None:
        who = _html(f"{label} · {model}" if model else label)
        self.setText(
            f"<p style='font-size:15pt; font-weight:600'>Start a conversation</p>"
            f"<p>Ask {who} anything.</p>"
        )

    def fit(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect().adjusted(40, 40, -40, -40))

    def eventFilter(self, watched: Any, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Banner(QFrame):
    """One message above the conversation (model list failed, key missing, ...), with actions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.tag = ""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.setSpacing(8)
        self.text = QLabel()
        self.text.setObjectName("bannerText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)  # messages may quote a server
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.text, 1)
        self._actions = QHBoxLayout()
        self._actions.setSpacing(6)
        layout.addLayout(self._actions)
        self.close_button = QToolButton()
        self.close_button.setObjectName("bannerClose")
        self.close_button.setAutoRaise(True)
        self.close_button.setText("✕")
        self.close_button.setToolTip("Dismiss")
        self.close_button.clicked.connect(lambda: self.dismiss())
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_message(
        self, tag: str, kind: str, text: str, actions: list[tuple[str, Any]] | None = None
    ) -> None:
        self.tag = tag
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self.text.setText(text)
        for button in self.action_buttons():
            self._actions.removeWidget(button)
            button.deleteLater()
        for label, callback in actions or []:
            button = QPushButton(label)
            button.setObjectName(f"bannerAction_{label.strip('.…').replace(' ', '_')}")
            button.clicked.connect(callback)
            self._actions.addWidget(button)
        self.show()

    def dismiss(self, tag: str | None = None) -> None:
        """Hide the banner (only if it shows ``tag``, when given)."""
        if tag is None or tag == self.tag:
            self.tag = ""
            self.hide()

    def action_buttons(self) -> list[QPushButton]:
        items = (self._actions.itemAt(i) for i in range(self._actions.count()))
        return [
            widget
            for item in items
            if item is not None and isinstance(widget := item.widget(), QPushButton)
        ]


# ----- the session ↔ view bridge ------------------------------------------------------------------


class _ViewListener:
    """Mirrors what the session reports into the chat view (and the window's controls).

    A ``app.core.session.SessionListener`` (every method of it is here; not a subclass only so
    that the session module is imported after the first paint)."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.to_view: dict[int, int] = {}  # session turn index → chat view message index

    def message_added(self, index: int, turn: Turn) -> None:
        self.to_view[index] = self.view.add_user_message(turn.content)
        self.window.empty_state.hide()

    def answer_started(self, index: int, turn: Turn) -> None:
        self.to_view[index] = self.view.begin_answer(turn.title)

    def text_received(self, index: int, text: str) -> None:
        self.view.append_text(self.to_view[index], text)

    def reasoning_received(self, index: int, text: str) -> None:
        self.view.append_reasoning(self.to_view[index], text)

    def login_requested(self, index: int, label: str, url: str) -> None:
        self.window.offer_login(label, url)

    def answer_finished(self, index: int, turn: Turn) -> None:
        self.view.finish_answer(
            self.to_view[index], usage=turn.usage, elapsed=turn.elapsed,
            finish_reason=turn.finish_reason, stopped=turn.stopped,
        )  # fmt: skip
        self.window.answerEnded.emit(index)

    def answer_failed(self, index: int, turn: Turn) -> None:
        self.view.fail_answer(self.to_view[index], turn.error or "The request failed.")
        self.window.answerEnded.emit(index)

    @property
    def view(self) -> ChatView:
        view = self.window.chat_view
        assert view is not None, "the chat view is created before anything can be sent"
        return view

    def truncated(self, index: int) -> None:
        if self.window.chat_view is None:
            return
        # The first bubble of turn ``index`` or later (earlier turns may not be shown at all).
        shown = [view_index for turn, view_index in self.to_view.items() if turn >= index]
        view_index = min(shown, default=self.view.message_count())
        if view_index == 0:
            self.view.clear()
        else:
            self.view.remove_from(view_index)
        self.to_view = {k: v for k, v in self.to_view.items() if k < index}
        self.window.empty_state.setVisible(index == 0)
        if index == 0:
            self.window.show_earlier_strip(0)

    def busy_changed(self, busy: bool) -> None:
        self.window.set_busy(busy)

    def conversation_saved(self, conversation_id: int) -> None:
        panel = self.window.history_panel
        if panel is not None:
            panel.refresh()
            panel.set_current(conversation_id)

    def history_failed(self, message: str) -> None:
        self.window.banner.show_message("history", "warning", message)

    def restore(self, index: int, turn: Turn) -> None:
        """Show a stored turn as it ended: an answer gets its one final Markdown render."""
        view = self.view
        if turn.role == "user":
            self.to_view[index] = view.add_user_message(turn.content)
            return
        shown = self.to_view[index] = view.begin_answer(turn.title)
        if turn.reasoning:
            view.append_reasoning(shown, turn.reasoning)
        if turn.content:
            view.append_text(shown, turn.content)
        if turn.error:
            view.fail_answer(shown, turn.error)
        else:
            view.finish_answer(
                shown, usage=turn.usage, elapsed=turn.elapsed or 0.0,
                finish_reason=turn.finish_reason, stopped=turn.stopped,
            )  # fmt: skip

    def session_index(self, view_index: int) -> int | None:
        for session_index, shown in self.to_view.items():
            if shown == view_index:
                return session_index
        return None


# ----- the window ---------------------------------------------------------------------------------


class MainWindow(QMainWindow):
    """One conversation with one provider/model at a time (the comparison view is separate)."""

    painted = True  # until __init__ is done (events arrive while it runs); then the truth

    firstPainted = Signal()  # noqa: N815 - Qt signal naming
    answerEnded = Signal(int)  # noqa: N815 - Qt signal naming; a session index (tests wait on it)
    modelsLoaded = Signal(str)  # noqa: N815 - a provider id
    conversationOpened = Signal(int)  # noqa: N815 - a stored conversation is fully shown

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.providers: dict[str, type[BaseProvider]] = {}
        self.models_task: asyncio.Task[Any] | None = None
        self.credentials_task: asyncio.Task[Any] | None = None
        self.credentials_dialog: Any = None
        self.keyring_error: str | None = None
        self.history: History | None = None  # from start(); None when it cannot be opened
        self.history_error: str | None = None
        self._editing: int | None = None  # session index of the user message being edited
        self._restore_next = 0  # the next session turn to show while a conversation is restored
        self._restore_end = 0
        self._restore_timer = QTimer(self)
        self._restore_timer.setSingleShot(True)
        self._restore_timer.setInterval(0)
        self._restore_timer.timeout.connect(self._restore_step)
        self._dark = False
        self._applying_theme = False
        self._params_owner: str | None = None
        self._params_timer = QTimer(self)
        self._params_timer.setSingleShot(True)
        self._params_timer.setInterval(400)
        self._params_timer.timeout.connect(self.save_params)

        self.setObjectName("mainWindow")
        self.setWindowTitle("Roundtable")
        self.setUnifiedTitleAndToolBarOnMac(True)
        # The style sheet first: the widgets built below are then polished once, not twice.
        self._dark = application.apply_theme(self.settings.theme)
        self.setStyleSheet(window_style(self._dark))
        self._build_toolbar()
        self._build_central()
        self._build_menus()
        self._restore_geometry()

        self.listener = _ViewListener(self)
        self.session: ChatSession | None = None  # from start()
        self.is_started = False
        self._connect()
        self._apply_icons()
        self.painted = False

    # ----- construction ---------------------------------------------------------------------------
    def _build_toolbar(self) -> None:
        bar = QToolBar("Main")
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.setIconSize(QSize(18, 18))
        bar.toggleViewAction().setVisible(False)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.toolbar = bar

        self.provider_picker = ProviderPicker()
        self.model_picker = QComboBox()
        self.model_picker.setObjectName("modelPicker")
        self.model_picker.setAccessibleName("Model")
        self.model_picker.setToolTip("Model (you can also type a model name)")
        self.model_picker.setEditable(True)
        model_line = self.model_picker.lineEdit()
        assert model_line is not None  # an editable combo box has one
        model_line.setPlaceholderText("Model name")
        self._model_line = model_line
        self.model_picker.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.model_picker.setMinimumContentsLength(22)
        self.model_picker.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.model_picker.setMaxVisibleItems(24)
        self.models_busy = QProgressBar()
        self.models_busy.setObjectName("modelsBusy")
        self.models_busy.setRange(0, 0)
        self.models_busy.setTextVisible(False)
        self.models_busy.setFixedSize(56, 6)
        self.models_busy.setToolTip("Loading the model list…")
        self.reload_models_action = QAction("Reload models", self)
        self.reload_models_action.setToolTip("List the provider's models again")
        self.credentials_action = QAction("Credentials…", self)
        self.credentials_action.setToolTip("API key, base URL, proxy or sign-in for this provider")
        self.panel_action = QAction("Parameters", self)
        self.panel_action.setCheckable(True)
        self.panel_action.setToolTip("Show the system prompt and the parameters")
        self.new_chat_action = QAction("New chat", self)
        self.new_chat_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_chat_action.setToolTip("Start a new conversation (Ctrl+N)")
        self.history_action = QAction("History", self)
        self.history_action.setCheckable(True)
        self.history_action.setShortcut(QKeySequence("Ctrl+H"))
        self.history_action.setToolTip("Show the saved conversations (Ctrl+H)")
        bar.addWidget(self.provider_picker)
        bar.addWidget(self.model_picker)
        bar.addAction(self.reload_models_action)
        self._models_busy_action = bar.addWidget(self.models_busy)
        self._models_busy_action.setVisible(False)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        for action in (self.credentials_action, self.panel_action, self.new_chat_action):
            bar.addAction(action)
        for action, name in (
            (self.reload_models_action, "reloadModels"), (self.credentials_action, "credentials"),
            (self.panel_action, "togglePanel"), (self.new_chat_action, "newChat"),
        ):  # fmt: skip
            button = bar.widgetForAction(action)
            if button is not None:
                button.setObjectName(f"{name}Button")

    def _build_central(self) -> None:
        # The chat view (Markdown, Pygments) is created after the first paint: see start().
        self.chat_view: ChatView | None = None
        self._chat_placeholder = QWidget()
        self._chat_placeholder.setObjectName("chatPlaceholder")
        self.empty_state = EmptyState()
        self.banner = Banner()
        self.earlier_strip = QFrame()
        self.earlier_strip.setObjectName("earlierStrip")
        earlier = QHBoxLayout(self.earlier_strip)
        earlier.setContentsMargins(16, 4, 16, 4)
        self.earlier_label = QLabel()
        self.earlier_label.setProperty("role", "hint")
        self.show_earlier_button = QPushButton("Show them")
        self.show_earlier_button.setObjectName("showEarlier")
        self.show_earlier_button.setFlat(True)
        self.show_earlier_button.setCursor(Qt.CursorShape.PointingHandCursor)
        earlier.addWidget(self.earlier_label, 1)
        earlier.addWidget(self.show_earlier_button)
        self.earlier_strip.hide()

        composer_frame = ComposerBar("Send (Enter)", "Stop the answer (Esc)")
        self.composer = composer_frame.composer
        self.send_button = composer_frame.send_button
        self.stop_button = composer_frame.stop_button

        self.edit_strip = QFrame()
        self.edit_strip.setObjectName("editStrip")
        strip = QHBoxLayout(self.edit_strip)
        strip.setContentsMargins(4, 0, 4, 0)
        strip_label = QLabel("Editing a message: sending replaces it and everything after it.")
        self.cancel_edit_button = QPushButton("Cancel edit")
        self.cancel_edit_button.setObjectName("cancelEdit")
        self.cancel_edit_button.setFlat(True)
        strip.addWidget(strip_label, 1)
        strip.addWidget(self.cancel_edit_button)
        self.edit_strip.hide()

        self.composer_hint = hint_label("Enter to send · Shift+Enter for a new line · Esc to stop")

        bottom = QVBoxLayout()
        bottom.setContentsMargins(14, 6, 14, 8)
        bottom.setSpacing(4)
        bottom.addWidget(self.edit_strip)
        bottom.addWidget(composer_frame)
        bottom.addWidget(self.composer_hint)

        chat_column = QWidget()
        chat_column.setObjectName("chatColumn")
        column = QVBoxLayout(chat_column)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(self.earlier_strip)
        column.addWidget(self._chat_placeholder, 1)
        self._chat_column = column
        column.addLayout(bottom)

        self.system_prompt = QPlainTextEdit()
        self.system_prompt.setObjectName("systemPrompt")
        self.system_prompt.setAccessibleName("System prompt")
        self.system_prompt.setPlaceholderText("e.g. You are a concise assistant.")
        self.system_prompt.setTabChangesFocus(True)
        self.system_prompt.setFixedHeight(self.system_prompt.fontMetrics().lineSpacing() * 4 + 14)
        self.settings_form: SettingsForm | None = None  # from start(): it needs a provider

        panel_content = QWidget()
        panel_content.setObjectName("sidePanelContent")
        panel = QVBoxLayout(panel_content)
        panel.setContentsMargins(16, 14, 16, 14)
        panel.setSpacing(8)
        panel.addWidget(_heading("System prompt"))
        panel.addWidget(_hint("For this conversation; sent before your messages."))
        panel.addWidget(self.system_prompt)
        panel.addSpacing(10)
        panel.addWidget(_heading("Parameters"))
        panel.addWidget(
            _hint("Only the fields you change are sent; the others keep the provider's defaults.")
        )
        panel.addStretch(1)  # the settings form goes above it (start)
        self._panel = panel
        self.side_panel = QScrollArea()
        self.side_panel.setObjectName("sidePanel")
        self.side_panel.setWidgetResizable(True)
        self.side_panel.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.side_panel.setWidget(panel_content)
        self.side_panel.setMinimumWidth(280)

        # The history panel is created after the first paint too (start()); this holds its place.
        self.history_panel: HistoryPanel | None = None
        self._history_placeholder = QWidget()
        self._history_placeholder.setObjectName("historyPlaceholder")
        self._history_placeholder.setMinimumWidth(200)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(1)
        self.splitter.addWidget(self._history_placeholder)
        self.splitter.addWidget(chat_column)
        self.splitter.addWidget(self.side_panel)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([240, 800, 380])
        self.setCentralWidget(self.splitter)
        shown = self.settings.get("panel_visible", True) is not False
        self.side_panel.setVisible(shown)
        self.panel_action.setChecked(shown)
        history_shown = self.settings.get("history_visible", True) is not False
        self._history_placeholder.setVisible(history_shown)
        self.history_action.setChecked(history_shown)

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction(self.new_chat_action)
        file_menu.addSeparator()
        quit_action = file_menu.addAction("&Quit")
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)

        provider_menu = menu.addMenu("&Provider")
        provider_menu.addAction(self.credentials_action)
        provider_menu.addAction(self.reload_models_action)

        view_menu = menu.addMenu("&View")
        view_menu.addAction(self.history_action)
        view_menu.addAction(self.panel_action)
        compare_action = view_menu.addAction("&Compare side by side…")
        compare_action.setShortcut(QKeySequence("Ctrl+Shift+K"))
        compare_action.setToolTip("Put one prompt to several providers and models at once")
        compare_action.triggered.connect(self.open_compare)
        self.compare_action = compare_action
        view_menu.addSeparator()
        theme_menu = view_menu.addMenu("&Theme")
        self.theme_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        for choice, text in (
            ("system", "Follow the &system"),
            ("light", "&Light"),
            ("dark", "&Dark"),
        ):
            action = theme_menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(choice == self.settings.theme)
            action.triggered.connect(lambda _=False, c=choice: self.set_theme(c))
            group.addAction(action)
            self.theme_actions[choice] = action

    def open_compare(self) -> QWidget:
        """The side-by-side window, prefilled with what is in the composer."""
        from .compare_view import open_compare_window  # built on demand, not at start-up

        return open_compare_window(self, self.composer.toPlainText())

    def _connect(self) -> None:
        self.provider_picker.providerChanged.connect(self._provider_changed)
        self.model_picker.currentIndexChanged.connect(lambda _index: self._model_changed())
        self._model_line.editingFinished.connect(self._model_changed)
        self.composer.submitted.connect(self.send)
        self.send_button.clicked.connect(self.send)
        self.stop_button.clicked.connect(self.stop)
        self.cancel_edit_button.clicked.connect(self.cancel_edit)
        self.new_chat_action.triggered.connect(self.new_chat)
        self.credentials_action.triggered.connect(lambda: self.open_credentials())
        self.reload_models_action.triggered.connect(lambda: self.load_models())
        self.panel_action.toggled.connect(self._toggle_panel)
        self.history_action.toggled.connect(self._toggle_history)
        self.show_earlier_button.clicked.connect(lambda: self.show_all_messages())
        stop = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        stop.setContext(Qt.ShortcutContext.WindowShortcut)
        stop.activated.connect(self._escape)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_scheme_changed)

    # ----- the two start-up steps -----------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        if not self.painted and event.type() == QEvent.Type.Paint:
            self.painted = True
            self.firstPainted.emit()
        return super().event(event)

    def start(self) -> None:
        """The rest of the window, once the asyncio loop exists: chat view, session, providers,
        then (as tasks) the credential check and the model list."""
        if self.is_started:
            return
        from app.core.session import ChatSession

        self.is_started = True
        self._create_chat_view()
        self._create_settings_form()
        self._create_history_panel()
        self._open_history()
        self.session = ChatSession(
            self._placeholder_config(), listener=self.listener,  # type: ignore[arg-type]  # a SessionListener by duck typing
            history=self.history,
        )  # fmt: skip
        self.load_providers()
        # Start-up problems, each shown once: a damaged settings file (kept aside), no history.
        notices = [text for text in (self.settings.problem, self.history_error) if text]
        if notices:
            tag = "history" if self.history_error else "settings"
            self.banner.show_message(tag, "warning", "\n\n".join(notices))
        self.settings.problem = None

    def _create_history_panel(self) -> None:
        from .history_panel import HistoryPanel

        panel = HistoryPanel()
        panel.setMinimumWidth(200)
        panel.set_dark(self._dark)
        panel.new_button.setIcon(icon("new-chat", theme.palette_for(self._dark).text))
        panel.openRequested.connect(self.open_conversation)
        panel.newChatRequested.connect(self.new_chat)
        panel.conversationDeleted.connect(self._conversation_deleted)
        panel.notice.connect(lambda kind, text: self.banner.show_message("history", kind, text))
        self.splitter.replaceWidget(0, panel)  # first: shown without a parent it is a window
        panel.setVisible(self.history_action.isChecked())
        self._history_placeholder.deleteLater()
        self.history_panel = panel

    def _open_history(self) -> None:
        """Open the history database; if it cannot be used, say why and go on without it (the
        file is left as it is: it may be recoverable, or belong to a newer version)."""
        from app.core.history import History, HistoryError

        try:
            self.history = History()
        except HistoryError as error:
            self.history_error = f"History is off: {error}"
        except OSError as error:
            self.history_error = f"History is off: its folder cannot be used ({error})."
        if self.history_panel is not None:
            self.history_panel.set_history(self.history, self.history_error or "")

    def _create_settings_form(self) -> None:
        from .settings_form import SettingsForm

        form = SettingsForm()
        self._panel.insertWidget(self._panel.count() - 1, form)
        form.valuesChanged.connect(self._save_params_later)
        self.settings_form = form

    def _create_chat_view(self) -> None:
        from .chat_view import ChatView

        view = ChatView()
        self._chat_column.replaceWidget(self._chat_placeholder, view)
        self._chat_placeholder.deleteLater()
        self.empty_state.setParent(view)
        view.installEventFilter(self.empty_state)
        self.empty_state.fit()
        self.empty_state.show()
        view.stopRequested.connect(self.stop)
        view.retryRequested.connect(self._retry)
        view.regenerateRequested.connect(self._regenerate)
        view.editRequested.connect(self._edit)
        view.linkActivated.connect(self.open_link)
        view.set_dark(self._dark)
        self.chat_view = view

    # ----- providers and models -------------------------------------------------------------------
    def load_providers(self) -> None:
        """Fill the picker from the registry; then check credentials and list models."""
        from providers import registry

        self.providers = dict(registry.all_providers())
        entries = [(pid, _label(p)) for pid, p in self.providers.items()]
        self.provider_picker.set_providers(entries)
        wanted = self.settings.provider_id
        if wanted not in self.providers:
            wanted = next(iter(self.providers), None)
        if wanted is None:
            self.banner.show_message("providers", "error", "No provider is installed.")
            return
        self.provider_picker.select(wanted, emit=False)
        self._provider_changed(wanted, save=False)
        self.refresh_credentials()

    def current_provider(self) -> tuple[str, type[BaseProvider]] | None:
        pid = self.provider_picker.current_id()
        if pid is None or pid not in self.providers:
            return None
        return pid, self.providers[pid]

    def current_model(self) -> str:
        return self.model_picker.currentText().strip()

    def _provider_changed(self, pid: str, *, save: bool = True) -> None:
        provider = self.providers.get(pid)
        if provider is None:
            return
        if self._params_owner is not None:
            self.save_params()  # the previous provider's pending edits
        if save:
            self.settings.provider_id = pid
        self.banner.dismiss()
        if self.settings_form is not None:
            self.settings_form.set_provider(provider, self.settings.params_for(pid))
        label = _label(provider)
        self.composer.setPlaceholderText(f"Message {label}…")
        self._fill_models(provider, pid, [])
        self.load_models()

    @staticmethod
    def _offline_models(provider: type[BaseProvider]) -> list[str]:
        """The list shown before (or instead of) the live one: the provider's known or cached
        models, else its built-in fallback list, else its default model.

        Deliberately not ``get_models()``: outside a running loop (the CLI path, spec 8) it
        may list over the network, synchronously.
        """
        for attribute in ("models", "fallback_models"):
            value = getattr(provider, attribute, None)
            if isinstance(value, list | tuple) and value:
                return [str(model) for model in value]
        default = getattr(provider, "default_model", None)
        return [str(default)] if default else []

    def _fill_models(self, provider: type[BaseProvider], pid: str, models: list[str]) -> None:
        wanted = self.settings.model_for(pid) or str(getattr(provider, "default_model", "") or "")
        picker = self.model_picker
        picker.blockSignals(True)
        try:
            picker.clear()
            default = getattr(provider, "default_model", None)
            for model in models:
                picker.addItem(model)
                if model == default:
                    picker.setItemData(
                        picker.count() - 1, "Default model", Qt.ItemDataRole.ToolTipRole
                    )
            if wanted and picker.findText(wanted) >= 0:
                picker.setCurrentIndex(picker.findText(wanted))
            elif wanted:
                picker.setEditText(wanted)  # a remembered name the list does not (yet) show
            elif models:
                picker.setCurrentIndex(0)
        finally:
            picker.blockSignals(False)
        self.empty_state.set_target(_label(provider), self.current_model())

    def load_models(self) -> None:
        """List the current provider's models in the background (the old listing is dropped)."""
        current = self.current_provider()
        if current is None:
            return
        if self.models_task is not None and not self.models_task.done():
            self.models_task.cancel()
        pid, provider = current
        self.models_task = application.spawn(self._list_models(pid, provider), name=f"models {pid}")

    async def _list_models(self, pid: str, provider: type[BaseProvider]) -> None:
        from providers.errors import MissingAuthError, ProviderError

        self._fill_models(provider, pid, self._offline_models(provider))
        lister = getattr(provider, "get_models_async", None)
        if lister is None:
            return
        self._models_busy(True)
        label = _label(provider)
        try:
            kwargs: dict[str, Any] = dict(self.settings.connection_for(pid))
            for name, value in (await _secrets().request_secrets(provider, pid)).items():
                kwargs.setdefault(name, value)
            keyless = getattr(provider, "needs_auth", False) and "api_key" not in kwargs
            if keyless and _secrets().has_api_key_field(provider):
                self._offer_credentials(pid, label)
                return
            models = list(await lister(strict=True, **kwargs))
        except NotImplementedError:
            return  # no live list: the built-in one stays
        except MissingAuthError as error:
            self._offer_credentials(pid, label, f"{error}")
            return
        except ProviderError as error:
            if self.provider_picker.current_id() == pid:
                self.banner.show_message(
                    "models", "warning",
                    f"Could not list the models of {label}: {error} The built-in list is shown.",
                    [("Retry", lambda: self.load_models()),
                     ("Credentials…", lambda: self.open_credentials(pid))],
                )  # fmt: skip
            return
        finally:
            if self.provider_picker.current_id() == pid:
                self._models_busy(False)
        if self.provider_picker.current_id() != pid:
            return
        self.banner.dismiss("models")
        if models:
            self._fill_models(provider, pid, models)
        self.modelsLoaded.emit(pid)

    def _models_busy(self, busy: bool) -> None:
        self._models_busy_action.setVisible(busy)  # a toolbar widget is shown via its action
        self.reload_models_action.setEnabled(not busy)

    def _model_changed(self) -> None:
        current = self.current_provider()
        if current is not None:
            self.empty_state.set_target(_label(current[1]), self.current_model())
        if current is not None and self.settings.model_for(current[0]) != (
            self.current_model() or None
        ):
            self.settings.set_model_for(current[0], self.current_model() or None)

    def _save_params_later(self) -> None:
        """Typing in a field changes it per key: write the settings file once typing pauses."""
        self._params_owner = self.provider_picker.current_id()
        self._params_timer.start()

    def save_params(self) -> None:
        self._params_timer.stop()
        pid = self._params_owner
        if pid is not None and pid == self.provider_picker.current_id():
            self.settings.set_params_for(
                pid, self.settings_form.values() if self.settings_form else {}
            )
        self._params_owner = None

    # ----- credentials ----------------------------------------------------------------------------
    def refresh_credentials(self) -> None:
        """Mark providers that still need a key (one keyring round trip, in a worker thread)."""
        self.credentials_task = application.spawn(self._check_credentials(), name="credentials")

    async def _check_credentials(self) -> None:
        from providers.errors import SecretStoreError

        try:
            names = await _secrets().stored_names()
            self.keyring_error = None
        except SecretStoreError as error:
            names = set()
            self.keyring_error = str(error)
        for pid, provider in self.providers.items():
            ready = _secrets().credential_status(provider, pid, names)
            mark = NEEDS_SIGN_IN if _secrets().is_login_provider(provider) else NEEDS_KEY
            self.provider_picker.set_needs_key(pid, not ready, mark)
        current = self.current_provider()
        if current is not None and self.provider_picker.needs_key(current[0]):
            self._offer_credentials(current[0], _label(current[1]))

    def _offer_credentials(self, pid: str, label: str, detail: str | None = None) -> None:
        if self.provider_picker.current_id() != pid:
            return
        provider = self.providers[pid]
        what = "a sign-in" if _secrets().is_login_provider(provider) else "an API key"
        text = detail or f"{label} needs {what} before it can answer."
        if self.keyring_error:
            text += f" {self.keyring_error}"
        action = "Add key…" if what == "an API key" else "Sign in…"
        self.banner.show_message(
            "credentials", "info", text, [(action, lambda: self.open_credentials(pid))]
        )

    def open_credentials(self, pid: str | None = None) -> Any:
        """Open the credentials dialog for ``pid`` (default: the current provider)."""
        from .credentials_dialog import CredentialsDialog  # only when asked for

        pid = pid or self.provider_picker.current_id()
        if pid is None or pid not in self.providers:
            return None
        dialog = CredentialsDialog(self.providers[pid], pid, self.settings, self)
        dialog.saved.connect(self._credentials_saved)
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        self.credentials_dialog = dialog
        dialog.open()
        return dialog

    def _credentials_saved(self, pid: str) -> None:
        self.banner.dismiss("credentials")
        self.refresh_credentials()
        if pid == self.provider_picker.current_id():
            self.load_models()

    def offer_login(self, label: str, url: str) -> None:
        """A provider asked the user to sign in: offer the dialog, or the page (on click only)."""
        current = self.current_provider()
        actions: list[tuple[str, Any]] = []
        if current is not None and _secrets().is_login_provider(current[1]):
            actions.append(("Sign in…", lambda: self.open_credentials(current[0])))
        elif url:
            actions.append(("Open sign-in page", lambda: self.open_link(url)))
        self.banner.show_message("login", "info", f"{label} asks you to sign in.", actions)

    # ----- chatting -------------------------------------------------------------------------------
    def _placeholder_config(self) -> RequestConfig:
        from app.core.session import RequestConfig
        from providers.types import BaseProvider

        return RequestConfig(provider=BaseProvider, provider_id="")

    def request_config(self) -> RequestConfig | None:
        current = self.current_provider()
        if current is None:
            return None
        pid, provider = current
        connection = self.settings.connection_for(pid)
        from app.core.session import RequestConfig

        params = self.settings_form.values() if self.settings_form is not None else {}
        return RequestConfig(
            provider=provider, provider_id=pid, model=self.current_model(), params=params,
            base_url=connection.get("base_url"), proxy=connection.get("proxy"),
        )  # fmt: skip

    def _prepare(self) -> bool:
        """Bring the session up to date with the controls; False (with a message) if it cannot."""
        if self.settings_form is None or self.session is None:
            return False  # not started yet
        self._finish_restore()  # what follows must land after every restored bubble
        errors = self.settings_form.errors()
        if errors:
            names = ", ".join(errors)
            self.banner.show_message(
                "params", "error",
                f"Fix or unset the marked parameter{'s' if len(errors) > 1 else ''} ({names}) "
                "before sending: invalid values are never sent.",
            )  # fmt: skip
            self.panel_action.setChecked(True)
            return False
        config = self.request_config()
        if config is None or self.session is None:
            return False
        self.banner.dismiss("params")
        self._model_changed()
        if self._params_owner is not None:
            self.save_params()
        self.session.config = config
        self.session.system_prompt = self.system_prompt.toPlainText()
        return True

    def send(self) -> None:
        text = self.composer.toPlainText()
        session = self.session
        if session is None or session.busy or not text.strip() or not self._prepare():
            return
        if self._editing is not None:
            sent = session.edit_and_resend(self._editing, text)
        else:
            sent = session.send(text)
        if sent:
            self.composer.clear()
            self.cancel_edit()

    def stop(self) -> None:
        if self.session is not None:
            self.session.stop()

    def _escape(self) -> None:
        if self.session is not None and self.session.busy:
            self.stop()
        elif self._editing is not None:
            self.cancel_edit()
            self.composer.clear()

    def new_chat(self) -> None:
        """A fresh conversation; the system prompt stays as the new one's starting point."""
        self._restore_timer.stop()
        if self.session is not None:
            self.session.clear()
        self.cancel_edit()
        self.composer.clear()
        self.composer.setFocus()
        if self.history_panel is not None:
            self.history_panel.set_current(None)

    # ----- history --------------------------------------------------------------------------------
    def open_conversation(self, conversation_id: int) -> bool:
        """Continue a saved conversation: its messages, system prompt, provider and model."""
        import sqlite3

        from app.core.history import HistoryError

        session, panel = self.session, self.history_panel
        if session is None or self.chat_view is None or panel is None:
            return False
        if conversation_id == session.conversation_id:
            return True
        self._restore_timer.stop()
        try:
            conversation = session.open_conversation(conversation_id)
        except (sqlite3.Error, KeyError, HistoryError) as error:
            self.banner.show_message(
                "history", "error", f"The conversation could not be opened: {error}"
            )
            panel.refresh()
            panel.set_current(session.conversation_id)
            return False
        self.cancel_edit()
        self.system_prompt.setPlainText(conversation.system_prompt)
        self._select_target(conversation.provider, conversation.model)
        panel.set_current(conversation_id)
        self._restore_view(max(0, len(session.turns) - RESTORE_RECENT))
        self.composer.setFocus()
        return True

    def _select_target(self, pid: str, model: str) -> None:
        """Pick the provider and model a conversation was held with, as the user would."""
        if not pid:
            return
        provider = self.providers.get(pid)
        if provider is None:
            current = self.current_provider()
            instead = f" New answers come from {_label(current[1])}." if current else ""
            self.banner.show_message(
                "history", "info",
                f"This conversation was held with “{pid}”, which is not installed.{instead}",
            )  # fmt: skip
            return
        if model:
            self.settings.set_model_for(pid, model)  # what the model list preselects
        if self.provider_picker.current_id() != pid:
            self.provider_picker.select(pid)  # lists its models, preselecting ``model``
            return
        index = self.model_picker.findText(model)
        if index >= 0:
            self.model_picker.setCurrentIndex(index)
        elif model:
            self.model_picker.setEditText(model)
        self._model_changed()

    def _restore_view(self, first: int) -> None:
        """Show the session's turns from ``first`` on, starting now and continuing a frame's
        budget at a time (so a long conversation never freezes the window)."""
        view, session = self.chat_view, self.session
        if view is None or session is None:
            return
        self._restore_timer.stop()
        view.clear()
        self.listener.to_view = {}
        self.show_earlier_strip(first)
        self.empty_state.setVisible(not session.turns)
        self._restore_next, self._restore_end = first, len(session.turns)
        self._restore_step()

    def _restore_step(self, budget_ms: float | None = RESTORE_BUDGET_MS) -> None:
        session = self.session
        if session is None:
            return
        deadline = None if budget_ms is None else time.perf_counter() + budget_ms / 1000
        while self._restore_next < self._restore_end:
            index = self._restore_next
            self._restore_next += 1
            self.listener.restore(index, session.turns[index])
            if deadline is not None and time.perf_counter() >= deadline:
                break
        if self._restore_next < self._restore_end:
            self._restore_timer.start()
            return
        if self.chat_view is not None:
            self.chat_view.scroll_to_bottom()
        self.conversationOpened.emit(session.conversation_id or 0)

    def _finish_restore(self) -> None:
        if self._restore_timer.isActive():
            self._restore_timer.stop()
            self._restore_step(None)

    def show_earlier_strip(self, hidden: int) -> None:
        """Say that the first ``hidden`` messages of the conversation are not shown (0: hide)."""
        self.earlier_strip.setVisible(hidden > 0)
        plural = "s" if hidden != 1 else ""
        self.earlier_label.setText(f"{hidden} earlier message{plural} not shown.")

    def show_all_messages(self) -> None:
        """Show the whole conversation (not while an answer streams into it)."""
        if self.session is not None and not self.session.busy:
            self._restore_view(0)

    def _conversation_deleted(self, conversation_id: int) -> None:
        if self.session is not None and self.session.conversation_id == conversation_id:
            self.new_chat()

    def _toggle_history(self, shown: bool) -> None:
        panel = self.history_panel
        (panel if panel is not None else self._history_placeholder).setVisible(shown)
        if self.settings.get("history_visible", True) is not shown:
            self.settings.set("history_visible", None if shown else False)

    def _retry(self, view_index: int) -> None:
        index = self.listener.session_index(view_index)
        if index is not None and self._prepare() and self.session is not None:
            self.session.retry(index)

    def _regenerate(self, view_index: int) -> None:
        index = self.listener.session_index(view_index)
        if index is not None and self._prepare() and self.session is not None:
            self.session.regenerate(index)

    def _edit(self, view_index: int, text: str) -> None:
        index = self.listener.session_index(view_index)
        if index is None or self.session is None or self.session.busy:
            return
        self._finish_restore()
        self._editing = index
        self.composer.setPlainText(text)
        cursor = self.composer.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.composer.setTextCursor(cursor)
        self.edit_strip.show()
        self.composer.setFocus()

    def cancel_edit(self) -> None:
        self._editing = None
        self.edit_strip.hide()

    def set_busy(self, busy: bool) -> None:
        self.send_button.setVisible(not busy)
        self.stop_button.setVisible(busy)
        self.show_earlier_button.setEnabled(not busy)

    def open_link(self, url: str) -> bool:
        """Open a web link the user clicked; anything but http(s) is refused."""
        qurl = QUrl(url)
        if not qurl.isValid() or qurl.scheme() not in ("http", "https"):
            log.debug("refused to open a %r link", qurl.scheme())
            return False
        return QDesktopServices.openUrl(qurl)

    # ----- look -----------------------------------------------------------------------------------
    def set_theme(self, choice: str) -> None:
        self.settings.theme = choice
        if choice in self.theme_actions:
            self.theme_actions[choice].setChecked(True)
        self._apply_theme(choice)

    def _apply_theme(self, choice: str) -> None:
        self._applying_theme = True
        try:
            self._dark = application.apply_theme(choice)
        finally:
            self._applying_theme = False
        if self.chat_view is not None:
            self.chat_view.set_dark(self._dark)
        self.setStyleSheet(window_style(self._dark))
        if self.history_panel is not None:
            self.history_panel.set_dark(self._dark)
        self._apply_icons()

    def _system_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if not self._applying_theme and self.settings.theme == "system":
            QTimer.singleShot(0, lambda: self._apply_theme("system"))

    def _apply_icons(self) -> None:
        text = theme.palette_for(self._dark).text
        self.credentials_action.setIcon(icon("key", text))
        self.panel_action.setIcon(icon("sliders", text))
        self.new_chat_action.setIcon(icon("new-chat", text))
        if self.history_panel is not None:
            self.history_panel.new_button.setIcon(icon("new-chat", text))
        self.reload_models_action.setIcon(icon("refresh", text))
        self.send_button.setIcon(icon("send", "#ffffff"))
        background = QColor(theme.palette_for(self._dark).background).name()
        self.stop_button.setIcon(icon("stop", background))

    def is_dark(self) -> bool:
        return self._dark

    def _toggle_panel(self, shown: bool) -> None:
        self.side_panel.setVisible(shown)
        if self.settings.get("panel_visible", True) is not shown:
            self.settings.set("panel_visible", None if shown else False)

    # ----- lifetime -------------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        saved = self.settings.geometry
        if saved and self.restoreGeometry(QByteArray.fromBase64(saved.encode("ascii"))):
            return
        self.resize(DEFAULT_SIZE)

    def shutdown(self) -> None:
        """Stop what still runs (answers close their responses); used on close and on quit."""
        self.stop()
        self._restore_timer.stop()
        if self.models_task is not None and not self.models_task.done():
            self.models_task.cancel()
        if self.history_panel is not None:
            self.history_panel.shutdown()
        self._close_history()

    def _close_history(self) -> None:
        """Close the database once the stopped answer has saved its end (the task's last step)."""
        history, self.history = self.history, None
        if history is None:
            return
        task = self.session.task if self.session is not None else None
        if task is not None and not task.done():
            task.add_done_callback(lambda _task: history.close())
        else:
            history.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._params_owner is not None:
            self.save_params()
        try:
            self.settings.geometry = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        except OSError as error:
            log.info("could not save the window geometry: %s", error)
        self.shutdown()
        super().closeEvent(event)


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "heading")
    return label


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "hint")
    label.setWordWrap(True)
    return label


def _label(provider: type[BaseProvider]) -> str:
    from providers.registry import provider_label

    return provider_label(provider)


def _secrets() -> ModuleType:
    from app.core import secrets

    return secrets
