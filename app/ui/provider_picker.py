"""The provider picker: every registered provider, marked when it still needs a key or a login."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import QComboBox, QSizePolicy, QWidget

NEEDS_KEY = QT_TRANSLATE_NOOP("ProviderPicker", "needs key")
NEEDS_SIGN_IN = QT_TRANSLATE_NOOP("ProviderPicker", "needs sign-in")
_ID_ROLE = Qt.ItemDataRole.UserRole
_LABEL_ROLE = Qt.ItemDataRole.UserRole + 1
_NEEDS_ROLE = Qt.ItemDataRole.UserRole + 2


class ProviderPicker(QComboBox):
    """A combo box of providers by id; ``providerChanged`` carries the chosen id."""

    providerChanged = Signal(str)  # noqa: N815 - Qt signal naming

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("providerPicker")
        self.setAccessibleName(self.tr("Provider"))
        self.setToolTip(self.tr("Provider"))
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.setMaxVisibleItems(20)
        self.currentIndexChanged.connect(self._emit_changed)

    def set_providers(self, entries: list[tuple[str, str]]) -> None:
        """``[(id, label), ...]`` in display order; keeps the current choice when still listed."""
        current = self.current_id()
        self.blockSignals(True)
        try:
            self.clear()
            for provider_id, label in entries:
                self.addItem(label)
                index = self.count() - 1
                self.setItemData(index, provider_id, _ID_ROLE)
                self.setItemData(index, label, _LABEL_ROLE)
                self.setItemData(index, False, _NEEDS_ROLE)
            if current is not None:
                self.select(current, emit=False)
        finally:
            self.blockSignals(False)

    def current_id(self) -> str | None:
        value = self.currentData(_ID_ROLE)
        return value if isinstance(value, str) else None

    def entries(self) -> list[tuple[str, str]]:
        """``[(id, label), ...]`` as ``set_providers`` was given them."""
        return [
            (str(self.itemData(i, _ID_ROLE)), str(self.itemData(i, _LABEL_ROLE)))
            for i in range(self.count())
        ]

    def ids(self) -> list[str]:
        return [str(self.itemData(i, _ID_ROLE)) for i in range(self.count())]

    def select(self, provider_id: str, *, emit: bool = True) -> bool:
        index = self.findData(provider_id, _ID_ROLE)
        if index < 0:
            return False
        if not emit:
            self.blockSignals(True)
        try:
            self.setCurrentIndex(index)
        finally:
            if not emit:
                self.blockSignals(False)
        return True

    def needs_key(self, provider_id: str) -> bool:
        index = self.findData(provider_id, _ID_ROLE)
        return index >= 0 and bool(self.itemData(index, _NEEDS_ROLE))

    def set_needs_key(self, provider_id: str, needs: bool, mark: str = NEEDS_KEY) -> None:
        """Mark a provider as unusable until a key (or a sign-in: ``mark``) is added, or clear
        the mark."""
        index = self.findData(provider_id, _ID_ROLE)
        if index < 0:
            return
        label = str(self.itemData(index, _LABEL_ROLE))
        self.setItemData(index, needs, _NEEDS_ROLE)
        shown = self.tr(mark)
        self.setItemText(index, f"{label}  —  {shown}" if needs else label)
        tip = (
            self.tr("{label} {mark}: add it under Provider → Credentials…").format(
                label=label, mark=shown
            )
            if needs
            else None
        )
        self.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)

    def _emit_changed(self, index: int) -> None:
        provider_id = self.current_id()
        if provider_id is not None:
            self.providerChanged.emit(provider_id)
