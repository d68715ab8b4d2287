"""The welcome screen: shown instead of an empty chat when nothing is configured yet.

It runs ``app.core.first_run.detect()`` on the asyncio loop (never blocking the GUI thread),
shows "looking…" meanwhile, then one card per way to chat (the local starter model, local
servers that answer, keys found in the environment or saved), each with one button: "Chat"
(``chat_requested(provider_id, model)``) or "Add key…"/"Sign in…"
(``credentials_requested(provider_id)``). A cloud provider can get a key from the list at the
bottom. Server-sent names (models) are shown as plain text only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core import first_run, secrets
from app.core.first_run import Action, Detection, Kind, Option, Server
from providers.registry import all_providers, provider_label
from providers.types import BaseProvider

from . import theme
from .tasks import spawn

MODELS_NAMED = 3
CONTENT_WIDTH = 620


class OptionCard(QFrame):
    """One way to chat: what it is, where it was found, one button."""

    def __init__(
        self, option: Option, provider: type[BaseProvider], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.option = option
        self.login = secrets.is_login_provider(provider)
        self.setObjectName("welcomeCard")
        self.setProperty("provider_id", option.provider_id)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 10, 10, 10)
        row.setSpacing(12)
        text = QVBoxLayout()
        text.setSpacing(2)
        self.title = _plain(self._title(), "welcomeCardTitle")
        self.detail = _plain(self._detail(), "welcomeCardDetail")
        text.addWidget(self.title)
        text.addWidget(self.detail)
        row.addLayout(text, 1)
        self.button: QPushButton | None = None
        if option.action is not Action.NONE:
            self.button = QPushButton(self._button_text())
            self.button.setObjectName(
                "chatButton" if option.action is Action.CHAT else "credentialsButton"
            )
            self.button.setAccessibleName(self._button_name())
            self.button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.setAccessibleName(f"{self.title.text()}: {self.detail.text()}")

    def _title(self) -> str:
        if self.option.kind is Kind.LOCAL_MODEL:
            return self.tr("{label} (on this computer)").format(label=self.option.label)
        return self.option.label

    def _detail(self) -> str:
        option = self.option
        if option.kind is Kind.LOCAL_MODEL:
            if option.action is Action.NONE:
                return self.tr("Installed, but it cannot run on this computer.")
            return self.tr("Ready — {model}. No account, nothing leaves this computer.").format(
                model=option.model
            )
        if option.kind is Kind.SERVER:
            return self._server_detail()
        if option.kind is Kind.ENVIRONMENT:
            return self.tr("Key found in {variable}.").format(variable=option.variable)
        if option.session_only:
            return self.tr("Key for this session — not saved (no keyring).")
        if self.login:
            return self.tr("Signed in.")
        return self.tr("Key saved in the keyring.")

    def _server_detail(self) -> str:
        option = self.option
        where = self.tr("Running at {url}").format(url=option.base_url)
        if option.action is Action.CREDENTIALS:
            if self.login:
                return self.tr("{where} — sign in to use it.").format(where=where)
            return self.tr("{where} — it asks for a key.").format(where=where)
        if not option.models:
            return self.tr("{where}, but it has no models yet.").format(where=where)
        named = ", ".join(option.models[:MODELS_NAMED])
        if len(option.models) > MODELS_NAMED:
            more = len(option.models) - MODELS_NAMED
            named += self.tr(" and {count} more").format(count=more)
        return self.tr("{where} — {models}.").format(where=where, models=named)

    def _button_text(self) -> str:
        if self.option.action is Action.CHAT:
            return self.tr("Chat")
        if self.login:
            return self.tr("Sign in…")
        return self.tr("Add key…")

    def _button_name(self) -> str:
        if self.option.action is Action.CHAT:
            return self.tr("Chat with {label}").format(label=self.option.label)
        return self.tr("Set up {label}").format(label=self.option.label)


class WelcomeScreen(QWidget):
    """Signals: ``chat_requested(provider_id, model)`` (model "" = the provider's default),
    ``credentials_requested(provider_id)``, ``detected(Detection)`` when a scan ends."""

    chat_requested = Signal(str, str)
    credentials_requested = Signal(str)
    detected = Signal(object)

    def __init__(
        self,
        providers: Mapping[str, type[BaseProvider]] | None = None,
        servers: Sequence[Server] | None = None,
        saved_provider: str | None = None,
        parent: QWidget | None = None,
        bound: float = first_run.SCAN_BOUND,
    ) -> None:
        super().__init__(parent)
        self.providers = dict(all_providers() if providers is None else providers)
        self.servers = servers
        self.bound = bound
        self.saved_provider = saved_provider
        self.detection: Detection | None = None
        self.task: asyncio.Task[Any] | None = None
        self.cards: list[OptionCard] = []
        self.setObjectName("welcomeScreen")
        self.setAccessibleName(self.tr("Welcome"))

        scroll = QScrollArea(self)
        scroll.setObjectName("welcomeScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        page = QWidget()
        page.setObjectName("welcomePage")
        scroll.setWidget(page)
        centre = QHBoxLayout(page)
        centre.setContentsMargins(24, 32, 24, 24)
        column_widget = QWidget()
        column_widget.setMaximumWidth(CONTENT_WIDTH)
        centre.addStretch(1)
        centre.addWidget(column_widget, 100)
        centre.addStretch(1)
        column = QVBoxLayout(column_widget)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(10)

        heading = _plain(self.tr("Welcome to Roundtable"), "welcomeHeading")
        intro = _plain(
            self.tr(
                "Pick something that can answer now. Nothing is sent anywhere until you "
                "start a chat."
            ),
            "welcomeIntro",
        )
        column.addWidget(heading)
        column.addWidget(intro)

        status_row = QHBoxLayout()
        self.spinner = QProgressBar()
        self.spinner.setObjectName("welcomeSpinner")
        self.spinner.setRange(0, 0)  # busy: no known end
        self.spinner.setTextVisible(False)
        self.spinner.setFixedSize(72, 8)
        self.spinner.setAccessibleName(self.tr("Looking"))
        self.status = _plain("", "welcomeStatus")
        self.rescan = QPushButton(self.tr("Look again"))
        self.rescan.setObjectName("rescanButton")
        self.rescan.setAccessibleName(self.tr("Look again for local servers and keys"))
        self.rescan.clicked.connect(self.start)
        status_row.addWidget(self.spinner, 0, Qt.AlignmentFlag.AlignVCenter)
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.rescan)
        column.addLayout(status_row)

        self.cards_box = QVBoxLayout()
        self.cards_box.setSpacing(8)
        column.addLayout(self.cards_box)
        self.keyring_note = _plain("", "welcomeKeyringNote")
        self.keyring_note.hide()
        column.addWidget(self.keyring_note)

        cloud_title = QLabel(self.tr("Use a cloud service"))
        cloud_title.setObjectName("welcomeSection")
        column.addSpacing(8)
        column.addWidget(cloud_title)
        cloud_row = QHBoxLayout()
        self.cloud = QComboBox()
        self.cloud.setObjectName("cloudProvider")
        self.cloud.setAccessibleName(self.tr("Cloud service"))
        for pid, provider in self.providers.items():
            if getattr(provider, "needs_auth", False):
                self.cloud.addItem(provider_label(provider), pid)
        self.add_key = QPushButton(self.tr("Add key…"))
        self.add_key.setObjectName("addKeyButton")
        self.add_key.setAccessibleName(self.tr("Add a key or sign in for the chosen service"))
        self.add_key.clicked.connect(self._add_key)
        cloud_row.addWidget(self.cloud, 1)
        cloud_row.addWidget(self.add_key)
        column.addLayout(cloud_row)
        column.addStretch(1)
        self.set_dark(theme.system_is_dark())

    # ----- scanning ---------------------------------------------------------------------------
    def start(self) -> asyncio.Task[Any]:
        """Look (again) in the background; the result replaces the cards when it arrives."""
        if self.task is not None and not self.task.done():
            return self.task
        self._set_looking(True)
        self.task = spawn(self._scan(), name="first-run detection")
        return self.task

    async def _scan(self) -> None:
        try:
            detection = await first_run.detect(self.providers, self.servers, bound=self.bound)
        finally:
            self._set_looking(False)
        self.set_detection(detection)
        self.detected.emit(detection)

    def _set_looking(self, looking: bool) -> None:
        self.spinner.setVisible(looking)
        self.rescan.setEnabled(not looking)
        if looking:
            self.status.setText(self.tr("Looking for local models, servers and keys…"))

    def set_detection(self, detection: Detection) -> None:
        """Show one card per option; the preselected one's button is the default."""
        self.detection = detection
        for card in self.cards:
            self.cards_box.removeWidget(card)
            card.deleteLater()
        self.cards = []
        suggested = self.preselected()
        for option in detection.options:
            card = OptionCard(option, self.providers.get(option.provider_id, BaseProvider))
            if card.button is not None:
                card.button.clicked.connect(lambda _=False, o=option: self._activate(o))
                if option == suggested:
                    card.button.setProperty("suggested", True)
                    card.button.setDefault(True)
            self.cards_box.addWidget(card)
            self.cards.append(card)
        ready = len(detection.ready())
        if ready:
            text = self.tr("Ready to chat: {count} found.").format(count=ready)
        elif detection.options:
            text = self.tr("Found something, but it needs setting up first.")
        else:
            text = self.tr(
                "Nothing found on this computer. Start Ollama or LM Studio and look again, "
                "or add a key below."
            )
        self.status.setText(text)
        if detection.keyring_error:
            self.keyring_note.setText(
                self.tr(
                    "No keyring: a key you add is used until you quit, never saved to a file. "
                    "Setting the service's environment variable (e.g. OPENAI_API_KEY) works too."
                )
            )
        self.keyring_note.setVisible(bool(detection.keyring_error))
        if suggested is None:
            self.add_key.setDefault(True)

    def preselected(self) -> Option | None:
        """What the window should start on (``first_run.preselect``), once detection ran."""
        if self.detection is None:
            return None
        return first_run.preselect(self.detection, self.saved_provider)

    # ----- actions ----------------------------------------------------------------------------
    def _activate(self, option: Option) -> None:
        if option.action is Action.CHAT:
            self.chat_requested.emit(option.provider_id, option.model or "")
        elif option.action is Action.CREDENTIALS:
            self.credentials_requested.emit(option.provider_id)

    def _add_key(self) -> None:
        pid = self.cloud.currentData()
        if isinstance(pid, str) and pid:
            self.credentials_requested.emit(pid)

    def set_dark(self, dark: bool) -> None:
        """Colours from the chat view's palette, so the screen matches it in either scheme."""
        p = theme.palette_for(dark)
        self.setStyleSheet(
            f"""
            QWidget#welcomePage, QScrollArea#welcomeScroll {{ background: {p.background}; }}
            QLabel {{ color: {p.text}; background: transparent; }}
            QLabel#welcomeHeading {{ font-size: 20pt; font-weight: 600; }}
            QLabel#welcomeSection {{ font-weight: 600; }}
            QLabel#welcomeIntro, QLabel#welcomeStatus, QLabel#welcomeCardDetail,
            QLabel#welcomeKeyringNote {{ color: {p.muted}; }}
            QLabel#welcomeCardTitle {{ font-weight: 600; }}
            QFrame#welcomeCard {{
                background: {p.code_background};
                border: 1px solid {p.code_border};
                border-radius: 8px;
            }}
            QPushButton[suggested="true"] {{
                background: {p.link}; color: #ffffff; border: none;
                border-radius: 6px; padding: 5px 14px; font-weight: 600;
            }}
            """
        )


def _plain(text: str, name: str) -> QLabel:
    """A wrapping label that shows text as text (server-sent names are never markup)."""
    label = QLabel(text)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label
