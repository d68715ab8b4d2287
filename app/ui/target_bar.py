"""The target bar: which provider and model answer next, the live model list, credential marks.

It owns the provider and model pickers (and the reload action beside them), the installed
providers, the background model listing and the "needs key" marks. It talks to app/core through
``Settings`` and ``app.core.secrets`` and to its neighbours only through signals: what to show in
the banner (``notice``/``noticeDismissed``), which credentials to ask for
(``credentialsRequested``), which target was chosen (``providerChanged``/``modelChanged``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QToolButton, QWidget

from app.core import secrets
from app.core.settings import Settings
from providers import registry
from providers.errors import MissingAuthError, ProviderError, SecretStoreError
from providers.lazy import lazy_module
from providers.types import BaseProvider

from . import theme
from .banner import BannerAction
from .pickers import ModelPicker, default_model, live_models, offline_models, provider_label
from .provider_picker import NEEDS_KEY, NEEDS_SIGN_IN, ProviderPicker
from .resources import icon
from .tasks import spawn

if TYPE_CHECKING:  # loaded with the app's loop, after the window's first paint (``tasks``)
    import asyncio
else:
    asyncio = lazy_module("asyncio")


class TargetBar(QWidget):
    """Provider picker, model picker, reload button and a busy bar while models are listed."""

    providerChanged = Signal(str)  # noqa: N815 - Qt signal naming; the user chose a provider id
    modelChanged = Signal(str)  # noqa: N815 - the model name now chosen (may be typed)
    modelsLoaded = Signal(str)  # noqa: N815 - a provider id whose live list is shown
    notice = Signal(str, str, str, object)  # tag, kind, text, list[BannerAction]
    noticeDismissed = Signal(str)  # noqa: N815 - a tag ("" dismisses whatever is shown)
    credentialsRequested = Signal(str)  # noqa: N815 - a provider id
    credentialsChecked = Signal()  # noqa: N815 - the "needs key" marks are up to date

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("targetBar")
        self.settings = settings
        self._providers: dict[str, type[BaseProvider]] = {}  # the classes: ``providers``
        self._classes_loaded = False
        self._picked_early = False  # a provider picked while only the names were listed
        self.models_task: asyncio.Task[Any] | None = None
        self.credentials_task: asyncio.Task[Any] | None = None
        self.keyring_error: str | None = None
        self.stored_names: set[str] = set()  # from the last credential check (names only)

        self.provider_picker = ProviderPicker()
        self.model_picker = ModelPicker()
        self.reload_action = QAction(self.tr("Reload models"), self)
        self.reload_action.setToolTip(self.tr("List the provider's models again"))
        reload_button = QToolButton()
        reload_button.setObjectName("reloadModelsButton")
        reload_button.setDefaultAction(self.reload_action)
        reload_button.setIconSize(QSize(18, 18))
        reload_button.setAutoRaise(True)
        self.models_busy = QProgressBar()
        self.models_busy.setObjectName("modelsBusy")
        self.models_busy.setRange(0, 0)
        self.models_busy.setTextVisible(False)
        self.models_busy.setFixedSize(56, 6)
        self.models_busy.setToolTip(self.tr("Loading the model list…"))
        self.models_busy.hide()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        for widget in (self.provider_picker, self.model_picker, reload_button, self.models_busy):
            row.addWidget(widget)

        self.provider_picker.providerChanged.connect(self._provider_chosen)
        self.model_picker.currentIndexChanged.connect(lambda _index: self.commit_model())
        line = self.model_picker.lineEdit()
        assert line is not None  # an editable combo box has one
        line.editingFinished.connect(self.commit_model)
        self.reload_action.triggered.connect(lambda: self.load_models())

    def set_dark(self, dark: bool) -> None:
        self.reload_action.setIcon(icon("refresh", theme.palette_for(dark).text))

    # ----- providers ------------------------------------------------------------------------------
    def load_providers(self, *, classes: bool = True) -> None:
        """Fill the picker and select the provider to start with. The names come from the
        registry's catalog, importing no vendor module; the classes (models, marks, the
        parameter form) follow with ``load_classes``: now, or (``classes=False``) when the
        window calls it after its first paint or something needs a class first."""
        entries = registry.listing()
        self.provider_picker.set_providers(entries)
        wanted = self._start_choice([pid for pid, _label in entries])
        if wanted is not None:
            self.provider_picker.select(wanted, emit=False)
        if classes:
            self.load_classes()

    def _start_choice(self, installed: list[str]) -> str | None:
        wanted = self.settings.start_provider()
        if wanted not in installed:  # a default since uninstalled: the last one used
            wanted = self.settings.provider_id
        if wanted not in installed:
            wanted = next(iter(installed), None)
        return wanted

    @property
    def providers(self) -> dict[str, type[BaseProvider]]:
        """id → class, loaded on first use (``load_classes``)."""
        self.load_classes()
        return self._providers

    def load_classes(self) -> None:
        """Import the provider classes (once); then list the chosen one's models and check
        credentials. The user's pick while the names alone were listed is kept."""
        if self._classes_loaded:
            return
        self._classes_loaded = True
        self._providers = dict(registry.all_providers())
        entries = [(pid, provider_label(p)) for pid, p in self._providers.items()]
        chosen = self.provider_picker.current_id() if self._picked_early else None
        if entries != self.provider_picker.entries():  # a plugin, or a module since missing
            self.provider_picker.set_providers(entries)
        # The user's pick, else the start choice again: it may be a plugin's, named only now.
        wanted = chosen if chosen in self._providers else self._start_choice(list(self._providers))
        if wanted is None:
            self.notice.emit(
                "providers",
                "error",
                self.tr("No provider is installed."),
                [],
            )
            return
        self.provider_picker.select(wanted, emit=False)
        self._provider_chosen(wanted, save=False)
        self.refresh_credentials()

    def current_provider(self) -> tuple[str, type[BaseProvider]] | None:
        pid = self.provider_picker.current_id()
        if pid is None or pid not in self.providers:
            return None
        return pid, self.providers[pid]

    def current_label(self) -> str:
        current = self.current_provider()
        return provider_label(current[1]) if current is not None else ""

    def current_model(self) -> str:
        return self.model_picker.current_model()

    def select(self, pid: str, model: str, *, save: bool = True) -> bool:
        """Pick ``pid`` and ``model`` as the user would; False when ``pid`` is not installed.
        ``save=False`` leaves the saved provider choice as it is (a suggestion, not a choice)."""
        if pid not in self.providers:
            return False
        if model:
            self.settings.set_model_for(pid, model)  # what the model list preselects
        if self.provider_picker.current_id() != pid:
            self.provider_picker.select(pid, emit=save)  # lists its models, preselecting ``model``
            if not save:
                self._provider_chosen(pid, save=False)
            return True
        index = self.model_picker.findText(model)
        if index >= 0:
            self.model_picker.setCurrentIndex(index)
        elif model:
            self.model_picker.setEditText(model)
        self.commit_model()
        return True

    def _provider_chosen(self, pid: str, *, save: bool = True) -> None:
        if save:
            self.settings.provider_id = pid
        if not self._classes_loaded:
            self._picked_early = True
            self.load_classes()  # goes on with the picker's choice: this one
            return
        provider = self._providers.get(pid)
        if provider is None:
            return
        self.noticeDismissed.emit("")
        self.providerChanged.emit(pid)
        self._fill_models(provider, pid, [])
        self.load_models()

    # ----- models ---------------------------------------------------------------------------------
    def _fill_models(self, provider: type[BaseProvider], pid: str, models: list[str]) -> None:
        wanted = self.settings.model_for(pid) or default_model(provider)
        self.model_picker.fill(models, wanted, default_model(provider))
        self.modelChanged.emit(self.current_model())

    def commit_model(self) -> None:
        """Remember the chosen (or typed) model for the current provider."""
        current = self.current_provider()
        if current is None:
            return
        model = self.current_model()
        self.modelChanged.emit(model)
        if self.settings.model_for(current[0]) != (model or None):
            self.settings.set_model_for(current[0], model or None)

    def load_models(self) -> None:
        """List the current provider's models in the background (the old listing is dropped)."""
        current = self.current_provider()
        if current is None:
            return
        if self.models_task is not None and not self.models_task.done():
            self.models_task.cancel()
        pid, provider = current
        self.models_task = spawn(self._list_models(pid, provider), name=f"models {pid}")

    async def _list_models(self, pid: str, provider: type[BaseProvider]) -> None:
        self._fill_models(provider, pid, offline_models(provider))
        if getattr(provider, "get_models_async", None) is None:
            return
        self._set_busy(True)
        label = provider_label(provider)
        try:
            connection = self.settings.request_connection(pid)
            models = await live_models(provider, pid, connection)
        except MissingAuthError as error:
            self._offer_credentials(pid, label, f"{error}")
            return
        except ProviderError as error:
            if self.provider_picker.current_id() == pid:
                actions: list[BannerAction] = [
                    (self.tr("Retry"), lambda: self.load_models()),
                    (
                        self.tr("Credentials…"),
                        lambda: self.credentialsRequested.emit(pid),
                    ),
                ]
                self.notice.emit(
                    "models", "warning",
                    self.tr(
                        "Could not list the models of {label}: {error} The built-in list is "
                        "shown."
                    ).format(label=label, error=error),
                    actions,
                )  # fmt: skip
            return
        finally:
            if self.provider_picker.current_id() == pid:
                self._set_busy(False)
        if self.provider_picker.current_id() != pid or models is None:
            return
        self.noticeDismissed.emit("models")
        if models:
            self._fill_models(provider, pid, models)
        self.modelsLoaded.emit(pid)

    def _set_busy(self, busy: bool) -> None:
        self.models_busy.setVisible(busy)
        self.reload_action.setEnabled(not busy)

    # ----- credentials ----------------------------------------------------------------------------
    def refresh_credentials(self) -> None:
        """Mark providers that still need a key (one keyring round trip, in a worker thread)."""
        self.credentials_task = spawn(self._check_credentials(), name="credentials")

    async def _check_credentials(self) -> None:
        try:
            names = await secrets.stored_names()
            self.keyring_error = None
        except SecretStoreError as error:
            names = set()
            self.keyring_error = str(error)
        self.stored_names = names
        for pid, provider in self.providers.items():
            ready = secrets.credential_status(provider, pid, names)
            mark = NEEDS_SIGN_IN if secrets.is_login_provider(provider) else NEEDS_KEY
            self.provider_picker.set_needs_key(pid, not ready, mark)
        current = self.current_provider()
        if current is not None and self.provider_picker.needs_key(current[0]):
            self._offer_credentials(current[0], provider_label(current[1]))
        self.credentialsChecked.emit()

    def _offer_credentials(self, pid: str, label: str, detail: str | None = None) -> None:
        if self.provider_picker.current_id() != pid:
            return
        login = secrets.is_login_provider(self.providers[pid])
        text = detail or (
            self.tr("{label} needs a sign-in before it can answer.")
            if login
            else self.tr("{label} needs an API key before it can answer.")
        ).format(label=label)
        if self.keyring_error:
            text += f" {self.keyring_error}"
        action: BannerAction = (
            self.tr("Sign in…") if login else self.tr("Add key…"),
            lambda: self.credentialsRequested.emit(pid),
        )
        self.notice.emit("credentials", "info", text, [action])

    def credentials_saved(self, pid: str) -> None:
        """New credentials for ``pid``: re-check the marks, list its models if it is current."""
        self.noticeDismissed.emit("credentials")
        self.refresh_credentials()
        if pid == self.provider_picker.current_id():
            self.load_models()

    def shutdown(self) -> None:
        if self.models_task is not None and not self.models_task.done():
            self.models_task.cancel()
