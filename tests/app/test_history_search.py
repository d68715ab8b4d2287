"""History search: every language the app shows, word forms, paging by recency, snippets, and the
migration of a schema-1 database. Real SQLite files on disk."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core import history_search
from app.core.history import _MIGRATIONS, SCHEMA_VERSION, History


@pytest.fixture
def history(tmp_path: Path) -> Iterator[History]:
    store = History(tmp_path / "history.sqlite3")
    yield store
    store.close()


def found(history: History, query: str, **options: object) -> list[int]:
    return [hit.conversation_id for hit in history.search(query, **options)]  # type: ignore[arg-type]


def snippets(history: History, query: str, **options: object) -> list[str]:
    return [hit.snippet for hit in history.search(query, **options)]  # type: ignore[arg-type]


def check_integrity(history: History) -> None:
    """FTS5 compares its index with the index text computed from the messages now."""
    history._db.execute(
        "INSERT INTO search_index(search_index, rank) VALUES ('integrity-check', 1)"
    )


def test_a_japanese_or_chinese_word_inside_text_without_spaces_is_found(history: History) -> None:
    japanese = history.create_conversation("日本語")
    history.add_message(japanese, "user", "私は東京都庁に行きました。猫が好きです。")
    chinese = history.create_conversation("中文")
    history.add_message(chinese, "assistant", "我喜欢看书，这本书很好。")
    korean = history.create_conversation("한국어")
    history.add_message(korean, "user", "학교에서 공부했어요")

    assert found(history, "都庁") == [japanese]  # two characters, in the middle of a sentence
    assert found(history, "東京都庁") == [japanese]
    assert found(history, "猫") == [japanese]  # one character
    assert found(history, "这本书") == [chinese]
    assert found(history, "书") == [chinese]
    assert found(history, "학교") == [korean]  # a Korean word with its particle attached
    assert found(history, "庁東京") == []  # the characters, but not in this order
    assert found(history, "京都") == [japanese]  # inside 東京都: a substring is a substring
    assert found(history, "大阪") == []
    assert snippets(history, "猫") == ["私は東京都庁に行きました。[猫]が好きです。"]
    assert snippets(history, "书") == ["我喜欢看[书]，这本[书]很好。"]


def test_unspaced_text_needs_the_characters_next_to_each_other(history: History) -> None:
    conversation = history.create_conversation()
    history.add_message(conversation, "user", "東京 都庁")  # a space between the two words
    assert found(history, "東京") == [conversation]
    assert found(history, "東京都庁") == []
    assert found(history, "東京 都庁") == [conversation]  # two words: each must be there


def test_a_russian_word_finds_its_other_forms(history: History) -> None:
    books = history.create_conversation("Чтение")
    history.add_message(books, "user", "У меня нет книги.")
    other = history.create_conversation()
    history.add_message(other, "user", "Я читаю книгу с ёлкой на обложке.")
    assert found(history, "книга") == [other, books]
    assert found(history, "книгами") == [other, books]
    assert found(history, "КНИГИ") == [other, books]  # any case
    assert found(history, "елка") == [other]  # ё and е are one letter to the stemmer
    assert snippets(history, "книга")[1] == "У меня нет [книги]."


def test_english_word_forms_and_accents(history: History) -> None:
    english = history.create_conversation()
    history.add_message(english, "user", "The dogs were running in the park.")
    french = history.create_conversation()
    history.add_message(french, "user", "Un café crème à Zürich, s'il vous plaît.")
    assert found(history, "dog") == [english]
    assert found(history, "runs") == [english]
    assert found(history, "café") == [french]  # the exact accented word
    assert found(history, "cafe") == [french]  # and without its accent
    assert found(history, "zurich creme") == [french]
    assert found(history, "CAFÉ") == [french]
    assert snippets(history, "cafe") == ["Un [café] crème à Zürich, s'il vous plaît."]
    assert found(history, "ｃａｆｅ") == [french]  # full-width letters, as an IME types them


def test_other_scripts_are_found_by_whole_words(history: History) -> None:
    conversation = history.create_conversation()
    history.add_message(conversation, "user", "नमस्ते दुनिया — Γειά σου κόσμε — مرحبا بالعالم")
    for word in ["दुनिया", "κόσμε", "بالعالم"]:
        assert found(history, word) == [conversation], word
    assert found(history, "दुन") == []  # not a prefix search unless asked
    assert found(history, "दुन", prefix=True) == [conversation]


def test_prefix_matches_the_word_being_typed(history: History) -> None:
    conversation = history.create_conversation()
    history.add_message(conversation, "user", "The dogs were running.")
    assert found(history, "runn") == []
    for typed in ["ru", "run", "runn", "runni", "runnin", "running"]:
        assert found(history, typed, prefix=True) == [conversation], typed
    assert found(history, "r", prefix=True) == []  # one letter is a word, not every r-word
    assert snippets(history, "dogs runn", prefix=True) == ["The [dogs] were [running]."]


def test_query_syntax_is_only_text(history: History) -> None:
    conversation = history.create_conversation()
    history.add_message(conversation, "user", 'He said "NEAR" (and) OR not: col:x * ^start')
    for query in ['"unbalanced AND (', "NEAR(", "*", "^", "col:x", "and OR not", '""', "-"]:
        history.search(query)  # never an FTS5 syntax error
    assert found(history, "NEAR OR") == [conversation]
    assert found(history, "   ") == [] and found(history, "!!! ...") == []


def test_pages_are_conversations_newest_match_first(history: History) -> None:
    clock = iter(range(1000))
    history._clock = lambda: float(next(clock))
    ids = []
    for number in range(7):
        conversation = history.create_conversation(f"C{number}")
        history.add_message(conversation, "user", f"platypus number {number}")
        history.add_message(conversation, "assistant", f"the platypus answer {number}")
        ids.append(conversation)
    history.add_message(ids[2], "user", "platypus again, latest")  # the newest match: C2 first
    newest_first = [ids[2], ids[6], ids[5], ids[4], ids[3], ids[1], ids[0]]

    pages = [found(history, "platypus", limit=3, offset=offset) for offset in (0, 3, 6, 9)]
    assert pages == [newest_first[:3], newest_first[3:6], newest_first[6:], []]
    assert found(history, "platypus", limit=100) == newest_first  # each conversation once
    hit = history.search("platypus", limit=1)[0]
    assert (hit.title, hit.snippet) == ("C2", "[platypus] again, latest")
    assert found(history, "platypus", limit=0) == []


def test_index_follows_edits_deletes_and_truncation(history: History) -> None:
    conversation = history.create_conversation()
    first = history.add_message(conversation, "user", "книга")
    answer = history.add_message(conversation, "assistant", "", status="streaming")
    history.update_message(answer, content="東京")  # a streamed answer saved as it arrives
    assert found(history, "東京") == [conversation]
    history.update_message(answer, content="大阪")
    assert found(history, "東京") == [] and found(history, "大阪") == [conversation]
    history.truncate_from(answer)
    assert found(history, "大阪") == [] and found(history, "книги") == [conversation]
    history.delete_conversation(conversation)
    assert found(history, "книги") == []
    assert first
    check_integrity(history)


def test_snippets_are_highlighted_plain_text_and_cannot_fake_a_mark(history: History) -> None:
    marks = ("\ue000", "\ue001")
    conversation = history.create_conversation()
    history.add_message(
        conversation, "assistant", "<b>Bold</b> &amp; \ue000fake\ue001 <i>platypus</i>"
    )
    (hit,) = history.search("platypus", marks=marks)
    assert hit.snippet == "<b>Bold</b> &amp; fake <i>\ue000platypus\ue001</i>"


def test_a_long_message_gives_a_short_snippet_around_the_match(history: History) -> None:
    conversation = history.create_conversation()
    words = [f"word{n}" for n in range(400)]
    words[200] = "Wombat"
    words[203] = "wombats"
    history.add_message(conversation, "user", " ".join(words))
    (text,) = snippets(history, "wombat")
    assert text.startswith("…word19") and text.endswith("…")
    assert "[Wombat] word201 word202 [wombats]" in text
    assert len(text) < history_search.SNIPPET_LENGTH + 20


def test_a_schema_1_database_migrates_and_its_old_messages_are_found(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    old.executescript(f"BEGIN; {_MIGRATIONS[0]} PRAGMA user_version=1; COMMIT;")  # schema 1
    old.execute(
        "INSERT INTO conversations (id, title, created_at, updated_at) VALUES"
        " (1, 'Old', 1, 1), (2, 'Older', 1, 1)"
    )
    old.execute(
        "INSERT INTO messages (conversation_id, position, role, content, created_at,"
        " updated_at) VALUES (1, 0, 'user', 'Где мои книги? 東京都庁', 1, 1),"
        " (2, 0, 'user', 'The platypus lays eggs', 1, 1)"
    )
    old.close()

    store = History(path)
    try:
        version = store._db.execute("PRAGMA user_version").fetchone()[0]
        assert version == SCHEMA_VERSION >= 2
        assert found(store, "книга") == [1] and found(store, "都庁") == [1]
        assert found(store, "egg") == [2]
        tables = {row[0] for row in store._db.execute("SELECT name FROM sqlite_master")}
        assert "messages_fts" not in tables  # the old index is gone, not kept up to date twice
        new = store.add_message(2, "assistant", "Яйца!")
        assert found(store, "яйцо") == [2] and new
    finally:
        store.close()


def test_a_connection_without_the_index_function_cannot_change_messages(history: History) -> None:
    conversation = history.create_conversation()
    other = sqlite3.connect(history.path)  # e.g. a tool that does not know the index
    with pytest.raises(sqlite3.OperationalError, match="search_terms"):
        other.execute(
            "INSERT INTO messages (conversation_id, position, role, content, created_at,"
            " updated_at) VALUES (?, 0, 'user', 'x', 1, 1)",
            (conversation,),
        )
    other.close()
    assert history.messages(conversation) == []


def test_an_index_made_by_another_stemmer_is_rebuilt_once(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    store = History(path)
    conversation = store.create_conversation()
    store.add_message(conversation, "user", "У меня нет книги")
    store.close()
    # As if an older PyStemmer had indexed this message: other index text, another version.
    other = sqlite3.connect(path, isolation_level=None)
    other.create_function("search_terms", 1, lambda text: text.upper())
    other.execute(
        "INSERT INTO messages (conversation_id, position, role, content, created_at, updated_at)"
        " VALUES (?, 1, 'assistant', 'Вот книга', 2, 2)",
        (conversation,),
    )
    other.execute("UPDATE search_meta SET value = 'old' WHERE key = 'terms'")
    other.close()

    store = History(path)  # rebuilt here, before anything is removed with the new text
    try:
        assert found(store, "книгой") == [conversation]
        check_integrity(store)
        store.truncate(conversation, 1)  # the removal computes the same text as the index has
        check_integrity(store)
        version = store._db.execute("SELECT value FROM search_meta").fetchone()[0]
        assert version == history_search.terms_version()
    finally:
        store.close()
