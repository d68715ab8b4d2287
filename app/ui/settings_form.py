"""The parameter form, generated from the provider itself.

The only sources are ``provider.get_parameters(as_json=True)`` (names and template values) and
``provider.get_parameter_types()`` (resolved annotations): the widget is chosen from the type
(bool → check box, int → spin box, float → double spin box, str → line edit, list/dict → a JSON
editor that validates). Nothing here knows a provider.

Every field starts *unset*: it shows the template value dimmed and is not sent (spec 5.5: the
template holds defaults and illustrations, not what to send). Editing a field sets it; its reset
button unsets it. ``values()`` holds only the set, valid fields.
"""

from __future__ import annotations

import json
import math
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QDoubleSpinBox,
    QGridLayout,
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
INT_LIMIT = 2**31 - 1
FLOAT_LIMIT = 1e12


def humanize(name: str) -> str:
    """``max_tokens`` → ``Max tokens``."""
    known = PARAMETER_LABELS.get(name)
    if known is not None:
        return QCoreApplication.translate("SettingsForm", known)
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def kind_of(annotation: Any, template: Any) -> str:
    """The editor for a parameter: "bool", "int", "float", "str" or "json"."""
    origin = typing.get_origin(annotation) or annotation
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

    def __init__(self, name: str, annotation: Any, template: Any, kind: str) -> None:
        self.name = name
        self.annotation = annotation
        self.template = template
        self.kind = kind
        self.is_set = False
        self.error: str | None = None
        self.on_change: Callable[[Field], None] = lambda field: None
        self.label = QLabel(humanize(name))
        self.label.setObjectName(f"label_{name}")
        type_name = getattr(annotation, "__name__", None) or (str(annotation) if annotation else "")
        self.label.setToolTip(f"{name}: {type_name}" if type_name else name)
        self.reset = QToolButton()
        self.reset.setObjectName(f"reset_{name}")
        self.reset.setAutoRaise(True)
        self.reset.setToolTip(
            QCoreApplication.translate("SettingsForm", "Unset {name}: it will not be sent").format(
                name=name
            )
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
        self.label.setBuddy(self.editor)
        self._show_template()
        self._restyle()

    # ----- editors -----------------------------------------------------------------------------
    def _make_editor(self) -> QWidget:
        if self.kind == "bool":
            box = QCheckBox()
            box.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
            box.toggled.connect(lambda checked: self._user_set(bool(checked)))
            return box
        if self.kind == "int":
            spin = QSpinBox()
            spin.setRange(-INT_LIMIT, INT_LIMIT)
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(lambda value: self._user_set(int(value)))
            self._plain_spin(spin)
            return spin
        if self.kind == "float":
            dspin = QDoubleSpinBox()
            dspin.setRange(-FLOAT_LIMIT, FLOAT_LIMIT)
            dspin.setDecimals(3)
            dspin.setSingleStep(0.1)
            dspin.setKeyboardTracking(False)
            dspin.valueChanged.connect(lambda value: self._user_set(float(value)))
            self._plain_spin(dspin)
            return dspin
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

    @staticmethod
    def _plain_spin(spin: QAbstractSpinBox) -> None:
        spin.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        spin.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        # The size hint fits the widest value of the range (±2³¹): far wider than the panel.
        spin.setMinimumWidth(90)

    def _show_template(self) -> None:
        """Put the template in the editor without setting the field."""
        self._display(self.template, as_placeholder=True)

    def _display(self, value: Any, *, as_placeholder: bool) -> None:
        editor = self.editor
        editor.blockSignals(True)
        try:
            if isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, QSpinBox):
                editor.setValue(_clamp_int(value))
            elif isinstance(editor, QDoubleSpinBox):
                editor.setValue(_clamp_float(value))
            elif isinstance(editor, QLineEdit):
                text = "" if value is None else str(value)
                if as_placeholder:
                    editor.setText("")
                    editor.setPlaceholderText(text)
                else:
                    editor.setText(text)
            elif isinstance(editor, QPlainTextEdit):
                text = "" if value is None else json.dumps(value, ensure_ascii=False)
                if as_placeholder:
                    editor.setPlainText("")
                    editor.setPlaceholderText(text)
                else:
                    editor.setPlainText(text)
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
            return float(editor.value())
        if isinstance(editor, QLineEdit):
            return editor.text()
        assert isinstance(editor, QPlainTextEdit)
        return json.loads(editor.toPlainText())

    def set_value(self, value: Any) -> bool:
        """Set the field to a remembered value; False (and unchanged) if it does not fit."""
        if not self.accepts(value):
            return False
        self._display(value, as_placeholder=False)
        self.is_set = True
        self.error = None
        self._restyle()
        return True

    def accepts(self, value: Any) -> bool:
        if self.kind == "bool":
            return isinstance(value, bool)
        if self.kind == "int":
            return isinstance(value, int) and not isinstance(value, bool)
        if self.kind == "float":
            return isinstance(value, int | float) and not isinstance(value, bool)
        if self.kind == "str":
            return isinstance(value, str) and value != ""
        shape = json_shape(self.annotation)
        return shape is None or isinstance(value, shape)

    def unset(self) -> None:
        was = (self.is_set, self.error)
        self.is_set = False
        self.error = None
        self._show_template()
        self._restyle()
        if was != (False, None):
            self.on_change(self)

    def _user_set(self, value: Any) -> None:
        self.is_set = True
        self.error = None
        self._restyle()
        self.on_change(self)

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
            "SettingsForm", "Not valid JSON (line {line}, column {column}): {message}."
        ).format(line=error.lineno, column=error.colno, message=error.msg)
    if shape is list and not isinstance(value, list):
        return QCoreApplication.translate("SettingsForm", 'Expected a JSON list, e.g. ["a", "b"].')
    if shape is dict and not isinstance(value, dict):
        return QCoreApplication.translate(
            "SettingsForm", 'Expected a JSON object, e.g. {"key": "value"}.'
        )
    return None


def _clamp_int(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return 0
    return max(-INT_LIMIT, min(INT_LIMIT, number))


def _clamp_float(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    if math.isnan(number):
        return 0.0
    return max(-FLOAT_LIMIT, min(FLOAT_LIMIT, number))


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
        self._grid_host = QWidget()
        self._grid = QGridLayout(self._grid_host)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(8)
        self._grid.setVerticalSpacing(6)
        self._grid.setColumnStretch(1, 1)
        layout.addWidget(self._grid_host)
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

    def set_provider(self, provider: Any, values: Mapping[str, Any] | None = None) -> None:
        """Rebuild the fields for ``provider``; ``values`` are the remembered set fields."""
        self._clear()
        template: dict[str, Any] = provider.get_parameters(as_json=True)
        types: dict[str, Any] = provider.get_parameter_types()
        row = 0
        for name, example in template.items():
            if name in SKIPPED or name in SECRETS or name not in types:
                continue  # not a parameter this provider takes from the user
            annotation = types[name]
            field = Field(name, annotation, example, kind_of(annotation, example))
            field.on_change = self._field_changed
            self.fields[name] = field
            self._grid.addWidget(field.label, row, 0)
            self._grid.addWidget(field.editor, row, 1)
            self._grid.addWidget(field.reset, row, 2)
            self._grid.addWidget(field.message, row + 1, 1, 1, 2)
            row += 2
        for name, value in (values or {}).items():
            if name in self.fields:
                self.fields[name].set_value(value)
        self.empty.setVisible(not self.fields)
        self.reset_button.setEnabled(bool(self.fields))

    def _clear(self) -> None:
        for field in self.fields.values():
            for widget in (field.label, field.editor, field.reset, field.message):
                self._grid.removeWidget(widget)
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
