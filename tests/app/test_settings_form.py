"""The generated parameter form (real widgets) and the settings file it is remembered in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
)

from app.core.settings import SecretInSettingsError, Settings, default_path, is_secret_name
from app.ui.settings_form import SettingsForm
from providers.base import AsyncGeneratorProvider
from providers.registry import get_provider


class Typed(AsyncGeneratorProvider):
    """A provider whose signature has one parameter of each kind the form must handle."""

    @classmethod
    async def create_async_generator(  # type: ignore[override]
        cls,
        model: str,
        messages: Any,
        stream: bool = True,
        temperature: float | None = None,
        max_tokens: int = 256,
        web_search: bool = False,
        reasoning_effort: str | None = None,
        stop: list[str] | None = None,
        response_format: dict[str, Any] | None = None,
        tools=None,  # no annotation: judged by its template  # noqa: ANN001
        api_key: str | None = None,
        **kwargs: Any,
    ) -> Any:
        yield ""


@pytest.fixture
def form(qtbot: Any) -> SettingsForm:
    widget = SettingsForm()
    qtbot.addWidget(widget)
    widget.set_provider(Typed)
    widget.show()
    return widget


def test_widget_follows_the_parameter_type(form: SettingsForm) -> None:
    editors = {
        name: next(
            kind for kind in type(field.editor).__mro__ if kind.__module__.startswith("PySide6")
        )
        for name, field in form.fields.items()
    }
    # No model/messages/stream (the framework's), no api_key (the credentials dialog's).
    assert editors == {
        "response_format": QPlainTextEdit,
        "max_tokens": QSpinBox,
        "stop": QPlainTextEdit,
        "temperature": QDoubleSpinBox,
        "web_search": QCheckBox,
        "reasoning_effort": QComboBox,  # known choices: a drop-down
        "tools": QPlainTextEdit,
    }
    assert list(editors)[:3] == ["response_format", "max_tokens", "stop"]  # the template's order


def test_real_provider_form_has_no_secret_or_fixed_fields(qtbot: Any) -> None:
    form = SettingsForm()
    qtbot.addWidget(form)
    form.set_provider(get_provider("openai"))
    assert {"temperature", "max_tokens", "stop", "seed", "reasoning_effort"} <= set(form.fields)
    assert not {"api_key", "model", "messages", "stream", "provider"} & set(form.fields)
    assert isinstance(form.fields["temperature"].editor, QDoubleSpinBox)
    assert isinstance(form.fields["seed"].editor, QSpinBox)
    assert form.findChildren(QLineEdit, "param_api_key") == []


def test_fields_start_unset_showing_the_real_default(form: SettingsForm) -> None:
    assert form.values() == {} and form.errors() == {}
    max_tokens = form.fields["max_tokens"]
    assert isinstance(max_tokens.editor, QSpinBox)
    assert max_tokens.editor.text() == "default 256"  # the signature's own default
    assert max_tokens.editor.property("unset") is True
    effort = form.fields["reasoning_effort"].editor
    assert isinstance(effort, QComboBox)
    assert effort.currentText() == "provider default"  # never the spec's example "medium"
    stop = form.fields["stop"].editor
    assert isinstance(stop, QPlainTextEdit) and stop.toPlainText() == ""
    assert stop.placeholderText() == "provider default"
    assert not form.fields["max_tokens"].reset.isVisible()


def test_editing_sets_a_field_and_reset_unsets_it(form: SettingsForm, qtbot: Any) -> None:
    changes: list[int] = []
    form.valuesChanged.connect(lambda: changes.append(1))
    temperature = form.fields["temperature"]
    assert isinstance(temperature.editor, QDoubleSpinBox)
    temperature.editor.setValue(0.3)
    qtbot.mouseClick(form.fields["web_search"].editor, Qt.MouseButton.LeftButton)
    effort = form.fields["reasoning_effort"].editor
    assert isinstance(effort, QComboBox)
    effort.setCurrentIndex(effort.findText("high"))
    assert form.values() == {"temperature": 0.3, "web_search": True, "reasoning_effort": "high"}
    assert temperature.label.property("paramSet") is True and temperature.reset.isVisible()
    assert changes

    qtbot.mouseClick(temperature.reset, Qt.MouseButton.LeftButton)
    assert "temperature" not in form.values()
    assert temperature.editor.property("unset") is True

    effort.setCurrentIndex(0)  # "provider default" is "not set", never ""
    assert form.values() == {"web_search": True}

    qtbot.mouseClick(form.reset_button, Qt.MouseButton.LeftButton)
    assert form.values() == {}
    assert isinstance(form.fields["web_search"].editor, QCheckBox)
    assert form.fields["web_search"].editor.isChecked() is False  # back to the template


def test_json_editor_validates_before_accepting(form: SettingsForm, qtbot: Any) -> None:
    stop = form.fields["stop"]
    editor = stop.editor
    assert isinstance(editor, QPlainTextEdit)
    qtbot.keyClicks(editor, '["END", ')
    assert stop.error and stop.error.startswith("Not valid JSON")
    assert editor.property("invalid") is True
    assert stop.message.isVisible() and "JSON" in stop.message.text()
    assert "stop" not in form.values() and set(form.errors()) == {"stop"}

    editor.setPlainText('{"a": 1}')
    assert stop.error == 'Expected a JSON list, e.g. ["a", "b"].'
    assert "stop" not in form.values()

    editor.setPlainText('["END", "###"]')
    assert stop.error is None and not stop.message.isVisible()
    assert form.values() == {"stop": ["END", "###"]}

    response_format = form.fields["response_format"].editor
    assert isinstance(response_format, QPlainTextEdit)
    response_format.setPlainText('["not", "an", "object"]')
    assert form.errors()["response_format"].startswith("Expected a JSON object")
    response_format.setPlainText('{"type": "json_object"}')
    tools = form.fields["tools"].editor  # untyped: any JSON value
    assert isinstance(tools, QPlainTextEdit)
    tools.setPlainText('[{"type": "function"}]')
    assert form.errors() == {}
    assert form.values()["response_format"] == {"type": "json_object"}
    assert form.values()["tools"] == [{"type": "function"}]


def test_remembered_values_are_restored_and_mismatches_ignored(form: SettingsForm) -> None:
    form.set_provider(
        Typed,
        {"temperature": 0.7, "max_tokens": "many", "stop": ["x"], "web_search": 1, "gone": 5},
    )
    assert form.values() == {"temperature": 0.7, "stop": ["x"]}
    assert form.fields["temperature"].label.property("paramSet") is True
    assert form.fields["max_tokens"].label.property("paramSet") is False


def test_provider_without_parameters_says_so(qtbot: Any) -> None:
    class Bare(AsyncGeneratorProvider):
        @classmethod
        async def create_async_generator(  # type: ignore[override]
            cls, model: str, messages: Any, **kwargs: Any
        ) -> Any:
            yield ""

    form = SettingsForm()
    qtbot.addWidget(form)
    form.set_provider(Bare)
    form.show()
    assert form.fields == {} and form.empty.isVisible() and not form.reset_button.isEnabled()


# ----- the settings file --------------------------------------------------------------------------


def test_settings_round_trip_per_provider(tmp_path: Path) -> None:
    settings = Settings.load()
    assert settings.path == default_path() and str(settings.path).startswith(str(tmp_path))
    settings.provider_id = "openai"
    settings.set_model_for("openai", "gpt-4o")
    settings.set_params_for("openai", {"temperature": 0.2, "max_tokens": 100})
    settings.set_params_for("groq", {"seed": 1})
    settings.set_connection_for("ollama", base_url="http://127.0.0.1:11434 ", proxy="")
    settings.theme = "dark"
    settings.geometry = "AdnQywAD"

    again = Settings.load()
    assert again.provider_id == "openai" and again.model_for("openai") == "gpt-4o"
    assert again.params_for("openai") == {"temperature": 0.2, "max_tokens": 100}
    assert again.params_for("groq") == {"seed": 1} and again.params_for("none") == {}
    assert again.connection_for("ollama") == {"base_url": "http://127.0.0.1:11434"}
    assert again.theme == "dark" and again.geometry == "AdnQywAD"
    again.set_params_for("openai", {})
    assert "params" not in Settings.load().as_dict()["providers"]["openai"]
    with pytest.raises(ValueError):
        again.theme = "purple"
    assert list(settings.path.parent.iterdir()) == [settings.path]  # no temporary file left


@pytest.mark.parametrize(
    "name", ["api_key", "apiKey", "API-KEY", "password", "login_token", "cookies", "auth"]
)
def test_secret_names_are_refused(name: str) -> None:
    settings = Settings.load()
    with pytest.raises(SecretInSettingsError):
        settings.set(name, "test-key-123")
    with pytest.raises(SecretInSettingsError):
        settings.set_params_for("openai", {name: "test-key-123"})
    assert not settings.path.exists()


def test_counts_and_plain_urls_are_not_secrets() -> None:
    assert not is_secret_name("max_tokens") and not is_secret_name("top_k")
    settings = Settings.load()
    settings.set_params_for("openai", {"max_tokens": 5})
    settings.set_connection_for("openai", base_url="https://api.example.com/v1", proxy=None)
    with pytest.raises(SecretInSettingsError):
        settings.set_connection_for("openai", base_url=None, proxy="http://me:pw@proxy:3128")
    assert "pw@" not in settings.path.read_text()


def test_a_damaged_or_secret_holding_file_is_not_used(tmp_path: Path) -> None:
    path = default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")
    assert Settings.load().as_dict() == {}
    path.write_text(json.dumps({"provider": "openai", "providers": {"x": {"api_key": "k"}}}))
    assert Settings.load().as_dict() == {}
    path.write_text(json.dumps(["a list"]))
    assert Settings.load().provider_id is None


# ----- real metadata: vendor ranges and documented defaults, never the spec's examples -----------


@pytest.mark.parametrize(
    ("pid", "temperature", "top", "unset_texts"),
    [
        ("openai", "default 1.0", 2.0, {"presence_penalty": "default 0.0", "top_p": "default 1.0"}),
        ("anthropic", "default 1.0", 1.0, {"max_tokens": "default 4096"}),
        ("gemini", "provider default", 2.0, {"top_k": "provider default"}),
        ("ollama", "default 0.8", 2.0, {"top_k": "default 40", "top_p": "default 0.9"}),
    ],
)
def test_real_provider_form_shows_vendor_defaults_and_ranges(
    qtbot: Any, pid: str, temperature: str, top: float, unset_texts: dict[str, str]
) -> None:
    form = SettingsForm()
    qtbot.addWidget(form)
    form.set_provider(get_provider(pid))
    temp = form.fields["temperature"].editor
    assert isinstance(temp, QDoubleSpinBox)
    assert temp.text() == temperature and temp.maximum() == top
    for name, text in unset_texts.items():
        editor = form.fields[name].editor
        assert isinstance(editor, QSpinBox | QDoubleSpinBox)
        assert editor.text() == text
    shown = [
        field.editor.text()
        if isinstance(field.editor, QSpinBox | QDoubleSpinBox)
        else getattr(field.editor, "placeholderText", lambda: "")()
        for field in form.fields.values()
    ]
    # The spec's illustrations (seed 42, penalties 1, max tokens 0, json_object) are nowhere.
    assert not any(s in ("42", "1.000", "0", "0.000", "1") or "json_object" in s for s in shown)
    for field in form.fields.values():
        assert field.label.toolTip() and field.editor.toolTip() == field.label.toolTip()
        assert "Default:" in field.label.toolTip()
    if "seed" in form.fields:
        assert form.fields["seed"].editor.text() == "provider default"
        assert "(random)" in form.fields["seed"].label.toolTip()


def test_widgets_enforce_the_vendors_range(qtbot: Any) -> None:
    form = SettingsForm()
    qtbot.addWidget(form)
    form.set_provider(get_provider("anthropic"))
    form.show()
    temperature = form.fields["temperature"]
    editor = temperature.editor
    assert isinstance(editor, QDoubleSpinBox)
    assert "Range: 0–1" in temperature.label.toolTip()
    editor.stepBy(1)  # from "default 1.0": the documented default, not a made-up number
    assert form.values() == {"temperature": 1.0}
    editor.stepBy(1)
    assert form.values() == {"temperature": 1.0}  # Anthropic stops at 1
    editor.lineEdit().selectAll()
    qtbot.keyClicks(editor, "1.7")
    qtbot.keyClick(editor, Qt.Key.Key_Enter)
    assert form.values()["temperature"] <= 1.0
    editor.setValue(0.0)
    editor.stepBy(-1)  # below the range: back to "not set"
    assert "temperature" not in form.values() and editor.text() == "default 1.0"
    form.set_provider(get_provider("anthropic"), {"temperature": 1.5, "top_k": 5})
    assert form.values() == {"top_k": 5}  # a remembered value outside the range is dropped

    penalties = SettingsForm()
    qtbot.addWidget(penalties)
    penalties.set_provider(get_provider("openai"))
    presence = penalties.fields["presence_penalty"].editor
    assert isinstance(presence, QDoubleSpinBox)
    presence.setValue(-2.05)  # between "not set" and the range: the range's start
    assert penalties.values() == {"presence_penalty": -2.0}
    max_tokens = penalties.fields["max_tokens"].editor
    assert isinstance(max_tokens, QSpinBox)
    max_tokens.stepBy(1)
    assert penalties.values()["max_tokens"] == 1  # at least one token
