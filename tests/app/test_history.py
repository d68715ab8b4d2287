"""History store: schema, messages, streaming saves, search, export, migrations."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from app.core.history import _MIGRATIONS, SCHEMA_VERSION, AnswerRecorder, History, HistoryError


@pytest.fixture
def history(tmp_path: Path) -> History:
    store = History(tmp_path / "history.sqlite3")
    yield store
    store.close()


def test_new_database_is_wal_and_versioned(history: History) -> None:
    db = sqlite3.connect(history.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_default_path_is_in_the_user_data_dir(isolated_user_dirs: Path) -> None:
    store = History()
    try:
        assert str(store.path).startswith(str(isolated_user_dirs / "xdg" / "data"))
    finally:
        store.close()


def test_conversation_round_trip_and_order(history: History) -> None:
    clock = iter(range(100, 200))
    history._clock = lambda: float(next(clock))
    first = history.create_conversation("First", "Be brief.", "openai", "gpt-4o-mini")
    second = history.create_conversation("Second")
    history.add_message(first, "user", "hello")
    assert [c.id for c in history.conversations()] == [first, second]
    assert history.conversation(first).system_prompt == "Be brief."
    history.update_conversation(second, title="Renamed")
    assert history.conversations()[0].title == "Renamed"
    with pytest.raises(ValueError):
        history.update_conversation(second, api_key="x")


def test_messages_keep_positions_and_truncate(history: History) -> None:
    conv = history.create_conversation()
    for index, role in enumerate(["user", "assistant", "user", "assistant"]):
        history.add_message(conv, role, f"m{index}")
    history.truncate(conv, 2)
    assert [(m.position, m.content) for m in history.messages(conv)] == [(0, "m0"), (1, "m1")]
    history.add_message(conv, "user", "again")
    assert history.messages(conv)[-1].position == 2


def test_deleting_a_conversation_deletes_its_messages_and_search_entries(history: History) -> None:
    conv = history.create_conversation("x")
    history.add_message(conv, "user", "platypus facts")
    history.delete_conversation(conv)
    assert history.messages(conv) == []
    assert history.search("platypus") == []


def test_search_finds_words_and_tolerates_fts_syntax(history: History) -> None:
    conv = history.create_conversation("Zoo")
    message = history.add_message(conv, "assistant", "The platypus lays eggs.")
    hits = history.search("platypus eggs")
    assert [(h.conversation_id, h.message_id, h.title) for h in hits] == [(conv, message, "Zoo")]
    assert "[platypus]" in hits[0].snippet
    assert history.search('"unbalanced AND (') == []
    history.update_message(message, content="Now about wombats.")
    assert history.search("platypus") == []
    assert len(history.search("wombats")) == 1


def test_recorder_saves_at_least_every_interval(history: History) -> None:
    conv = history.create_conversation()
    message = history.add_message(conv, "assistant", status="streaming")
    now = [0.0]
    recorder = AnswerRecorder(history, message, interval=1.0, clock=lambda: now[0])
    recorder.add_text("Hel")
    assert history.messages(conv)[0].content == ""  # not yet a second
    now[0] = 1.0
    recorder.add_text("lo")
    assert history.messages(conv)[0].content == "Hello"  # saved: a crash now loses nothing
    recorder.add_reasoning("thinking")
    recorder.finish("stopped", usage={"prompt_tokens": 3}, elapsed=1.5)
    stored = history.messages(conv)[0]
    assert (stored.content, stored.reasoning, stored.status) == ("Hello", "thinking", "stopped")
    assert stored.usage == {"prompt_tokens": 3} and stored.elapsed == 1.5


def test_a_crash_mid_stream_keeps_what_was_saved(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    store = History(path)
    conv = store.create_conversation()
    message = store.add_message(conv, "assistant", status="streaming")
    recorder = AnswerRecorder(store, message, interval=0.0)
    recorder.add_text("partial answer")
    # No finish(), no close(): reopen as a new process would.
    reopened = History(path)
    assert reopened.messages(conv)[0].content == "partial answer"
    assert reopened.messages(conv)[0].status == "streaming"
    reopened.close()
    store.close()


def test_export_markdown(history: History) -> None:
    conv = history.create_conversation("Trip", "Answer in French.")
    history.add_message(conv, "user", "Hello")
    answer = history.add_message(conv, "assistant", "Bonjour", model="gpt-4o-mini")
    history.update_message(answer, error="The connection broke.")
    text = history.export_markdown(conv)
    assert text.startswith("# Trip\n")
    assert "> System: Answer in French." in text
    assert "## You\n\nHello" in text and "## gpt-4o-mini\n\nBonjour" in text
    assert "*Error: The connection broke.*" in text


def test_export_keeps_the_document_outline(history: History) -> None:
    """A message's own headings go below the export's: ``# Title`` > ``## who`` > the rest."""
    conv = history.create_conversation("Plan", "")
    answer = (
        "# Steps\n\nFirst.\n\n## Detail\n\n```python\n# a comment, not a heading\n```\n\n"
        "Summary\n=======\n\n> ## Quoted\n\n###### Deepest"
    )
    history.add_message(conv, "assistant", answer, model="M")
    text = history.export_markdown(conv)
    headings = [line for line in text.splitlines() if re.match(r"^(> )?#{1,6} [A-Z]", line)]
    assert headings == [
        "# Plan", "## M", "### Steps", "#### Detail", "### Summary",
        "> #### Quoted", "###### Deepest",
    ]  # fmt: skip
    assert "# a comment, not a heading" in text and "=======" not in text


def test_newer_schema_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    History(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(HistoryError, match="newer Roundtable"):
        History(path)


def test_corrupt_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(HistoryError, match="not an SQLite database.*move it elsewhere"):
        History(path)
    assert path.read_bytes() == b"this is not a database" * 100


def test_search_returns_at_most_limit_hits(history: History) -> None:
    # One hit per conversation (its newest matching message), so the hits need 7 conversations.
    for number in range(7):
        conv = history.create_conversation()
        history.add_message(conv, "user", f"kiwi number {number}")
        history.add_message(conv, "assistant", f"kiwi again {number}")
    assert len(history.search("kiwi")) == 7
    assert len(history.search("kiwi", limit=3)) == 3
    assert len(history.search("kiwi", limit=1, prefix=True)) == 1


def test_any_string_is_stored_lone_surrogates_become_replacement_characters(
    history: History,
) -> None:
    conv = history.create_conversation("title \ud800", "system \udfff")
    message = history.add_message(conv, "user", "a\ud800b", model="m\udc00")
    history.update_message(
        message, content="x\ud83d\ude00y \ud800", reasoning="\udbff", error="e\ud800"
    )
    stored = history.messages(conv)[0]
    assert stored.content == "x\U0001f600y \ufffd"  # a pair left in two halves is joined
    assert (stored.reasoning, stored.error, stored.model) == ("\ufffd", "e\ufffd", "m\ufffd")
    assert history.conversation(conv).title == "title \ufffd"
    history.update_conversation(conv, title="t\ud800")
    assert history.conversation(conv).title == "t\ufffd"
    assert history.search("x")[0].message_id == message


def test_a_full_disk_says_so_and_leaves_no_transaction_open(history: History) -> None:
    from app.core.history_file import describe

    conv = history.create_conversation()
    message = history.add_message(conv, "assistant", "", status="streaming")
    pages = history._db.execute("PRAGMA page_count").fetchone()[0]
    history._db.execute(f"PRAGMA max_page_count={pages}")  # the disk is "full" from here on
    with pytest.raises(sqlite3.Error) as raised:
        history.update_message(message, content="words " * 20_000)
    assert raised.value.sqlite_errorcode == sqlite3.SQLITE_FULL, raised.value
    assert "disk is full" in describe(raised.value, history.path)
    assert not history._db.in_transaction
    # A failed statement without a statement journal makes SQLite roll the whole transaction
    # back by itself (as a real full disk does): the error must still say the disk is full.
    with pytest.raises(sqlite3.Error) as raised, history._transaction():
        history._db.execute(
            "INSERT INTO conversations (title, created_at, updated_at) VALUES (?, 0, 0)",
            ("t" * 200_000,),
        )
    assert raised.value.sqlite_errorcode == sqlite3.SQLITE_FULL, raised.value
    assert not history._db.in_transaction
    history._db.execute("PRAGMA max_page_count=1073741823")  # space freed: saving works again
    history.update_message(message, content="after")
    assert history.messages(conv)[0].content == "after"


def test_versions_are_siblings_and_the_shown_path_is_stored(history: History) -> None:
    conv = history.create_conversation()
    question = history.add_message(conv, "user", "q")
    first = history.add_message(conv, "assistant", "a1")
    second = history.add_message(conv, "assistant", "a2", parent_id=question)
    assert [m.content for m in history.messages(conv)] == ["q", "a2"]
    history.select_message(first)
    assert [m.content for m in history.messages(conv)] == ["q", "a1"]
    follow = history.add_message(conv, "user", "more")  # after the shown path's end
    assert history.all_messages(conv)[-1].parent_id == first
    history.truncate_from(first)  # a retried answer goes with what followed; its sibling stays
    assert [m.id for m in history.all_messages(conv)] == [question, second]
    assert [m.content for m in history.messages(conv)] == ["q", "a2"]
    assert follow not in [m.id for m in history.all_messages(conv)]
    edited = history.add_message(conv, "user", "q2", parent_id=None)  # an edited first message
    assert [m.content for m in history.messages(conv)] == ["q2"]
    history.select_message(question)
    assert [m.content for m in history.messages(conv)] == ["q", "a2"]
    assert history.conversation(conv).active_root_id == question != edited


def test_schema_2_conversations_migrate_as_one_path(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(_MIGRATIONS[0])
    db.execute("PRAGMA user_version=1")  # schema 2 (search) is added on opening, like for users
    db.execute("INSERT INTO conversations VALUES (1, 't', '', 'openai', 'm', 0, 0)")
    for position, (role, text) in enumerate([("user", "q"), ("assistant", "a"), ("user", "r")]):
        db.execute(
            "INSERT INTO messages (conversation_id, position, role, content, created_at,"
            " updated_at) VALUES (1, ?, ?, ?, 0, 0)",
            (position, role, text),
        )
    db.commit()
    db.close()
    store = History(path)
    try:
        stored = store.all_messages(1)
        assert [m.parent_id for m in stored] == [None, stored[0].id, stored[1].id]
        assert [m.active_child_id for m in stored] == [stored[1].id, stored[2].id, None]
        assert store.conversation(1).active_root_id == stored[0].id
        assert [m.content for m in store.messages(1)] == ["q", "a", "r"]
        assert [hit.conversation_id for hit in store.search("a")] in ([1], [])
    finally:
        store.close()
