"""Roundtable in Russian (issue 14): every visible text translated, plural forms, numbers and
dates, the language switched at run time, provider and CLI messages through gettext.

The walk (``retranslate.all_slots``) is the one the language switch uses: every label, button,
menu, action, tooltip, placeholder and window title of each window and dialog. Under the Russian
catalog a text that still holds an English word (after the names that stay as they are:
providers, models, shortcuts, file types) fails with the widget it is in.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QWidget

from app.core.local_models import ModelStore
from app.core.settings import Settings, default_path
from app.ui import i18n
from app.ui.chat_view import format_footer
from app.ui.compare_column import format_stats
from app.ui.compare_view import open_compare_window
from app.ui.compare_vote import LeaderboardDialog
from app.ui.credentials_dialog import CredentialsDialog
from app.ui.history_panel import relative_time
from app.ui.local_models import LocalModelsDialog
from app.ui.presets import SavePresetDialog
from app.ui.retranslate import all_slots
from app.ui.settings_form import SettingsForm
from app.ui.welcome import WelcomeScreen
from providers import i18n as provider_i18n
from providers.http import READ_TIMEOUT_ENV
from providers.parameter_info import parameter_info
from providers.parameters import get_parameters
from providers.registry import all_providers
from providers.vendors.openai import OpenAI
from tests.app.conftest import Loop, OpenWindow
from tests.app.test_first_run import without_local
from tests.servers import OpenAIServer

ROOT = Path(__file__).resolve().parents[2]

# Words that stay as they are in Russian: names, formats, keys, units of the trade.
KEPT = {
    "Roundtable", "API", "URL", "JSON", "Markdown", "GGUF", "gguf", "SHA", "Enter", "Shift",
    "Esc", "Ctrl", "Ollama", "LM", "Studio", "KWallet", "Manager", "Wi", "Fi", "Top", "Min",
    "English", READ_TIMEOUT_ENV, "A", "B",
    "OPENAI_API_KEY", "http", "https", "proxy", "huggingface", "co", "model", "Q4_K_M", "e", "g",
    "k", "p", "tok", "int", "float", "str", "bool", "list", "dict", "None", "Any", "Literal",
    "Optional", "Union",
}  # fmt: skip
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def kept_words() -> set[str]:
    """Provider names and ids, model names and parameter names: never translated."""
    words = set(KEPT)
    for pid, provider in all_providers().items():
        for text in (pid, str(getattr(provider, "label", "") or "")):
            words.update(_WORD.findall(text))
        for attribute in ("models", "fallback_models", "default_model", "api_key_env"):
            value = getattr(provider, attribute, None) or []
            for model in [value] if isinstance(value, str) else value:
                words.update(_WORD.findall(str(model)))
        # parameter names are shown as the code and the CLI spell them (--param seed=1), and
        # so are the values a choice sends ("low", "high")
        words.update(_WORD.findall(" ".join(get_parameters(provider))))
        for info in parameter_info(provider).values():
            words.update(_WORD.findall(" ".join(info.choices)))
    return words


Words = frozenset[str] | set[str]


def english_texts(roots: list[QWidget], extra: Words = frozenset()) -> list[str]:
    """Every visible text of ``roots`` that still holds an English word."""
    kept = kept_words() | set(extra)
    found = []
    for owner, name, (_kind, get, _set) in all_slots(roots):
        text = get()
        if not text or (name == "placeholderText" and owner.objectName().startswith("param_")):
            continue  # a parameter's placeholder is an example value, typed as it is
        plain = re.sub(r"<[^>]+>|&\w+;", " ", text)  # rich text: its tags are not words
        plain = re.sub(r"\S+://\S+|\S+@\S+|\b[\w.-]+\.(?:gguf|md|json)\b", " ", plain)
        plain = re.sub(r"\b(?:Ctrl|Shift|Alt)\+\w+", " ", plain)  # shortcuts
        plain = re.sub(r'"[^"]*"', " ", plain)  # JSON in an example, typed as it is
        # a parameter's tooltip names it as the code does ("max_tokens: int"): kept
        plain = re.sub(r"\b[a-z]+(?:_[a-z]+)+\b", " ", plain)
        words = [word for word in _WORD.findall(plain.replace("&", "")) if word not in kept]
        if words:
            label = owner.objectName() or type(owner).__name__
            found.append(f"{label}.{name}: {text!r} ({', '.join(words)})")
    return found


def assert_russian(roots: list[QWidget], extra: Words = frozenset()) -> None:
    found = english_texts(roots, extra)
    assert not found, "still in English:\n" + "\n".join(found)


@pytest.fixture
def russian(qapp: QApplication) -> Iterator[None]:
    before = QLocale()
    assert i18n.install_language("ru") == "ru", "run scripts/translations.sh compile first"
    try:
        yield
    finally:
        i18n.install_language("en")
        QLocale.setDefault(before)
        provider_i18n.set_language(None)


# ----- (1) every window and dialog, walked under the Russian catalog ------------------------------


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen cannot raise
def test_main_window_history_and_comparison_are_all_russian(
    russian: None, open_window: OpenWindow, openai_server: OpenAIServer, loop: Loop, qtbot: Any
) -> None:
    window = open_window()
    assert window.windowTitle() == "Roundtable"
    assert window.history_panel.heading.text() == "История"
    # a stored conversation, so the history list and its context menu have something to show
    window.conversation.composer.setPlainText("Привет")
    ended = loop.expect(window.answerEnded)
    window.send()
    loop.run(ended)
    (conversation_id,) = [c.id for c in window.history.conversations()]
    menu = window.history_panel.menu_for(conversation_id)
    compare = open_compare_window(window, "Привет")
    qtbot.addWidget(compare)
    loop.run(compare.credentials_task)
    for column in compare.columns():
        loop.run(column.models_task)
    kept = {"gpt", "mini", "o3", "4o", "Hello", "world"}
    assert_russian([window, menu, compare], kept)
    assert [a.text() for a in menu.actions() if a.text()] == [
        "Открыть", "Переименовать", "Экспорт в Markdown…", "Экспорт в JSON…", "Удалить…"
    ]  # fmt: skip


def test_a_damaged_settings_file_is_reported_in_russian(
    russian: None, open_window: OpenWindow
) -> None:
    path = default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"theme": "dark",}')
    window = open_window()
    said = window.banner.text.text()
    [backup] = path.parent.glob("settings.json.damaged-*")
    assert window.banner.isVisible() and backup.name in said and "строка 1" in said
    # the file name, its path and the JSON parser's own words are kept as they are
    kept = {"Expecting", "property", "name", "enclosed", "in", "double", "quotes"}
    kept.update(_WORD.findall(f"{path} {backup.name}"))
    assert_russian([window.banner], kept)


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen cannot raise
def test_preferences_help_presets_and_comparison_extras_are_all_russian(
    russian: None, open_window: OpenWindow, loop: Loop, qtbot: Any
) -> None:
    window = open_window()
    preferences = window.dialogs.open_preferences()
    loop.run(preferences.keys_task)
    dialogs = [
        preferences, window.dialogs.open_shortcuts(), window.dialogs.open_about(),
        window.dialogs.open_docs(), LeaderboardDialog([], window),
        SavePresetDialog("Ревьюер", "OpenAI · gpt-4o", window),
    ]  # fmt: skip
    for dialog in dialogs[-2:]:
        dialog.show()
    compare = open_compare_window(window, "Привет")
    qtbot.addWidget(compare)
    loop.run(compare.credentials_task)
    compare.blind_box.setChecked(True)  # "Модель A", the vote bar
    compare.vote_bar.show()
    compare.columns()[0].settings_button.setChecked(True)  # the column's own settings
    # the keyring as keyring names its backend ("SecretService Keyring") is a name
    backend = re.findall(r"\((.*)\)", preferences.keys_label.text())
    kept = {"gpt", "mini", "o3", "4o", "MIT", "README", *_WORD.findall(" ".join(backend))}
    assert_russian([*dialogs, compare], kept)
    assert preferences.language.itemText(0) == "Язык системы"


def test_credentials_dialogs_are_all_russian(
    russian: None, qtbot: Any, loop: Loop, keyring_service: str
) -> None:
    providers = all_providers()
    for pid in ("openai", "anthropic", "openwebui", "ollama"):
        dialog = CredentialsDialog(providers[pid], pid, Settings.load())
        qtbot.addWidget(dialog)
        dialog.show()
        if dialog.task is not None:
            loop.run(dialog.task)
        assert_russian([dialog])
        assert "учётные данные" in dialog.windowTitle()


def test_settings_form_of_every_provider_is_all_russian(russian: None, qtbot: Any) -> None:
    form = SettingsForm()
    qtbot.addWidget(form)
    for provider in all_providers().values():
        form.set_provider(provider)
        assert_russian([form])


def test_welcome_and_local_models_are_all_russian(
    russian: None, qtbot: Any, loop: Loop, no_keyring: None
) -> None:
    screen = WelcomeScreen(providers=without_local(), servers=[], bound=10.0)
    qtbot.addWidget(screen)
    screen.show()
    loop.run(screen.start())
    dialog = LocalModelsDialog(ModelStore())
    qtbot.addWidget(dialog)
    dialog.show()
    assert_russian([screen, dialog])


def test_the_walk_finds_an_unmarked_text(russian: None, open_window: OpenWindow) -> None:
    window = open_window()
    window.history_panel.heading.setText("Saved conversations")  # as if never marked
    assert any("Saved" in line for line in english_texts([window]))


# ----- (2) the catalogs: nothing unfinished, obsolete or missing ----------------------------------


def _lupdate(tmp_path: Path, *options: str) -> str:
    target = tmp_path / "roundtable_ru.ts"
    target.write_bytes((ROOT / "resources" / "translations" / "roundtable_ru.ts").read_bytes())
    sources = sorted(str(path) for path in (ROOT / "app" / "ui").glob("*.py"))
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    subprocess.run(
        [str(lupdate), "-silent", "-locations", "none", *options, *sources, "-ts", str(target)],
        check=True, timeout=120,
    )  # fmt: skip
    return target.read_text(encoding="utf-8")


def test_russian_catalog_has_no_unfinished_or_obsolete_entries(tmp_path: Path) -> None:
    # lupdate over the sources into a copy: a new string is "unfinished", a removed one "vanished"
    text = _lupdate(tmp_path)
    bad = re.findall(
        r"<source>([^<]*)</source>\s*(?:<comment>[^<]*</comment>\s*)?"
        r'<translation type="(?:unfinished|obsolete|vanished)"',
        text,
    )
    assert bad == [], "run scripts/translations.sh update and translate these"
    committed = (ROOT / "resources" / "translations" / "roundtable_ru.ts").read_text("utf-8")
    assert 'type="unfinished"' not in committed and 'type="vanished"' not in committed


def test_every_marked_string_reaches_the_catalog() -> None:
    """lupdate's Python parser silently skips some calls (nested parentheses, a plural count
    that is not a literal); every literal passed to translate() or tr() must be in the .ts."""
    catalog = (ROOT / "resources" / "translations" / "roundtable_ru.ts").read_text("utf-8")
    sources = set(re.findall(r"<source>([^<]*)</source>", catalog))
    unescape = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'"}
    for escaped, plain in unescape.items():
        sources = {source.replace(escaped, plain) for source in sources}
    call = re.compile(
        r'(?:translate\(\s*"\w+",|QT_TRANSLATE_NOOP\(\s*"\w+",|\btr\()\s*((?:"(?:[^"\\]|\\.)*"\s*)+)'
    )
    missing = []
    for path in sorted((ROOT / "app" / "ui").glob("*.py")):
        for found in call.finditer(path.read_text(encoding="utf-8")):
            literal = "".join(eval(part) for part in re.findall(r'"(?:[^"\\]|\\.)*"', found[1]))  # noqa: S307
            if literal not in sources:
                missing.append(f"{path.name}: {literal!r}")
    assert missing == []


def test_provider_catalog_is_complete(tmp_path: Path) -> None:
    from babel.messages.pofile import read_po

    pot = tmp_path / "roundtable.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(
        [str(pybabel), "-q", "extract", "--no-location", "-k", "_", "-k", "N_", "-o", str(pot),
         "providers", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "app").glob("cli*.py"))],
        check=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    with pot.open("rb") as source:
        wanted = {message.id for message in read_po(source) if message.id}
    with (ROOT / "providers" / "locale" / "ru" / "LC_MESSAGES" / "roundtable.po").open("rb") as po:
        catalog = read_po(po)
    done = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    assert wanted - done == set(), "run scripts/translations.sh update and translate these"
    assert {m.id for m in catalog if m.id} - wanted == set(), "obsolete entries"


# ----- (3) plural forms, numbers, dates -----------------------------------------------------------


def test_russian_plural_forms_numbers_and_dates(russian: None) -> None:
    now = 1_700_000_000.0
    assert [relative_time(now - minutes * 60, now) for minutes in (1, 2, 5, 21, 22, 11)] == [
        "1 минуту назад", "2 минуты назад", "5 минут назад", "21 минуту назад",
        "22 минуты назад", "11 минут назад",
    ]  # fmt: skip
    assert relative_time(now - 3 * 3600 - 60, now) in ("3 часа назад",)
    assert relative_time(now - 5 * 86400, now) == "5 дней назад"
    assert relative_time(now - 40 * 86400, now) == "5 окт."  # the locale's month names
    footer = format_footer({"prompt_tokens": 1234, "completion_tokens": 5}, 3.24, "length", False)
    assert footer == "вход: 1\u00a0234 · выход: 5 · 3,2 с · обрезан"  # QLocale's separators


def test_english_plural_forms(qapp: QApplication) -> None:
    i18n.install_language("en")
    now = 1_700_000_000.0
    assert relative_time(now - 86400 * 4, now) == "4 days ago"
    assert relative_time(now - 5 * 60, now) == "5 min ago"
    column = type("Column", (), {})()
    column.__dict__.update(
        state="finished", time_to_first_token=None, elapsed=2.0, output_tokens=1,
        tokens_per_second=None, finish_reason=None, usage=None, cost=None,
    )  # fmt: skip
    assert format_stats(column) == "Total 2.00 s · 1 token"  # type: ignore[arg-type]
    column.output_tokens = 3
    assert format_stats(column) == "Total 2.00 s · 3 tokens"  # type: ignore[arg-type]


# ----- (4) switching at run time ------------------------------------------------------------------


def test_switching_language_retranslates_at_once_and_keeps_user_text(
    open_window: OpenWindow, qapp: QApplication, loop: Loop
) -> None:
    before = QLocale()
    i18n.install_language("en")
    window = open_window()
    try:
        window.conversation.composer.setPlainText("Stop")  # the user's text, equal to a UI word
        window.system_prompt.setPlainText("History")
        dialog = window.open_credentials()
        assert dialog is not None
        loop.run(dialog.task)
        window.set_language("ru")
        assert dialog.forget_key.text() == "Удалить"
        assert window.settings.get("language") == "ru"
        assert window.actions.languages["ru"].isChecked()
        assert window.history_panel.heading.text() == "История"
        assert window.new_chat_action.text() == "Новый чат"
        assert [m.title() for m in window.menuBar().findChildren(type(window.menuBar().addMenu("")))
                if m.title()][:4] == ["&Файл", "&Правка", "&Провайдер", "&Вид"]  # fmt: skip
        assert window.composer.placeholderText().startswith("Сообщение для ")
        assert window.conversation.composer.toPlainText() == "Stop"
        assert window.system_prompt.toPlainText() == "History"
        assert_russian([window], {"gpt", "mini", "o3", "4o"})
        assert "Нет ключа API" in str(OpenAI.missing_key_error())  # the providers follow

        window.set_language("en")
        # "Удалить" is both Remove (this dialog) and Delete (the history): the widget's own
        # classes decide
        assert dialog.forget_key.text() == "Remove"
        assert dialog._reveal.text() == "Show"  # ... here: the dialog's own context decides
        assert window.history_panel.heading.text() == "History"
        assert window.new_chat_action.text() == "New chat"
        assert window.composer.placeholderText().startswith("Message ")
        assert window.conversation.composer.toPlainText() == "Stop"
        assert str(OpenAI.missing_key_error()).startswith("No API key")
    finally:
        i18n.install_language("en")
        QLocale.setDefault(before)
        provider_i18n.set_language(None)


def test_preferences_language_is_the_same_switch_as_the_view_menu(
    open_window: OpenWindow, qapp: QApplication, loop: Loop
) -> None:
    before = QLocale()
    i18n.install_language("en")
    window = open_window()
    try:
        dialog = window.dialogs.open_preferences()
        loop.run(dialog.keys_task)
        dialog.language.setCurrentIndex(dialog.language.findData("ru"))
        assert i18n.current_language() == "ru" and window.settings.language == "ru"
        assert window.actions.languages["ru"].isChecked()  # View → Language follows
        assert window.new_chat_action.text() == "Новый чат"  # applied at once
        assert dialog.windowTitle() == "Настройки"
        assert dialog.language.itemText(0) == "Язык системы"  # its own choices too
        assert dialog.theme.itemText(1) == "Светлая"
        window.set_language("en")  # and the other way round
        assert dialog.language.itemText(0) == "The system's language"
        assert window.new_chat_action.text() == "New chat"
    finally:
        i18n.install_language("en")
        QLocale.setDefault(before)
        provider_i18n.set_language(None)


def test_saved_choice_and_system_language(qapp: QApplication, tmp_path: Path) -> None:
    settings = Settings.load()
    assert settings.language == "system"
    settings.set("language", "klingon")
    assert settings.language == "system"
    assert i18n.system_language({"LANG": "ru_RU.UTF-8"}) == "ru"
    assert i18n.system_language({"LANGUAGE": "de:ru", "LANG": "en_US.UTF-8"}) == "ru"
    assert i18n.system_language({"LC_MESSAGES": "C", "LANG": "ru_RU.UTF-8"}) == "en"
    assert i18n.system_language({"LC_ALL": "en_GB.UTF-8", "LANG": "ru_RU.UTF-8"}) == "en"
    with pytest.raises(ValueError, match="language must be one of"):
        i18n.switch_language(settings, "klingon")


# ----- provider and CLI messages ------------------------------------------------------------------


def test_cli_speaks_russian_under_a_russian_lang(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.endswith("_API_KEY")}
    env.update(LANG="ru_RU.UTF-8", LANGUAGE="", LC_ALL="", LC_MESSAGES="")
    result = subprocess.run(
        [sys.executable, "-m", "app.main", "chat", "-p", "openai", "--base-url",
         "http://127.0.0.1:9/v1", "привет"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    # no key stored: "Нет ключа API для OpenAI..."; a locked keyring: "Ключ API для OpenAI не
    # удалось прочитать..." — Russian either way
    assert "API для OpenAI" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_catalogs_read_back_templates_and_plural_forms(russian: None) -> None:
    from app.ui.retranslate import Catalog, translated

    english, russian_catalog = Catalog.for_language("en"), Catalog.for_language("ru")
    # an English plural form (roundtable_en.ts) → its count, then the Russian form for it
    assert translated(english, "3 columns") == "3 колонки"
    assert translated(english, "1 column") == "1 колонка"
    assert translated(english, "Message OpenAI…", ["ConversationPane"]) == "Сообщение для OpenAI…"
    assert translated(english, "a user's own words") is None
    assert russian_catalog.match("21 токен") is not None
