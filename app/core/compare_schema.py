"""The history tables of comparisons and blind votes (schema 3), apart from ``compare_store``.

``history.py`` runs this migration; it must not import ``compare_store`` (which builds chat
turns, and the chat session imports the history: a circle). Qt-free, standard library only.
"""

from __future__ import annotations

import sqlite3

__all__ = ["MIGRATION", "is_comparison"]

MIGRATION = """
CREATE TABLE comparisons (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
    blind INTEGER NOT NULL DEFAULT 0,
    revealed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE comparison_columns (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL
        REFERENCES comparisons(conversation_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL DEFAULT '',
    params TEXT NOT NULL DEFAULT '{}',
    system_prompt TEXT,
    UNIQUE (conversation_id, position)
);
CREATE TABLE comparison_messages (
    message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    column_id INTEGER NOT NULL REFERENCES comparison_columns(id) ON DELETE CASCADE
);
CREATE INDEX comparison_messages_by_column ON comparison_messages(column_id);
CREATE TABLE comparison_votes (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER REFERENCES conversations(id) ON DELETE SET NULL,
    model_a TEXT NOT NULL,
    model_b TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('a', 'b', 'tie', 'both_bad')),
    created_at REAL NOT NULL
);
"""


def is_comparison(db: sqlite3.Connection, conversation_id: int) -> bool:
    """Whether the conversation is a comparison (shown and exported column by column)."""
    row = db.execute(
        "SELECT 1 FROM comparisons WHERE conversation_id = ?", (conversation_id,)
    ).fetchone()
    return row is not None
