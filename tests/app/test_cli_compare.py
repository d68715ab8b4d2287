"""``roundtable compare``: the installed entry point as a subprocess against loopback servers.

Each run gets a minimal environment (empty HOME, no D-Bus, no display; see ``test_cli.bare_env``)
with each column's key and base URL in the provider's variables, as a user would set them.
Concurrency is shown, not assumed: one server pauses mid-answer while the other column finishes,
so running the columns one after another, or printing only once all have ended, fails.

Usage errors are checked in-process (``cli.run``), where the servers' request logs show that
nothing was sent.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from app import cli
from app.cli_compare import JSON_KEYS, split_column
from tests.app.test_cli import ENTRY_POINT, KEY, ROOT, bare_env, error_line, roundtable
from tests.keyring_support import requires_secret_service
from tests.servers import AnthropicServer, OllamaServer, OpenAIServer, Stream
from tests.unit.test_layering import BLOCK_QT

PROMPT = "Name three rivers."


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "empty-home"
    path.mkdir()
    return path


def env_for(
    home: Path, openai: OpenAIServer, anthropic: AnthropicServer, **extra: str
) -> dict[str, str]:
    return bare_env(
        home, OPENAI_API_KEY=KEY, OPENAI_BASE_URL=openai.base_url,
        ANTHROPIC_API_KEY=KEY, ANTHROPIC_BASE_URL=anthropic.base_url, **extra,
    )  # fmt: skip


def json_lines(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines()]


def chat_bodies(server: OpenAIServer | AnthropicServer | OllamaServer) -> list[dict[str, object]]:
    return [request.body_dict for request in server.requests if request.kind == "chat"]


# ----- concurrency, output --------------------------------------------------------------------
def test_columns_stream_concurrently_and_print_as_they_end(
    openai_server: OpenAIServer, anthropic_server: AnthropicServer, home: Path
) -> None:
    openai_server.push(Stream(text="slow answer from openai", stall_after=2, stall_seconds=1.0))
    anthropic_server.answer = "quick answer from anthropic"
    result = roundtable(
        "compare", "-c", "openai:gpt-4o-mini", "-c", "anthropic:claude-sonnet-4-5", PROMPT,
        env=env_for(home, openai_server, anthropic_server),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    out = result.stdout
    # The quick column ended first, so its block comes first though it is the second -c.
    assert out.index("=== anthropic:claude-sonnet-4-5 ===") < out.index(
        "=== openai:gpt-4o-mini ==="
    )
    blocks = out.split("\n\n")
    assert len(blocks) == 2
    quick, slow = (block.splitlines() for block in blocks)
    assert quick[:2] == ["=== anthropic:claude-sonnet-4-5 ===", "quick answer from anthropic"]
    assert slow[:2] == ["=== openai:gpt-4o-mini ===", "slow answer from openai"]
    for figures in (quick[-1], slow[-1]):
        assert figures.startswith("--- first token ")
        assert " · total " in figures and " tokens · " in figures and "tokens/s" in figures
    assert "$" in slow[-1] and "estimated" not in slow[-1]  # priced from reported usage
    assert chat_bodies(anthropic_server)[0]["messages"] == [{"role": "user", "content": PROMPT}]


def test_json_lines_come_in_column_order_with_every_key(
    openai_server: OpenAIServer, anthropic_server: AnthropicServer, home: Path
) -> None:
    openai_server.push(Stream(text="slow", stall_after=1, stall_seconds=0.5))
    result = roundtable(
        "compare", "-c", "openai:gpt-4o-mini", "-c", "anthropic:claude-sonnet-4-5", "--json",
        "--system", "Be brief.", PROMPT, env=env_for(home, openai_server, anthropic_server),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = json_lines(result.stdout)
    assert [list(row) for row in rows] == [list(JSON_KEYS)] * 2
    assert list(JSON_KEYS) == [
        "column", "provider", "model", "text", "error",
        "ttft_ms", "total_ms", "output_tokens", "tokens_per_s", "cost_usd",
    ]  # fmt: skip
    first, second = rows
    assert (first["column"], first["provider"], first["model"], first["text"]) == (
        "openai:gpt-4o-mini", "openai", "gpt-4o-mini", "slow",
    )  # fmt: skip
    assert (second["column"], second["provider"], second["model"]) == (
        "anthropic:claude-sonnet-4-5", "anthropic", "claude-sonnet-4-5",
    )  # fmt: skip
    assert second["text"] == f"You said: {PROMPT}"
    for row in rows:
        assert row["error"] is None
        assert isinstance(row["ttft_ms"], float) and isinstance(row["total_ms"], float)
        assert 0 < row["ttft_ms"] <= row["total_ms"]
        assert isinstance(row["output_tokens"], int) and row["output_tokens"] > 0
        assert isinstance(row["tokens_per_s"], float) and row["tokens_per_s"] > 0
    assert first["total_ms"] >= 500  # the pause was inside the column's timing
    assert chat_bodies(openai_server)[0]["messages"][0] == {
        "role": "system",
        "content": "Be brief.",
    }
    assert chat_bodies(anthropic_server)[0]["system"] == "Be brief."


# ----- per-column parameters, model names -----------------------------------------------------
def test_each_column_sends_its_own_parameters(
    openai_server: OpenAIServer, anthropic_server: AnthropicServer, home: Path
) -> None:
    result = roundtable(
        "compare", "--json",
        "-c", "openai:gpt-4o-mini:temperature=0.2,seed=1",
        "-c", "openai:gpt-4o-mini:temperature=0.9,seed=2,stop=[\"x\",\"y\"]",
        "-c", "openai:gpt-4o-mini",
        PROMPT, env=env_for(home, openai_server, anthropic_server),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    sent = sorted(
        json.dumps([body.get("temperature"), body.get("seed"), body.get("stop")])
        for body in chat_bodies(openai_server)
    )  # the columns run at once: the order the requests arrive in is not fixed
    assert sent == ["[0.2, 1, null]", '[0.9, 2, ["x", "y"]]', "[null, null, null]"]
    assert [row["column"] for row in json_lines(result.stdout)] == [
        "openai:gpt-4o-mini:temperature=0.2,seed=1",
        'openai:gpt-4o-mini:temperature=0.9,seed=2,stop=["x","y"]',
        "openai:gpt-4o-mini",
    ]


def test_model_names_keep_their_colons(
    ollama_server: OllamaServer, openai_server: OpenAIServer, anthropic_server: AnthropicServer,
    home: Path,
) -> None:  # fmt: skip
    result = roundtable(
        "compare", "--json", "-c", "ollama:qwen3:8b:temperature=0.2", "-c", "ollama:qwen3:8b",
        PROMPT, env=env_for(home, openai_server, anthropic_server, OLLAMA_HOST=ollama_server.url),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    bodies = chat_bodies(ollama_server)
    assert [body["model"] for body in bodies] == ["qwen3:8b", "qwen3:8b"]
    assert sorted(json.dumps(body.get("options")) for body in bodies) == [
        "null", '{"temperature": 0.2}',
    ]  # fmt: skip
    rows = json_lines(result.stdout)
    assert [row["model"] for row in rows] == ["qwen3:8b", "qwen3:8b"]
    assert [row["cost_usd"] for row in rows] == [None, None]  # a local model has no price


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("openai:gpt-4o", ("openai", "gpt-4o", [])),
        ("openai", ("openai", "", [])),
        ("openai:temperature=0.2", ("openai", "", ["temperature=0.2"])),
        ("ollama:qwen3:8b", ("ollama", "qwen3:8b", [])),
        ("ollama:qwen3:8b:temperature=0.2", ("ollama", "qwen3:8b", ["temperature=0.2"])),
        ("ollama:hf.co/org/model:Q4_K_M:top_p=0.9,seed=3",
         ("ollama", "hf.co/org/model:Q4_K_M", ["top_p=0.9", "seed=3"])),
        ('openai:gpt-4o:response_format={"type":"json_object"}',
         ("openai", "gpt-4o", ['response_format={"type":"json_object"}'])),
        ('openai:gpt-4o:stop=["a","b"],temperature=0.1',
         ("openai", "gpt-4o", ['stop=["a","b"]', "temperature=0.1"])),
        ("openai:gpt-4o:temperature=0.2,top_p", ("openai", "gpt-4o", ["temperature=0.2", "top_p"])),
    ],
)  # fmt: skip
def test_column_syntax(text: str, expected: tuple[str, str, list[str]]) -> None:
    assert split_column(text) == expected


# ----- failures -------------------------------------------------------------------------------
def test_a_failing_column_keeps_its_text_and_error_and_exits_1(
    openai_server: OpenAIServer, anthropic_server: AnthropicServer, home: Path
) -> None:
    openai_server.push(Stream(text="alpha beta gamma delta", error_after=3))
    env = env_for(home, openai_server, anthropic_server)
    del env["ANTHROPIC_API_KEY"]  # the third column has no key at all
    result = roundtable(
        "compare", "--json", "-c", "openai:gpt-4o-mini", "-c", "openai:gpt-4o",
        "-c", "anthropic:claude-sonnet-4-5", PROMPT, env=env,
    )  # fmt: skip
    assert result.returncode == cli.EXIT_FAILURE
    assert "Traceback" not in result.stderr
    failed, answered, keyless = json_lines(result.stdout)
    # The scripted failure went to whichever OpenAI request came first.
    if answered["error"] is not None:
        failed, answered = answered, failed
    assert failed["text"] == "alpha beta"
    assert "in the middle of the answer" in str(failed["error"])
    assert answered["error"] is None and answered["text"] == f"You said: {PROMPT}"
    assert keyless["text"] == ""
    assert "ANTHROPIC_API_KEY" in str(keyless["error"])
    assert chat_bodies(anthropic_server) == []
    errors = [line for line in result.stderr.splitlines() if line.startswith("roundtable: error:")]
    assert len(errors) == 2
    assert any(line.startswith(f"roundtable: error: {failed['column']}: ") for line in errors)
    assert any("anthropic:claude-sonnet-4-5: No API key" in line for line in errors)
    assert KEY not in result.stderr + result.stdout


def test_text_output_of_a_failed_column(
    openai_server: OpenAIServer, anthropic_server: AnthropicServer, home: Path
) -> None:
    anthropic_server.push(Stream(text="one two three four", error_after=5))
    result = roundtable(
        "compare", "-c", "openai:gpt-4o-mini", "-c", "anthropic:claude-sonnet-4-5", PROMPT,
        env=env_for(home, openai_server, anthropic_server),
    )  # fmt: skip
    assert result.returncode == cli.EXIT_FAILURE
    block = next(b for b in result.stdout.split("\n\n") if "anthropic" in b).splitlines()
    assert block[0] == "=== anthropic:claude-sonnet-4-5 ==="
    assert block[1] == "one two"
    assert block[2].startswith("--- failed: ") and "Overloaded" in block[2]
    assert block[3].startswith("--- first token ")


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("nosuch:model", "Known providers"),
        (":gpt-4o-mini", "Column 2 names no provider"),
        ("openai:gpt-4o-mini:temprature=1", "'temprature' is not a parameter of OpenAI"),
        ("openai:gpt-4o-mini:temperature=hot", "expects float"),
        ("openai:gpt-4o-mini:temperature", "Column 2 (openai:gpt-4o-mini:temperature): give"),
        ("openai:gpt-4o-mini:temperature=0.2,top_p", "KEY=VALUE, not 'top_p'"),
        ("openai:gpt-4o-mini:api_key=sk-abc123", "secret"),
        ("openai:gpt-4o-mini:model=gpt-4o", "'model' is not a parameter"),
        ("ollama:qwen3:8b:", "Column 2 has an empty part"),
    ],
)
def test_bad_columns_exit_2_before_any_request(
    openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], column: str, expected: str,
) -> None:  # fmt: skip
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server.base_url)
    out = io.StringIO()
    code = cli.run(["compare", "-c", "openai:gpt-4o-mini", "-c", column, PROMPT], out=out)
    assert (code, out.getvalue()) == (cli.EXIT_USAGE, "")
    line = error_line(capsys.readouterr().err)
    assert expected in line
    assert "sk-abc123" not in line
    assert openai_server.requests == []


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["-c", "openai:gpt-4o-mini", PROMPT], "at least two columns"),
        ([PROMPT], "at least two columns"),
        (["-c", "openai:gpt-4o-mini", "-c", "openai:gpt-4o", "  "], "empty"),
    ],
)
def test_too_few_columns_or_no_prompt_exit_2(
    openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str,
) -> None:  # fmt: skip
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server.base_url)
    assert cli.run(["compare", *argv], out=io.StringIO()) == cli.EXIT_USAGE
    assert expected in error_line(capsys.readouterr().err)
    assert openai_server.requests == []


def test_entry_point_bad_column_exits_2_and_sends_nothing(
    openai_server: OpenAIServer, anthropic_server: AnthropicServer, home: Path
) -> None:
    result = roundtable(
        "compare", "-c", "anthropic:claude-sonnet-4-5", "-c", "openai:gpt-4o:top_p=high", PROMPT,
        env=env_for(home, openai_server, anthropic_server),
    )  # fmt: skip
    assert result.returncode == cli.EXIT_USAGE
    assert result.stdout == ""
    assert "top_p" in error_line(result.stderr)
    assert openai_server.requests == [] and anthropic_server.requests == []


@pytest.mark.parametrize("mode", [[], ["--json"]])
def test_a_closed_pipe_is_not_an_error(
    openai_server: OpenAIServer, anthropic_server: AnthropicServer, home: Path, mode: list[str]
) -> None:
    """Like `| head -c 10`: the reader leaves after the first column; the second ends later."""
    anthropic_server.push(Stream(text="slow " * 50, stall_after=2, stall_seconds=1.0))
    process = subprocess.Popen(
        [str(ENTRY_POINT), "compare", *mode, "-c", "openai:gpt-4o-mini",
         "-c", "anthropic:claude-sonnet-4-5", PROMPT],
        env=env_for(home, openai_server, anthropic_server),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    assert len(process.stdout.read(10)) == 10
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=30) == 0, stderr
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr
    assert "never retrieved" not in stderr


# ----- prompt, connection ---------------------------------------------------------------------
def test_prompt_from_stdin(
    openai_server: OpenAIServer, anthropic_server: AnthropicServer, home: Path
) -> None:
    prompt = "Résumé of\nmany lines — 日本語\n"
    result = roundtable(
        "compare", "--json", "-c", "openai:gpt-4o-mini", "-c", "anthropic:claude-sonnet-4-5", "-",
        env=env_for(home, openai_server, anthropic_server), stdin=prompt,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert chat_bodies(openai_server)[0]["messages"] == [{"role": "user", "content": prompt}]
    assert chat_bodies(anthropic_server)[0]["messages"] == [{"role": "user", "content": prompt}]
    assert [row["text"] for row in json_lines(result.stdout)] == [f"You said: {prompt}"] * 2


def _save_base_url(home: Path, provider_id: str, url: str) -> None:
    path = home / ".config" / "roundtable" / "settings.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"providers": {provider_id: {"base_url": url}}}), encoding="utf-8")


def test_base_url_from_saved_settings_and_the_variable_wins(
    openai_server: OpenAIServer, anthropic_server: AnthropicServer, home: Path
) -> None:
    _save_base_url(home, "openai", openai_server.base_url)
    env = env_for(home, openai_server, anthropic_server)
    del env["OPENAI_BASE_URL"]
    argv = ("compare", "--json", "-c", "openai:gpt-4o-mini", "-c", "anthropic:claude-sonnet-4-5")
    result = roundtable(*argv, PROMPT, env=env)
    assert result.returncode == 0, result.stderr
    assert len(chat_bodies(openai_server)) == 1  # found through the settings file

    _save_base_url(home, "openai", "http://127.0.0.1:9/v1")  # nothing listens there
    result = roundtable(*argv, PROMPT, env={**env, "OPENAI_BASE_URL": openai_server.base_url})
    assert result.returncode == 0, result.stderr
    assert len(chat_bodies(openai_server)) == 2  # the variable won over the settings


@requires_secret_service
@pytest.mark.keyring
def test_key_from_the_keyring(
    openai_server: OpenAIServer, anthropic_server: AnthropicServer, keyring_service: str
) -> None:
    from providers import credentials

    credentials.default_store().set_field("anthropic", "api_key", KEY)
    env = {
        **os.environ, "OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": openai_server.base_url,
        "ANTHROPIC_BASE_URL": anthropic_server.base_url,
    }  # fmt: skip
    assert "ANTHROPIC_API_KEY" not in env
    result = roundtable(
        "compare", "--json", "-c", "openai:gpt-4o-mini", "-c", "anthropic:claude-sonnet-4-5",
        PROMPT, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert anthropic_server.last_request.header("x-api-key") == KEY  # type: ignore[union-attr]


# ----- cost -----------------------------------------------------------------------------------
def test_cost_from_reported_usage_and_null_when_unknown(
    openai_server: OpenAIServer, anthropic_server: AnthropicServer, home: Path
) -> None:
    openai_server.answer = "a" * 800  # 200 output tokens as the server counts (chars / 4)
    prompt = "p" * 400  # 100 prompt tokens
    result = roundtable(
        "compare", "--json", "-c", "openai:gpt-4o-mini", "-c", "openai:my-own-finetune", prompt,
        env=env_for(home, openai_server, anthropic_server),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    known, unknown = json_lines(result.stdout)
    assert known["output_tokens"] == 200
    # gpt-4o-mini: 100 × $0.15/M + 200 × $0.60/M = 0.000015 + 0.00012
    assert Decimal(str(known["cost_usd"])) == Decimal("0.000135")
    assert unknown["cost_usd"] is None


def test_cost_without_usage_is_called_estimated(
    openai_server: OpenAIServer, anthropic_server: AnthropicServer, home: Path
) -> None:
    anthropic_server.push(Stream(text="b" * 800, usage=False), Stream(text="b" * 800, usage=False))
    openai_server.answer = "a" * 800
    argv = ("compare", "-c", "anthropic:claude-sonnet-4-5", "-c", "openai:my-own-finetune")
    env = env_for(home, openai_server, anthropic_server)
    result = roundtable(*argv, "p" * 400, env=env)
    assert result.returncode == 0, result.stderr
    blocks = {b.splitlines()[0]: b.splitlines() for b in result.stdout.split("\n\n")}
    estimated = blocks["=== anthropic:claude-sonnet-4-5 ==="][-1]
    # Estimated at 4 characters a token: 100 in × $3/M + 200 out × $15/M = 0.0003 + 0.003
    assert estimated.endswith(" · tokens not reported · $0.0033 (estimated)")
    assert blocks["=== openai:my-own-finetune ==="][-1].endswith(" · cost unknown")

    result = roundtable(*argv, "--json", "p" * 400, env=env)
    row = json_lines(result.stdout)[0]
    assert row["output_tokens"] is None  # not reported: the cost is the estimate
    assert Decimal(str(row["cost_usd"])) == Decimal("0.0033")


def test_help_lists_compare(home: Path) -> None:
    result = roundtable("--help", env=bare_env(home))
    assert result.returncode == 0 and "compare" in result.stdout
    result = roundtable("compare", "--help", env=bare_env(home))
    assert result.returncode == 0
    assert "PROVIDER:MODEL[:KEY=VALUE,...]" in result.stdout and "--json" in result.stdout


def test_compare_runs_with_qt_unimportable(
    openai_server: OpenAIServer, anthropic_server: AnthropicServer, home: Path
) -> None:
    script = BLOCK_QT + (  # importing PySide6 or qasync now fails
        "from app import cli\n"
        "code = cli.run(['compare', '--json', '-c', 'openai:gpt-4o-mini', "
        "'-c', 'anthropic:claude-sonnet-4-5', 'hi'])\n"
        "raise SystemExit(code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env_for(home, openai_server, anthropic_server),
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert len(json_lines(result.stdout)) == 2
