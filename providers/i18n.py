"""Translated messages for the Qt-free layers (providers/ and the CLI): GNU gettext catalogs.

Why gettext and not error codes the UI renders: the CLI must speak Russian under a Russian
``LANG`` too, and it runs without Qt, so the messages need a Qt-free catalog anyway; with one
gettext catalog both the window and the CLI show the same sentence, built where the facts are.
The catalog is ``providers/locale/<lang>/LC_MESSAGES/roundtable.po`` (compiled to ``.mo`` by
``scripts/translations.sh``; the ``.mo`` is build output). Messages are translated when they are
built, so an error raised after a language switch speaks the new language.

The language: ``set_language()`` (the window calls it with its choice), else the environment as
gettext reads it (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``). A missing catalog falls
back to the English source.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

DOMAIN = "roundtable"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_chosen: str | None = None


@cache
def _translations(language: str | None) -> gettext.NullTranslations:
    languages = [language] if language else None
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=languages, fallback=True)


def set_language(language: str | None) -> None:
    """Use ``language`` ("ru", "en", ...) from now on; None goes back to the environment."""
    global _chosen
    _chosen = language or None


def language() -> str | None:
    """The language chosen with ``set_language``, or None (the environment decides)."""
    return _chosen


def _(message: str) -> str:
    """``message`` in the current language (the English source when there is no translation)."""
    return _translations(_chosen).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for ``n`` (Russian has three: 1 ответ, 2 ответа, 5 ответов)."""
    return _translations(_chosen).ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Mark ``message`` for extraction without translating it yet (module-level constants)."""
    return message
