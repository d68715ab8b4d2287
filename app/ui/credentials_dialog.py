"""Credentials for one provider: API key, base URL, proxy, or an email/password sign-in.

Secrets go only to the system keyring (``app.core.secrets``, off the GUI thread); the base URL and
a proxy without a password go to the settings file. A stored key is never shown, only its masked
form (``sk-…a1B2``). When no keyring is usable the dialog says so; a key is then kept in memory
for this run only (``secrets.keep_for_session``), never in a file, and the base URL and proxy are
still saved (they are not secrets).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core import secrets
from app.core.settings import SecretInSettingsError, Settings, url_has_password
from providers.errors import ProviderError, SecretStoreError
from providers.registry import provider_label

from .no_keyring import NoKeyring
from .resources import icon
from .tasks import spawn

log = logging.getLogger(__name__)

EMAIL_FIELD = "email"
MODELS_SHOWN = 8


def _safe_web_url(url: str | None) -> QUrl | None:
    qurl = QUrl(url or "")
    return qurl if qurl.isValid() and qurl.scheme() in ("http", "https") else None


class CredentialsDialog(QDialog):
    """Opened with ``open()`` (never a nested event loop); ``saved`` carries the provider id."""

    saved = Signal(str)
    signedIn = Signal(str)  # noqa: N815 - Qt signal naming

    def __init__(
        self, provider: Any, provider_id: str, settings: Settings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.provider = provider
        self.provider_id = provider_id
        self.settings = settings
        self.label = provider_label(provider)
        self.task: asyncio.Task[Any] | None = None  # the operation running now (tests await it)
        self._stored_key = False
        self._signed_in = False
        self.no_keyring = NoKeyring(provider, provider_id, self)
        self.models: list[str] = []  # what the last "Test connection" listed
        self.setObjectName("credentialsDialog")
        self.setWindowTitle(self.tr("{label} — Credentials").format(label=self.label))
        self.setModal(True)
        self.setMinimumWidth(520)

        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        heading = QLabel(f"<b>{_escape(self.label)}</b>")
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)
        layout.addWidget(self.no_keyring.intro)

        self.keyring_message = self.no_keyring.message
        self.session_note = self.no_keyring.note
        layout.addWidget(self.keyring_message)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.api_key = QLineEdit()
        self.api_key.setObjectName("apiKey")
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setPlaceholderText(self.tr("Paste your API key"))
        self.api_key.setAccessibleName(self.tr("API key"))
        self._reveal = QAction(self.tr("Show"), self.api_key)
        self._reveal.setCheckable(True)
        self._reveal.setToolTip(
            self.tr("Show the key you are typing (a stored key is never shown)")
        )
        self._reveal.setIcon(icon("eye", self.palette().text().color().name()))
        self._reveal.toggled.connect(self._toggle_reveal)
        self.api_key.addAction(self._reveal, QLineEdit.ActionPosition.TrailingPosition)
        self.forget_key = QPushButton(self.tr("Remove"))
        self.forget_key.setObjectName("forgetKey")
        self.forget_key.setToolTip(self.tr("Delete the stored key from the keyring"))
        self.forget_key.clicked.connect(self._forget_key)
        self.forget_key.setEnabled(False)
        key_row = QHBoxLayout()
        key_row.addWidget(self.api_key, 1)
        key_row.addWidget(self.forget_key)
        self.key_row = _row_widget(key_row)
        if secrets.has_api_key_field(provider):
            form.addRow(self.tr("API key"), self.key_row)
            form.addRow("", self.session_note)
            login_url = _safe_web_url(getattr(provider, "login_url", None))
            if login_url is not None and not secrets.is_login_provider(provider):
                link = QLabel(
                    '<a href="{}">{}</a>'.format(login_url.toString(), self.tr("Get an API key…"))
                )
                link.setObjectName("getKeyLink")
                link.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
                link.linkActivated.connect(lambda url: QDesktopServices.openUrl(QUrl(url)))
                form.addRow("", link)
        else:
            self.key_row.hide()

        self.base_url = QLineEdit()
        self.base_url.setObjectName("baseUrl")
        self.base_url.setPlaceholderText(str(getattr(provider, "api_base", "") or "https://…"))
        if getattr(provider, "base_url_editable", True):
            form.addRow(self.tr("Base URL"), self.base_url)
        else:
            self.base_url.hide()
        self.proxy = QLineEdit()
        self.proxy.setObjectName("proxy")
        self.proxy.setPlaceholderText(
            self.tr("None (system settings apply) — e.g. http://proxy:3128")
        )
        form.addRow(self.tr("Proxy"), self.proxy)
        layout.addLayout(form)

        self.login_box = QGroupBox(self.tr("Sign in"))
        self.login_box.setObjectName("loginBox")
        login_form = QFormLayout(self.login_box)
        self.email = QLineEdit()
        self.email.setObjectName("email")
        self.email.setPlaceholderText("you@example.com")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Password"))
        self.remember = QCheckBox(self.tr("Remember the password (to renew an expired session)"))
        self.remember.setObjectName("rememberPassword")
        self.sign_in = QPushButton(self.tr("Sign in"))
        self.sign_in.setObjectName("signIn")
        self.sign_in.clicked.connect(self._sign_in)
        self.sign_out = QPushButton(self.tr("Sign out"))
        self.sign_out.setObjectName("signOut")
        self.sign_out.clicked.connect(self._sign_out)
        self.login_status = QLabel(self.tr("Not signed in."))
        self.login_status.setObjectName("loginStatus")
        self.login_status.setProperty("role", "hint")
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.sign_in)
        buttons_row.addWidget(self.sign_out)
        buttons_row.addStretch(1)
        login_form.addRow(self.tr("Email"), self.email)
        login_form.addRow(self.tr("Password"), self.password)
        login_form.addRow("", self.remember)
        login_form.addRow("", _row_widget(buttons_row))
        login_form.addRow("", self.login_status)
        layout.addWidget(self.login_box)
        self.login_box.setVisible(secrets.is_login_provider(provider))

        test_row = QHBoxLayout()
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.setObjectName("testConnection")
        self.test_button.setToolTip(self.tr("List the models with these settings"))
        self.test_button.clicked.connect(self._test)
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        layout.addLayout(test_row)
        self.feedback = QLabel()
        self.feedback.setObjectName("testResult")
        self.feedback.setWordWrap(True)
        self.feedback.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.feedback.setTextFormat(Qt.TextFormat.PlainText)  # server text may come back in it
        self.feedback.hide()
        layout.addWidget(self.feedback)
        layout.addStretch(1)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        connection = settings.connection_for(provider_id)
        self.base_url.setText(connection.get("base_url", ""))
        self.proxy.setText(connection.get("proxy", ""))
        self._busy_widgets: list[QWidget] = [
            self.buttons, self.test_button, self.sign_in, self.sign_out, self.forget_key,
        ]  # fmt: skip
        self._run(self._load())

    # ----- async plumbing -------------------------------------------------------------------------
    def _run(self, coro: Any) -> None:
        """One operation at a time; the buttons are disabled while it runs."""
        if self.task is not None and not self.task.done():
            coro.close()
            return
        self._set_busy(True)
        self.task = spawn(self._guard(coro), name=f"credentials {self.provider_id}")

    async def _guard(self, coro: Any) -> None:
        try:
            await coro
        except SecretStoreError as error:
            self._keyring_unusable(str(error))
        except ProviderError as error:
            self._show_result(str(error), ok=False)
        finally:
            self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        for widget in self._busy_widgets:
            widget.setEnabled(not busy)
        if not busy:
            self.forget_key.setEnabled(self._stored_key)
            self.sign_out.setEnabled(self._signed_in)
        self.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)

    @property
    def session_only(self) -> bool:
        """No keyring works: secrets typed here are kept in memory for this run only."""
        return self.no_keyring.active

    def _keyring_unusable(self, message: str) -> None:
        if self.session_only:
            self._show_no_keyring()
        else:
            self.no_keyring.keyring_failed(message)

    def _show_no_keyring(self) -> None:
        """The no-keyring message, and the key field as it is in that mode."""
        held = self.no_keyring.show()
        self._stored_key = held
        self.forget_key.setToolTip(
            self.tr("Forget the key kept for this session")
            if held
            else self.tr("Delete the stored key from the keyring")
        )
        if held:
            self.api_key.setPlaceholderText(self.tr("In use for this session (type to replace)"))
        self._fit()

    def _fit(self) -> None:
        """Grow to fit messages shown after opening (wrapped text needs more height)."""
        layout = self.layout()
        if layout.hasHeightForWidth():
            needed = layout.totalHeightForWidth(self.width())
        else:
            needed = layout.totalSizeHint().height()
        if self.height() < needed:
            self.resize(self.width(), needed)

    def _show_result(self, text: str, *, ok: bool) -> None:
        self.feedback.setText(text)
        self.feedback.setProperty("role", "success" if ok else "error")
        self.feedback.style().unpolish(self.feedback)
        self.feedback.style().polish(self.feedback)
        self.feedback.show()
        self._fit()  # a wrapped result needs height: grow rather than squash the fields

    # ----- operations ---------------------------------------------------------------------------
    async def _load(self) -> None:
        """What is stored, shown masked; first of all, whether a keyring works at all."""
        try:
            await secrets.check()
        except SecretStoreError as error:
            self.no_keyring.activate(str(error))
            self._show_no_keyring()
            proxy = await secrets.masked_proxy(self.provider_id)  # a session one, if any
            if proxy and not self.proxy.text():
                text = self.tr("Kept for this session: {proxy}")
                self.proxy.setPlaceholderText(text.format(proxy=proxy))
            return
        if secrets.has_api_key_field(self.provider):
            masked = await secrets.masked_field(self.provider_id, secrets.API_KEY)
            self._stored_key = bool(masked)
            if masked:
                text = self.tr("Stored: {masked}  (type to replace)")
                self.api_key.setPlaceholderText(text.format(masked=masked))
        proxy = await secrets.masked_proxy(self.provider_id)
        if proxy and not self.proxy.text():
            text = self.tr("Stored in the keyring: {proxy}")
            self.proxy.setPlaceholderText(text.format(proxy=proxy))
        if secrets.is_login_provider(self.provider):
            email = await secrets.get_field(self.provider_id, EMAIL_FIELD)
            if email:
                self.email.setText(email)
            signed_in = await secrets.is_signed_in(self.provider)
            self._set_login_status(email if signed_in else None)

    def _set_login_status(self, account: str | None) -> None:
        self._signed_in = account is not None
        text = self.tr("Signed in as {account}.").format(account=account)
        self.login_status.setText(text if account else self.tr("Not signed in."))
        self.sign_out.setEnabled(self._signed_in)

    def _connection(self) -> dict[str, str]:
        values = {"base_url": self.base_url.text().strip(), "proxy": self.proxy.text().strip()}
        return {name: value for name, value in values.items() if value}

    def _save(self) -> None:
        self._run(self._store())

    async def _store(self) -> None:
        key = self.api_key.text().strip()
        connection = self._connection()
        proxy = connection.get("proxy")
        secret_proxy = proxy if proxy and url_has_password(proxy) else None
        try:
            # Not secrets: saved first, so a keyring failure below never loses them.
            self.settings.set_connection_for(
                self.provider_id,
                base_url=connection.get("base_url"),
                proxy=None if secret_proxy else proxy,
            )
        except SecretInSettingsError as error:
            self._show_result(str(error), ok=False)
            return
        if key:
            await self._keep(secrets.API_KEY, key)
            self._stored_key = True
            self.api_key.clear()
        if secret_proxy:
            # A proxy password is a secret: the whole URL goes to the keyring.
            await self._keep(secrets.PROXY, secret_proxy)
        elif proxy:
            await _quiet_delete(self.provider_id, secrets.PROXY)
            secrets.forget_for_session(self.provider_id, secrets.PROXY)
        self.saved.emit(self.provider_id)
        self.accept()

    async def _keep(self, field: str, value: str) -> None:
        if await self.no_keyring.keep(field, value):
            self._show_no_keyring()  # the keyring failed just now

    def _forget_key(self) -> None:
        self._run(self._delete_key())

    async def _delete_key(self) -> None:
        secrets.forget_for_session(self.provider_id, secrets.API_KEY)
        self.api_key.setPlaceholderText(self.tr("Paste your API key"))
        if self.session_only:
            self._show_no_keyring()
            self._show_result(self.tr("The key kept for this session was forgotten."), ok=True)
        else:
            await secrets.delete_field(self.provider_id, secrets.API_KEY)
            self._show_result(self.tr("The stored key was removed."), ok=True)
        self._stored_key = False
        self.saved.emit(self.provider_id)

    def _test(self) -> None:
        self._run(self._list_models())

    async def _list_models(self) -> None:
        self.feedback.hide()
        lister = getattr(self.provider, "get_models_async", None)
        if lister is None:
            text = self.tr("{label} cannot list models.")
            self._show_result(text.format(label=self.label), ok=False)
            return
        kwargs: dict[str, Any] = dict(
            await secrets.request_secrets(self.provider, self.provider_id)
        )
        kwargs.update(self._connection())
        typed = self.api_key.text().strip()
        if typed:
            kwargs["api_key"] = typed
        try:
            models = await lister(strict=True, **kwargs)
        except NotImplementedError:
            text = self.tr("{label} cannot list models.")
            self._show_result(text.format(label=self.label), ok=False)
            return
        shown = ", ".join(models[:MODELS_SHOWN]) + (", …" if len(models) > MODELS_SHOWN else "")
        self._show_result(
            self.tr("Connected — %n model(s): {shown}", "", len(models)).format(shown=shown)
            if models
            else self.tr("Connected."),
            ok=True,
        )
        self.models = list(models)

    def _sign_in(self) -> None:
        self._run(self._login())

    async def _login(self) -> None:
        email, password = self.email.text().strip(), self.password.text()
        if not email or not password:
            self._show_result(self.tr("Enter the email and the password to sign in."), ok=False)
            return
        connection = self._connection()
        account = await self.provider.login_async(
            email=email, password=password, base_url=connection.get("base_url"),
            remember_password=self.remember.isChecked(), proxy=connection.get("proxy"),
        )  # fmt: skip
        self.password.clear()
        self._set_login_status(str(account))
        self._show_result(
            self.tr("Signed in to {label} as {account}.").format(label=self.label, account=account),
            ok=True,
        )
        self.signedIn.emit(self.provider_id)
        self.saved.emit(self.provider_id)

    def _sign_out(self) -> None:
        self._run(self._logout())

    async def _logout(self) -> None:
        await asyncio.to_thread(self.provider.logout)
        self._set_login_status(None)
        self._show_result(self.tr("Signed out of {label}.").format(label=self.label), ok=True)
        self.saved.emit(self.provider_id)

    def _toggle_reveal(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.api_key.setEchoMode(mode)

    def done(self, result: int) -> None:
        """Closing cancels what still runs; typed secrets are cleared from the widgets."""
        if self.task is not None and not self.task.done() and self.task is not _current_task():
            self.task.cancel()  # (not when the operation itself closes the dialog)
        self.api_key.clear()
        self.password.clear()
        if url_has_password(self.proxy.text()):
            self.proxy.clear()
        super().done(result)


def _current_task() -> asyncio.Task[Any] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:  # no running loop: called from a plain Qt slot
        return None


async def _quiet_delete(provider_id: str, field: str) -> None:
    try:
        await secrets.delete_field(provider_id, field)
    except SecretStoreError as error:
        log.debug("could not remove %s of %s: %s", field, provider_id, error)


def _row_widget(layout: QHBoxLayout) -> QWidget:
    layout.setContentsMargins(0, 0, 0, 0)
    widget = QWidget()
    widget.setLayout(layout)
    return widget


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
