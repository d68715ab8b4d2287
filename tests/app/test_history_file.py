"""The history file: created private, written only when it is verifiably Roundtable's own.

A file that fails the checks is refused with a message and stays byte-identical (sha256).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.history import _MIGRATIONS, History, HistoryError
from app.core.history_file import APPLICATION_ID


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fill(path: Path, messages: int = 300) -> None:
    store = History(path)
    conversation = store.create_conversation("Several pages")
    for number in range(messages):
        store.add_message(conversation, "user", f"message {number} " + "text " * 40)
    store.close()


def test_new_history_files_are_private(tmp_path: Path) -> None:
    store = History(tmp_path / "data" / "history.sqlite3")
    try:
        store.add_message(store.create_conversation(), "user", "hello")
        names = sorted(p.name for p in (tmp_path / "data").iterdir())
        assert names == ["history.sqlite3", "history.sqlite3-shm", "history.sqlite3-wal"]
        for path in (tmp_path / "data").iterdir():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
        assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
        db = sqlite3.connect(store.path)
        assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        db.close()
    finally:
        store.close()


def test_an_existing_history_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    History(path).close()
    path.chmod(0o644)  # as earlier versions left it
    History(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_history_from_before_the_application_id_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)  # what earlier versions wrote
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(f"BEGIN; {_MIGRATIONS[0]} PRAGMA user_version=1; COMMIT;")
    db.execute("INSERT INTO conversations (title, created_at, updated_at) VALUES ('old', 1, 1)")
    db.close()
    store = History(path)
    try:
        assert [c.title for c in store.conversations()] == ["old"]
        assert store._db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    finally:
        store.close()


def test_a_foreign_sqlite_file_is_refused_and_left_byte_identical(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    path = tmp_path / "data" / "history.sqlite3"
    db = sqlite3.connect(path)
    db.executescript("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');")
    db.close()
    before = digest(path)
    with pytest.raises(HistoryError, match="not a Roundtable history.*left untouched"):
        History(path)
    assert digest(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["history.sqlite3"]


def test_a_foreign_file_with_our_table_names_but_another_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    fill(path, messages=1)
    db = sqlite3.connect(path)
    db.execute("PRAGMA application_id=12345")
    db.close()
    before = digest(path)
    with pytest.raises(HistoryError, match="another program"):
        History(path)
    assert digest(path) == before


def test_an_empty_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version=0")
    db.execute("VACUUM")  # writes the header: a valid, empty SQLite database
    db.close()
    before = digest(path)
    with pytest.raises(HistoryError, match="not a Roundtable history"):
        History(path)
    assert digest(path) == before


def test_a_non_sqlite_file_is_refused_and_left_byte_identical(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    before = digest(path)
    with pytest.raises(HistoryError, match="not an SQLite database"):
        History(path)
    assert digest(path) == before


def test_a_database_with_corrupt_pages_is_refused_and_left_byte_identical(
    tmp_path: Path,
) -> None:
    path = tmp_path / "data" / "history.sqlite3"
    fill(path)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=DELETE")  # so that opening for writing would change byte 18
    page_size, pages = (
        db.execute(f"PRAGMA {name}").fetchone()[0] for name in ("page_size", "page_count")
    )
    db.close()
    assert pages > 6
    with path.open("r+b") as file:  # the header stays valid; pages in the middle are garbage
        file.seek(page_size * (pages // 2))
        file.write(b"\xa5\x5a" * page_size)
    before = digest(path)
    with pytest.raises(HistoryError, match="is damaged.*left untouched"):
        History(path)
    assert digest(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["history.sqlite3"]


def test_an_empty_file_left_by_a_crash_becomes_a_new_history(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    path.touch()
    store = History(path)
    try:
        assert store.conversations() == []
    finally:
        store.close()


# ----- a read-only data folder ------------------------------------------------------------------


def open_read_only(folder: Path) -> str:
    """Open the history in ``folder`` with the folder read-only; the error text.

    Root ignores permission bits, so as root the folder is bind-mounted read-only in a private
    mount namespace (a real read-only file system); otherwise its permissions are taken away.
    """
    script = (
        "import sys\nfrom app.core.history import History, HistoryError\n"
        "try:\n    History(sys.argv[1]).close()\nexcept HistoryError as error:\n"
        "    print(error)\nelse:\n    print('opened')\n"
    )
    command = [sys.executable, "-c", script, str(folder / "history.sqlite3")]
    if os.geteuid() == 0:
        if shutil.which("unshare") is None:
            pytest.skip("running as root without unshare: no way to make a folder read-only")
        remount = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
        command = ["unshare", "--mount", "--", "sh", "-c", remount, str(folder), *command]
    else:
        for path in [folder, *folder.iterdir()]:
            path.chmod(0o555 if path.is_dir() else 0o444)
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=60, check=False,
        cwd=Path(__file__).parents[2],
    )  # fmt: skip
    if os.geteuid() == 0 and result.returncode != 0 and "mount" in result.stderr:
        pytest.skip(f"cannot make a read-only mount here: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_read_only_data_folder_says_so_without_move_it_aside(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    message = open_read_only(folder)
    assert "is read-only" in message and "Make it writable" in message, message
    assert "move it" not in message.lower()
    assert list(folder.iterdir()) == []


def test_a_history_in_a_read_only_folder_is_left_as_it_is(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    fill(folder / "history.sqlite3", messages=3)
    before = digest(folder / "history.sqlite3")
    message = open_read_only(folder)
    assert "is read-only" in message and "move it" not in message.lower(), message
    assert digest(folder / "history.sqlite3") == before
