"""The main window: pick a provider and a model, tune parameters, chat.

It only shows state and forwards intent: the conversation is an ``app.core.session.ChatSession``,
preferences are ``app.core.settings.Settings``, secrets go through ``app.core.secrets`` (worker
threads). Network work (model lists, answers) runs as asyncio tasks on the qasync loop.
"""

from __future__ import annotations

import asyncio
import logging
from string import Template
from typing import Any

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QColor,
    QDesktopServices,
    QGuiApplication,
    QIcon,
    QKeyEvent,
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

from app.core import secrets
from app.core.session import ChatSession, RequestConfig, SessionListener, Turn
from app.core.settings import Settings
from providers import registry
from providers.errors import MissingAuthError, ProviderError, SecretStoreError
from providers.types import BaseProvider

from . import application, theme
from .application import RESOURCES, icon
from .chat_view import ChatView
from .provider_picker import NEEDS_KEY, NEEDS_SIGN_IN, ProviderPicker
from .settings_form import SettingsForm

log = logging.getLogger(__name__)

COMPOSER_MAX_LINES = 8
DEFAULT_SIZE = QSize(1180, 780)


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


class Composer(QPlainTextEdit):
    """The message box: Enter sends, Shift+Enter starts a new line; grows up to a few lines."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self.setAccessibleName("Message")
        self.setTabChangesFocus(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().setDocumentMargin(6)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self._fit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            modifiers = event.modifiers()
            if modifiers & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
                return
            if not modifiers & (Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier):
                self.submitted.emit()
                return
        super().keyPressEvent(event)

    def _fit(self, *_: object) -> None:
        line = self.fontMetrics().lineSpacing()
        wanted = max(1, int(self.document().size().height()))
        lines = min(COMPOSER_MAX_LINES, wanted)
        margins = self.contentsMargins()
        extra = int(self.document().documentMargin() * 2) + margins.top() + margins.bottom() + 4
        self.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAsNeeded
            if wanted > COMPOSER_MAX_LINES
            else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        self.setFixedHeight(lines * line + extra)


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
        while self._actions.count():
            widget = self._actions.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
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
        return [
            widget
            for i in range(self._actions.count())
            if isinstance(widget := self._actions.itemAt(i).widget(), QPushButton)
        ]


# ----- the session ↔ view bridge ------------------------------------------------------------------


class _ViewListener(SessionListener):
    """Mirrors what the session reports into the chat view (and the window's controls)."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.view = window.chat_view
        self.to_view: dict[int, int] = {}  # session turn index → chat view message index

    def message_added(self, index: int, turn: Turn) -> None:
        self.to_view[index] = self.view.add_user_message(turn.content)

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

    def truncated(self, index: int) -> None:
        view_index = self.to_view.get(index, self.view.message_count())
        if view_index == 0:
            self.view.clear()
        else:
            self.view.remove_from(view_index)
        self.to_view = {k: v for k, v in self.to_view.items() if k < index}

    def busy_changed(self, busy: bool) -> None:
        self.window.set_busy(busy)

    def session_index(self, view_index: int) -> int | None:
        for session_index, shown in self.to_view.items():
            if shown == view_index:
                return session_index
        return None


# ----- the window ---------------------------------------------------------------------------------


class MainWindow(QMainWindow):
    """One conversation with one provider/model at a time (the comparison view is separate)."""

    answerEnded = Signal(int)  # noqa: N815 - Qt signal naming; a session index (tests wait on it)
    modelsLoaded = Signal(str)  # noqa: N815 - a provider id

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.providers: dict[str, type[BaseProvider]] = {}
        self.models_task: asyncio.Task[Any] | None = None
        self.credentials_task: asyncio.Task[Any] | None = None
        self.credentials_dialog: Any = None
        self.keyring_error: str | None = None
        self._editing: int | None = None  # session index of the user message being edited
        self._dark = False
        self._applying_theme = False
        self._params_owner: str | None = None
        self._params_timer = QTimer(self)
        self._params_timer.setSingleShot(True)
        self._params_timer.setInterval(400)
        self._params_timer.timeout.connect(self.save_params)

        self.setObjectName("mainWindow")
        self.setWindowTitle("Roundtable")
        self.setWindowIcon(QIcon(str(RESOURCES / "icons" / "app.svg")))
        self.setUnifiedTitleAndToolBarOnMac(True)
        self._build_toolbar()
        self._build_central()
        self._build_menus()
        self._restore_geometry()

        self.listener = _ViewListener(self)
        self.session = ChatSession(self._placeholder_config(), listener=self.listener)
        self._connect()
        self._apply_theme(self.settings.theme)
        self.load_providers()

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
        self.chat_view = ChatView()
        self.banner = Banner()

        self.composer = Composer()
        self.send_button = QToolButton()
        self.send_button.setObjectName("sendButton")
        self.send_button.setToolTip("Send (Enter)")
        self.send_button.setAccessibleName("Send")
        self.stop_button = QToolButton()
        self.stop_button.setObjectName("stopButton")
        self.stop_button.setToolTip("Stop the answer (Esc)")
        self.stop_button.setAccessibleName("Stop")
        for button in (self.send_button, self.stop_button):
            button.setFixedSize(32, 32)
            button.setIconSize(QSize(18, 18))
            button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.stop_button.hide()

        composer_frame = QFrame()
        composer_frame.setObjectName("composerFrame")
        composer_row = QHBoxLayout(composer_frame)
        composer_row.setContentsMargins(6, 4, 6, 4)
        composer_row.setSpacing(6)
        composer_row.addWidget(self.composer, 1)
        composer_row.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        composer_row.addWidget(self.stop_button, 0, Qt.AlignmentFlag.AlignBottom)

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

        self.composer_hint = QLabel("Enter to send · Shift+Enter for a new line · Esc to stop")
        self.composer_hint.setObjectName("composerHint")
        self.composer_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.composer_hint.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        self.composer_hint.setFont(font)

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
        column.addWidget(self.chat_view, 1)
        column.addLayout(bottom)

        self.system_prompt = QPlainTextEdit()
        self.system_prompt.setObjectName("systemPrompt")
        self.system_prompt.setAccessibleName("System prompt")
        self.system_prompt.setPlaceholderText("e.g. You are a concise assistant.")
        self.system_prompt.setTabChangesFocus(True)
        self.system_prompt.setFixedHeight(self.system_prompt.fontMetrics().lineSpacing() * 4 + 14)
        self.settings_form = SettingsForm()

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
        panel.addWidget(self.settings_form)
        panel.addStretch(1)
        self.side_panel = QScrollArea()
        self.side_panel.setObjectName("sidePanel")
        self.side_panel.setWidgetResizable(True)
        self.side_panel.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.side_panel.setWidget(panel_content)
        self.side_panel.setMinimumWidth(280)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(1)
        self.splitter.addWidget(chat_column)
        self.splitter.addWidget(self.side_panel)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setSizes([800, 380])
        self.setCentralWidget(self.splitter)
        shown = self.settings.get("panel_visible", True) is not False
        self.side_panel.setVisible(shown)
        self.panel_action.setChecked(shown)

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
        view_menu.addAction(self.panel_action)
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

    def _connect(self) -> None:
        self.provider_picker.providerChanged.connect(self._provider_changed)
        self.model_picker.currentIndexChanged.connect(lambda _index: self._model_changed())
        self.model_picker.lineEdit().editingFinished.connect(self._model_changed)
        self.settings_form.valuesChanged.connect(self._save_params_later)
        self.composer.submitted.connect(self.send)
        self.send_button.clicked.connect(self.send)
        self.stop_button.clicked.connect(self.stop)
        self.cancel_edit_button.clicked.connect(self.cancel_edit)
        self.new_chat_action.triggered.connect(self.new_chat)
        self.credentials_action.triggered.connect(lambda: self.open_credentials())
        self.reload_models_action.triggered.connect(lambda: self.load_models())
        self.panel_action.toggled.connect(self._toggle_panel)
        self.chat_view.stopRequested.connect(self.stop)
        self.chat_view.retryRequested.connect(self._retry)
        self.chat_view.regenerateRequested.connect(self._regenerate)
        self.chat_view.editRequested.connect(self._edit)
        self.chat_view.linkActivated.connect(self.open_link)
        stop = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        stop.setContext(Qt.ShortcutContext.WindowShortcut)
        stop.activated.connect(self._escape)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_scheme_changed)

    # ----- providers and models -------------------------------------------------------------------
    def load_providers(self) -> None:
        """Fill the picker from the registry; then check credentials and list models."""
        self.providers = dict(registry.all_providers())
        entries = [(pid, registry.provider_label(p)) for pid, p in self.providers.items()]
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
        self.settings_form.set_provider(provider, self.settings.params_for(pid))
        label = registry.provider_label(provider)
        self.composer.setPlaceholderText(f"Message {label}…")
        self._fill_models(provider, pid, [])
        self.load_models()

    @staticmethod
    def _offline_models(provider: type[BaseProvider]) -> list[str]:
        """The list shown before (or instead of) the live one: cached, built-in or default.

        Called on the running loop only: there ``get_models`` must not do network I/O (spec 8).
        """
        get_models = getattr(provider, "get_models", None)
        models: list[str] = []
        if callable(get_models):
            try:
                models = list(get_models())
            except Exception as error:  # a plugin's get_models must not break the picker
                log.debug("get_models of %s failed: %s", provider.__name__, error)
        fallback = getattr(provider, "fallback_models", None) or []
        return models or [str(m) for m in fallback]

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
            picker.lineEdit().setPlaceholderText("Model name")
        finally:
            picker.blockSignals(False)

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
        self._fill_models(provider, pid, self._offline_models(provider))
        lister = getattr(provider, "get_models_async", None)
        if lister is None:
            return
        self._models_busy(True)
        label = registry.provider_label(provider)
        try:
            kwargs: dict[str, Any] = dict(self.settings.connection_for(pid))
            for name, value in (await secrets.request_secrets(provider, pid)).items():
                kwargs.setdefault(name, value)
            keyless = getattr(provider, "needs_auth", False) and "api_key" not in kwargs
            if keyless and secrets.has_api_key_field(provider):
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
            self.settings.set_params_for(pid, self.settings_form.values())
        self._params_owner = None

    # ----- credentials ----------------------------------------------------------------------------
    def refresh_credentials(self) -> None:
        """Mark providers that still need a key (one keyring round trip, in a worker thread)."""
        self.credentials_task = application.spawn(self._check_credentials(), name="credentials")

    async def _check_credentials(self) -> None:
        try:
            names = await secrets.stored_names()
            self.keyring_error = None
        except SecretStoreError as error:
            names = set()
            self.keyring_error = str(error)
        for pid, provider in self.providers.items():
            ready = secrets.credential_status(provider, pid, names)
            mark = NEEDS_SIGN_IN if secrets.is_login_provider(provider) else NEEDS_KEY
            self.provider_picker.set_needs_key(pid, not ready, mark)
        current = self.current_provider()
        if current is not None and self.provider_picker.needs_key(current[0]):
            self._offer_credentials(current[0], registry.provider_label(current[1]))

    def _offer_credentials(self, pid: str, label: str, detail: str | None = None) -> None:
        if self.provider_picker.current_id() != pid:
            return
        provider = self.providers[pid]
        what = "a sign-in" if secrets.is_login_provider(provider) else "an API key"
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
        if current is not None and secrets.is_login_provider(current[1]):
            actions.append(("Sign in…", lambda: self.open_credentials(current[0])))
        elif url:
            actions.append(("Open sign-in page", lambda: self.open_link(url)))
        self.banner.show_message("login", "info", f"{label} asks you to sign in.", actions)

    # ----- chatting -------------------------------------------------------------------------------
    def _placeholder_config(self) -> RequestConfig:
        return RequestConfig(provider=BaseProvider, provider_id="")

    def request_config(self) -> RequestConfig | None:
        current = self.current_provider()
        if current is None:
            return None
        pid, provider = current
        connection = self.settings.connection_for(pid)
        return RequestConfig(
            provider=provider, provider_id=pid, model=self.current_model(),
            params=self.settings_form.values(), base_url=connection.get("base_url"),
            proxy=connection.get("proxy"),
        )  # fmt: skip

    def _prepare(self) -> bool:
        """Bring the session up to date with the controls; False (with a message) if it cannot."""
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
        if config is None:
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
        if self.session.busy or not text.strip() or not self._prepare():
            return
        if self._editing is not None:
            sent = self.session.edit_and_resend(self._editing, text)
        else:
            sent = self.session.send(text)
        if sent:
            self.composer.clear()
            self.cancel_edit()

    def stop(self) -> None:
        self.session.stop()

    def _escape(self) -> None:
        if self.session.busy:
            self.stop()
        elif self._editing is not None:
            self.cancel_edit()
            self.composer.clear()

    def new_chat(self) -> None:
        """A fresh conversation; the system prompt stays as the new one's starting point."""
        self.session.clear()
        self.cancel_edit()
        self.composer.clear()
        self.composer.setFocus()

    def _retry(self, view_index: int) -> None:
        index = self.listener.session_index(view_index)
        if index is not None and self._prepare():
            self.session.retry(index)

    def _regenerate(self, view_index: int) -> None:
        index = self.listener.session_index(view_index)
        if index is not None and self._prepare():
            self.session.regenerate(index)

    def _edit(self, view_index: int, text: str) -> None:
        index = self.listener.session_index(view_index)
        if index is None or self.session.busy:
            return
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
        self.chat_view.set_dark(self._dark)
        self.setStyleSheet(window_style(self._dark))
        self._apply_icons()

    def _system_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if not self._applying_theme and self.settings.theme == "system":
            QTimer.singleShot(0, lambda: self._apply_theme("system"))

    def _apply_icons(self) -> None:
        text = theme.palette_for(self._dark).text
        self.credentials_action.setIcon(icon("key", text))
        self.panel_action.setIcon(icon("sliders", text))
        self.new_chat_action.setIcon(icon("new-chat", text))
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
        self.session.stop()
        if self.models_task is not None and not self.models_task.done():
            self.models_task.cancel()

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
