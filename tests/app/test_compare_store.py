"""Comparisons in the history database (schema 3), their export, blind votes and presets."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.core import compare_export, compare_presets
from app.core.compare_store import (
    CompareStore,
    SavedColumn,
    SavedComparison,
    contender_name,
    votes_for,
)
from app.core.history import _MIGRATIONS, SCHEMA_VERSION, History
from app.core.leaderboard import Vote, leaderboard
from app.core.session import Turn
from app.core.settings import SecretInSettingsError, Settings


def turns(*pairs: tuple[str, str]) -> list[Turn]:
    result: list[Turn] = []
    for prompt, answer in pairs:
        result += [Turn(role="user", content=prompt), Turn(role="assistant", content=answer)]
    return result


def comparison(blind: bool = False) -> SavedComparison:
    failed = Turn(role="assistant", content="Half an ans", error="The server closed it.")
    return SavedComparison(
        [
            SavedColumn("openai", "gpt-4o", {"temperature": 0.2}, None,
                        turns(("Name a platypus fact", "It lays eggs."), ("More?", "Venom."))),
            SavedColumn("anthropic", "claude-haiku-4-5", {}, "Answer in French.",
                        [*turns(("Name a platypus fact", "Il pond des œufs.")),
                         Turn(role="user", content="More?"), failed]),
        ],
        "Be brief.", blind=blind,
    )  # fmt: skip


@pytest.fixture
def history(tmp_path: Path) -> History:
    return History(tmp_path / "history.sqlite3")


def test_a_comparison_round_trips_as_one_conversation(history: History) -> None:
    store = CompareStore(history)
    saved = comparison()
    conversation_id = store.save(saved)
    assert saved.id == conversation_id and store.is_comparison(conversation_id)
    history.update_conversation(conversation_id, title="Platypus facts", touch=False)
    assert store.save(saved) == conversation_id  # saved again: the same entry, the title kept
    assert [(c.id, c.title) for c in history.conversations()] == [
        (conversation_id, "Platypus facts")
    ]
    assert [hit.conversation_id for hit in history.search("venom")] == [conversation_id]
    assert [hit.conversation_id for hit in history.search("œufs")] == [conversation_id]

    loaded = store.load(conversation_id)
    assert (loaded.title, loaded.system_prompt, loaded.blind) == (
        "Platypus facts",
        "Be brief.",
        False,
    )
    first, second = loaded.columns
    assert (first.provider, first.model, first.params, first.system_prompt) == (
        "openai", "gpt-4o", {"temperature": 0.2}, None,
    )  # fmt: skip
    assert second.system_prompt == "Answer in French."
    assert [t.content for t in first.turns] == ["Name a platypus fact", "It lays eggs.", "More?",
                                                "Venom."]  # fmt: skip
    assert second.turns[-1].error == "The server closed it."
    assert second.turns[-1].content == "Half an ans"
    with pytest.raises(KeyError):
        store.load(history.create_conversation("An ordinary chat"))


def test_votes_outlive_their_comparison_and_rank_models(history: History) -> None:
    store = CompareStore(history)
    conversation_id = store.save(comparison(blind=True))
    a, b = contender_name("openai", "gpt-4o", {"temperature": 0.2}), "anthropic:claude-haiku-4-5"
    assert a == "openai:gpt-4o (temperature=0.2)"
    assert store.add_votes(conversation_id, votes_for([a, b], 0)) == 1
    store.add_votes(conversation_id, votes_for([a, b], "tie"))
    history.delete_conversation(conversation_id)
    assert not store.is_comparison(conversation_id)
    db = history.connection
    assert db.execute("SELECT COUNT(*) FROM comparison_columns").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM comparison_messages").fetchone()[0] == 0
    assert store.votes() == [Vote(a, b, "a"), Vote(a, b, "tie")]  # kept for the leaderboard
    standings = leaderboard(store.votes())
    assert [s.model for s in standings] == [a, b] and standings[0].votes == 2


def test_votes_for_many_columns_are_pairwise() -> None:
    names = ["x", "y", "z"]
    assert votes_for(names, 1) == [Vote("y", "x", "a"), Vote("y", "z", "a")]
    assert votes_for(names, "both_bad") == [
        Vote("x", "y", "both_bad"), Vote("x", "z", "both_bad"), Vote("y", "z", "both_bad"),
    ]  # fmt: skip
    with pytest.raises(ValueError, match="Unknown vote"):
        votes_for(names, "maybe")
    with pytest.raises(ValueError):
        votes_for(names, 3)


def test_a_history_before_comparisons_is_migrated_keeping_its_conversations(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite3"
    old = History(path)
    kept = old.create_conversation("Before comparisons")
    old.add_message(kept, "user", "hello")
    old.connection.executescript(
        "DROP TABLE comparison_votes; DROP TABLE comparison_messages;"
        " DROP TABLE comparison_columns; DROP TABLE comparisons;"
        f" PRAGMA user_version={SCHEMA_VERSION - 1};"
    )
    old.close()
    assert len(_MIGRATIONS) == SCHEMA_VERSION  # comparisons are the last migration
    migrated = History(path)
    assert migrated.connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert [c.title for c in migrated.conversations()] == ["Before comparisons"]
    assert CompareStore(migrated).save(comparison()) > kept
    migrated.close()


def test_export_names_columns_by_prompt_and_hides_names_while_blind(history: History) -> None:
    saved = comparison()
    text = compare_export.markdown(saved)
    assert text.index("## You\n\nName a platypus fact") < text.index("It lays eggs.")
    assert (
        text.index("It lays eggs.")
        < text.index("Il pond des œufs.")
        < text.index("## You\n\nMore?")
    )
    assert "### OpenAI · gpt-4o (temperature=0.2)" in text
    assert "own system prompt: Answer in French." in text
    assert "*Error: The server closed it.*" in text
    data = compare_export.as_json(saved)
    assert data["columns"][0]["params"] == {"temperature": 0.2}
    assert data["columns"][1]["turns"][3]["error"] == "The server closed it."

    blind = comparison(blind=True)
    hidden = compare_export.markdown(blind) + str(compare_export.as_json(blind))
    assert "Model A" in hidden and "Model B" in hidden
    assert "gpt-4o" not in hidden and "claude" not in hidden and "OpenAI" not in hidden
    blind.revealed = True
    assert "gpt-4o" in compare_export.markdown(blind)


def test_a_column_continued_alone_becomes_an_ordinary_conversation(history: History) -> None:
    column = comparison().columns[1]
    conversation_id = CompareStore(history).save_as_chat(
        "anthropic", "claude-haiku-4-5", "Answer in French.", column.turns
    )
    stored = history.conversation(conversation_id)
    assert (stored.provider, stored.model, stored.system_prompt) == (
        "anthropic", "claude-haiku-4-5", "Answer in French.",
    )  # fmt: skip
    messages = history.messages(conversation_id)
    assert [(m.role, m.content, m.status) for m in messages] == [
        ("user", "Name a platypus fact", "complete"),
        ("assistant", "Il pond des œufs.", "complete"),
        ("user", "More?", "complete"),
        ("assistant", "Half an ans", "error"),
    ]
    assert not CompareStore(history).is_comparison(conversation_id)


def test_presets_round_trip_through_the_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    settings = Settings.load(path)
    compare_presets.save_preset(settings, "  Judges ", comparison().columns)
    with pytest.raises(ValueError, match="name"):
        compare_presets.save_preset(settings, " ", comparison().columns)
    with pytest.raises(SecretInSettingsError):  # a key never lands in the settings file
        compare_presets.save_preset(settings, "Bad", [SavedColumn("openai", "x", {"api_key": "k"})])
    again = Settings.load(path)
    assert compare_presets.preset_names(again) == ["Judges"]
    columns = compare_presets.preset(again, "Judges")
    assert [(c.provider, c.model, c.params, c.system_prompt, c.turns) for c in columns] == [
        ("openai", "gpt-4o", {"temperature": 0.2}, None, []),
        ("anthropic", "claude-haiku-4-5", {}, "Answer in French.", []),
    ]
    compare_presets.delete_preset(again, "Judges")
    assert compare_presets.preset_names(Settings.load(path)) == []
    with pytest.raises(KeyError):
        compare_presets.preset(again, "Judges")


def test_a_failed_save_leaves_the_stored_comparison_as_it_was(history: History) -> None:
    store = CompareStore(history)
    saved = comparison()
    conversation_id = store.save(saved)
    saved.columns[0].turns.append(Turn(role="user", content="Lost?"))
    history.connection.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON comparison_messages BEGIN"
        " SELECT RAISE(ABORT, 'disk full'); END"
    )
    with pytest.raises(sqlite3.IntegrityError):
        store.save(saved)
    history.connection.execute("DROP TRIGGER refuse")
    assert [t.content for t in store.load(conversation_id).columns[0].turns][-1] == "Venom."


def test_saving_again_writes_only_what_changed_and_keeps_each_columns_order(
    history: History,
) -> None:
    store = CompareStore(history)
    saved = comparison()
    conversation_id = store.save(saved)
    db = history.connection
    db.executescript(
        "CREATE TEMP TABLE written (id INTEGER);"
        " CREATE TEMP TRIGGER on_update AFTER UPDATE ON messages"
        " BEGIN INSERT INTO written VALUES (new.id); END;"
        " CREATE TEMP TRIGGER on_insert AFTER INSERT ON messages"
        " BEGIN INSERT INTO written VALUES (new.id); END;"
    )
    store.save(saved)
    assert db.execute("SELECT COUNT(*) FROM written").fetchone()[0] == 0  # nothing changed

    first = saved.columns[0]
    first.turns[-1].add_content(" Males have venomous spurs.")
    retried = Turn(role="assistant", content="Il a un bec.")  # the second column retried
    saved.columns[1].turns[-1:] = [retried]
    store.save(saved)
    changed = {row[0] for row in db.execute("SELECT id FROM written")}
    assert changed == {first.turns[-1].message_id, retried.message_id}

    loaded = CompareStore(history).load(conversation_id)
    assert [t.content for t in loaded.columns[0].turns][-1] == "Venom. Males have venomous spurs."
    assert [t.content for t in loaded.columns[1].turns] == [
        "Name a platypus fact", "Il pond des œufs.", "More?", "Il a un bec.",
    ]  # fmt: skip
    assert len(history.messages(conversation_id)) == 8  # the failed answer is gone
