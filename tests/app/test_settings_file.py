"""The settings file: a damaged one is kept aside and reported; saving is atomic."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.settings import Settings, SettingsProblem
from app.ui.error_text import settings_problem_text

ROOT = Path(__file__).parents[2]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    folder = tmp_path / "config"
    folder.mkdir()
    return folder / "settings.json"


def backups(path: Path) -> list[Path]:
    return sorted(path.parent.glob("settings.json.damaged-*"))


def test_a_typo_keeps_the_damaged_file_as_a_backup_and_says_so(path: Path) -> None:
    damaged = (
        b'{\n  "provider": "openai",\n  "theme": "dark"\n  "geometry": "x"\n}\n'  # a , missing
    )
    path.write_bytes(damaged)
    settings = Settings.load(path)
    assert settings.as_dict() == {}
    [backup] = backups(path)
    assert backup.read_bytes() == damaged
    assert settings.problem is not None
    said = settings_problem_text(settings.problem)
    assert "damaged" in said and "line 4" in said
    assert backup.name in said
    settings.theme = "light"  # the next save writes a fresh file beside the backup
    assert json.loads(path.read_text()) == {"theme": "light"}
    assert backup.read_bytes() == damaged
    assert Settings.load(path).problem is None


def test_a_file_that_is_not_utf8_is_kept_aside_without_a_crash(path: Path) -> None:
    path.write_bytes(b'{"theme": "\xff\xfe"}')
    settings = Settings.load(path)
    assert settings.as_dict() == {} and settings.problem is not None
    assert "UTF-8" in settings_problem_text(settings.problem)
    [backup] = backups(path)
    assert backup.read_bytes() == b'{"theme": "\xff\xfe"}'


def test_a_file_holding_a_secret_is_kept_aside_and_never_written_back(path: Path) -> None:
    path.write_text(json.dumps({"providers": {"openai": {"api_key": "test-key-not-real"}}}))
    settings = Settings.load(path)
    assert settings.as_dict() == {} and settings.problem is not None
    assert "keyring" in settings_problem_text(settings.problem)
    assert "test-key-not-real" not in settings_problem_text(settings.problem)
    settings.theme = "dark"
    assert "test-key-not-real" not in path.read_text()
    assert len(backups(path)) == 1


def test_two_damaged_files_in_one_second_get_two_backups(path: Path) -> None:
    for text in ("{one", "{two", "[3]"):
        path.write_text(text)
        assert Settings.load(path).problem
    assert sorted(p.read_text() for p in backups(path)) == ["[3]", "{one", "{two"]


def test_a_damaged_file_that_cannot_be_kept_aside_is_never_replaced(path: Path) -> None:
    path.write_text("{typo")
    settings = Settings(path)
    settings.path = path.parent / "missing" / "settings.json"  # renaming it fails: no such file
    settings._set_aside(SettingsProblem(path, "not_object"))
    assert settings.problem is not None
    assert "not saved until you fix or remove it" in settings_problem_text(settings.problem)
    settings.set("theme", "dark")
    assert not settings.path.exists()


# ----- atomic writes (these guard what already works) ----------------------------------------


def previous_settings(path: Path) -> bytes:
    Settings(path, {"provider": "openai", "theme": "dark"}).save()
    return path.read_bytes()


def test_a_failing_write_leaves_the_previous_file_and_no_temporary(path: Path) -> None:
    before = previous_settings(path)
    # A real failing write: the file size limit (as a full disk would) makes write() fail.
    script = (
        "import resource, signal, sys\n"
        "from pathlib import Path\n"
        "from app.core.settings import Settings\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "settings = Settings.load(Path(sys.argv[1]))\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (1024, resource.RLIM_INFINITY))\n"
        "try:\n"
        "    settings.set('notes', 'x' * 100_000)\n"
        "except OSError as error:\n"
        "    print('failed', error.errno)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(path)], cwd=ROOT, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert result.stdout.strip() == f"failed {errno.EFBIG}", result.stderr
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["settings.json"]


def test_a_failing_fsync_leaves_the_previous_file_and_no_temporary(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = previous_settings(path)
    settings = Settings.load(path)

    def failing_fsync(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fsync", failing_fsync)  # the disk reports an I/O error
    with pytest.raises(OSError):
        settings.set("theme", "light")
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["settings.json"]
