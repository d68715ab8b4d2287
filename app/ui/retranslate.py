"""Re-set every visible text after a language switch, and list them (for the tests' walk).

Why a walk instead of a ``retranslateUi`` in every widget: the texts are set in many pieces,
each written by someone else; a walk over the widgets' text slots (labels, buttons, actions,
titles, tooltips, placeholders) that finds each text in the old language's catalog and sets the
new language's form needs no code in the pieces, covers texts added later, and keeps formatted
texts ("Message {label}…", "%n answers") right: a template's fields are read back from the old
text. Only exact catalog matches change, and the places where people and models write (text
edits' contents, list and combo items: conversation titles, model names, answers) are never
walked, so user text and model output are never altered. A text a piece builds later
(a status, an error) is built in the new language anyway.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from .item_line import whole_items
from .resources import resource_path

Slot = tuple[str, Callable[[], str], Callable[[str], None]]
_FIELD = re.compile(r"\{(\w*)\}|%n")
_TAGS = re.compile(r"(<[^>]*>)")


@dataclass(frozen=True)
class Entry:
    context: str
    source: str
    plural: bool


@dataclass
class Catalog:
    """One language's texts → the message they came from (exact texts and templates)."""

    language: str
    exact: dict[str, list[Entry]] = field(default_factory=dict)
    templates: list[tuple[re.Pattern[str], Entry]] = field(default_factory=list)

    @staticmethod
    @cache
    def for_language(language: str) -> Catalog:
        catalog = Catalog(language)
        # English: the sources (any other language's .ts lists them) and the plural forms of
        # roundtable_en.ts ("1 token", "2 tokens").
        names = ["ru", "en"] if language == "en" else [language]
        for name in names:
            catalog.read(resource_path("translations", f"roundtable_{name}.ts"), name == language)
        return catalog

    def read(self, path: Path, translations: bool) -> None:
        """Add the texts of one .ts: its translations, or (``translations`` False) its sources."""
        try:
            root = ET.parse(path).getroot()  # noqa: S314 - our own shipped file
        except (OSError, ET.ParseError):
            return
        for context in root.iter("context"):
            context_name = context.findtext("name") or ""
            for message in context.iter("message"):
                source = message.findtext("source") or ""
                plural = message.get("numerus") == "yes"
                entry = Entry(context_name, source, plural)
                translation = message.find("translation")
                if not translations or translation is None:
                    texts = [source]
                elif plural:
                    texts = [form.text or "" for form in translation.iter("numerusform")]
                else:
                    texts = [translation.text or ""]
                for text in texts:
                    self.add(text, entry)

    def add(self, text: str, entry: Entry) -> None:
        if not text:
            return
        if _FIELD.search(text):
            self.templates.append((_pattern(text), entry))
        else:
            self.exact.setdefault(text, []).append(entry)

    def match(
        self, text: str, contexts: Sequence[str] = ()
    ) -> tuple[Entry, dict[str, str], int] | None:
        """The message ``text`` is a form of, with the template's fields and the count. When
        several contexts share the text ("Удалить": Remove, Delete), the first of ``contexts``
        (the widget's classes, then its parents') that has it wins."""
        entries = self.exact.get(text)
        if entries:
            ranked = [e for c in contexts for e in entries if e.context == c] or entries
            return ranked[0], {}, -1
        candidates = []
        for pattern, entry in self.templates:
            found = pattern.fullmatch(text)
            if found is not None:
                fields = found.groupdict()
                count = int(fields.pop("_n", None) or -1)
                candidates.append((entry, fields, count))
        ranked = [m for c in contexts for m in candidates if m[0].context == c] or candidates
        return ranked[0] if ranked else None


def _pattern(text: str) -> re.Pattern[str]:
    parts, pos = [], 0
    for found in _FIELD.finditer(text):
        parts.append(re.escape(text[pos : found.start()]))
        name = "_n" if found.group(0) == "%n" else found.group(1)
        parts.append(r"(?P<_n>-?\d+)" if name == "_n" else f"(?P<{name}>.+?)")
        pos = found.end()
    parts.append(re.escape(text[pos:]))
    try:
        return re.compile("".join(parts), re.DOTALL)
    except re.error:  # a field used twice: match the literal text only
        return re.compile(re.escape(text))


def contexts_of(owner: QObject) -> list[str]:
    """The translation contexts a text of ``owner`` may come from: the class names of it and
    of its parents, nearest first."""
    names: list[str] = []
    current: QObject | None = owner
    while current is not None:
        names.extend(cls.__name__ for cls in type(current).__mro__ if cls.__name__ not in names)
        current = current.parent()
    return names


def translated(before: Catalog, text: str, contexts: Sequence[str] = ()) -> str | None:
    """``text`` (in ``before``'s language) in the language installed now, or None. Rich text
    (a link, an emphasised heading) is translated piece by piece between its tags."""
    if "\u00a0" in text:  # an item line kept whole (``item_line``): translated plain, kept whole
        plain = translated(before, text.replace("\u00a0", " "), contexts)
        return whole_items(plain) if plain is not None else None
    found = before.match(text, contexts)
    if found is None:
        if "<" not in text:
            return None
        pieces = _TAGS.split(text)
        changed = False
        for index, piece in enumerate(pieces):
            if index % 2 == 0 and piece.strip():
                new = translated(before, piece, contexts)
                if new is not None:
                    pieces[index], changed = new, True
        return "".join(pieces) if changed else None
    entry, fields, count = found
    result = QCoreApplication.translate(entry.context, entry.source, None, count)
    # a field may itself be a translated text ("{error} ... {hint}"): translated too
    fields = {key: translated(before, value, contexts) or value for key, value in fields.items()}
    if fields:
        try:
            result = result.format(**fields)
        except (KeyError, IndexError, ValueError):
            return None
    return result


def text_slots(widget: QWidget) -> Iterator[Slot]:
    """The texts of ``widget`` a person sees (not what people or models wrote)."""
    if widget.isWindow():
        yield "windowTitle", widget.windowTitle, widget.setWindowTitle
    yield "toolTip", widget.toolTip, widget.setToolTip
    if isinstance(widget, QLabel | QAbstractButton):
        yield "text", widget.text, widget.setText
    elif isinstance(widget, QGroupBox):
        yield "title", widget.title, widget.setTitle
    elif isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit | QComboBox):
        yield "placeholderText", widget.placeholderText, widget.setPlaceholderText
    elif isinstance(widget, QMenu):
        yield "title", widget.title, widget.setTitle
    elif isinstance(widget, QTabWidget):
        for index in range(widget.count()):
            yield (
                f"tab {index}",
                lambda w=widget, i=index: w.tabText(i),
                lambda text, w=widget, i=index: w.setTabText(i, text),
            )


def action_slots(action: QAction) -> Iterator[Slot]:
    yield "text", action.text, action.setText
    yield "toolTip", action.toolTip, action.setToolTip


def all_slots(roots: list[QWidget] | None = None) -> Iterator[tuple[QObject, str, Slot]]:
    """Every text slot of the given windows (default: every widget of the application)."""
    widgets: list[QWidget] = []
    if roots is None:
        widgets = list(QApplication.allWidgets())
    else:
        for root in roots:
            widgets.append(root)
            widgets.extend(root.findChildren(QWidget))
    actions: dict[int, QAction] = {}
    for widget in widgets:
        for slot in text_slots(widget):
            yield widget, slot[0], slot
        # QWidget.actions unbound: a window may shadow it (MainWindow.actions)
        for action in [*QWidget.actions(widget), *widget.findChildren(QAction)]:
            actions.setdefault(id(action), action)
    for action in actions.values():
        for slot in action_slots(action):
            yield action, slot[0], slot


def retranslate_widgets(before: Catalog, after: Catalog, roots: list[QWidget] | None = None) -> int:
    """Set every text found in ``before``'s catalog to its form in the language installed now;
    returns how many changed."""
    del after  # the installed translator is the new language's catalog
    changed = 0
    for owner, _name, (_kind, get, set_text) in list(all_slots(roots)):
        text = get()
        if not text:
            continue
        new = translated(before, text, contexts_of(owner))
        if new is not None and new != text:
            set_text(new)
            changed += 1
    return changed
