"""The command line with the local provider: models, chat, and the ``local`` verb."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app import cli
from providers.local import runtime
from providers.local.models import ModelStore
from providers.local.runtime import LocalRuntime
from tests.servers.file_server import FileServer

Run = tuple[int, str, str]


@pytest.fixture(autouse=True)
def fresh_runtime(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalRuntime]:
    rt = LocalRuntime()
    monkeypatch.setattr(runtime, "_default", rt)
    yield rt
    assert rt.shutdown(), "the local model's worker did not end"


@pytest.fixture
def roundtable(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    def run(*args: str) -> Run:
        out = io.StringIO()
        code = cli.run(list(args), out=out)
        captured = capsys.readouterr()
        return code, out.getvalue() + captured.out, captured.err

    return run


def subprocess_run(*args: str) -> subprocess.CompletedProcess[str]:
    """The real ``roundtable`` process: llama.cpp writes to file descriptor 2 directly."""
    return subprocess.run(
        [sys.executable, "-m", "app.main", *args], capture_output=True, text=True, timeout=120,
        env=os.environ.copy(),
    )  # fmt: skip


def test_models_lists_installed_with_default_marked(
    roundtable: Callable[..., Run], store: ModelStore, tiny_model: Path
) -> None:
    store.add_file(tiny_model)
    code, out, err = roundtable("models", "-p", "local")
    assert code == 0, err
    assert out.splitlines() == ["SmolLM2-135M-Instruct.Q4_1  (default)", "tiny"]
    assert roundtable("local", "default", "tiny")[0] == 0
    assert roundtable("models", "-p", "local")[1].splitlines()[1] == "tiny  (default)"


def test_chat_streams_from_a_gguf_path(roundtable: Callable[..., Run], tiny_model: Path) -> None:
    code, out, err = roundtable(
        "chat", "-p", "local", "-m", str(tiny_model), "--param", "temperature=0",
        "--param", "max_tokens=12", "hello sea",
    )  # fmt: skip
    assert code == 0, err
    assert out.strip() and err == ""


def test_chat_with_installed_name(
    roundtable: Callable[..., Run], store: ModelStore, tiny_model: Path
) -> None:
    store.add_file(tiny_model)
    code, out, _ = roundtable(
        "chat", "-p", "local", "-m", "tiny", "--param", "max_tokens=5", "--param", "temperature=0",
        "hi",
    )  # fmt: skip
    assert code == 0 and out.strip()


def test_chat_with_the_default_starter_model(starter_path: Path) -> None:
    result = subprocess_run("chat", "-p", "local", "--param", "max_tokens=6", "Say hi.")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() and result.stderr == ""


@pytest.mark.parametrize("kind", ["text", "truncated"])
def test_bad_model_file_is_one_line_on_stderr(tmp_path: Path, tiny_model: Path, kind: str) -> None:
    bad = tmp_path / "bad.gguf"
    data = tiny_model.read_bytes()
    bad.write_bytes(b"hello" if kind == "text" else data[: len(data) // 2])
    result = subprocess_run("chat", "-p", "local", "-m", str(bad), "hi")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("roundtable: error: bad")
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_unknown_model_name(roundtable: Callable[..., Run]) -> None:
    code, out, err = roundtable("chat", "-p", "local", "-m", "nope", "hi")
    assert code == 1 and out == ""
    assert "No local model is called 'nope'" in err and "roundtable local add" in err


def test_local_add_list_default_remove(roundtable: Callable[..., Run], tiny_model: Path) -> None:
    code, out, err = roundtable("local", "add", str(tiny_model))
    assert code == 0, err
    assert out.startswith("tiny  ") and "F32  512 ctx" in out
    listed = roundtable("local", "list")[1].splitlines()
    assert listed[0].endswith("Q4_1  8192 ctx  (default, starter)")
    assert listed[1].startswith("tiny  ")
    assert roundtable("local", "default", "tiny")[0] == 0
    assert roundtable("local", "list")[1].splitlines()[1].endswith("(default)")
    assert roundtable("local", "remove", "tiny")[0] == 0
    assert len(roundtable("local", "list")[1].splitlines()) == 1


def test_local_add_bad_file(roundtable: Callable[..., Run], tmp_path: Path) -> None:
    bad = tmp_path / "notes.gguf"
    bad.write_text("not a model")
    code, _, err = roundtable("local", "add", str(bad))
    assert code == 1 and err.count("\n") == 1 and "not a GGUF model file" in err


def test_local_add_url_downloads_with_progress(
    roundtable: Callable[..., Run], file_server: FileServer, tiny_model: Path
) -> None:
    file_server.files["/x/model.gguf"] = tiny_model.read_bytes()
    code, out, err = roundtable("local", "add", f"{file_server.url}/x/model.gguf")
    assert code == 0, err
    assert out.startswith("model  ")
    assert "downloading: 100.0%" in err
    assert "model" in roundtable("local", "list")[1]


def test_local_add_url_failure(roundtable: Callable[..., Run], file_server: FileServer) -> None:
    code, _, err = roundtable("local", "add", f"{file_server.url}/missing.gguf")
    assert code == 1 and "HTTP 404" in err and err.count("\n") == 1
