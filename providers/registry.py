"""Every provider by a stable lower-case id: the built-in vendors and third-party plugins.

``listing()`` names them without importing any vendor module (``catalog``: the built-in ones)
until the classes are loaded (``all_providers()``), for a window's first paint.

Plugins register provider classes in the ``roundtable.providers`` entry-point group, e.g.
``[project.entry-points."roundtable.providers"] myvendor = "my_pkg.provider:MyProvider"``.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import logging
from typing import TYPE_CHECKING, Any

from . import catalog
from .errors import ProviderNotFoundError
from .i18n import _
from .lazy import lazy_module
from .types import BaseProvider

if TYPE_CHECKING:
    from importlib import metadata
else:  # the installed packages' metadata is read once the classes load (plugins)
    metadata = lazy_module("importlib.metadata")

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "roundtable.providers"

#: Modules whose ``PROVIDERS`` list holds the built-in providers, in display order.
_BUILTIN_MODULES = catalog.builtin_modules()


def provider_id(provider: type[BaseProvider]) -> str:
    """The provider's stable id: its ``id`` attribute, else its lower-cased class name."""
    value = getattr(provider, "id", "") or provider.__name__
    return str(value).lower()


def provider_label(provider: type[BaseProvider]) -> str:
    """The provider's name for people, in the current language: a descriptive label ("Local
    model", marked in ``catalog``) is translated, a brand name has no entry and stays."""
    return _(str(getattr(provider, "label", "") or provider.__name__))


def _builtin() -> list[type[BaseProvider]]:
    found: list[type[BaseProvider]] = []
    for name in _BUILTIN_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        found.extend(getattr(module, "PROVIDERS", []))
    return found


def _plugins() -> list[type[BaseProvider]]:
    found: list[type[BaseProvider]] = []
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            loaded: Any = entry.load()
        except Exception as error:  # a broken plugin must not break the app
            log.warning("provider plugin %s could not be loaded: %s", entry.name, error)
            continue
        if isinstance(loaded, type) and issubclass(loaded, BaseProvider):
            found.append(loaded)
        else:
            log.warning("provider plugin %s is not a provider class", entry.name)
    return found


@functools.cache
def all_providers() -> dict[str, type[BaseProvider]]:
    """id → provider class; built-in providers win over plugins with the same id."""
    providers: dict[str, type[BaseProvider]] = {}
    for provider in [*_builtin(), *_plugins()]:
        providers.setdefault(provider_id(provider), provider)
    return providers


def loaded() -> bool:
    """Whether ``all_providers()`` has imported the classes (in this process)."""
    return all_providers.cache_info().currsize > 0


def listing() -> list[tuple[str, str]]:
    """``[(id, label), ...]`` in display order: the loaded providers once ``all_providers()``
    ran, else the built-in ones from the catalog whose module is installed (plugins are named
    once the classes load), importing no vendor module."""
    if loaded():
        return [(pid, provider_label(provider)) for pid, provider in all_providers().items()]
    return [
        (entry.id, _(entry.label))
        for entry in catalog.BUILTIN
        if importlib.util.find_spec(entry.module) is not None
    ]


def get_provider(name: str) -> type[BaseProvider]:
    """The provider with this id (case-insensitive; the class name works too)."""
    providers = all_providers()
    key = name.strip().lower()
    if key in providers:
        return providers[key]
    for provider in providers.values():
        if provider.__name__.lower() == key:
            return provider
    raise ProviderNotFoundError(
        f"Unknown provider {name!r}. Known providers: {', '.join(sorted(providers))}."
    )
