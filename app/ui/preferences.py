"""The Preferences dialog (Edit → Preferences…): look, language, what to start with, the proxy
for every provider, the data folder, clearing the history, where keys are kept.

Every change is saved to ``Settings`` at once and takes effect without a restart where Qt
allows: the theme through ``themeChosen`` (the window applies it), the proxy and the start-up
target on the next request or start, the language through ``languageChosen`` (the window
switches and saves it, as View → Language does). The history is cleared only after a confirmation.
"""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import QEvent, QLocale, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core import secrets
from app.core.attachments import AttachmentStore
from app.core.data_folder import data_folder, folder_size
from app.core.history import History
from app.core.settings import SecretInSettingsError, Settings
from providers.types import BaseProvider

from . import i18n
from .pickers import offline_models, provider_label
from .placeholder_fit import PlaceholderFit
from .tasks import spawn


class PreferencesDialog(QDialog):
    """The application's preferences; nothing here needs an Apply button."""

    themeChosen = Signal(str)  # noqa: N815 - "system", "light" or "dark"
    languageChosen = Signal(str)  # noqa: N815 - "system", "en" or "ru"
    historyCleared = Signal()  # noqa: N815 - every stored conversation is gone

    def __init__(
        self,
        settings: Settings,
        providers: dict[str, type[BaseProvider]],
        history: History | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle(self.tr("Preferences"))
        self.settings = settings
        self.providers = providers
        self.history = history
        self.clear_box: QMessageBox | None = None  # the last confirmation (tests answer it)
        column = QVBoxLayout(self)
        column.addWidget(self._appearance())
        column.addWidget(self._start())
        column.addWidget(self._network())
        column.addWidget(self._data())
        column.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        column.addWidget(buttons)
        self.keys_task = spawn(self._show_key_storage(), name="key storage")

    # ----- sections -------------------------------------------------------------------------------
    def _appearance(self) -> QGroupBox:
        box, form = _section(self.tr("Appearance"))
        self.theme = _choices(self._theme_names(), self.settings.theme)
        self.theme.setObjectName("themeChoice")
        self.theme.currentIndexChanged.connect(lambda _i: self._theme_chosen())
        self.language = _choices(self._language_names(), self.settings.language)
        self.language.setObjectName("languageChoice")
        self.language.currentIndexChanged.connect(lambda _i: self._language_chosen())
        form.addRow(self.tr("&Theme:"), self.theme)
        form.addRow(self.tr("&Language:"), self.language)
        return box

    def _start(self) -> QGroupBox:
        box, form = _section(self.tr("When Roundtable starts"))
        provider, model = self.settings.default_target
        entries = [("", self.tr("The provider used last"))]
        entries += [(pid, provider_label(p)) for pid, p in self.providers.items()]
        self.default_provider = _choices(entries, provider or "")
        self.default_provider.setObjectName("defaultProvider")
        self.default_model = QComboBox()
        self.default_model.setObjectName("defaultModel")
        self.default_model.setEditable(True)
        self.default_model.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._fill_models(model or "")
        line = self.default_model.lineEdit()
        assert line is not None  # an editable combo box has one
        line.setPlaceholderText(self.tr("the provider's default model"))
        self.default_provider.currentIndexChanged.connect(lambda _i: self._provider_chosen())
        self.default_model.currentIndexChanged.connect(lambda _i: self._save_target())
        line.editingFinished.connect(self._save_target)
        form.addRow(self.tr("&Provider:"), self.default_provider)
        form.addRow(self.tr("&Model:"), self.default_model)
        return box

    def _network(self) -> QGroupBox:
        box, form = _section(self.tr("Network"))
        self.proxy = PlaceholderFit(self.settings.proxy or "")
        self.proxy.setObjectName("globalProxy")
        self.proxy.setPlaceholderText(self.tr("none (e.g. http://proxy.example:8080)"))
        self.proxy.setToolTip(
            self.tr("Used by every provider that has no proxy of its own (Credentials…).")
        )
        self.proxy.editingFinished.connect(self._save_proxy)
        self.proxy_error = QLabel()
        self.proxy_error.setObjectName("proxyError")
        self.proxy_error.setProperty("role", "error")
        self.proxy_error.setWordWrap(True)
        self.proxy_error.hide()
        field = QVBoxLayout()
        field.setContentsMargins(0, 0, 0, 0)
        field.addWidget(self.proxy)
        field.addWidget(self.proxy_error)
        label = QLabel(self.tr("Pro&xy for all providers:"))
        label.setBuddy(self.proxy)
        form.addRow(label, field)
        return box

    def _data(self) -> QGroupBox:
        box, form = _section(self.tr("Your data"))
        folder = data_folder()
        self.folder_label = QLineEdit(str(folder))  # a long path scrolls, is never cut
        self.folder_label.setObjectName("dataFolder")
        self.folder_label.setReadOnly(True)
        self.folder_label.setCursorPosition(0)
        open_button = QPushButton(self.tr("Open folder"))
        open_button.setObjectName("openDataFolder")
        open_button.setAutoDefault(False)  # Enter in the proxy field saves it, opens nothing
        open_button.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(data_folder())))
        )
        row = QHBoxLayout()
        row.addWidget(self.folder_label, 1)
        row.addWidget(open_button)
        self.size_label = QLabel()
        self.size_label.setObjectName("dataSize")
        self.clear_button = QPushButton(self.tr("Clear history…"))
        self.clear_button.setObjectName("clearHistory")
        self.clear_button.setAutoDefault(False)
        self.clear_button.setEnabled(self.history is not None)
        self.clear_button.clicked.connect(self.confirm_clear)
        size_row = QHBoxLayout()
        size_row.addWidget(self.size_label, 1)
        size_row.addWidget(self.clear_button)
        self.keys_label = QLabel(self.tr("Looking for the keyring…"))
        self.keys_label.setObjectName("keyStorage")
        self.keys_label.setWordWrap(True)
        form.addRow(self.tr("Data folder:"), row)
        form.addRow(self.tr("Size:"), size_row)
        form.addRow(self.tr("API keys:"), self.keys_label)
        self.show_size()
        return box

    def done(self, result: int) -> None:
        self.keys_task.cancel()  # its label goes with the dialog
        super().done(result)

    # ----- what the choices do ------------------------------------------------------------------
    def _theme_chosen(self) -> None:
        choice = str(self.theme.currentData())
        self.settings.theme = choice
        self.themeChosen.emit(choice)

    def _language_chosen(self) -> None:
        """The window switches (and saves) it: ``MainWindow.set_language``, View → Language's."""
        self.languageChosen.emit(str(self.language.currentData()))

    def _theme_names(self) -> tuple[tuple[str, str], ...]:
        return (
            ("system", self.tr("Follow the system")),
            ("light", self.tr("Light")),
            ("dark", self.tr("Dark")),
        )

    def _language_names(self) -> tuple[tuple[str, str], ...]:
        return (("system", self.tr("The system's language")), *i18n.LANGUAGES)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """A language switch re-sets the choices' names (the switch's walk leaves combo items
        alone: elsewhere they are model names)."""
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "language"):
            _rename(self.theme, self._theme_names())
            _rename(self.language, self._language_names())
        super().changeEvent(event)

    def _provider_chosen(self) -> None:
        self._fill_models("")
        self._save_target()

    def _fill_models(self, model: str) -> None:
        provider = self.providers.get(str(self.default_provider.currentData() or ""))
        self.default_model.blockSignals(True)
        try:
            self.default_model.clear()
            if provider is not None:
                self.default_model.addItems(offline_models(provider))
            self.default_model.setEditText(model)
            self.default_model.setEnabled(provider is not None)
        finally:
            self.default_model.blockSignals(False)

    def _save_target(self) -> None:
        provider = str(self.default_provider.currentData() or "") or None
        self.settings.set_default_target(provider, self.default_model.currentText())

    def _save_proxy(self) -> None:
        try:
            self.settings.proxy = self.proxy.text()
        except SecretInSettingsError:
            self._proxy_refused(
                self.tr(
                    "A proxy with a password is not saved here, where it would be plain text: "
                    "enter it in Credentials… for a provider (it is kept in the keyring)."
                )
            )
        except ValueError as error:
            self._proxy_refused(self.tr("Not saved: {0}").format(error))
        else:
            self.proxy_error.hide()

    def _proxy_refused(self, text: str) -> None:
        self.proxy_error.setText(text)
        self.proxy_error.show()

    def show_size(self) -> None:
        size = folder_size(data_folder())  # in the window's language: "132 KB", "132 кБ"
        self.size_label.setText(
            QLocale().formattedDataSize(
                size, 1 if size >= 1024**2 else 0, QLocale.DataSizeFormat.DataSizeTraditionalFormat
            )
        )

    async def _show_key_storage(self) -> None:
        label = await secrets.storage_label()
        if label is None:
            text = self.tr(
                "Not saved — no keyring. Keys typed in Credentials… last until Roundtable "
                "closes; the providers' environment variables work too."
            )
        else:
            text = self.tr("Saved in the system keyring ({0}), never in a file.").format(label)
        self.keys_label.setText(text)

    def confirm_clear(self) -> QMessageBox:
        """Ask before deleting every conversation (window-modal, not a nested event loop)."""
        box = QMessageBox(
            QMessageBox.Icon.Warning, self.tr("Clear history"),
            self.tr("Delete every saved conversation and its attachments? This cannot be undone."),
            QMessageBox.StandardButton.Cancel, self,
        )  # fmt: skip
        clear = box.addButton(self.tr("Delete all"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def finished(_result: int) -> None:
            if box.clickedButton() is clear:
                self.clear_history()
            box.deleteLater()

        box.finished.connect(finished)
        self.clear_box = box
        box.open()
        return box

    def clear_history(self) -> None:
        history = self.history
        if history is None:
            return
        try:
            history.delete_all()
            AttachmentStore.for_history(history).collect_garbage()
        except (sqlite3.Error, OSError) as error:
            self.size_label.setText(self.tr("The history could not be cleared: {0}").format(error))
            return
        self.show_size()
        self.historyCleared.emit()


def _section(title: str) -> tuple[QGroupBox, QFormLayout]:
    box = QGroupBox(title)
    form = QFormLayout(box)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return box, form


def _choices(
    entries: tuple[tuple[str, str], ...] | list[tuple[str, str]], current: str
) -> QComboBox:
    combo = QComboBox()
    for value, text in entries:
        combo.addItem(text, value)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


def _rename(combo: QComboBox, entries: tuple[tuple[str, str], ...]) -> None:
    for value, text in entries:
        combo.setItemText(combo.findData(value), text)
