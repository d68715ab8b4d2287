"""First run in the window: the chat column shows the welcome screen instead of an empty chat.

``WelcomeFlow`` owns the chat column (a stack of the conversation pane and, once needed, the
``WelcomeScreen``) and turns the screen's clicks into the window's target: "Chat" saves a
detected server's base URL and the model, selects the provider and shows the chat; "Add key…"
asks the window for the credentials dialog; when a scan ends, the option that can answer now is
selected unless the user picked a provider meanwhile. It talks to the target bar through its
public API only; the window decides when to check (once the credentials are known).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QStackedWidget, QWidget

from app.core import first_run
from app.core.first_run import Detection, Server
from app.core.settings import Settings

from .target_bar import TargetBar
from .welcome import WelcomeScreen


class WelcomeFlow(QObject):
    """Signals: ``credentialsRequested(provider_id)`` (the window opens the dialog),
    ``chatStarted(provider_id)`` once a "Chat" click has selected its provider."""

    credentialsRequested = Signal(str)  # noqa: N815 - Qt signal naming
    chatStarted = Signal(str)  # noqa: N815

    def __init__(
        self,
        settings: Settings,
        target: TargetBar,
        conversation: QWidget,
        has_conversation: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.target = target
        self.conversation = conversation
        self.has_conversation = has_conversation
        #: Where to look for local servers; None = their default ports (tests use free ports).
        self.servers: Sequence[Server] | None = None
        self.welcome: WelcomeScreen | None = None
        self.column = QStackedWidget()
        self.column.setObjectName("chatColumn")
        self.column.addWidget(conversation)
        self._dark = False
        self._checked = False
        self._user_chose = False
        self._selecting = False
        target.credentialsChecked.connect(self._credentials_checked)
        target.providerChanged.connect(self._provider_changed)

    # ----- when to show it ----------------------------------------------------------------------
    def _credentials_checked(self) -> None:
        """The first check decides: no conversation and nothing configured → welcome."""
        if self._checked:
            return
        self._checked = True
        if first_run.needs_welcome(
            self.has_conversation(),
            self.target.providers,
            self.target.stored_names,
            self.settings.provider_id,
        ):
            self.show()

    def show(self) -> WelcomeScreen:
        """Show the welcome screen (created once) and look again for what can answer."""
        if self.welcome is None:
            self.welcome = WelcomeScreen(
                providers=self.target.providers, servers=self.servers,
                saved_provider=self.settings.provider_id,
            )  # fmt: skip
            self.welcome.chat_requested.connect(self._chat)
            self.welcome.credentials_requested.connect(self.credentialsRequested.emit)
            self.welcome.detected.connect(self._detected)
            self.column.addWidget(self.welcome)
        self.welcome.set_dark(self._dark)
        self._user_chose = False
        self.column.setCurrentWidget(self.welcome)
        self.welcome.start()
        return self.welcome

    def hide(self) -> None:
        """Show the chat (New chat, an opened conversation, a chat started here)."""
        self.column.setCurrentWidget(self.conversation)

    def is_shown(self) -> bool:
        return self.welcome is not None and self.column.currentWidget() is self.welcome

    def rescan(self) -> None:
        """New credentials were saved: look again while the screen is shown."""
        if self.is_shown() and self.welcome is not None:
            self.welcome.start()

    def set_dark(self, dark: bool) -> None:
        self._dark = dark
        if self.welcome is not None:
            self.welcome.set_dark(dark)

    # ----- what its clicks do -------------------------------------------------------------------
    def _chat(self, pid: str, model: str) -> None:
        option = self.welcome.detection.for_provider(pid) if self.welcome else None
        base_url = option.base_url if option is not None else None
        if base_url:
            proxy = self.settings.connection_for(pid).get("proxy")
            self.settings.set_connection_for(pid, base_url=base_url, proxy=proxy)
        self._select(pid, model, save=True)
        if base_url:
            self.target.load_models()  # the list from the address just saved
        self.hide()
        self.chatStarted.emit(pid)

    def _detected(self, detection: Detection) -> None:
        """Start on an option that can answer now, unless the user picked a provider."""
        if self._user_chose or self.welcome is None:
            return
        option = self.welcome.preselected()
        current = self.target.current_provider()
        if option is not None and (current is None or current[0] != option.provider_id):
            self._select(option.provider_id, option.model or "", save=False)

    def _select(self, pid: str, model: str, *, save: bool) -> None:
        self._selecting = True
        try:
            self.target.select(pid, model, save=save)
            if save:
                self.settings.provider_id = pid
        finally:
            self._selecting = False

    def _provider_changed(self, _pid: str) -> None:
        if not self._selecting and self.is_shown():
            self._user_chose = True
