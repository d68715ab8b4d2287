"""The comparison as a workspace: follow-ups, per-column settings, 8 columns, saving and
reopening, blind voting with the leaderboard, presets, continuing a column as a chat.

Real widgets on the qasync loop, real loopback vendor servers over sockets, a real history
database in the test's data directory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QLabel

from app.core.compare_store import CompareStore, contender_name
from app.core.history import History
from app.core.leaderboard import Vote
from app.core.settings import Settings
from app.ui.compare_column import MIN_WIDTH
from app.ui.compare_view import COLUMNS_KEY, MAX_COLUMNS, CompareWindow
from tests.app.conftest import Loop
from tests.app.test_compare import chats, settle
from tests.servers import DEFAULT_KEY, AnthropicServer, OpenAIServer, Stream

OPENAI_ANSWER = "Paris is the capital of France."
ANTHROPIC_ANSWER = "The capital of France is Paris, on the Seine."


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch, keyring_service: str) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", DEFAULT_KEY)
    monkeypatch.setenv("ANTHROPIC_API_KEY", DEFAULT_KEY)


@pytest.fixture
def history(tmp_path: Path) -> Iterator[History]:
    store = History(tmp_path / "history.sqlite3")
    yield store
    store.close()


@pytest.fixture
def workspace(
    qtbot: Any, loop: Loop, openai_server: OpenAIServer, anthropic_server: AnthropicServer,
    ollama_server: Any, keys: None,
) -> Iterator[Any]:  # fmt: skip
    """Opens a comparison window on the given columns (provider, model[, params]) pointed at
    the loopback servers, with an optional history, and waits for its start-up."""

    def open_(
        columns: list[tuple[Any, ...]], *, history: History | None = None, width: int = 1280
    ) -> CompareWindow:
        settings = Settings.load()
        settings.set_connection_for("openai", base_url=openai_server.base_url, proxy=None)
        settings.set_connection_for("anthropic", base_url=anthropic_server.url, proxy=None)
        settings.set_connection_for("ollama", base_url=ollama_server.url, proxy=None)
        entries = []
        for column in columns:
            entry: dict[str, Any] = {"provider": column[0], "model": column[1]}
            if len(column) > 2:
                entry["params"] = column[2]
            entries.append(entry)
        settings.set(COLUMNS_KEY, entries)
        window = CompareWindow(settings, history=history)
        qtbot.addWidget(window)
        opened.append(window)
        window.resize(width, 800)
        window.show()
        settle(window, loop)
        return window

    opened: list[CompareWindow] = []
    yield open_
    for window in opened:
        window.run.stop()
        loop.run(window.run.wait())


def ask(window: CompareWindow, loop: Loop, qtbot: Any, text: str) -> None:
    qtbot.keyClicks(window.composer, text)
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    assert window.run.busy
    loop.run(window.run.wait())


def view_texts(window: CompareWindow) -> list[list[str]]:
    return [
        [w.view.message_text(i) for i in range(w.view.message_count())] for w in window.columns()
    ]


def test_a_follow_up_goes_to_every_column_with_its_own_previous_turns(
    workspace: Any, openai_server: OpenAIServer, anthropic_server: AnthropicServer,
    loop: Loop, qtbot: Any,
) -> None:  # fmt: skip
    window = workspace([("openai", "gpt-4o-mini"), ("anthropic", "claude-haiku-4-5")])
    openai_server.push(Stream(text=OPENAI_ANSWER, chunk_count=4))
    anthropic_server.push(Stream(text=ANTHROPIC_ANSWER, chunk_count=4))
    ask(window, loop, qtbot, "What is the capital of France?")
    assert window.composer.toPlainText() == ""
    ask(window, loop, qtbot, "And its population?")

    first, second = chats(openai_server)[-1], chats(anthropic_server)[-1]
    assert first.body_dict["messages"] == [
        {"role": "user", "content": "What is the capital of France?"},
        {"role": "assistant", "content": OPENAI_ANSWER},  # its own answer, not the other's
        {"role": "user", "content": "And its population?"},
    ]
    anthropic_messages = second.body_dict["messages"]
    assert [m["role"] for m in anthropic_messages] == ["user", "assistant", "user"]
    assert json.dumps(anthropic_messages[1]).count(ANTHROPIC_ANSWER) == 1
    assert OPENAI_ANSWER not in json.dumps(anthropic_messages)
    texts = view_texts(window)
    assert texts[0] == [
        "What is the capital of France?", OPENAI_ANSWER,
        "And its population?", "You said: And its population?",
    ]  # fmt: skip
    assert texts[1][:2] == ["What is the capital of France?", ANTHROPIC_ANSWER]
    assert len(texts[1]) == 4

    # Retrying one column replaces only its last answer, keeping its earlier turns.
    ended = loop.expect(window.columnEnded)
    qtbot.mouseClick(window.columns()[0].retry_button, Qt.MouseButton.LeftButton)
    loop.run(ended)
    assert chats(openai_server)[-1].body_dict["messages"] == first.body_dict["messages"]
    assert view_texts(window)[0] == texts[0]
    assert len(chats(anthropic_server)) == 2

    # Regenerating an earlier answer drops what followed it in that column only.
    ended = loop.expect(window.columnEnded)
    window.columns()[0].view.regenerateRequested.emit(1)
    loop.run(ended)
    assert chats(openai_server)[-1].body_dict["messages"] == [
        {"role": "user", "content": "What is the capital of France?"}
    ]
    assert view_texts(window)[0] == [
        "What is the capital of France?",
        "You said: What is the capital of France?",
    ]
    assert len(view_texts(window)[1]) == 4
    ended = loop.expect(window.columnEnded)
    window.columns()[1].view.editRequested.emit(2, "And its size?")
    loop.run(ended)
    assert view_texts(window)[1][2:] == ["And its size?", "You said: And its size?"]


def test_each_column_sends_its_own_parameters_and_system_prompt(
    workspace: Any, openai_server: OpenAIServer, loop: Loop, qtbot: Any
) -> None:
    window = workspace([("openai", "gpt-4o"), ("openai", "gpt-4o")])
    cold, hot = window.columns()
    qtbot.mouseClick(cold.settings_button, Qt.MouseButton.LeftButton)
    assert cold.column_settings.isVisible()
    cold.column_settings.form.fields["temperature"].editor.setValue(0.2)  # type: ignore[attr-defined]
    hot.column_settings.form.fields["temperature"].editor.setValue(1.3)  # type: ignore[attr-defined]
    hot.column_settings.own_prompt.setChecked(True)
    qtbot.keyClicks(hot.column_settings.system_prompt, "Answer in verse.")
    qtbot.keyClicks(window.system_prompt, "Be brief.")
    ask(window, loop, qtbot, "Describe the sea.")

    bodies = sorted((r.body_dict for r in chats(openai_server)), key=lambda b: b["temperature"])
    assert [b["temperature"] for b in bodies] == [0.2, 1.3]
    assert bodies[0]["messages"][0] == {"role": "system", "content": "Be brief."}
    assert bodies[1]["messages"][0] == {"role": "system", "content": "Answer in verse."}
    saved = Settings.load().get(COLUMNS_KEY)  # remembered for the next window
    assert [entry.get("params") for entry in saved] == [{"temperature": 0.2}, {"temperature": 1.3}]
    assert [entry.get("system_prompt") for entry in saved] == [None, "Answer in verse."]


def test_eight_columns_stream_at_once_with_one_failing_and_one_stalled(
    workspace: Any, openai_server: OpenAIServer, anthropic_server: AnthropicServer,
    ollama_server: Any, loop: Loop, qtbot: Any,
) -> None:  # fmt: skip
    openai_models = ["gpt-4o-mini", "gpt-4o", "gpt-4.1", "gpt-4.1-mini", "o3-mini", "gpt-5"]
    openai_server.models = openai_models
    columns = [("openai", m) for m in openai_models]
    columns += [("anthropic", "claude-haiku-4-5"), ("ollama", "llama3.2")]
    window = workspace(columns, width=1280)
    assert len(window.columns()) == MAX_COLUMNS and not window.add_button.isEnabled()
    anthropic_server.api_keys = {"another-key"}  # refused: 401
    ollama_server.push(Stream(text="Thinking slowly about it", stall_after=2, stall_seconds=30))
    failing, stalled = window.columns()[6], window.columns()[7]

    qtbot.keyClicks(window.composer, "Hello all")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    # Sending made no bubbles yet: each column makes its own on a later turn of the loop, one
    # column per turn (eight at once froze the window; tests/bench/compare_columns.py).
    assert [w.view.message_count() for w in window.columns()] == [0] * MAX_COLUMNS
    others = [window.run.column(w.key) for w in window.columns()[:6]]
    stalled_column = window.run.column(stalled.key)
    loop.until(
        lambda: (
            all(c.state == "finished" for c in others)
            and failing.retry_button.isVisible()
            and stalled_column.text
        )  # its first words, then nothing more
    )
    assert stalled_column.state == "running" and stalled_column.text  # still streaming
    assert window.run.column(failing.key).state == "failed"
    assert "401" in (window.run.column(failing.key).error or "")
    assert sorted(r.body_dict["model"] for r in chats(openai_server)) == sorted(openai_models)
    for widget in window.columns()[:6]:
        assert widget.view.message_text(1) == "You said: Hello all"
        assert widget.stats.text().startswith("First token")
    window.stop_column(stalled.key)
    loop.run(window.run.wait())
    assert stalled_column.state == "stopped" and stalled.stats.text().endswith("stopped")

    # Nothing clipped: each column keeps its readable width, the row scrolls instead.
    loop.idle(0.1)
    for widget in window.columns():
        assert widget.width() >= MIN_WIDTH
    bar = window.area.scroll.horizontalScrollBar()
    assert bar.maximum() > 0  # 8 x 300 px do not fit in the window: scroll, never squeeze
    window.set_layout("grid")
    assert window.area.grid_shape() == (2, 4)
    for widget in window.columns():
        assert widget.isVisible() and widget.width() >= MIN_WIDTH
    window.set_layout("tabs")
    assert window.area.tabs.count() == MAX_COLUMNS
    assert window.area.tabs.tabText(0) == "gpt-4o-mini"
    window.set_layout("row")
    assert window.area.scroll.widget().layout().count() == MAX_COLUMNS
    assert Settings.load().get("compare_layout") == "row"


def test_a_saved_comparison_is_one_history_entry_searchable_reopened_and_exported(
    workspace: Any, openai_server: OpenAIServer, anthropic_server: AnthropicServer,
    history: History, loop: Loop, qtbot: Any, tmp_path: Path,
) -> None:  # fmt: skip
    window = workspace(
        [("openai", "gpt-4o-mini", {"temperature": 0.5}), ("anthropic", "claude-haiku-4-5")],
        history=history,
    )
    anthropic_server.push(Stream(text=ANTHROPIC_ANSWER), Stream(text="About two million."))
    ask(window, loop, qtbot, "What is the capital of France?")
    ask(window, loop, qtbot, "And its population?")
    conversations = history.conversations()
    assert [c.title for c in conversations] == ["What is the capital of France?"]
    comparison_id = conversations[0].id
    assert window.comparison_id == comparison_id
    assert [hit.conversation_id for hit in history.search("Seine")] == [comparison_id]
    assert [hit.conversation_id for hit in history.search("population")] == [comparison_id]

    markdown, as_json = tmp_path / "comparison.md", tmp_path / "comparison.json"
    assert window.export(str(markdown)) and window.export(str(as_json))
    text = markdown.read_text(encoding="utf-8")
    assert text.index("## You\n\nWhat is the capital") < text.index("### OpenAI · gpt-4o-mini")
    assert "(temperature=0.5)" in text and ANTHROPIC_ANSWER in text
    data = json.loads(as_json.read_text(encoding="utf-8"))
    assert [c["provider"] for c in data["columns"]] == ["openai", "anthropic"]
    assert data["columns"][1]["turns"][3]["content"] == "About two million."
    expected = view_texts(window)
    window.close()

    reopened = workspace([("openai", "gpt-4o"), ("openai", "gpt-4o")], history=history)
    assert reopened.open_comparison(comparison_id)
    assert [w.choice() for w in reopened.columns()] == [
        ("openai", "gpt-4o-mini"), ("anthropic", "claude-haiku-4-5"),
    ]  # fmt: skip
    assert reopened.columns()[0].params() == {"temperature": 0.5}
    assert view_texts(reopened) == expected
    ask(reopened, loop, qtbot, "And its river?")  # goes on with every column's own turns
    assert len(chats(openai_server)[-1].body_dict["messages"]) == 5
    assert [c.id for c in history.conversations()] == [comparison_id]  # still one entry
    assert len(CompareStore(history).load(comparison_id).columns[1].turns) == 6


def test_blind_mode_hides_names_until_the_vote_and_the_leaderboard_counts_it(
    workspace: Any, openai_server: OpenAIServer, anthropic_server: AnthropicServer,
    history: History, loop: Loop, qtbot: Any,
) -> None:  # fmt: skip
    columns = [("openai", "gpt-4o-mini"), ("anthropic", "claude-haiku-4-5")]
    window = workspace(columns, history=history)
    qtbot.mouseClick(window.blind_box, Qt.MouseButton.LeftButton)
    assert window.is_blind()
    for widget in window.columns():
        assert not widget.provider_picker.isVisible() and not widget.model_picker.isVisible()
    assert [w.blind_label.text() for w in window.columns()] == ["Model A", "Model B"]
    ask(window, loop, qtbot, "Tell me a joke.")
    assert not window.blind_box.isEnabled()  # the comparison is blind to the end
    titles = [
        w.view.bubble(w.answer_index or 0).findChild(QLabel, "bubbleTitle").text()
        for w in window.columns()
    ]
    assert titles == ["Model A", "Model B"]  # in the answers too
    shown = json.dumps(view_texts(window)) + "".join(w.stats.text() for w in window.columns())
    assert "gpt-4o" not in shown and "claude" not in shown and "OpenAI" not in shown
    assert "$" not in shown  # a price would tell the model
    assert not any(w.continue_button.isEnabled() for w in window.columns())
    assert window.vote_bar.isVisible()
    assert all(w.vote_button.isVisible() for w in window.columns())

    winner, loser = window.columns()  # shuffled: which is which is only known now
    names = [contender_name(*window.columns()[i].choice()) for i in range(2)]  # type: ignore[arg-type]
    voted = loop.expect(window.voted)
    qtbot.mouseClick(winner.vote_button, Qt.MouseButton.LeftButton)
    assert loop.run(voted) == (winner.key,)
    assert not window.is_blind() and not window.vote_bar.isVisible()
    assert window.hint.text().startswith("Voted: Model A (")
    for widget in window.columns():
        assert widget.provider_picker.isVisible() and not widget.blind_label.isVisible()
    title = winner.view.bubble(winner.answer_index or 0).findChild(QLabel, "bubbleTitle").text()
    assert title == window.run.column(winner.key).spec.title  # revealed
    assert all("$" in w.stats.text() for w in window.columns())  # both models have a price
    assert CompareStore(history).votes() == [Vote(names[0], names[1], "a")]
    assert CompareStore(history).load(window.comparison_id or 0).revealed

    dialog = window.show_leaderboard()
    qtbot.addWidget(dialog)
    rows = dialog.rows()
    assert [row[1] for row in rows] == names  # the winner first
    assert [row[4] for row in rows] == ["1", "1"] and rows[0][5] == "1" and rows[1][6] == "1"
    assert float(rows[0][2]) > float(rows[1][2]) and rows[0][3].startswith("±")
    dialog.close()


def test_a_preset_saves_the_columns_and_brings_them_back(
    workspace: Any, loop: Loop, qtbot: Any
) -> None:
    window = workspace(
        [("openai", "gpt-4o", {"temperature": 0.2}), ("anthropic", "claude-haiku-4-5"),
         ("openai", "gpt-4o-mini")],
    )  # fmt: skip
    window.columns()[1].column_settings.set_own_system_prompt("Be terse.")
    window.presets.name_hook = lambda: "  Three judges "
    window.presets.ask_name()
    menu_texts = [a.text() for a in window.presets.menu_.actions()]
    assert "Three judges" in menu_texts
    while len(window.columns()) > 2:
        window.remove_column(window.columns()[-1].key)
    window.columns()[0].select("anthropic", "claude-sonnet-4-5", window.marks, {})
    settle(window, loop)

    again = workspace([("openai", "gpt-4.1"), ("openai", "gpt-4.1")])  # a later window
    assert again.apply_preset("Three judges")
    settle(again, loop)
    assert [w.choice() for w in again.columns()] == [
        ("openai", "gpt-4o"), ("anthropic", "claude-haiku-4-5"), ("openai", "gpt-4o-mini"),
    ]  # fmt: skip
    assert [w.params() for w in again.columns()] == [{"temperature": 0.2}, {}, {}]
    assert [w.own_system_prompt() for w in again.columns()] == [None, "Be terse.", None]
    assert not again.apply_preset("No such preset")


def test_the_window_opens_on_screen(keys: None, loop: Loop, qtbot: Any) -> None:
    settings = Settings.load()
    probe = CompareWindow(settings)
    qtbot.addWidget(probe)
    available = probe.screen().availableGeometry()
    probe.setGeometry(QRect(available.right() - 100, available.bottom() - 50, 3000, 2000))
    settings.set("compare_geometry", bytes(probe.saveGeometry().toBase64().data()).decode())
    probe.close()
    window = CompareWindow(Settings.load())  # the saved geometry: off the screen, too big
    qtbot.addWidget(window)
    window.show()
    settle(window, loop)
    geometry = window.frameGeometry()
    assert available.contains(geometry), (geometry, available)  # moved and shrunk onto it


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen cannot raise
def test_a_column_continued_alone_opens_as_a_chat_in_the_main_window(
    open_window: Any, openai_server: OpenAIServer, loop: Loop, qtbot: Any, keys: None
) -> None:
    main = open_window()
    assert main.history is not None
    compare = main.open_compare()
    settle(compare, loop)
    compare.composer.setPlainText("Hello both")
    ask(compare, loop, qtbot, "")
    assert compare.comparison_id in [c.id for c in main.history.conversations()]
    column = compare.columns()[1]
    qtbot.mouseClick(column.continue_button, Qt.MouseButton.LeftButton)
    session = main.session
    assert session is not None and session.conversation_id not in (None, compare.comparison_id)
    assert [t.content for t in session.turns] == ["Hello both", "You said: Hello both"]
    model = compare.run.column(column.key).spec.model_name
    assert main.target.current_model() == model  # the column's model goes on

    # Reopening the comparison from the history opens the comparison window, not the chat.
    compare.close()
    assert main.open_conversation(compare.comparison_id or 0)
    assert session.conversation_id != compare.comparison_id


def test_streamed_text_reaches_the_columns_together_once_a_frame(
    workspace: Any, openai_server: OpenAIServer, loop: Loop, qtbot: Any
) -> None:
    window = workspace([("openai", "gpt-4o-mini"), ("openai", "gpt-4o")])
    for _ in range(2):
        openai_server.push(Stream(text=OPENAI_ANSWER, stall_after=2))  # then nothing until stop
    qtbot.keyClicks(window.composer, "Hi")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    first, second = window.columns()
    loop.until(
        lambda: all(
            w.answer_index is not None and w.view.message_text(w.answer_index)
            for w in (first, second)
        )
    )
    shown = [w.view.message_text(w.answer_index or 0) for w in (first, second)]
    first.add_text(" (one)")
    second.add_text(" (two)")
    # Not shown at once: both wait for the next frame, so the views render and the window
    # paints once for both (one paint per column per chunk cost 3x the paints with 8 columns).
    assert [w.view.message_text(w.answer_index or 0) for w in (first, second)] == shown
    loop.until(lambda: first.view.message_text(first.answer_index or 0).endswith(" (one)"))
    assert second.view.message_text(second.answer_index or 0).endswith(" (two)")
    window.stop_all()
    loop.run(window.run.wait())
