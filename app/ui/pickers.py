"""What fills a provider picker and a model picker, for any window that has a pair of them.

The comparison's columns and the main window's target bar use it: the offline list first, the
live list (keys looked up off the GUI thread) replacing it, the remembered or default model
preselected, "needs key" marks from one keyring round trip.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QComboBox, QWidget

from app.core import secrets
from providers.errors import MissingAuthError
from providers.registry import provider_label
from providers.types import BaseProvider

from .provider_picker import NEEDS_KEY, NEEDS_SIGN_IN, ProviderPicker

__all__ = ["ModelPicker", "credential_marks", "live_models", "offline_models", "provider_label"]


def default_model(provider: type[BaseProvider]) -> str:
    return str(getattr(provider, "default_model", "") or "")


def offline_models(provider: type[BaseProvider]) -> list[str]:
    """The list shown before (or instead of) the live one: the provider's known or cached
    models, else its built-in fallback list, else its default model.

    Deliberately not ``get_models()``: outside a running loop it may list over the network,
    synchronously.
    """
    for attribute in ("models", "fallback_models"):
        value = getattr(provider, attribute, None)
        if isinstance(value, list | tuple) and value:
            return [str(model) for model in value]
    default = default_model(provider)
    return [default] if default else []


async def live_models(
    provider: type[BaseProvider], provider_id: str, connection: Mapping[str, str]
) -> list[str] | None:
    """The provider's live model list; None when it has none (the offline list stays).

    Keys are looked up off the GUI thread. Raises ``providers.errors.ProviderError`` (a
    ``MissingAuthError`` when no key is available) so the caller can say why.
    """
    lister = getattr(provider, "get_models_async", None)
    if lister is None:
        return None
    kwargs: dict[str, Any] = dict(connection)
    for name, value in (await secrets.request_secrets(provider, provider_id)).items():
        kwargs.setdefault(name, value)
    if (
        getattr(provider, "needs_auth", False)
        and "api_key" not in kwargs
        and secrets.has_api_key_field(provider)
    ):
        raise MissingAuthError(
            QCoreApplication.translate(
                "ModelPicker", "{label} needs an API key before it can list its models."
            ).format(label=provider_label(provider))
        )
    try:
        return [str(model) for model in await lister(strict=True, **kwargs)]
    except NotImplementedError:
        return None


async def credential_marks(providers: Mapping[str, type[BaseProvider]]) -> dict[str, str]:
    """Provider id → "needs key"/"needs sign-in" for the providers that cannot answer yet.

    One keyring round trip (in a worker thread) for all of them; an unusable keyring counts
    as "nothing stored".
    """
    try:
        names = await secrets.stored_names()
    except secrets.SecretStoreError:
        names = set()
    marks: dict[str, str] = {}
    for pid, provider in providers.items():
        if not secrets.credential_status(provider, pid, names):
            marks[pid] = NEEDS_SIGN_IN if secrets.is_login_provider(provider) else NEEDS_KEY
    return marks


def apply_marks(picker: ProviderPicker, marks: Mapping[str, str]) -> None:
    for pid in picker.ids():
        mark = marks.get(pid)
        picker.set_needs_key(pid, mark is not None, mark or NEEDS_KEY)


class ModelPicker(QComboBox):
    """An editable list of models: pick one, or type a name the list does not show."""

    def __init__(self, parent: QWidget | None = None, *, min_chars: int = 22) -> None:
        super().__init__(parent)
        self.setObjectName("modelPicker")
        self.setAccessibleName(self.tr("Model"))
        self.setToolTip(self.tr("Model (you can also type a model name)"))
        self.setEditable(True)
        line = self.lineEdit()
        assert line is not None  # an editable combo box has one
        line.setPlaceholderText(self.tr("Model name"))
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMinimumContentsLength(min_chars)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMaxVisibleItems(24)

    def current_model(self) -> str:
        return self.currentText().strip()

    def models(self) -> list[str]:
        return [self.itemText(i) for i in range(self.count())]

    def fill(self, models: list[str], wanted: str, default: str = "") -> None:
        """Show ``models`` and select ``wanted`` (kept as typed text when not listed), without
        emitting change signals."""
        self.blockSignals(True)
        try:
            self.clear()
            for model in models:
                self.addItem(model)
                if model == default:
                    self.setItemData(
                        self.count() - 1,
                        self.tr("Default model"),
                        Qt.ItemDataRole.ToolTipRole,
                    )
            if wanted and self.findText(wanted) >= 0:
                self.setCurrentIndex(self.findText(wanted))
            elif wanted:
                self.setEditText(wanted)  # a remembered name the list does not (yet) show
            elif models:
                self.setCurrentIndex(0)
            line = self.lineEdit()
            if line is not None:
                line.setCursorPosition(0)  # a long name shows its start in a narrow picker
        finally:
            self.blockSignals(False)
