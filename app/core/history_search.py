"""History search: a word index that finds every language the app shows, paged by recency.

Why not plain FTS5 ``unicode61`` on the message text (schema 1): it sees a Chinese or Japanese
sentence without spaces as one token (a word inside it is never found), it does not match Russian
word forms to each other, and ranking every match of a common word took 111-210 ms at 100k
messages. Here:

* Each message gets an *index text* (``index_terms``), indexed by triggers in the FTS5 table
  ``search_index`` (see ``MIGRATION``): per word its Snowball stem (Cyrillic words → Russian,
  Latin → English; other scripts as they are), plus the word itself when the stem differs (so
  a half-typed word still prefix-matches); Latin words lose their accents (``café`` =
  ``cafe``), everything is NFKC- and case-folded (full-width ``ＰＹＴＨＯＮ`` = ``python``).
* Scripts written without spaces (Han, kana, Hangul, Thai, Lao, Khmer, Myanmar) are indexed as
  overlapping characters and character pairs: ``東京都`` → ``東 東京 京 京都 都``. A query run is
  turned into the same sequence and asked for as an FTS5 *phrase*, which matches exactly where
  the run is a substring of the text — of any length, one character included. This is the
  equivalent of a trigram index beside the word index, in the same index (one ``MATCH``, so the
  recency order and the page limit stay inside FTS5), and it needs no ``LIKE`` fallback for
  queries of one or two characters, which a trigram index cannot answer.
* Results are ordered by recency (FTS5 walks its rowids backwards and stops at the page), never
  ranked: a common word costs what one page costs. One hit per conversation (its newest matching
  message); ``limit``/``offset`` page over conversations. While typing (``prefix``), the last
  word of two or more characters also matches longer words (prefix indexes of 2 and 3).
* Snippets are cut from the stored message in Python (FTS5's own ``snippet`` would show the index
  text) and marked with the caller's marks; the mark characters themselves are removed from the
  message first, so untrusted text can never fake a highlight. They are plain text: the panel
  draws them as text, never as HTML.

The trigger calls the SQL function ``search_terms``, which ``register`` adds to a connection:
only connections that went through ``History`` can change messages (any other fails loudly with
"no such function" instead of leaving the index stale).
"""

from __future__ import annotations

import functools
import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

# PyStemmer (Snowball compiled to C) rather than the pure-Python snowballstemmer: the same
# algorithms, measured here at 0.5-0.7 µs a word instead of 50-60 µs. Filling the index of a
# 100k-message history (millions of words) in the migration then takes seconds, not minutes.
import Stemmer

#: Added to ``app.core.history``'s migrations: schema 1 → 2.
#:
#: The index keeps no copy of the index text (it was larger than the messages themselves, CJK
#: pairs most of all): its content table is a view computing it from ``messages``, and a
#: removed message's entries are removed by computing its index text again. That is exact only
#: while ``index_terms`` gives the same text as when the message was indexed, so the
#: ``search_meta`` row ``terms`` records what it depends on and ``check_index`` rebuilds the
#: index when that changes (another stemmer, Unicode or SQLite version; ``TERMS_VERSION``).
#: Prefix indexes of 2 and 3 characters make the word being typed cheap to expand.
MIGRATION = """
    DROP TRIGGER IF EXISTS messages_ai;
    DROP TRIGGER IF EXISTS messages_ad;
    DROP TRIGGER IF EXISTS messages_au;
    DROP TABLE IF EXISTS messages_fts;
    CREATE VIEW search_source AS SELECT id, search_terms(content) AS terms FROM messages;
    CREATE VIRTUAL TABLE search_index USING fts5(
        terms, content='search_source', content_rowid='id', prefix='2 3',
        tokenize="unicode61 remove_diacritics 0 categories 'L* N* Co M*'"
    );
    INSERT INTO search_index(search_index) VALUES ('rebuild');
    CREATE TABLE search_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO search_meta (key, value) VALUES ('terms', search_terms_version());
    CREATE TRIGGER search_index_ai AFTER INSERT ON messages BEGIN
        INSERT INTO search_index(rowid, terms) VALUES (new.id, search_terms(new.content));
    END;
    CREATE TRIGGER search_index_ad AFTER DELETE ON messages BEGIN
        INSERT INTO search_index(search_index, rowid, terms)
            VALUES ('delete', old.id, search_terms(old.content));
    END;
    CREATE TRIGGER search_index_au AFTER UPDATE OF content ON messages BEGIN
        INSERT INTO search_index(search_index, rowid, terms)
            VALUES ('delete', old.id, search_terms(old.content));
        INSERT INTO search_index(rowid, terms) VALUES (new.id, search_terms(new.content));
    END;
"""

#: Raise when ``index_terms`` changes what it gives for some text: indexes are rebuilt.
TERMS_VERSION = 1
_PREFIX_MIN = 2  # a shorter last word is matched whole: one letter would expand to most words

SNIPPET_BEFORE = 30  # characters of context shown before the first match (about four words)
SNIPPET_LENGTH = 160  # characters in a snippet: more than one line of the panel shows
_FETCH = 256  # match rows read at a time while collecting one hit per conversation

# Scripts written without spaces between words (substring search), and half-width katakana.
_UNSPACED = (
    "\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u3005-\u3007\u3040-\u30ff"
    "\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\uff66-\uff9f\U00020000-\U0003134f"
)
_LATIN = re.compile(r"[a-z\u00c0-\u024f\u1e00-\u1eff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff\u0500-\u052f]")


@dataclass(frozen=True)
class SearchHit:
    conversation_id: int
    message_id: int
    title: str
    snippet: str


@functools.cache
def _tokens() -> re.Pattern[str]:
    """Words (letters and digits, with the combining marks inside them, as the FTS5 tokenizer
    counts them) or runs of unspaced script. Built on first use: listing the marks costs ~5 ms.

    Marks are those of the Basic Multilingual Plane (every living script's), as ranges: with a
    supplementary-plane range in the class, Python's regex engine no longer uses its fast
    table and tokenizing takes twice as long. They are tried only where a letter run ends.
    """
    marks = [cp for cp in range(0x300, 0x10000) if unicodedata.category(chr(cp))[0] == "M"]
    ranges: list[tuple[int, int]] = []
    for cp in marks:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    mark = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    letters = f"[^\\W_{_UNSPACED}]"
    return re.compile(f"(?P<run>[{_UNSPACED}]+)|(?P<word>{letters}++(?:[{mark}]++{letters}*+)*+)")


_STEMMERS = {"en": Stemmer.Stemmer("english"), "ru": Stemmer.Stemmer("russian")}


@functools.lru_cache(maxsize=200_000)
def word_keys(word: str) -> tuple[str, ...]:
    """What a word is indexed (and searched) as: its stem, then the folded word if different."""
    folded = unicodedata.normalize("NFKC", word).casefold()
    if _LATIN.match(folded):
        stripped = unicodedata.normalize("NFD", folded)
        folded = unicodedata.normalize(
            "NFC", "".join(c for c in stripped if not unicodedata.combining(c))
        )
        stem = _STEMMERS["en"].stemWord(folded)
    elif _CYRILLIC.match(folded):
        stem = _STEMMERS["ru"].stemWord(folded)
    else:
        stem = folded
    return (stem,) if stem == folded else (stem, folded)


def _run_text(run: str) -> str:
    return unicodedata.normalize("NFKC", run).casefold()


def _run_keys(run: str) -> list[str]:
    """``abc`` → ``a ab b bc c``: a substring's keys are a contiguous part of the text's keys."""
    chars = _run_text(run)
    keys = [""] * (2 * len(chars) - 1)
    keys[0::2] = chars
    keys[1::2] = map(str.__add__, chars, chars[1:])
    return keys


def index_terms(text: str) -> str:
    """The index text of a message (the SQL function ``search_terms``)."""
    if not text:
        return ""
    keys: list[str] = []
    for run, word in _tokens().findall(text):
        keys.extend(word_keys(word) if word else _run_keys(run))
    return " ".join(keys)


def terms_version() -> str:
    """Everything ``index_terms``'s output depends on besides this module's code."""
    return (
        f"{TERMS_VERSION} pystemmer={Stemmer.version()} unicode={unicodedata.unidata_version}"
        f" sqlite={sqlite3.sqlite_version}"
    )


def register(db: sqlite3.Connection) -> None:
    """Let ``db`` run the index triggers (call before migrating or writing)."""
    db.create_function("search_terms", 1, index_terms, deterministic=True)
    db.create_function("search_terms_version", 0, terms_version, deterministic=True)


def index_is_current(db: sqlite3.Connection) -> bool:
    """Whether the index was made by this ``index_terms`` (schema 2 or later)."""
    row = db.execute("SELECT value FROM search_meta WHERE key = 'terms'").fetchone()
    return row is not None and row[0] == terms_version()


def check_index(db: sqlite3.Connection) -> None:
    """Rebuild the index if it was made by another ``index_terms`` (once, after an update
    of PyStemmer, Python's Unicode data or SQLite): removals must compute the same text."""
    if index_is_current(db):
        return
    db.executescript(
        "BEGIN IMMEDIATE; INSERT INTO search_index(search_index) VALUES ('rebuild');"
        " INSERT OR REPLACE INTO search_meta (key, value) VALUES ('terms', search_terms_version());"
        " COMMIT;"
    )


# ----- the query -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Term:
    keys: tuple[str, ...]  # a word's keys, or a run's character keys
    run: str  # the folded run for unspaced script, else ""
    prefix: bool


def parse_query(query: str, prefix: bool = False) -> list[_Term]:
    """The query's words and unspaced runs; ``prefix``: the last word may be unfinished."""
    terms: list[_Term] = []
    for match in _tokens().finditer(query):
        word, run = match.group("word", "run")
        if word is not None:
            terms.append(_Term(word_keys(word), "", False))
        else:
            terms.append(_Term(tuple(_run_keys(run)), _run_text(run), False))
    if prefix and terms and not terms[-1].run and len(terms[-1].keys[-1]) >= _PREFIX_MIN:
        terms[-1] = _Term(terms[-1].keys, "", True)
    return terms


def _quoted(key: str) -> str:
    return '"' + key.replace('"', '""') + '"'


def match_expression(terms: list[_Term]) -> str:
    """An FTS5 query: every term must match (no user text reaches FTS5 syntax unquoted)."""
    parts: list[str] = []
    for term in terms:
        if term.run:
            parts.append(_quoted(" ".join(term.keys)))  # a phrase: the run, contiguous
        elif term.prefix:
            parts.append("(" + " OR ".join(_quoted(key) + "*" for key in term.keys) + ")")
        else:
            parts.append(_quoted(term.keys[0]))  # the stem: every form of the word has it
    return " AND ".join(parts)


def search(
    db: sqlite3.Connection,
    query: str,
    limit: int = 50,
    offset: int = 0,
    *,
    prefix: bool = False,
    marks: tuple[str, str] = ("[", "]"),
) -> list[SearchHit]:
    """Conversations with a message matching every word of ``query``, newest match first.

    One hit per conversation (its newest matching message, with a snippet); ``offset``
    conversations are skipped, at most ``limit`` returned. The cost grows with the matches
    walked to fill the page, never with all the matches of a common word.
    """
    terms = parse_query(query, prefix)
    offset = max(0, offset)
    if not terms or limit <= 0:
        return []
    newest: dict[int, int] = {}  # conversation → its newest matching message, in order
    cursor = db.execute(
        "SELECT s.rowid, m.conversation_id FROM search_index s"
        " JOIN messages m ON m.id = s.rowid"
        " WHERE search_index MATCH ? ORDER BY s.rowid DESC",
        (match_expression(terms),),
    )
    wanted = offset + limit
    while len(newest) < wanted:
        rows = cursor.fetchmany(_FETCH)
        if not rows:
            break
        for message_id, conversation_id in rows:
            newest.setdefault(conversation_id, message_id)
            if len(newest) == wanted:
                break
    cursor.close()
    page = list(newest.values())[offset:]
    if not page:
        return []
    sql = (
        "SELECT m.id, m.conversation_id, c.title, m.content FROM messages m"
        " JOIN conversations c ON c.id = m.conversation_id WHERE m.id IN ({})"
    )
    found = {row[0]: row for row in db.execute(sql.format(",".join("?" * len(page))), page)}
    matcher = _Matcher(terms)
    return [
        SearchHit(row[1], row[0], row[2], _snippet(row[3], matcher, marks))
        for row in (found[message_id] for message_id in page if message_id in found)
    ]


# ----- snippets ------------------------------------------------------------------------------


class _Matcher:
    """Finds the query's matches in a message, as the index would (for snippets)."""

    BACK_UP = 200  # characters looked back from a candidate for the start of its word

    def __init__(self, terms: list[_Term]) -> None:
        self.exact = frozenset(t.keys[0] for t in terms if not t.run and not t.prefix)
        self.prefixes = tuple(key for t in terms if t.prefix for key in t.keys)
        self.runs = [t.run for t in terms if t.run]
        # Where a match may be: a stem is inside most forms of its word (книг in книги), so a
        # regex search in C finds the first match without stemming every word before it.
        needles = {key for t in terms for key in ((t.run,) if t.run else t.keys)}
        pattern = "|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True))
        self.candidates = re.compile(pattern, re.IGNORECASE) if pattern else None

    def word(self, word: str) -> bool:
        keys = word_keys(word)
        if not self.exact.isdisjoint(keys):
            return True
        return bool(self.prefixes) and any(key.startswith(self.prefixes) for key in keys)

    def spans(self, text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
        """Where the terms match in ``text[start:end]``, in order."""
        for match in _tokens().finditer(text, start, len(text) if end is None else end):
            word, run = match.group("word", "run")
            if word is not None:
                if self.word(word):
                    yield match.span()
                continue
            folded = _run_text(run)
            if len(folded) != len(run):  # NFKC changed the length: mark the whole run
                if any(r in folded for r in self.runs):
                    yield match.span()
                continue
            found = sorted((at, at + len(r)) for r in self.runs for at in _occurrences(folded, r))
            yield from ((match.start() + a, match.start() + b) for a, b in found)

    def first(self, text: str) -> tuple[int, int] | None:
        """The first match, found from the first candidate on (else by reading every word)."""
        candidate = self.candidates.search(text) if self.candidates is not None else None
        if candidate is None:
            return next(self.spans(text), None)
        start = candidate.start()
        limit = max(0, start - self.BACK_UP)
        while start > limit and (
            text[start - 1].isalnum() or unicodedata.combining(text[start - 1])
        ):
            start -= 1
        # A form that does not contain its stem (happy → happi) may come before the candidate.
        return next(self.spans(text, start), None) or next(self.spans(text, 0, start), None)


def _occurrences(text: str, part: str) -> Iterator[int]:
    at = text.find(part)
    while at >= 0:
        yield at
        at = text.find(part, at + len(part))


def snippet(content: str, terms: list[_Term], marks: tuple[str, str]) -> str:
    """A piece of ``content`` around a match (the first, nearly always), matches between
    ``marks``."""
    return _snippet(content, _Matcher(terms), marks)


def _snippet(content: str, matcher: _Matcher, marks: tuple[str, str]) -> str:
    start_mark, end_mark = marks
    text = content
    for mark in {start_mark, end_mark} - {""}:
        text = text.replace(mark, "")  # the message cannot fake a highlight
    first = matcher.first(text)
    begin = 0
    if first is not None and first[0] > SNIPPET_BEFORE:
        begin = first[0] - SNIPPET_BEFORE
        space = text.find(" ", begin, first[0])  # start at a word, where there are spaces
        begin = space + 1 if space >= 0 else begin
    end = min(len(text), begin + SNIPPET_LENGTH)
    chosen: list[tuple[int, int]] = []
    if first is not None:
        chosen.append(first)
        for span in matcher.spans(text, first[1], end):
            if span[0] >= chosen[-1][1]:
                chosen.append(span)
    pieces = ["…" if begin else ""]
    at = begin
    for span_start, span_end in chosen:
        end = max(end, span_end)  # a match is never cut
        pieces += [text[at:span_start], start_mark, text[span_start:span_end], end_mark]
        at = span_end
    pieces.append(text[at:end])
    if end < len(text):
        pieces.append("…")
    return "".join(pieces)
