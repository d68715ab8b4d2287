"""The ``roundtable`` command-line contract, against the loopback OpenAI server.

Most cases drive ``app.cli.run`` in-process (stdout through ``out=``, stderr through capsys); the
rest run the installed entry point ``.venv/bin/roundtable`` as a real subprocess with a minimal
environment (empty HOME, no D-Bus, no display) to check exit codes and what reaches each stream.

Contract: stdout carries only the answer (at most one trailing newline added); reasoning, usage
and errors go to stderr; an error is one line, never a traceback, never a key; bad input is
refused with exit 2 before any network access.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app import cli
from app.params import coerce
from providers import credentials, registry
from providers.errors import ParameterError
from tests.servers import DEFAULT_KEY, Error, OpenAIServer, Stream

KEY = DEFAULT_KEY
ROOT = Path(__file__).resolve().parents[2]
ENTRY_POINT = ROOT / ".venv" / "bin" / "roundtable"
ERROR_PREFIX = "roundtable: error: "


@pytest.fixture(autouse=True)
def isolated_provider_state(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No cached live model list and no stored key carries over between tests."""
    for provider in registry.all_providers().values():
        if "models_fetched_at" in vars(provider):
            monkeypatch.setattr(provider, "models", [])
            monkeypatch.setattr(provider, "models_fetched_at", 0.0)
    credentials.set_default_store(credentials.SecretStore(f"roundtable-test-{uuid.uuid4().hex}"))
    yield
    credentials.set_default_store(None)


@pytest.fixture
def server(openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch) -> OpenAIServer:
    """The OpenAI server, with its key in OPENAI_API_KEY as a user would have it."""
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    return openai_server


def run(*argv: str) -> tuple[int, str]:
    """Exit code and stdout of one in-process CLI run."""
    out = io.StringIO()
    code = cli.run(list(argv), out=out)
    return code, out.getvalue()


def chat(server: OpenAIServer, *argv: str) -> tuple[int, str]:
    return run("chat", "-p", "openai", "--base-url", server.base_url, *argv)


def error_line(stderr: str) -> str:
    """The single error line of a failed run (and nothing that looks like a traceback)."""
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.startswith(ERROR_PREFIX)]
    assert len(lines) == 1, stderr
    return lines[0]


# ----- chat -----------------------------------------------------------------------------------
def test_chat_streams_the_answer_to_stdout(
    server: OpenAIServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.answer = "Grüße — 你好 🎉"
    code, out = chat(server, "hello")
    assert (code, out) == (cli.EXIT_OK, "Grüße — 你好 🎉\n")
    stderr = capsys.readouterr().err
    assert "[usage] input=" in stderr and "output=" in stderr
    body = server.last_request.body_dict  # type: ignore[union-attr]
    assert body["messages"] == [{"role": "user", "content": "hello"}]
    assert body["model"] == "gpt-4o-mini"  # the provider's default


def test_an_answer_ending_in_a_newline_gets_no_second_one(server: OpenAIServer) -> None:
    server.answer = "line one\nline two\n"
    assert chat(server, "hi") == (cli.EXIT_OK, "line one\nline two\n")


def test_reasoning_and_usage_go_to_stderr(
    server: OpenAIServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.push(Stream(text="Four.", reasoning="Two and two make four."))
    assert chat(server, "2+2?") == (cli.EXIT_OK, "Four.\n")
    stderr = capsys.readouterr().err
    assert "Two and two make four." in stderr
    assert "[usage]" in stderr


def test_system_prompt_and_model(server: OpenAIServer) -> None:
    code, _ = chat(server, "--system", "Be brief.", "-m", "gpt-4o", "hi")
    assert code == cli.EXIT_OK
    body = server.last_request.body_dict  # type: ignore[union-attr]
    assert body["model"] == "gpt-4o"
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "hi"},
    ]


def test_params_are_coerced_to_their_types(server: OpenAIServer) -> None:
    code, _ = chat(
        server,
        "--param", "temperature=0.25",
        "--param", "max_tokens=12",
        "--param", "seed=3",
        "--param", "stop=END",
        "--param", "reasoning_effort=low",
        "--param", 'response_format={"type": "json_object"}',
        "hi",
    )  # fmt: skip
    assert code == cli.EXIT_OK
    body = server.last_request.body_dict  # type: ignore[union-attr]
    assert body["temperature"] == 0.25 and isinstance(body["temperature"], float)
    assert body["max_tokens"] == 12 and isinstance(body["max_tokens"], int)
    assert body["seed"] == 3
    assert body["stop"] == ["END"]  # a single stop word needs no JSON
    assert body["reasoning_effort"] == "low"
    assert body["response_format"] == {"type": "json_object"}


def test_list_param_as_json(server: OpenAIServer) -> None:
    assert chat(server, "--param", 'stop=["a", "b"]', "hi")[0] == cli.EXIT_OK
    assert server.last_request.body_dict["stop"] == ["a", "b"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("yes", bool, True), ("off", bool, False), ("TRUE", bool, True), ("0", bool, False),
        ("7", int, 7), ("-2", int, -2), ("0.5", float, 0.5), ("1e-3", float, 0.001),
        ("x", list[str], ["x"]), ('["a"]', list[str], ["a"]), ('{"a": 1}', dict, {"a": 1}),
        ("plain", str, "plain"), ("[1, 2]", Any, [1, 2]), ("free text", Any, "free text"),
    ],
)  # fmt: skip
def test_coercion(text: str, kind: Any, value: Any) -> None:
    result = coerce("p", text, kind)
    assert result == value and type(result) is type(value)


@pytest.mark.parametrize(
    ("text", "kind"), [("maybe", bool), ("1.5", int), ("hot", float), ("[1]", dict), ("{}", list)]
)
def test_coercion_errors_name_the_parameter_and_type(text: str, kind: Any) -> None:
    with pytest.raises(ParameterError) as caught:
        coerce("p", text, kind)
    assert "'p'" in str(caught.value) and repr(text) in str(caught.value)


@pytest.mark.parametrize(
    ("param", "expected"),
    [
        ("temprature=1", "'temprature' is not a parameter of OpenAI"),
        ("temperature=hot", "expects float"),
        ("max_tokens=1.5", "expects int"),
        ("response_format=[1]", "expects dict"),
        ("model=gpt-4o", "'model' is not a parameter"),
        ("no-equals-sign", "KEY=VALUE"),
        (f"api_key={KEY}", "secret"),
    ],
)
def test_bad_params_fail_before_any_request(
    server: OpenAIServer, capsys: pytest.CaptureFixture[str], param: str, expected: str
) -> None:
    assert chat(server, "--param", param, "hi") == (cli.EXIT_USAGE, "")
    line = error_line(capsys.readouterr().err)
    assert expected in line
    assert KEY not in line
    assert server.requests == []


def test_unknown_param_lists_the_valid_ones(
    server: OpenAIServer, capsys: pytest.CaptureFixture[str]
) -> None:
    chat(server, "--param", "temprature=1", "hi")
    line = error_line(capsys.readouterr().err)
    for name in ("temperature", "max_tokens", "stop", "timeout"):
        assert name in line


def test_unknown_provider_lists_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("chat", "-p", "nosuch", "hi") == (cli.EXIT_USAGE, "")
    line = error_line(capsys.readouterr().err)
    assert "nosuch" in line
    for pid in ("openai", "groq", "azure", "lmstudio"):
        assert pid in line


def test_empty_prompt_is_a_usage_error(
    server: OpenAIServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert chat(server, "   ") == (cli.EXIT_USAGE, "")
    assert "empty" in error_line(capsys.readouterr().err)
    assert server.requests == []


def test_missing_provider_option_is_an_argparse_error() -> None:
    with pytest.raises(SystemExit) as caught:
        run("chat", "hi")
    assert caught.value.code == cli.EXIT_USAGE


def test_timeout_param_ends_a_stalled_stream(
    server: OpenAIServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.push(Stream(text="one two three four", stall_after=3))
    started = time.monotonic()
    code, out = chat(server, "--param", "timeout=0.5", "hi")
    assert time.monotonic() - started < 2.5
    assert code == cli.EXIT_FAILURE
    assert out == "one two\n"  # what arrived stays on stdout
    line = error_line(capsys.readouterr().err)
    assert "sent nothing for too long" in line and "timeout" in line


def test_error_in_the_middle_keeps_the_streamed_text(
    server: OpenAIServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.push(Stream(text="alpha beta gamma delta", error_after=3))
    assert chat(server, "hi") == (cli.EXIT_FAILURE, "alpha beta\n")
    assert "in the middle of the answer" in error_line(capsys.readouterr().err)


def test_rejected_key_is_one_line_with_status_and_no_key(
    server: OpenAIServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.push(Error(401, message=f"Incorrect API key provided: {KEY}.", code="invalid_api_key"))
    assert chat(server, "hi") == (cli.EXIT_FAILURE, "")
    stderr = capsys.readouterr().err
    line = error_line(stderr)
    assert "401" in line and "API key" in line
    assert KEY not in stderr and KEY[:-4] not in stderr


def test_model_the_service_rejects_lists_the_valid_ones(
    server: OpenAIServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.strict_models = True
    assert chat(server, "-m", "gpt-nope", "hi")[0] == cli.EXIT_FAILURE
    line = error_line(capsys.readouterr().err)
    assert "gpt-nope" in line and "Valid models: gpt-4o-mini, gpt-4o, o3-mini" in line


def test_missing_key_says_where_to_put_one(
    openai_server: OpenAIServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert chat(openai_server, "hi") == (cli.EXIT_FAILURE, "")
    line = error_line(capsys.readouterr().err)
    assert "OPENAI_API_KEY" in line and "roundtable keys set -p openai" in line
    assert "Settings" not in line and "Credentials" not in line  # the window's, not the CLI's
    assert openai_server.requests == []


def test_rate_limit_is_retried_transparently(server: OpenAIServer) -> None:
    server.push(Error(429, retry_after=0.05))
    assert chat(server, "hi") == (cli.EXIT_OK, "You said: hi\n")
    assert sum(1 for r in server.requests if r.kind == "chat") == 2


# ----- providers, models, params --------------------------------------------------------------
def test_providers_lists_every_registered_provider() -> None:
    code, out = run("providers")
    assert code == cli.EXIT_OK
    ids = [line.split()[0] for line in out.splitlines()]
    assert ids == list(registry.all_providers())
    assert any(
        line.startswith("openai ") and "[working, needs-auth]" in line for line in out.splitlines()
    )
    assert any(line.startswith("lmstudio ") and "no-auth" in line for line in out.splitlines())


def test_models_lists_the_live_models_with_the_default_marked(server: OpenAIServer) -> None:
    server.models = ["gpt-4o", "gpt-4o-mini", "o3-mini"]
    code, out = run("models", "-p", "openai", "--base-url", server.base_url)
    assert code == cli.EXIT_OK
    assert out.splitlines() == ["gpt-4o", "gpt-4o-mini  (default)", "o3-mini"]
    assert server.last_request.path == "/v1/models"  # type: ignore[union-attr]


def test_models_falls_back_to_the_built_in_list_and_says_why(
    server: OpenAIServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.push(Error(401, on="models"))
    code, out = run("models", "-p", "openai", "--base-url", server.base_url)
    assert code == cli.EXIT_OK
    assert out.splitlines()[0] == "gpt-4o-mini  (default)"
    stderr = capsys.readouterr().err
    assert "could not list live models" in stderr and "401" in stderr
    assert "built-in list" in stderr


@pytest.mark.parametrize("pid", list(registry.all_providers()))
def test_params_json_is_valid_json_for_every_provider(pid: str) -> None:
    code, out = run("params", "-p", pid, "--json")
    assert code == cli.EXIT_OK
    params = json.loads(out)
    assert isinstance(params, dict) and params
    assert params.get("api_key") in (None, "")  # never a value, even if one is stored


def test_params_prints_name_type_range_default_description() -> None:
    code, out = run("params", "-p", "anthropic")
    assert code == cli.EXIT_OK
    lines = out.splitlines()
    assert lines[0].startswith("Anthropic (anthropic)")
    assert lines[1].split() == ["NAME", "TYPE", "RANGE", "DEFAULT", "DESCRIPTION"]
    rows = {line.split()[0]: line for line in lines[2:]}
    assert rows["temperature"].split()[:4] == ["temperature", "float", "0–1", "1.0"]
    assert "Randomness" in rows["temperature"]
    assert "4096 tokens" in rows["max_tokens"]
    assert "api_key" not in rows and "messages" not in rows and "{" not in lines[0]
    code, out = run("params", "-p", "openai")
    rows = {line.split()[0]: line for line in out.splitlines()[2:]}
    assert rows["seed"].split()[2:5] == ["≥", "0", "provider"]  # not the spec's example 42
    assert "-2–2" in rows["presence_penalty"] and " 0.0 " in rows["presence_penalty"]


def test_params_of_unknown_provider(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("params", "-p", "nosuch") == (cli.EXIT_USAGE, "")
    assert "Known providers" in error_line(capsys.readouterr().err)


# ----- the installed entry point, as a subprocess ---------------------------------------------
def bare_env(home: Path, **extra: str) -> dict[str, str]:
    """A fresh login without a desktop: no D-Bus, no display, no Qt platform, an empty HOME."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8"}
    env.update(extra)
    for name in ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        assert name not in env
    return env


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "empty-home"
    path.mkdir()
    return path


def roundtable(
    *argv: str, env: dict[str, str], stdin: str | None = None, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ENTRY_POINT), *argv], input=stdin, env=env, capture_output=True, text=True,
        encoding="utf-8", timeout=timeout, check=False,
    )  # fmt: skip


def files_containing(root: Path, secret: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def test_entry_point_chat_with_key_from_environment_and_empty_home(
    openai_server: OpenAIServer, home: Path
) -> None:
    openai_server.push(Stream(text="Bonjour, ça va? 🙂", reasoning="User greets; greet back."))
    result = roundtable(
        "chat", "-p", "openai", "--base-url", openai_server.base_url, "--system", "Be kind.",
        "Salut", env=bare_env(home, OPENAI_API_KEY=KEY),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Bonjour, ça va? 🙂\n"
    assert "User greets; greet back." in result.stderr
    assert "[usage]" in result.stderr
    assert "Traceback" not in result.stderr
    body = openai_server.last_request.body_dict  # type: ignore[union-attr]
    assert body["messages"][0] == {"role": "system", "content": "Be kind."}
    assert openai_server.last_request.header("authorization") == f"Bearer {KEY}"  # type: ignore[union-attr]
    assert files_containing(home, KEY) == []


def test_entry_point_reads_the_prompt_from_stdin(openai_server: OpenAIServer, home: Path) -> None:
    prompt = "Résumé of\nmany lines — 日本語\n"
    result = roundtable(
        "chat", "-p", "openai", "--base-url", openai_server.base_url, "-",
        env=bare_env(home, OPENAI_API_KEY=KEY), stdin=prompt,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"You said: {prompt}"  # already ends in a newline: none added
    assert openai_server.last_request.body_dict["messages"][-1]["content"] == prompt  # type: ignore[union-attr]


def test_entry_point_rejected_key(openai_server: OpenAIServer, home: Path) -> None:
    openai_server.push(Error(401, message="Incorrect API key provided: test-key-456."))
    result = roundtable(
        "chat", "-p", "openai", "--base-url", openai_server.base_url, "hi",
        env=bare_env(home, OPENAI_API_KEY="test-key-456"),
    )  # fmt: skip
    assert result.returncode == cli.EXIT_FAILURE
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1  # exactly one line
    line = error_line(result.stderr)
    assert "401" in line and "API key" in line
    assert "test-key-456" not in result.stderr and "test-key" not in result.stderr


def test_entry_point_bad_param_exits_2_before_any_request(
    openai_server: OpenAIServer, home: Path
) -> None:
    result = roundtable(
        "chat", "-p", "openai", "--base-url", openai_server.base_url, "--param", "top_p=high",
        "hi", env=bare_env(home, OPENAI_API_KEY=KEY),
    )  # fmt: skip
    assert result.returncode == cli.EXIT_USAGE
    assert result.stdout == ""
    assert "top_p" in error_line(result.stderr)
    assert openai_server.requests == []


def test_entry_point_unknown_provider_exits_2(home: Path) -> None:
    result = roundtable("chat", "-p", "nosuch", "hi", env=bare_env(home))
    assert result.returncode == cli.EXIT_USAGE
    assert "Known providers:" in error_line(result.stderr) and "openai" in result.stderr


def test_entry_point_read_timeout_variable_keeps_the_streamed_text(
    openai_server: OpenAIServer, home: Path
) -> None:
    openai_server.push(Stream(text="first second third", stall_after=2))
    started = time.monotonic()
    result = roundtable(
        "chat", "-p", "openai", "--base-url", openai_server.base_url, "hi",
        env=bare_env(home, OPENAI_API_KEY=KEY, ROUNDTABLE_READ_TIMEOUT="0.5"),
    )  # fmt: skip
    assert time.monotonic() - started < 5
    assert result.returncode == cli.EXIT_FAILURE
    assert result.stdout == "first\n"
    assert "ROUNDTABLE_READ_TIMEOUT" in error_line(result.stderr)


def test_entry_point_models_and_params(openai_server: OpenAIServer, home: Path) -> None:
    env = bare_env(home, OPENAI_API_KEY=KEY)
    result = roundtable("models", "-p", "openai", "--base-url", openai_server.base_url, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["gpt-4o-mini  (default)", "gpt-4o", "o3-mini"]
    result = roundtable("params", "-p", "openai", "--json", env=env)
    assert result.returncode == 0
    assert json.loads(result.stdout)["model"] == "gpt-4o-mini"


def test_entry_point_closed_pipe_is_not_an_error(openai_server: OpenAIServer, home: Path) -> None:
    openai_server.push(Stream(text="word " * 3000, delay=0.0005))
    process = subprocess.Popen(
        [str(ENTRY_POINT), "chat", "-p", "openai", "--base-url", openai_server.base_url, "hi"],
        env=bare_env(home, OPENAI_API_KEY=KEY), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(10) == b"word word "  # like `| head -c 10`
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=10) == 0
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr


def test_help_works_without_a_display_or_qt(home: Path) -> None:
    result = roundtable("--help", env=bare_env(home))
    assert result.returncode == 0
    assert result.stdout.startswith("usage: roundtable")
    for command in ("providers", "models", "params", "chat"):
        assert command in result.stdout
    result = roundtable("chat", "--help", env=bare_env(home))
    assert result.returncode == 0 and "--param KEY=VALUE" in result.stdout


def test_the_cli_never_imports_qt(home: Path) -> None:
    script = (
        "import io, sys; from app import cli; cli.run(['providers'], out=io.StringIO()); "
        "cli.run(['params', '-p', 'openai'], out=io.StringIO()); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'qasync')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=bare_env(home), capture_output=True, text=True,
        cwd=ROOT, timeout=30, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
