"""Editors for one parameter that can show "not set" honestly and enforce the vendor's range.

A spin box cannot be empty, so an unset number sits one step below its range, where Qt shows
the ``specialValueText`` instead of a number: "default 1.0" or "provider default". Stepping up from
there lands on the documented default (or the range's start), never on a made-up value; stepping
down to it unsets the field again. The texts (placeholder, tooltip) are built here too, from
``providers.parameter_info``.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox

from providers import i18n as provider_i18n
from providers.parameter_info import ParameterInfo, description, format_default, format_range

INT_LIMIT = 2**31 - 1
FLOAT_LIMIT = 1e12


def placeholder(info: ParameterInfo) -> str:
    """What an unset field reads: "default 1.0", "default 300 seconds" or "provider default"."""
    if info.default is None or isinstance(info.default, bool):
        # its meaning ("no limit") is in the tooltip: fits
        return QCoreApplication.translate("SettingsForm", "provider default")
    return QCoreApplication.translate("SettingsForm", "default {value}").format(
        value=format_default(info, short=True)
    )


def tooltip(info: ParameterInfo, type_name: str) -> str:
    """Description, range, unit and default of one parameter, for its label and editor."""
    lines = [description(info)] if info.description else []
    valid = format_range(info)
    if valid:
        lines.append(
            QCoreApplication.translate("SettingsForm", "Range: {range}").format(range=valid)
        )
    if info.default is None:
        note = f" ({provider_i18n._(info.default_note)})" if info.default_note else ""
        lines.append(
            QCoreApplication.translate(
                "SettingsForm", "Default: chosen by the provider or the model"
            )
            + note
        )
    else:
        lines.append(
            QCoreApplication.translate("SettingsForm", "Default: {value}").format(
                value=format_default(info)
            )
        )
    sent = QCoreApplication.translate(
        "SettingsForm", "Sent as {name} ({type}) only when you set it."
    )
    lines.append(sent.format(name=info.name, type=type_name or "JSON"))
    return "\n".join(lines)


class ParamSpinBox(QSpinBox):
    """An integer within the parameter's range, or unset (its minimum, shown as a text)."""

    def __init__(self, info: ParameterInfo) -> None:
        super().__init__()
        low = int(info.minimum) if info.minimum is not None else -INT_LIMIT + 1
        high = int(info.maximum) if info.maximum is not None else INT_LIMIT
        self.low, self.high = low, high
        self.setRange(low - 1, high)
        self.setSingleStep(int(info.step or 1))
        self.setSpecialValueText(placeholder(info))
        default = info.default
        fits = isinstance(default, int) and not isinstance(default, bool) and low <= default <= high
        self.start = int(default) if fits else low

    @property
    def unset_value(self) -> int:
        return self.minimum()

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt override
        if self.value() == self.minimum() and steps > 0:
            self.setValue(self.start)  # from "not set" to the default, never to the sentinel + 1
            return
        super().stepBy(steps)


class ParamDoubleSpinBox(QDoubleSpinBox):
    """A number within the parameter's range, or unset (one step below it, shown as a text)."""

    def __init__(self, info: ParameterInfo) -> None:
        super().__init__()
        step = float(info.step or 0.1)
        self.setDecimals(2 if step >= 0.01 else 3)
        low = float(info.minimum) if info.minimum is not None else -FLOAT_LIMIT
        high = float(info.maximum) if info.maximum is not None else FLOAT_LIMIT
        self.low, self.high = low, high
        self.setRange(low - step, high)
        self.setSingleStep(step)
        self.setSpecialValueText(placeholder(info))
        default = info.default
        fits = isinstance(default, int | float) and not isinstance(default, bool)
        self.start = float(default) if fits and low <= float(default) <= high else low

    @property
    def unset_value(self) -> float:
        return self.minimum()

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt override
        if self.value() <= self.minimum() and steps > 0:
            self.setValue(self.start)
            return
        super().stepBy(steps)
