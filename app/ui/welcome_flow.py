"""First run in the window: the welcome screen takes the messages' place instead of an empty chat.

``WelcomeFlow`` decides when the ``WelcomeScreen`` shows (in the conversation pane, where the
messages are: the composer stays, so "Hello" + Enter works at once) and turns its clicks into
the window's target: "Chat" saves a detected server's base URL and the model, selects the
provider and shows the chat; "Add key…" asks the window for the credentials dialog; when a scan
ends, the option that can answer now is selected unless the user picked a provider meanwhile.
A message sent from the composer while the screen shows counts as "Chat" with the selected
target; one sent before that target is known (the first credential check or the scan still
running on a fresh profile) waits for it and is then sent. It talks to the target bar and the
pane through their public API only; the window decides when to check (once the credentials are
known) and asks ``before_send()`` before anything is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from app.core.settings import Settings
from providers.lazy import lazy_module

from .conversation import ConversationPane
from .target_bar import TargetBar

if TYPE_CHECKING:
    from app.core import first_run
    from app.core.first_run import Detection, Server

    from . import welcome
    from .welcome import WelcomeScreen
else:  # asked after the credential check, built on a first run only: after the first paint
    first_run = lazy_module("app.core.first_run")
    welcome = lazy_module("app.ui.welcome")


class WelcomeFlow(QObject):
    """Signals: ``credentialsRequested(provider_id)`` (the window opens the dialog),
    ``chatStarted(provider_id)`` once a "Chat" click, or a message sent from the screen, has
    selected its provider."""

    credentialsRequested = Signal(str)  # noqa: N815 - Qt signal naming
    chatStarted = Signal(str)  # noqa: N815

    def __init__(
        self,
        settings: Settings,
        target: TargetBar,
        conversation: ConversationPane,
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
        self._dark = False
        self._checked = False
        self._user_chose = False
        self._selecting = False
        self._send_waiting = False  # a message sent before the target was known
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
        self._send_if_waiting()

    def show(self) -> WelcomeScreen:
        """Show the welcome screen (created once) and look again for what can answer."""
        if self.welcome is None:
            self.welcome = welcome.WelcomeScreen(
                providers=self.target.providers, servers=self.servers,
                saved_provider=self.settings.provider_id,
            )  # fmt: skip
            self.welcome.chat_requested.connect(self._chat)
            self.welcome.credentials_requested.connect(self.credentialsRequested.emit)
            self.welcome.detected.connect(self._detected)
        self.welcome.set_dark(self._dark)
        self._user_chose = False
        self.conversation.show_instead(self.welcome)
        self.welcome.start()
        return self.welcome

    def hide(self) -> None:
        """Show the chat (New chat, an opened conversation, a chat started here)."""
        self._send_waiting = False  # a waiting message is sent from the screen only
        if self.is_shown():
            self.conversation.show_messages()

    def is_shown(self) -> bool:
        return self.welcome is not None and self.conversation.shown_instead() is self.welcome

    # ----- sending from the composer ------------------------------------------------------------
    def before_send(self) -> bool:
        """Called before a message is sent. While the screen shows, sending is "Chat" with the
        selected target (a detected server's address saved, the choice remembered) and the
        screen gives way to the chat. False while that target is still being decided: the
        message waits (it stays in the composer) and is sent once it is."""
        if self._deciding():
            self._send_waiting = True
            return False
        current = self.target.current_provider()
        if self.is_shown() and current is not None:
            self._chat(current[0], self.target.current_model())
        return True

    def _deciding(self) -> bool:
        """A fresh profile whose first credential check has not ended (the welcome screen may
        come), or the screen's first scan still looking (unless the user picked a provider)."""
        if not self._checked:
            task = self.target.credentials_task
            return self.settings.provider_id is None and task is not None and not task.done()
        welcome = self.welcome
        return (
            self.is_shown() and welcome is not None and welcome.detection is None
            and not self._user_chose and welcome.task is not None and not welcome.task.done()
        )  # fmt: skip

    def _send_if_waiting(self) -> None:
        if self._send_waiting and not self._deciding():
            self._send_waiting = False
            self.conversation.send()

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
        detection = self.welcome.detection if self.welcome is not None else None  # None: looking
        option = detection.for_provider(pid) if detection is not None else None
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
        """Start on an option that can answer now, unless the user picked a provider (or left
        the screen); then send what waited for it."""
        if not self._user_chose and self.welcome is not None and self.is_shown():
            option = self.welcome.preselected()
            current = self.target.current_provider()
            if option is not None and (current is None or current[0] != option.provider_id):
                self._select(option.provider_id, option.model or "", save=False)
        self._send_if_waiting()

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
