"""The parameter form, generated from the provider itself.

The sources are ``provider.get_parameters(as_json=True)`` (which parameters, in which order),
``provider.get_parameter_types()`` (resolved annotations) and ``providers.parameter_info`` (what
each one does, the vendor's range, unit and documented default): the widget is chosen from the
type (bool → check box, int → spin box, float → double spin box, str → line edit or, with known
choices, a drop-down, list/dict → a JSON editor that validates), its range from the metadata.
Nothing here knows a provider.

Every field starts *unset* and is not sent: it reads "default 1.0" when the vendor documents a
default, else "provider default" — never the template's illustrations (spec 5.5 ``seed: 42``).
Editing a field sets it; its reset button unsets it. ``values()`` holds only the set, valid fields.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from providers.parameter_info import ParameterInfo, describe, parameter_info

from .field_grid import FieldGrid
from .param_editors import ParamDoubleSpinBox, ParamSpinBox, placeholder, tooltip

#: Filled in by the framework or the window, never by the form.
SKIPPED = frozenset({"provider", "model", "messages", "stream", "media"})  # media: the composer
#: Secrets belong to the credentials dialog.
SECRETS = frozenset({"api_key"})
# The parameters' labels (the name itself is in the tooltip); others are shown humanized.
PARAMETER_LABELS = {
    "timeout": QT_TRANSLATE_NOOP("SettingsForm", "Timeout"),
    "total_timeout": QT_TRANSLATE_NOOP("SettingsForm", "Total timeout"),
    "response_format": QT_TRANSLATE_NOOP("SettingsForm", "Response format"),
    "prompt": QT_TRANSLATE_NOOP("SettingsForm", "Prompt"),
    "negative_prompt": QT_TRANSLATE_NOOP("SettingsForm", "Negative prompt"),
    "tools": QT_TRANSLATE_NOOP("SettingsForm", "Tools"),
    "conversation": QT_TRANSLATE_NOOP("SettingsForm", "Conversation"),
    "history_disabled": QT_TRANSLATE_NOOP("SettingsForm", "History disabled"),
    "temperature": QT_TRANSLATE_NOOP("SettingsForm", "Temperature"),
    "top_k": QT_TRANSLATE_NOOP("SettingsForm", "Top k"),
    "top_p": QT_TRANSLATE_NOOP("SettingsForm", "Top p"),
    "min_p": QT_TRANSLATE_NOOP("SettingsForm", "Min p"),
    "frequency_penalty": QT_TRANSLATE_NOOP("SettingsForm", "Frequency penalty"),
    "presence_penalty": QT_TRANSLATE_NOOP("SettingsForm", "Presence penalty"),
    "repeat_penalty": QT_TRANSLATE_NOOP("SettingsForm", "Repeat penalty"),
    "max_tokens": QT_TRANSLATE_NOOP("SettingsForm", "Max tokens"),
    "stop": QT_TRANSLATE_NOOP("SettingsForm", "Stop"),
    "seed": QT_TRANSLATE_NOOP("SettingsForm", "Seed"),
    "max_retries": QT_TRANSLATE_NOOP("SettingsForm", "Max retries"),
    "web_search": QT_TRANSLATE_NOOP("SettingsForm", "Web search"),
    "cache": QT_TRANSLATE_NOOP("SettingsForm", "Cache"),
    "reasoning_effort": QT_TRANSLATE_NOOP("SettingsForm", "Reasoning effort"),
    "thinking_budget": QT_TRANSLATE_NOOP("SettingsForm", "Thinking budget"),
    "n": QT_TRANSLATE_NOOP("SettingsForm", "Number of answers"),
    "user": QT_TRANSLATE_NOOP("SettingsForm", "User"),
    "logprobs": QT_TRANSLATE_NOOP("SettingsForm", "Log probabilities"),
    "num_ctx": QT_TRANSLATE_NOOP("SettingsForm", "Context length"),
    "keep_alive": QT_TRANSLATE_NOOP("SettingsForm", "Keep alive"),
    "think": QT_TRANSLATE_NOOP("SettingsForm", "Think"),
}


def humanize(name: str) -> str:
    """``max_tokens`` → ``Max tokens``."""
    known = PARAMETER_LABELS.get(name)
    if known is not None:
        return QCoreApplication.translate("SettingsForm", known)
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def kind_of(annotation: Any, template: Any, choices: Sequence[str] = ()) -> str:
    """The editor for a parameter: "bool", "int", "float", "choice", "str" or "json"."""
    origin = typing.get_origin(annotation) or annotation
    if choices and origin in (str, None):
        return "choice"
    if isinstance(origin, type):
        if origin is bool:
            return "bool"
        if origin is int:
            return "int"
        if origin is float:
            return "float"
        if origin is str:
            return "str"
        if issubclass(origin, Mapping | Sequence):
            return "json"
    # No usable annotation: judge by the template value.
    if isinstance(template, bool):
        return "bool"
    if isinstance(template, int):
        return "int"
    if isinstance(template, float):
        return "float"
    if isinstance(template, str):
        return "str"
    return "json"


def json_shape(annotation: Any) -> type | None:
    """What a JSON field must hold: list, dict, or anything (None)."""
    origin = typing.get_origin(annotation) or annotation
    if isinstance(origin, type):
        if issubclass(origin, Mapping):
            return dict
        if issubclass(origin, Sequence) and not issubclass(origin, str | bytes):
            return list
    return None


class Field:
    """One parameter: its label, editor, reset button and error line."""

    def __init__(self, info: ParameterInfo, annotation: Any, kind: str) -> None:
        self.name = name = info.name
        self.info = info
        self.annotation = annotation
        self.kind = kind
        self.is_set = False
        self.error: str | None = None
        self.on_change: Callable[[Field], None] = lambda field: None
        self.label = QLabel(humanize(name))
        self.label.setObjectName(f"label_{name}")
        self.label.setWordWrap(True)  # "Frequency penalty" on two lines in a narrow panel
        self.type_name = getattr(annotation, "__name__", None) or (str(annotation or ""))
        self.reset = QToolButton()
        self.reset.setObjectName(f"reset_{name}")
        self.reset.setAutoRaise(True)
        self.reset.setToolTip(
            QCoreApplication.translate(
                "SettingsForm", "Unset {name}: the provider's default applies"
            ).format(name=name)
        )
        self.reset.setAccessibleName(
            QCoreApplication.translate("SettingsForm", "Unset {name}").format(name=name)
        )
        self.reset.setIcon(
            self.reset.style().standardIcon(QStyle.StandardPixmap.SP_LineEditClearButton)
        )
        policy = self.reset.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.reset.setSizePolicy(policy)
        self.reset.clicked.connect(self.unset)
        self.message = QLabel()
        self.message.setObjectName(f"error_{name}")
        self.message.setProperty("role", "fieldError")
        self.message.setWordWrap(True)
        self.message.hide()
        self.editor = self._make_editor()
        self.editor.setObjectName(f"param_{name}")
        self.editor.setAccessibleName(humanize(name))
        self.set_tooltips()
        self.label.setBuddy(self.editor)
        self._show_unset()
        self._restyle()

    def set_tooltips(self) -> None:
        """What the field means (partly the providers' gettext texts, which the language switch's
        walk cannot read back): set again on a language switch."""
        for widget in (self.label, self.editor):
            widget.setToolTip(tooltip(self.info, self.type_name))

    # ----- editors -----------------------------------------------------------------------------
    def _make_editor(self) -> QWidget:
        if self.kind == "bool":
            box = QCheckBox()
            box.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
            box.toggled.connect(lambda checked: self._user_set(bool(checked)))
            return box
        if self.kind in ("int", "float"):
            spin: ParamSpinBox | ParamDoubleSpinBox
            spin = ParamSpinBox(self.info) if self.kind == "int" else ParamDoubleSpinBox(self.info)
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(self._spin_changed)
            spin.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            # Its least width fits its placeholder (``param_editors.fitting_size``), not the
            # range's widest value: the size hint stays what the layout may grow it to.
            spin.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            return spin
        if self.kind == "choice":
            combo = QComboBox()
            combo.addItem(placeholder(self.info), None)
            for choice in self.info.choices:
                combo.addItem(choice, choice)
            combo.currentIndexChanged.connect(self._choice_changed)
            return combo
        if self.kind == "str":
            line = QLineEdit()
            line.setClearButtonEnabled(False)
            line.textEdited.connect(self._line_edited)
            return line
        text = QPlainTextEdit()
        text.setTabChangesFocus(True)
        text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        line_height = text.fontMetrics().lineSpacing()
        text.setFixedHeight(line_height * 3 + 12)
        text.textChanged.connect(self._json_edited)
        return text

    def _show_unset(self) -> None:
        """Show "default 1.0" / "provider default" without setting the field (never an example)."""
        editor = self.editor
        editor.blockSignals(True)
        try:
            if isinstance(editor, QCheckBox):
                editor.setChecked(bool(self.info.default))
            elif isinstance(editor, ParamSpinBox | ParamDoubleSpinBox):
                editor.setValue(editor.unset_value)
            elif isinstance(editor, QComboBox):
                editor.setCurrentIndex(0)
            elif isinstance(editor, QLineEdit):
                editor.setText("")
                editor.setPlaceholderText(placeholder(self.info))
            elif isinstance(editor, QPlainTextEdit):
                editor.setPlainText("")
                editor.setPlaceholderText(placeholder(self.info))
        finally:
            editor.blockSignals(False)

    def _display(self, value: Any) -> None:
        editor = self.editor
        editor.blockSignals(True)
        try:
            if isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, ParamSpinBox | ParamDoubleSpinBox):
                editor.setValue(value)
            elif isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(0, editor.findData(value)))
            elif isinstance(editor, QLineEdit):
                editor.setText(str(value))
            elif isinstance(editor, QPlainTextEdit):
                editor.setPlainText(json.dumps(value, ensure_ascii=False))
        finally:
            editor.blockSignals(False)

    # ----- state -------------------------------------------------------------------------------
    @property
    def value(self) -> Any:
        editor = self.editor
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, QSpinBox):
            return int(editor.value())
        if isinstance(editor, QDoubleSpinBox):
            return round(float(editor.value()), editor.decimals())
        if isinstance(editor, QComboBox):
            return editor.currentData()
        if isinstance(editor, QLineEdit):
            return editor.text()
        assert isinstance(editor, QPlainTextEdit)
        return json.loads(editor.toPlainText())

    def set_value(self, value: Any) -> bool:
        """Set the field to a remembered value; False (and unchanged) if it does not fit."""
        if not self.accepts(value):
            return False
        self._display(value)
        self.is_set = True
        self.error = None
        self._restyle()
        return True

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` has this field's type and lies in the vendor's range."""
        if self.kind == "bool":
            return isinstance(value, bool)
        if self.kind in ("int", "float"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                return False
            if self.kind == "int" and not isinstance(value, int):
                return False
            editor = self.editor
            assert isinstance(editor, ParamSpinBox | ParamDoubleSpinBox)
            return editor.low <= value <= editor.high
        if self.kind == "choice":
            return value in self.info.choices
        if self.kind == "str":
            return isinstance(value, str) and value != ""
        shape = json_shape(self.annotation)
        return shape is None or isinstance(value, shape)

    def unset(self) -> None:
        was = (self.is_set, self.error)
        self.is_set = False
        self.error = None
        self._show_unset()
        self._restyle()
        if was != (False, None):
            self.on_change(self)

    def _user_set(self, value: Any) -> None:
        self.is_set = True
        self.error = None
        self._restyle()
        self.on_change(self)

    def _spin_changed(self, value: float) -> None:
        editor = self.editor
        assert isinstance(editor, ParamSpinBox | ParamDoubleSpinBox)
        if value <= editor.unset_value:
            self.unset()  # stepped or typed down to "provider default"
        elif value < editor.low:
            editor.setValue(editor.low)  # between the sentinel and the range: the range's start
        else:
            self._user_set(value)

    def _choice_changed(self, index: int) -> None:
        if index <= 0:
            self.unset()
        else:
            self._user_set(self.value)

    def _line_edited(self, text: str) -> None:
        if text:
            self._user_set(text)
        else:
            self.unset()  # an emptied line means "not set", never an empty string sent

    def _json_edited(self) -> None:
        assert isinstance(self.editor, QPlainTextEdit)
        text = self.editor.toPlainText()
        if not text.strip():
            self.unset()
            return
        self.is_set = True
        self.error = validate_json(text, json_shape(self.annotation))
        self._restyle()
        self.on_change(self)

    def _restyle(self) -> None:
        self.label.setProperty("paramSet", self.is_set)
        self.editor.setProperty("unset", not self.is_set)
        self.editor.setProperty("invalid", self.error is not None)
        self.reset.setVisible(self.is_set)
        self.message.setText(self.error or "")
        self.message.setVisible(self.error is not None)
        for widget in (self.label, self.editor):
            widget.style().unpolish(widget)
            widget.style().polish(widget)


def validate_json(text: str, shape: type | None) -> str | None:
    """Why ``text`` is not an acceptable value, or None when it is."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        return QCoreApplication.translate(
            "SettingsForm", "Not valid JSON (line {line}, column {column}): {reason}."
        ).format(line=error.lineno, column=error.colno, reason=error.msg)
    if shape is list and not isinstance(value, list):
        return QCoreApplication.translate("SettingsForm", 'Expected a JSON list, e.g. ["a", "b"].')
    if shape is dict and not isinstance(value, dict):
        return QCoreApplication.translate(
            "SettingsForm", 'Expected a JSON object, e.g. {"key": "value"}.'
        )
    return None


class SettingsForm(QWidget):
    """The generated form for one provider at a time."""

    valuesChanged = Signal()  # noqa: N815 - Qt signal naming

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsForm")
        self.fields: dict[str, Field] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.grid = FieldGrid()  # label beside its field, or above it when narrow
        layout.addWidget(self.grid)
        self.empty = QLabel(self.tr("This provider has no parameters to set."))
        self.empty.setProperty("role", "hint")
        self.empty.setWordWrap(True)
        self.empty.hide()
        layout.addWidget(self.empty)
        self.reset_button = QPushButton(self.tr("Reset to defaults"))
        self.reset_button.setObjectName("resetParameters")
        self.reset_button.setToolTip(
            self.tr("Unset every parameter: the provider's defaults apply")
        )
        self.reset_button.clicked.connect(self.reset_all)
        layout.addWidget(self.reset_button, 0, Qt.AlignmentFlag.AlignLeft)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            for field in self.fields.values():
                field.set_tooltips()
        super().changeEvent(event)

    def set_provider(self, provider: Any, values: Mapping[str, Any] | None = None) -> None:
        """Rebuild the fields for ``provider``; ``values`` are the remembered set fields."""
        self._clear()
        template: dict[str, Any] = provider.get_parameters(as_json=True)
        types: dict[str, Any] = provider.get_parameter_types()
        infos = parameter_info(provider)
        for name, example in template.items():
            if name in SKIPPED or name in SECRETS or name not in types:
                continue  # not a parameter this provider takes from the user
            annotation = types[name]
            info = infos.get(name) or describe(provider, name)
            field = Field(info, annotation, kind_of(annotation, example, info.choices))
            field.on_change = self._field_changed
            self.fields[name] = field
            self.grid.add_row(field.label, field.editor, field.reset, field.message)
        for name, value in (values or {}).items():
            if name in self.fields:
                self.fields[name].set_value(value)
        self.empty.setVisible(not self.fields)
        self.reset_button.setEnabled(bool(self.fields))

    def _clear(self) -> None:
        self.grid.clear()
        for field in self.fields.values():
            for widget in (field.label, field.editor, field.reset, field.message):
                widget.deleteLater()
        self.fields = {}

    def values(self) -> dict[str, Any]:
        """The set, valid fields: exactly what a request sends."""
        return {
            name: field.value
            for name, field in self.fields.items()
            if field.is_set and field.error is None
        }

    def errors(self) -> dict[str, str]:
        return {name: f.error for name, f in self.fields.items() if f.error is not None}

    def reset_all(self) -> None:
        changed = any(field.is_set for field in self.fields.values())
        for field in self.fields.values():
            field.on_change = lambda field: None
            field.unset()
            field.on_change = self._field_changed
        if changed:
            self.valuesChanged.emit()

    def _field_changed(self, field: Field) -> None:
        self.valuesChanged.emit()
