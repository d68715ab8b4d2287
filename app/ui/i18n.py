"""The window's language: the Qt translator, the locale for numbers and dates, and the choice.

Shared (imports no window). At start ``install_language(settings)`` installs a ``QTranslator``
for the saved choice ("system" follows ``LANGUAGE``/``LC_ALL``/``LC_MESSAGES``/``LANG``), Qt's own
catalog (standard buttons), ``QLocale.setDefault`` (numbers, dates) and the same language for the
providers' gettext messages (``providers.i18n``). ``switch_language`` does it again at run time
and re-sets every visible text (``retranslate.retranslate_widgets``): View → Language applies at
once. Catalogs: ``resources/translations/roundtable_<lang>.qm``, compiled from the ``.ts`` by
``scripts/translations.sh`` (build output, never in git).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator

from app.core.settings import LANGUAGES as CHOICES
from app.core.settings import Settings
from providers import i18n as provider_i18n
from providers.lazy import lazy_module

from .resources import resource_path

if TYPE_CHECKING:
    from . import retranslate
else:  # the walk over every text, needed only when the language is switched
    retranslate = lazy_module("app.ui.retranslate")

log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "en"
# (choice, name shown in View → Language and Preferences). Names are in their own language, never
# translated. The choices ("system" and these) are Settings.language's (CHOICES).
LANGUAGES: tuple[tuple[str, str], ...] = (("en", "English"), ("ru", "Русский"))

_installed: list[QTranslator] = []
_current = SOURCE_LANGUAGE


def data_size(size: int) -> str:
    """A byte count in the window's language ("94 MB", "94 МБ"; tenths from a GiB up)."""
    precision = 1 if size >= 1024**3 else 0
    return QLocale().formattedDataSize(
        size, precision, QLocale.DataSizeFormat.DataSizeTraditionalFormat
    )


def duration(seconds: float) -> str:
    """A time left in the window's language: "45 s", "5 min 03 s", "1 h 05 min"."""
    whole = int(seconds + 0.5)
    if whole < 60:
        return QCoreApplication.translate("Duration", "{seconds} s").format(seconds=whole)
    if whole < 3600:
        return QCoreApplication.translate("Duration", "{minutes} min {seconds} s").format(
            minutes=whole // 60, seconds=f"{whole % 60:02d}"
        )
    return QCoreApplication.translate("Duration", "{hours} h {minutes} min").format(
        hours=whole // 3600, minutes=f"{whole % 3600 // 60:02d}"
    )


def system_language(environ: Mapping[str, str] | None = None) -> str:
    """The first language of ``LANGUAGE``/``LC_ALL``/``LC_MESSAGES``/``LANG`` we have a catalog
    for (gettext's order), else English; no variable set: the system locale Qt reports."""
    env = os.environ if environ is None else environ
    known = {code for code, _name in LANGUAGES}
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(variable, "")
        if not value:
            continue
        for entry in value.split(":"):
            code = entry.split(".")[0].split("@")[0].split("_")[0].lower()
            if code in known:
                return code
            if code in ("c", "posix"):
                return SOURCE_LANGUAGE
        if variable != "LANGUAGE":
            return SOURCE_LANGUAGE
    code = QLocale.system().name().split("_")[0]
    return code if code in known else SOURCE_LANGUAGE


def resolve(choice: str) -> str:
    return system_language() if choice == "system" else choice


def current_language() -> str:
    """The language the window speaks now ("en", "ru")."""
    return _current


def catalog_path(language: str) -> str:
    return str(resource_path("translations", f"roundtable_{language}.qm"))


def install_language(choice: str) -> str:
    """Install the translators for ``choice`` ("system", "en", "ru"); returns the language used.

    Installing or removing a translator sends ``QEvent.LanguageChange`` to every widget."""
    global _current
    app = QCoreApplication.instance()
    language = resolve(choice)
    for translator in _installed:
        if app is not None:
            QCoreApplication.removeTranslator(translator)
    _installed.clear()
    if app is not None:
        # English too: its catalog holds the plural forms ("1 token", "2 tokens").
        ours = QTranslator(app)
        if ours.load(catalog_path(language)):
            QCoreApplication.installTranslator(ours)
            _installed.append(ours)
        elif language != SOURCE_LANGUAGE:
            log.warning("no compiled catalog for %s at %s", language, catalog_path(language))
            language = SOURCE_LANGUAGE
        qt = QTranslator(app)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if language != SOURCE_LANGUAGE and qt.load(f"qtbase_{language}", qt_dir):
            QCoreApplication.installTranslator(qt)
            _installed.append(qt)
    QLocale.setDefault(QLocale(language))
    provider_i18n.set_language(language)
    _current = language
    return language


def switch_language(settings: Settings, choice: str) -> str:
    """View → Language: save ``choice``, install it and re-set every text shown now."""
    if choice not in CHOICES:
        raise ValueError(f"language must be one of {', '.join(CHOICES)}, not {choice!r}")
    before = retranslate.Catalog.for_language(_current)
    settings.language = choice
    language = install_language(choice)
    # Qt's own widgets (standard dialog buttons) re-set their texts on LanguageChange, posted
    # to every widget: delivered now, before the walk.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
    if language != before.language:
        retranslate.retranslate_widgets(before, retranslate.Catalog.for_language(language))
    return language
