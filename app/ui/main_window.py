"""The main window: assembles the pieces, owns the menus, actions, theme and geometry.

The pieces, each owning one thing (docs/architecture.md "app/ui"):
``TargetBar`` (provider + model, live listing, credential marks), ``ConversationPane`` (chat
view, composer, banner, reopening conversations), ``SidePanel`` (system prompt +
parameters) and the ``HistoryPanel``. They talk to app/core through its public API and to each
other through the signals this window connects; the window coordinates what spans several of
them (sending, reopening a stored conversation).

Two steps: the constructor builds every widget from the settings; ``start()`` opens the history,
creates the session and lists the providers (``application.start_window`` does both before
showing the window; the asyncio loop comes after its first paint, ``tasks.ensure_loop``).
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QSizePolicy, QSplitter, QToolBar, QWidget

from app.core import secrets
from app.core.attachments import AttachmentStore
from app.core.compare_schema import is_comparison
from app.core.history import History, HistoryError
from app.core.session import ChatSession, RequestConfig
from app.core.settings import Settings
from providers.lazy import lazy_module
from providers.types import BaseProvider

from . import i18n, links, theme
from .banner import BannerAction
from .conversation import ConversationPane
from .error_text import settings_problem_text, window_error_text
from .history_opener import HistoryOpener
from .history_panel import HistoryPanel
from .panel_fit import PanelFit
from .presets import PresetController
from .resources import icon
from .side_panel import SidePanel
from .target_bar import TargetBar
from .tasks import ensure_loop
from .welcome_flow import WelcomeFlow
from .window_actions import WindowActions
from .window_dialogs import WindowDialogs

if TYPE_CHECKING:
    from . import compare_view, credentials_dialog, local_models
    from .credentials_dialog import CredentialsDialog
else:  # loaded when first opened (or once the window is painted: ``application``)
    compare_view = lazy_module("app.ui.compare_view")
    credentials_dialog = lazy_module("app.ui.credentials_dialog")
    local_models = lazy_module("app.ui.local_models")

__all__ = ["MainWindow"]

log = logging.getLogger(__name__)

DEFAULT_SIZE = QSize(1180, 780)


class MainWindow(QMainWindow):
    """One conversation with one provider/model at a time (the comparison view is separate)."""

    answerEnded = Signal(int)  # noqa: N815 - Qt signal naming; a session index (tests wait on it)
    modelsLoaded = Signal(str)  # noqa: N815 - a provider id
    conversationOpened = Signal(int)  # noqa: N815 - a stored conversation is fully shown

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.credentials_dialog: CredentialsDialog | None = None
        self.history: History | None = None  # from start(); None when it cannot be opened
        self.attachment_store: AttachmentStore | None = None  # beside the history
        self.history_error: str | None = None
        self.session: ChatSession | None = None  # from start()
        self.is_started = False
        self._applying_theme = False

        self.setObjectName("mainWindow")
        self.setWindowTitle(self.tr("Roundtable"))
        self.setUnifiedTitleAndToolBarOnMac(True)
        # The style sheet first: the widgets built below are then polished once, not twice.
        self._dark = theme.apply_theme(self.settings.theme)
        self.setStyleSheet(theme.window_style(self._dark))

        self.target = TargetBar(settings)
        self.conversation = ConversationPane(self._prepare)
        self.side_panel = SidePanel(settings)
        self.history_panel = HistoryPanel()
        self.history_panel.setMinimumWidth(170)
        self.history_opener = HistoryOpener(self)
        self.welcome_flow = WelcomeFlow(
            settings, self.target, self.conversation, self._has_conversation, self
        )
        self.actions = WindowActions(self, settings.theme, settings.language)
        self.dialogs = WindowDialogs(self, self)  # Preferences and Help
        self.presets = PresetController(self, self)  # prompt presets
        alias_pieces(self)
        self._build_toolbar()
        self._build_splitter()
        self.panel_fit = PanelFit(self, self.history_panel, self.history_action, self.splitter)
        self.actions.fill_menus(self.menuBar(), self.reload_models_action)
        restore_geometry(self, settings.geometry)
        self._connect()
        self._show_theme()
        self.composer.setFocus()  # typing goes to the message box from the start

    # ----- construction ---------------------------------------------------------------------------
    def _build_toolbar(self) -> None:
        bar = QToolBar(self.tr("Main"))
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.setIconSize(QSize(18, 18))
        bar.toggleViewAction().setVisible(False)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.toolbar = bar
        bar.addWidget(self.target)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        for action, name in (
            (self.credentials_action, "credentials"), (self.panel_action, "togglePanel"),
            (self.new_chat_action, "newChat"),
        ):  # fmt: skip
            bar.addAction(action)
            button = bar.widgetForAction(action)
            if button is not None:
                button.setObjectName(f"{name}Button")

    def _build_splitter(self) -> None:
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(1)
        for index, (widget, stretch) in enumerate(
            ((self.history_panel, 0), (self.conversation, 1), (self.side_panel, 0))
        ):
            self.splitter.addWidget(widget)
            self.splitter.setStretchFactor(index, stretch)
        self.splitter.setSizes([240, 800, 380])
        self.setCentralWidget(self.splitter)
        for action, widget, key in (
            (self.panel_action, self.side_panel, "panel_visible"),
            (self.history_action, self.history_panel, "history_visible"),
        ):
            shown = self.settings.get(key, True) is not False
            widget.setVisible(shown)
            action.setChecked(shown)

    def _connect(self) -> None:
        target, conversation, panel = self.target, self.conversation, self.history_panel
        target.providerChanged.connect(self._provider_changed)
        target.modelChanged.connect(lambda model: self._show_target())
        target.modelsLoaded.connect(self.modelsLoaded.emit)
        target.notice.connect(self.banner.show_message)
        target.noticeDismissed.connect(lambda tag: self.banner.dismiss(tag or None))
        target.credentialsRequested.connect(self.open_credentials)
        self.welcome_flow.credentialsRequested.connect(self.open_credentials)
        self.actions.welcome.triggered.connect(self.welcome_flow.show)
        self.actions.local_models.triggered.connect(
            lambda: local_models.open_local_models(self).modelsChanged.connect(self.load_models)
        )
        conversation.answerEnded.connect(self.answerEnded.emit)
        conversation.conversationOpened.connect(self.conversationOpened.emit)
        conversation.conversationSaved.connect(self._conversation_saved)
        conversation.loginRequested.connect(self.offer_login)
        conversation.linkActivated.connect(self.open_link)
        self.history_opener.updating.connect(panel.set_updating)
        self.history_opener.opened.connect(self._history_opened)
        panel.openRequested.connect(self.open_conversation)
        panel.newChatRequested.connect(self.new_chat)
        panel.conversationDeleted.connect(self._conversation_deleted)
        # About one conversation (exported, could not be renamed...): gone with that conversation.
        panel.notice.connect(partial(self.banner.show_message, "conversation"))
        self.settings_form.valuesChanged.connect(  # the marked fields fixed or unset: no banner
            lambda: self.side_panel.errors() or self.banner.dismiss("params")
        )
        self.new_chat_action.triggered.connect(self.new_chat)
        self.credentials_action.triggered.connect(lambda: self.open_credentials())
        self.panel_action.toggled.connect(
            lambda shown: self._toggle(self.side_panel, "panel_visible", shown)
        )
        self.history_action.toggled.connect(
            lambda shown: self._toggle(self.history_panel, "history_visible", shown)
        )
        self.compare_action.triggered.connect(lambda: self.open_compare())
        self.actions.quit.triggered.connect(self.close)
        self.actions.find.triggered.connect(conversation.find_bar.open)
        self.actions.copy_conversation.triggered.connect(conversation.copy_conversation)
        for choice, action in self.theme_actions.items():
            action.triggered.connect(lambda _=False, c=choice: self.set_theme(c))
        self.dialogs.connect()  # Preferences, Help and View → Language
        stop = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        stop.setWhatsThis(self.tr("Stop the answer, or leave the edit"))
        stop.setContext(Qt.ShortcutContext.WindowShortcut)
        stop.activated.connect(conversation.escape)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_scheme_changed)

    def start(self, *, provider_classes: bool = True) -> None:
        """No asyncio loop needed: the history, the session, the providers (classes, credential
        check and model list follow: ``provider_classes=False`` puts the classes off until
        ``target.load_classes()``, run after the first paint by ``application``)."""
        if self.is_started:
            return
        self.is_started = True
        self.session = ChatSession(
            RequestConfig(provider=BaseProvider, provider_id=""),
            listener=self.listener,  # type: ignore[arg-type]  # a SessionListener by duck typing
            explain=window_error_text,
            loop=ensure_loop,
        )
        self.conversation.attach(self.session)
        self.target.load_providers(classes=provider_classes)
        if self.settings.problem:  # a damaged settings file, kept aside: said once
            said = settings_problem_text(self.settings.problem)
            self.banner.show_message("settings", "warning", said, lasting=True)
            self.settings.problem = None
        self.history_opener.open()  # now, or after an upgrade on a worker thread

    def _history_opened(self, history: History | None, error: str) -> None:
        """The history is open; if it cannot be used, say why and go on without it (the file
        is left as it is: it may be recoverable, or belong to a newer version)."""
        self.history, self.history_error = history, error or None
        self.attachment_store = self.history_opener.files
        if self.session is not None:
            self.session.attach_history(history, self.attachment_store)
        self.history_panel.set_history(history, error)
        self.history_panel.attachment_store = self.attachment_store
        if error:
            self.banner.show_message("history", "warning", error, lasting=True)

    # ----- the target -----------------------------------------------------------------------------
    @property
    def models_task(self) -> Any:
        return self.target.models_task

    @property
    def credentials_task(self) -> Any:
        return self.target.credentials_task

    def current_provider(self) -> tuple[str, type[BaseProvider]] | None:
        return self.target.current_provider()

    def current_model(self) -> str:
        return self.target.current_model()

    def load_models(self) -> None:
        self.target.load_models()

    def _provider_changed(self, pid: str) -> None:
        self.side_panel.set_provider(pid, self.target.providers[pid])
        self._show_target()

    def _show_target(self) -> None:
        if self.target.current_provider() is not None:
            self.conversation.set_target(self.target.current_label(), self.current_model())

    # ----- credentials ----------------------------------------------------------------------------
    def open_credentials(self, pid: str | None = None) -> CredentialsDialog | None:
        """Open the credentials dialog for ``pid`` (default: the current provider)."""
        pid = pid or self.provider_picker.current_id()
        if pid is None or pid not in self.target.providers:
            return None
        dialog = credentials_dialog.CredentialsDialog(
            self.target.providers[pid], pid, self.settings, self
        )
        dialog.saved.connect(self.target.credentials_saved)
        dialog.saved.connect(lambda _pid: self.welcome_flow.rescan())
        dialog.saved.connect(lambda _pid: self.banner.dismiss("login"))
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        self.credentials_dialog = dialog
        dialog.open()
        return dialog

    def offer_login(self, label: str, url: str) -> None:
        """A provider asked the user to sign in: offer the dialog, or the page (on click only)."""
        current = self.current_provider()
        actions: list[BannerAction] = []
        if current is not None and secrets.is_login_provider(current[1]):
            actions.append((self.tr("Sign in…"), lambda: self.open_credentials(current[0])))
        elif url:
            actions.append((self.tr("Open sign-in page"), lambda: self.open_link(url)))
        text = self.tr("{label} asks you to sign in.").format(label=label)
        self.banner.show_message("login", "info", text, actions)

    # ----- chatting -------------------------------------------------------------------------------
    def request_config(self) -> RequestConfig | None:
        current = self.current_provider()
        if current is None:
            return None
        pid, provider = current
        connection = self.settings.request_connection(pid)
        return RequestConfig(
            provider=provider, provider_id=pid, model=self.current_model(),
            params=self.side_panel.values(),
            base_url=connection.get("base_url"), proxy=connection.get("proxy"),
        )  # fmt: skip

    def _prepare(self) -> bool:
        """Bring the session up to date with the pieces; False (with a message) if it cannot."""
        if not self.conversation.ready() or self.session is None:
            return False  # not started yet
        if not self.welcome_flow.before_send():
            return False  # sent once the first run has chosen what answers
        errors = self.side_panel.errors()
        if errors:
            self.banner.show_message("params", "error", self.side_panel.errors_message(errors))
            self.panel_action.setChecked(True)
            return False
        config = self.request_config()
        if config is None:
            return False
        self.banner.dismiss("params")
        self.target.commit_model()
        self.side_panel.save_params()
        self.session.config = config
        self.session.system_prompt = self.side_panel.system_prompt_text()
        return True

    def send(self) -> None:
        self.conversation.send()

    def stop(self) -> None:
        self.conversation.stop()

    def new_chat(self) -> None:
        """A fresh conversation; the system prompt stays as the new one's starting point."""
        self.banner.dismiss("conversation")
        self.conversation.new_chat()
        self.history_panel.set_current(None)
        self.welcome_flow.hide()

    def open_compare(self, conversation_id: int | None = None) -> QWidget:
        """The side-by-side window, prefilled with what is in the composer (or showing a saved
        comparison); a column it continues alone opens here as the conversation."""
        window = compare_view.open_compare_window(
            self, self.composer.toPlainText(), conversation_id
        )
        if not window.property("wired"):
            window.setProperty("wired", True)
            window.chatRequested.connect(self.open_conversation)
            window.saved.connect(lambda _id: self.history_panel.refresh())
        return window

    open_link = staticmethod(links.open_web_link)  # a web link the user clicked (and confirmed)

    # ----- history --------------------------------------------------------------------------------
    def open_conversation(self, conversation_id: int) -> bool:
        """Continue a saved conversation: its messages, system prompt, provider and model."""
        session, panel = self.session, self.history_panel
        if self.history is not None and is_comparison(self.history.connection, conversation_id):
            return self.open_compare(conversation_id).isVisible()
        if session is None:
            return False
        if conversation_id == session.conversation_id:
            return True
        self.banner.dismiss("conversation")  # said about the conversation shown until now
        try:
            stored = session.open_conversation(conversation_id)
        except (sqlite3.Error, KeyError, HistoryError) as error:
            message = self.tr("The conversation could not be opened: {error}").format(error=error)
            self.banner.show_message("conversation", "error", message)
            panel.refresh()
            panel.set_current(session.conversation_id)
            return False
        self.side_panel.set_system_prompt(stored.system_prompt)
        if stored.provider and not self.target.select(stored.provider, stored.model):
            instead = self.target.current_label()
            text = self.tr("This conversation was held with “{provider}”, which is not installed.")
            text = text.format(provider=stored.provider)
            if instead:
                text += self.tr(" New answers come from {instead}.").format(instead=instead)
            self.banner.show_message("conversation", "info", text)
        panel.set_current(conversation_id)
        self.welcome_flow.hide()
        self.conversation.show_restored()
        return True

    def _has_conversation(self) -> bool:
        if self.history_opener.pending():
            return True  # a history being upgraded has conversations
        return self.history is not None and bool(self.history.conversations(limit=1))

    def _conversation_saved(self, conversation_id: int) -> None:
        self.history_panel.refresh()
        self.history_panel.set_current(conversation_id)

    def _conversation_deleted(self, conversation_id: int) -> None:
        if self.attachment_store is not None:  # the files only it used (else at the next start)
            with contextlib.suppress(sqlite3.Error, OSError):
                self.attachment_store.collect_garbage()
        if self.session is not None and self.session.conversation_id == conversation_id:
            self.new_chat()

    def _toggle(self, widget: QWidget, key: str, shown: bool) -> None:
        widget.setVisible(shown)
        if self.panel_fit.folding:
            return  # folded for a narrow window, not the user's choice
        if self.settings.get(key, True) is not shown:
            self.settings.set(key, None if shown else False)

    # ----- look -----------------------------------------------------------------------------------
    def set_theme(self, choice: str) -> None:
        self.settings.theme = choice
        if choice in self.theme_actions:
            self.theme_actions[choice].setChecked(True)
        self._apply_theme(choice)

    def set_language(self, choice: str) -> None:
        """View → Language: applied at once to every window (``i18n.switch_language``)."""
        i18n.switch_language(self.settings, choice)  # ValueError for an unknown choice
        self.actions.languages[choice].setChecked(True)
        self._show_target()

    def _apply_theme(self, choice: str) -> None:
        self._applying_theme = True
        try:
            self._dark = theme.apply_theme(choice)
        finally:
            self._applying_theme = False
        self.setStyleSheet(theme.window_style(self._dark))
        self._show_theme()

    def _system_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if not self._applying_theme and self.settings.theme == "system":
            QTimer.singleShot(0, lambda: self._apply_theme("system"))

    def _show_theme(self) -> None:
        """Each piece draws its own icons and colours for the current theme."""
        for piece in (self.target, self.conversation, self.history_panel, self.welcome_flow):
            piece.set_dark(self._dark)
        text = theme.palette_for(self._dark).text
        self.credentials_action.setIcon(icon("key", text))
        self.panel_action.setIcon(icon("sliders", text))
        self.new_chat_action.setIcon(icon("new-chat", text))

    def is_dark(self) -> bool:
        return self._dark

    # ----- lifetime -------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop what still runs (answers close their responses); used on close and on quit."""
        self.conversation.stop()
        self.target.shutdown()
        self.history_panel.shutdown()
        self.history_opener.cancel()
        self.history = self.attachment_store = None
        # Closed once the stopped answer has saved its end (the task's last step).
        self.history_opener.close(self.session.task if self.session is not None else None)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.side_panel.save_params()
        try:
            self.settings.geometry = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        except OSError as error:
            log.info("could not save the window geometry: %s", error)
        self.shutdown()
        super().closeEvent(event)


def restore_geometry(window: QMainWindow, saved: str | None) -> None:
    """The size and place the window had when it was last closed, else the default size."""
    if saved and window.restoreGeometry(QByteArray.fromBase64(saved.encode("ascii"))):
        return
    window.resize(DEFAULT_SIZE)


def alias_pieces(window: MainWindow) -> None:
    """The pieces' widgets under the names the window always had (tests and callers)."""
    conversation = window.conversation
    window.chat_view = conversation.chat_view
    window.composer = conversation.composer
    window.send_button = conversation.send_button
    window.stop_button = conversation.stop_button
    window.banner = conversation.banner
    window.empty_state = conversation.empty_state
    window.edit_strip = conversation.edit_strip
    window.listener = conversation.listener
    window.provider_picker = window.target.provider_picker
    window.model_picker = window.target.model_picker
    window.models_busy = window.target.models_busy
    window.reload_models_action = window.target.reload_action
    window.system_prompt = window.side_panel.system_prompt
    window.settings_form = window.side_panel.settings_form
    actions = window.actions
    window.credentials_action, window.panel_action = actions.credentials, actions.panel
    window.new_chat_action, window.history_action = actions.new_chat, actions.history
    window.compare_action, window.theme_actions = actions.compare, actions.themes
