"""The credentials dialog's no-keyring mode: what it says, and where a secret goes instead.

On a desktop without a Secret Service a key can still be used for this run: it is kept in
memory (``secrets.keep_for_session``), never in a file, and labelled "Not saved — no keyring".
This piece owns the labels that say where secrets go (the dialog's intro, which names the
keyring only while there is one, and the two that say there is none) and the choice
keyring-or-memory; the dialog places the labels and adjusts its own key field to what
``show()`` reports.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel

from app.core import secrets
from providers.errors import SecretStoreError


class NoKeyring(QObject):
    """``active`` once the keyring proved unusable; ``message`` and ``note`` are its labels."""

    def __init__(self, provider: Any, provider_id: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.provider = provider
        self.provider_id = provider_id
        self.active = False
        self.error = ""
        self.message = _label("keyringMessage", "error")
        self.note = _label("sessionNote", "hint")
        self.intro = _label("credentialsIntro", "hint")
        self.intro.setText(
            self.tr(
                "Keys and passwords are kept in your system keyring, never in a file. "
                "Leave a field empty to keep what is stored."
            )
        )
        self.intro.show()

    def keyring_failed(self, error: str) -> None:
        """A keyring call failed while the keyring was thought usable: nothing was stored."""
        self.message.setText(self.tr("{error} Nothing secret was stored.").format(error=error))
        self.message.show()

    def activate(self, error: str) -> None:
        """From now on secrets typed in the dialog are kept in memory for this run only."""
        self.active = True
        self.error = error

    def hint(self) -> str:
        names = secrets.api_key_variables(self.provider)
        if not names:
            return ""
        return self.tr("You can also set {variable}.").format(variable=names[0])

    def show(self) -> bool:
        """Say what works without a keyring; True when a key is held for this session."""
        hint = self.hint()
        if secrets.has_api_key_field(self.provider):
            text = self.tr(
                "{error} A key you enter here is used until you quit and is never written "
                "to a file. {hint}"
            ).format(error=self.error, hint=hint)
        else:
            text = self.tr("{error} Nothing secret can be kept.").format(error=self.error)
        self.message.setText(text.strip())
        self.message.show()
        self.intro.setText(self.tr("Leave a field empty to keep what is stored."))
        held = secrets.is_session_only(self.provider_id)
        self.note.setText(
            self.tr("Not saved — no keyring. Used until you quit. {hint}").format(hint=hint).strip()
        )
        self.note.setVisible(held)
        return held

    async def keep(self, field: str, value: str) -> bool:
        """Into the keyring; without one, in memory for this run (never a file). True when
        the keyring failed just now (the caller then shows ``show()``'s message)."""
        if not self.active:
            try:
                await secrets.set_field(self.provider_id, field, value)
                return False
            except SecretStoreError as error:
                self.activate(str(error))
                secrets.keep_for_session(self.provider_id, field, value)
                return True
        secrets.keep_for_session(self.provider_id, field, value)
        return False


def _label(name: str, role: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setProperty("role", role)
    label.setWordWrap(True)
    label.hide()
    return label
