"""Editors for one parameter that can show "not set" honestly and enforce the vendor's range.

A spin box cannot be empty, so an unset number sits one step below its range, where Qt shows
the ``specialValueText`` instead of a number: "default 1.0" or "provider default". Stepping up from
there lands on the documented default (or the range's start), never on a made-up value; stepping
down to it unsets the field again. The texts (placeholder, tooltip) are built here too, from
``providers.parameter_info``. A spin box is never narrower than its placeholder: Qt's own hint
fits the widest value of the range (±2³¹, far wider than the panel), a fixed minimum cut the
longer Russian texts ("по умолч. 300 с" showed as "умолч. 300 с").
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSize
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QDoubleSpinBox,
    QSpinBox,
    QStyle,
    QStyleOptionSpinBox,
)

from providers import i18n as provider_i18n
from providers.parameter_info import ParameterInfo, description, format_default, format_range

INT_LIMIT = 2**31 - 1
FLOAT_LIMIT = 1e12
MIN_WIDTH = 90  # px: a spin box with a short placeholder still takes a number comfortably
TEXT_ROOM = 2 + 2 * 2  # px: Qt's cursor space and its line edit's margin either side of the text


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


def fitting_size(spin: QAbstractSpinBox, texts: list[str], height: int) -> QSize:
    """The least size at which ``spin`` shows each of ``texts`` whole (its placeholder, its
    starting value), never below ``MIN_WIDTH``."""
    metrics = spin.fontMetrics()
    widest = max(metrics.horizontalAdvance(text) for text in texts) + TEXT_ROOM
    option = QStyleOptionSpinBox()
    spin.initStyleOption(option)
    size = spin.style().sizeFromContents(
        QStyle.ContentsType.CT_SpinBox, option, QSize(widest, height), spin
    )
    return QSize(max(MIN_WIDTH, size.width()), size.height())


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

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        texts = [self.specialValueText(), self.textFromValue(self.start)]
        return fitting_size(self, texts, super().minimumSizeHint().height())

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

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        texts = [self.specialValueText(), self.textFromValue(self.start)]
        return fitting_size(self, texts, super().minimumSizeHint().height())

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt override
        if self.value() <= self.minimum() and steps > 0:
            self.setValue(self.start)
            return
        super().stepBy(steps)
