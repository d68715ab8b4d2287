"""Opening the history database file safely, and saying in plain words why it cannot be used.

Qt-free. Roundtable writes only to a file it created or can verify as its own: a new file is
created 0600 and gets its whole schema (with Roundtable's ``application_id``) in its first
transaction; an existing file is first checked through a read-only connection (SQLite header,
``application_id``, the exact set of tables, indexes and triggers, ``PRAGMA quick_check``). A
file that fails any check is refused with a message and left byte-identical: it may belong to
another program, or be recoverable. ``quick_check`` reads the whole file (~150-300 ms at
200 MB), so the window runs ``verify`` on a worker thread for a large file and then opens it with
``integrity_checked=True`` (the cheap checks are made again, ``quick_check`` is not).
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

#: ``PRAGMA application_id`` of a Roundtable history ("RTbl"). Files written before it existed
#: have 0 and are recognised by their exact schema.
APPLICATION_ID = 0x5254626C
_SQLITE_MAGIC = b"SQLite format 3\x00"
_SURROGATE = re.compile("[\ud800-\udfff]")
_PRIVATE = 0o600


class HistoryError(Exception):
    """The history database cannot be used; the message says what to do."""


def storable(text: str) -> str:
    """``text`` as SQLite can store it: an unpaired surrogate (invalid in UTF-8) becomes U+FFFD.

    A surrogate pair left as two code points is joined into its character. Defence in depth:
    providers clean their output, but one bad character must never make a save fail.
    """
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def describe(error: sqlite3.Error, path: Path) -> str:
    """What a failed write means for the user, and what to do about it."""
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary == sqlite3.SQLITE_FULL:
        return (
            f"the disk is full (where {path.parent} is). Free some space; "
            "what is on screen is kept until you close the window"
        )
    if primary == sqlite3.SQLITE_READONLY:
        return f"{path} can no longer be written (read-only). Make it writable and restart"
    if primary == sqlite3.SQLITE_IOERR:
        return f"the disk holding {path} reported an error ({error}). Check the disk"
    if primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return f"{path} is damaged ({error}). Move it aside and restart to start a new history"
    return str(error)


def open_database(
    path: Path,
    migrations: Sequence[str],
    *,
    verify: bool = True,
    integrity_checked: bool = False,
    prepare: Callable[[sqlite3.Connection], None] = lambda db: None,
) -> sqlite3.Connection:
    """A read-write connection to the history at ``path``, created or migrated as needed.

    ``verify=False`` skips the content checks (a second connection to a file that one
    ``History`` already verified); the version is checked either way.
    ``integrity_checked=True``: ``verify(path)`` has just passed (on a worker thread), so
    ``quick_check`` is not run again; the header, id and schema are. ``prepare`` runs on
    every connection (the checks' too) before any migration: SQL functions the schema calls.
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as error:
        raise HistoryError(
            f"The history folder {folder} cannot be created ({error.strerror or error}). "
            "Check that its parent folder exists and is writable, then restart Roundtable."
        ) from None
    if not os.access(folder, os.W_OK):
        raise HistoryError(
            f"The history folder {folder} is read-only, so conversations cannot be saved. "
            "Make it writable (or point your data folder elsewhere) and restart Roundtable."
        )
    new = _is_new(path)
    if not new and verify:
        _verify(path, migrations, prepare, integrity=not integrity_checked)
    if new:
        _create_private(path)
    try:
        db = sqlite3.connect(path, isolation_level=None)
    except sqlite3.Error as error:
        raise _open_error(error, path) from None
    try:
        prepare(db)
        if new:
            _create_schema(db, migrations)
        else:
            _migrate(db, path, migrations)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA user_version").fetchone()  # -wal and -shm exist from here on
    except sqlite3.Error as error:
        db.close()
        raise _open_error(error, path) from None
    except HistoryError:
        db.close()
        raise
    restrict(path)
    return db


def restrict(path: Path) -> None:
    """Make the database and its -wal/-shm files private (0600), like the settings file."""
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        # Not there (yet), or not ours to change: nothing secret is in it anyway.
        with contextlib.suppress(OSError):
            os.chmod(path.with_name(name), _PRIVATE)


def _is_new(path: Path) -> bool:
    """No file, or an empty one with no WAL beside it (a crash right after creating it)."""
    try:
        if path.stat().st_size:
            return False
    except FileNotFoundError:
        return True
    except OSError:
        return False  # _verify says what is wrong with it
    wal = path.with_name(path.name + "-wal")
    return not wal.exists() or wal.stat().st_size == 0


def _create_private(path: Path) -> None:
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, _PRIVATE))
    except OSError as error:
        raise HistoryError(
            f"The history file {path} cannot be created ({error.strerror or error}). "
            "Check that its folder is writable and the disk is not full, then restart Roundtable."
        ) from None


def _create_schema(db: sqlite3.Connection, migrations: Sequence[str]) -> None:
    """The whole schema in the file's first transaction (rollback journal, before WAL): a
    crash leaves an empty file or a complete Roundtable history, never a half-made one."""
    db.executescript(
        f"BEGIN; PRAGMA application_id={APPLICATION_ID}; {' '.join(migrations)}"
        f" PRAGMA user_version={len(migrations)}; COMMIT;"
    )


def _migrate(db: sqlite3.Connection, path: Path, migrations: Sequence[str]) -> None:
    version: int = db.execute("PRAGMA user_version").fetchone()[0]
    if version > len(migrations):
        raise _newer(path, version)
    for target in range(version, len(migrations)):
        # One script, one transaction: a failed migration leaves the old version intact.
        db.executescript(f"BEGIN; {migrations[target]} PRAGMA user_version={target + 1}; COMMIT;")
    if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        db.execute(f"PRAGMA application_id={APPLICATION_ID}")  # a verified older Roundtable file


def _newer(path: Path, version: int) -> HistoryError:
    return HistoryError(
        f"The history database {path} was written by a newer Roundtable "
        f"(schema {version}); update Roundtable to open it."
    )


def verify(
    path: Path, migrations: Sequence[str], prepare: Callable[[sqlite3.Connection], None]
) -> None:
    """Every check ``open_database`` makes of an existing file, ``quick_check`` included;
    ``HistoryError`` says why it cannot be used. Read-only (never writes), so it may run on
    any thread, with its own connection. A missing or empty file passes (it becomes new)."""
    if not _is_new(path):
        _verify(path, migrations, prepare, integrity=True)


def _verify(
    path: Path,
    migrations: Sequence[str],
    prepare: Callable[[sqlite3.Connection], None],
    *,
    integrity: bool,
) -> None:
    """Raise ``HistoryError`` unless ``path`` is a sound Roundtable history (``integrity``:
    ``quick_check`` too). Never writes."""
    untouched = "It was left untouched"
    try:
        with path.open("rb") as file:
            header = file.read(len(_SQLITE_MAGIC))
    except OSError as error:
        raise HistoryError(
            f"The history file {path} cannot be read ({error.strerror or error}). "
            "Check its permissions (or move it aside) and restart Roundtable."
        ) from None
    if header != _SQLITE_MAGIC:
        raise HistoryError(
            f"{path} is not a Roundtable history (it is not an SQLite database). {untouched}; "
            "move it elsewhere (or delete it if it is not needed) to start a new history."
        )
    try:
        db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error as error:
        raise _open_error(error, path) from None
    try:
        application_id: int = db.execute("PRAGMA application_id").fetchone()[0]
        version: int = db.execute("PRAGMA user_version").fetchone()[0]
        if application_id == APPLICATION_ID and version > len(migrations):
            raise _newer(path, version)
        if not _has_our_schema(db, application_id, version, migrations, prepare):
            raise HistoryError(
                f"{path} is not a Roundtable history (it holds another program's data). "
                f"{untouched}; move it elsewhere to start a new history."
            )
        problems = [row[0] for row in db.execute("PRAGMA quick_check(3)")] if integrity else []
        if integrity and problems != ["ok"]:
            raise _damaged(path, "; ".join(problems))
    except sqlite3.DatabaseError as error:
        raise _damaged(path, str(error)) from None
    finally:
        db.close()


def _damaged(path: Path, detail: str) -> HistoryError:
    return HistoryError(
        f"The history database {path} is damaged ({detail}). It was left untouched: move it "
        "aside (sqlite3's .recover command may rescue its conversations) and restart Roundtable "
        "to start a new history."
    )


def _has_our_schema(
    db: sqlite3.Connection,
    application_id: int,
    version: int,
    migrations: Sequence[str],
    prepare: Callable[[sqlite3.Connection], None],
) -> bool:
    """Roundtable's id (or none: files from before it) and exactly the tables, indexes and
    triggers of its schema at ``version``."""
    if application_id not in (0, APPLICATION_ID) or not 0 < version <= len(migrations):
        return False
    return _schema(db) == _expected_schema(migrations, version, prepare)


def _schema(db: sqlite3.Connection) -> set[tuple[str, str, str]]:
    rows = db.execute("SELECT type, name, tbl_name FROM sqlite_master")
    return {tuple(row) for row in rows if not str(row[1]).startswith("sqlite_stat")}  # type: ignore[misc]


def _expected_schema(
    migrations: Sequence[str], version: int, prepare: Callable[[sqlite3.Connection], None]
) -> set[tuple[str, str, str]]:
    """What a Roundtable history of ``version`` holds: its migrations, run in memory."""
    db = sqlite3.connect(":memory:")
    try:
        prepare(db)
        for script in migrations[:version]:
            db.executescript(script)
        return _schema(db)
    finally:
        db.close()


def _open_error(error: sqlite3.Error, path: Path) -> HistoryError:
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM):
        return HistoryError(
            f"The history file {path} cannot be opened for writing ({error}). Make it and its "
            "folder writable by you, then restart Roundtable."
        )
    if primary == sqlite3.SQLITE_FULL:
        return HistoryError(
            f"The history cannot be set up: the disk is full (where {path.parent} is). "
            "Free some space and restart Roundtable."
        )
    return HistoryError(f"The history database {path} cannot be opened: {describe(error, path)}.")
