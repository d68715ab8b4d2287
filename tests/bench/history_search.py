"""History at 100k messages: open, list and search latencies (p50/p95), ours vs schema 1.

Builds a history of ``--messages`` messages (default 100,000 in 2,000 conversations) of mixed,
realistic text — English prose, Russian with inflected word forms, Japanese and Chinese without
spaces, code — in a temporary folder, first in schema 1 (the previous implementation: FTS5
``unicode61`` on the message text, ranked search), then migrates a copy with ``History`` (timed)
and measures both on the same data:

  open    ``History(path)`` (ours) vs the same statements on the schema-1 file (baseline)
  list    the 500 newest conversations, as the panel lists them
  search  what the panel asks while typing (``prefix=True``): ours ``History.search`` for one
          page (51 conversations, snippets included) vs the previous query (``ORDER BY rank``,
          FTS5 ``snippet``, ``LIMIT 200``), for a common word, a rare word, a Japanese and a
          Chinese word inside unspaced text, a Russian word (``книга``: other forms count), and
          two common words that are never in the same message (no hit: every match is walked)

Each figure is the p50 and the p95 of ``--runs`` runs (after two warm-up runs), rotating
through the queries of its kind. The baseline's hit counts are printed beside ours: it finds no
Japanese or Chinese word and only the exact Russian form. The last lines are ``BENCH`` lines
(``stream_overhead.Figure``); the target is p95 ≤ 50 ms for every search.

    .venv/bin/python -m tests.bench.history_search
    .venv/bin/python -m tests.bench.history_search --messages 20000 --runs 20
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.core import history_search
from app.core.history import _MIGRATIONS, Conversation, History
from tests.bench.stream_overhead import Figure

TARGET_MS = 50.0
MARKS = ("\ue000", "\ue001")

ENGLISH_TEXT = (
    "the of and to a in is that for it as with was on be by this are or from at an which but "
    "not have has can will you your we they their model answer question data code function "
    "value file search history message window server request response error result python "
    "table index query word text language time first new use used using make like more also "
    "other some when what how there these two may then would about into than only its could "
    "running runs ran runner write writes written writing test tests tested testing build "
    "builds build built library libraries thread threads paged pages page fast faster slow "
    "memory cache caches cached token tokens stream streams streaming provider providers "
    "platypus wombat kangaroo database databases migration migrations schema version"
)
ENGLISH = ENGLISH_TEXT.split()
RUSSIAN_LEMMAS = [
    ("книг", ["а", "и", "у", "ой", "е", "ам", "ами", "ах"]),
    ("модел", ["ь", "и", "ью", "ей", "ям", "ями"]),
    ("ответ", ["", "а", "у", "ом", "ы", "ов", "ами"]),
    ("вопрос", ["", "а", "у", "ом", "ы", "ов"]),
    ("работ", ["а", "ы", "у", "ой", "ать", "ает", "ают"]),
    ("поиск", ["", "а", "у", "ом", "и"]),
    ("истори", ["я", "и", "ю", "ей"]),
    ("сообщени", ["е", "я", "ю", "ем", "й", "ями"]),
    ("быстр", ["ый", "ая", "ое", "ые", "ого", "ым"]),
]
RUSSIAN_WORDS_TEXT = "и в на не что это как для по с к у о из за но мы вы он она они"
JAPANESE_TEXT = (
    "私は 東京 都庁 に行きました 。 猫が好きです 今日は 天気が いいです プログラミング "
    "を勉強しています データベース の検索 が速い ですね 大阪 で会議があります モデル の回答 "
    "を確認してください 、 新しい 機能 について 説明します 履歴 から 探す"
)
CHINESE_TEXT = (
    "我 喜欢 看书 这本书 很好 今天 天气 不错 数据库 搜索 速度 很快 模型 回答 问题 我们 需要 "
    "检查 北京 上海 。 ， 历史 记录 中文 分词 没有 空格"
)
RUSSIAN_WORDS = RUSSIAN_WORDS_TEXT.split()
JAPANESE = JAPANESE_TEXT.split()
CHINESE = CHINESE_TEXT.split()
CODE = [
    "def search(query):\n    return [row for row in rows if query in row]\n",
    "SELECT id, title FROM conversations ORDER BY updated_at DESC LIMIT 500;\n",
    "for (let i = 0; i < items.length; i++) { console.log(items[i]); }\n",
]

QUERIES = {
    "common": ["model", "data", "search", "test"],
    "rare": ["quokka", "axolotl", "鴨川"],
    "cjk-ja": ["東京", "都庁", "データベース"],
    "cjk-zh": ["数据库", "看书", "北京"],
    "russian": ["книга", "модели", "ответы"],
    "disjoint": ["model книга", "東京 data"],  # two common words never in one message
}
RARE_EVERY = 4000  # one message in this many holds each rare word


def zipf(rng: random.Random, words: list[str], count: int) -> list[str]:
    weights = [1 / (rank + 1) for rank in range(len(words))]
    return rng.choices(words, weights, k=count)


def message_text(rng: random.Random, index: int) -> str:
    kind = rng.random()
    if kind < 0.55:
        text = " ".join(zipf(rng, ENGLISH, rng.randint(25, 250))).capitalize() + "."
    elif kind < 0.72:
        words = []
        for _ in range(rng.randint(20, 150)):
            if rng.random() < 0.4:
                stem, endings = rng.choice(RUSSIAN_LEMMAS)
                words.append(stem + rng.choice(endings))
            else:
                words.append(rng.choice(RUSSIAN_WORDS))
        text = " ".join(words).capitalize() + "."
    elif kind < 0.84:
        text = "".join(rng.choices(JAPANESE, k=rng.randint(10, 120)))
    elif kind < 0.95:
        text = "".join(rng.choices(CHINESE, k=rng.randint(10, 150)))
    else:
        text = "Here is the code:\n\n```\n" + rng.choice(CODE) * rng.randint(1, 5) + "```\n"
    for number, word in enumerate(QUERIES["rare"]):
        if index % RARE_EVERY == number * 97:
            text += f" A {word} appears here." if word.isascii() else f"京都の{word}に行った。"
    return text


def build_schema_1(path: Path, messages: int, per_conversation: int) -> None:
    """The previous implementation's database, filled in one transaction (its triggers index)."""
    rng = random.Random(11)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(f"BEGIN; {_MIGRATIONS[0]} PRAGMA user_version=1; COMMIT;")
    db.execute("BEGIN")
    conversations = (messages + per_conversation - 1) // per_conversation
    now = 1_700_000_000.0
    for conversation in range(1, conversations + 1):
        db.execute(
            "INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)",
            (conversation, f"Conversation {conversation}", now, now),
        )
    for index in range(messages):
        conversation = rng.randint(1, conversations)  # interleaved, as real use is
        now += 1
        db.execute(
            "INSERT INTO messages (conversation_id, position, role, content, created_at,"
            " updated_at) VALUES (?, (SELECT COALESCE(MAX(position) + 1, 0) FROM messages"
            " WHERE conversation_id = ?), ?, ?, ?, ?)",
            (conversation, conversation, rng.choice(["user", "assistant"]),
             message_text(rng, index), now, now),
        )  # fmt: skip
        db.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (now, conversation))
    db.execute("COMMIT")
    db.close()


def baseline_open(path: Path) -> sqlite3.Connection:
    """What the previous ``History.__init__`` did."""
    db = sqlite3.connect(path, isolation_level=None)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA user_version").fetchone()
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA user_version").fetchone()
    return db


def baseline_match(query: str) -> str:
    terms = ['"' + word.replace('"', '""') + '"' for word in query.split()]
    terms[-1] += "*"
    return " ".join(terms)


def baseline_search(db: sqlite3.Connection, query: str, limit: int = 200) -> list[Any]:
    """The previous ``History.search`` as the panel called it (prefix, 200 messages, ranked)."""
    return db.execute(
        "SELECT m.conversation_id, m.id, c.title,"
        " snippet(messages_fts, 0, ?, ?, '…', 12) AS snippet"
        " FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid"
        " JOIN conversations c ON c.id = m.conversation_id"
        " WHERE messages_fts MATCH ? ORDER BY rank LIMIT ?",
        (*MARKS, baseline_match(query), limit),
    ).fetchall()


def ours_match(query: str) -> str:
    return history_search.match_expression(history_search.parse_query(query, prefix=True))


def matches(db: sqlite3.Connection, table: str, expression: str) -> int:
    sql = f"SELECT count(*) FROM {table} WHERE {table} MATCH ?"  # noqa: S608
    return int(db.execute(sql, (expression,)).fetchone()[0])


def timed(runs: int, calls: list[Callable[[], object]]) -> tuple[float, float]:
    """p50 and p95 (seconds) of ``runs`` calls, rotating through ``calls``, after a warm-up."""
    for call in calls * 2:
        call()
    times = []
    for run in range(runs):
        start = time.perf_counter()
        calls[run % len(calls)]()
        times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def pair(
    name: str, ours: tuple[float, float], baseline: tuple[float, float], target: bool
) -> list[Figure]:
    return [
        Figure(f"{name}-p50", ours[0], baseline[0], "none", None, "ms"),
        Figure(
            f"{name}-p95", ours[1], baseline[1],
            f"<={TARGET_MS:g}ms" if target else "none",
            ours[1] * 1000 <= TARGET_MS if target else None, "ms",
        ),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--per-conversation", type=int, default=50)
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        old_path, new_path = Path(tmp) / "schema1.sqlite3", Path(tmp) / "ours.sqlite3"
        start = time.perf_counter()
        build_schema_1(old_path, args.messages, args.per_conversation)
        built = time.perf_counter() - start
        shutil.copy(old_path, new_path)
        start = time.perf_counter()
        History(new_path).close()  # the migration to schema 2 fills the new index
        migrated = time.perf_counter() - start
        old_mb = old_path.stat().st_size / 1e6
        new_mb = new_path.stat().st_size / 1e6
        print(
            f"{args.messages} messages: schema 1 built in {built:.1f} s ({old_mb:.0f} MB);"
            f" migrated to ours in {migrated:.1f} s ({new_mb:.0f} MB)"
        )

        figures: list[Figure] = []
        figures += pair(
            "history-open",
            timed(args.runs, [lambda: History(new_path).close()]),
            timed(args.runs, [lambda: baseline_open(old_path).close()]),
            target=False,
        )
        store, old = History(new_path), baseline_open(old_path)
        figures += pair(
            "history-list",
            timed(args.runs, [lambda: store.conversations(500)]),
            timed(args.runs, [lambda: [Conversation(**dict(row)) for row in old.execute(
                "SELECT * FROM conversations ORDER BY updated_at DESC, id DESC LIMIT ?", (500,)
            )]]),
            target=False,
        )  # fmt: skip
        for kind, queries in QUERIES.items():
            ours_calls = [
                (lambda q=q: store.search(q, 51, prefix=True, marks=MARKS)) for q in queries
            ]
            old_calls = [(lambda q=q: baseline_search(old, q)) for q in queries]
            counts = "; ".join(
                f"{q} ours {matches(store._db, 'search_index', ours_match(q))}"
                f" baseline {matches(old, 'messages_fts', baseline_match(q))}"
                for q in queries
            )
            print(f"  {kind}, messages matched: {counts}")
            figures += pair(
                f"history-search-{kind}",
                timed(args.runs, ours_calls),  # type: ignore[arg-type]
                timed(args.runs, old_calls),  # type: ignore[arg-type]
                target=True,
            )
        deep = timed(args.runs, [lambda: store.search("model", 51, 500, prefix=True)])
        print(f"  a deep page (conversations 500-550 of 'model'): p50 {deep[0] * 1000:.1f} ms,"
              f" p95 {deep[1] * 1000:.1f} ms")  # fmt: skip
        store.close()
        old.close()
    for figure in figures:
        print(figure.line())


if __name__ == "__main__":
    main()
