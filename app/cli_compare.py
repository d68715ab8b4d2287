"""``roundtable compare``: one prompt to several provider/model columns at once.

Each ``-c PROVIDER:MODEL[:KEY=VALUE,...]`` is a column. The columns run concurrently through
``app.core.compare`` (the window's comparison code: one chat session per column, timing, cost),
so a column's key and base URL are found as for ``roundtable chat`` (``app.cli_connection``) and
its parameters are checked as ``--param`` is (``app.params``). Everything about the columns is
checked before the first request: bad input exits 2 having sent nothing.

Output: without ``--json`` each column is printed when it ends, under a header naming it and
followed by its figures; with ``--json`` one JSON object per column per line, in ``-c`` order.
Exit 0 when every column answered, 1 when any failed (its partial text and error are shown).
Qt-free.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from dataclasses import dataclass
from typing import Any, TextIO

from providers.errors import ParameterError

from .cli_common import (
    EXIT_FAILURE,
    EXIT_OK,
    UsageError,
    error_text,
    find_provider,
    read_prompt,
)
from .cli_connection import connection_options
from .core.compare import Column, CompareListener, CompareRun, RequestConfig
from .core.settings import Settings
from .params import editable_parameters, parse_assignments

#: The keys of a ``--json`` line, in this order.
JSON_KEYS = (
    "column", "provider", "model", "text", "error",
    "ttft_ms", "total_ms", "output_tokens", "tokens_per_s", "cost_usd",
)  # fmt: skip
SYNTAX = "PROVIDER:MODEL[:KEY=VALUE,...]"

# Where the parameters start: a colon followed by KEY=. Model names keep their own colons
# (Ollama's qwen3:8b) because they never continue with KEY=.
_PARAMETER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_BARE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def add_command(commands: Any) -> None:
    compare = commands.add_parser(
        "compare", help="send one prompt to several models at once and compare the answers"
    )
    compare.add_argument(
        "-c", "--column", action="append", default=[], metavar=SYNTAX, dest="columns",
        help="a column (at least two), e.g. openai:gpt-4o-mini or "
        "ollama:qwen3:8b:temperature=0.2,max_tokens=200",
    )  # fmt: skip
    compare.add_argument("--system", metavar="TEXT", help="system prompt for every column")
    compare.add_argument(
        "--json", action="store_true", help="one JSON object per column per line, in -c order"
    )
    compare.add_argument("prompt", metavar="PROMPT", help="the prompt; - reads it from stdin")


@dataclass(frozen=True)
class ColumnSpec:
    """One ``-c`` as given and as understood."""

    text: str
    config: RequestConfig


def split_column(text: str, name: str = "The column") -> tuple[str, str, list[str]]:
    """``"ollama:qwen3:8b:temperature=0.2,top_p=0.9"`` → ``("ollama", "qwen3:8b",
    ["temperature=0.2", "top_p=0.9"])``; ``UsageError`` (naming the column as ``name``) when it
    cannot be read. Errors never repeat the text: a mistyped parameter may hold a secret."""
    provider_id, _, rest = text.partition(":")
    provider_id = provider_id.strip()
    if not provider_id:
        raise UsageError(f"{name} names no provider: write it as {SYNTAX}.")
    model, parameters = rest, ""
    starts = [0] + [index + 1 for index, char in enumerate(rest) if char == ":"]
    for start in starts:
        if _PARAMETER.match(rest, start):
            model, parameters = rest[: max(start - 1, 0)], rest[start:]
            break
    if model.endswith(":") or "::" in model:
        raise UsageError(f"{name} has an empty part: write it as {SYNTAX}.")
    return provider_id, model.strip(), split_assignments(parameters)


def split_assignments(text: str) -> list[str]:
    """``"a=1,stop=["x","y"]"`` → ``["a=1", 'stop=["x","y"]']``: a comma starts a new parameter
    only where KEY= (or a bare name, which is then reported) follows, so JSON values keep theirs."""
    if not text:
        return []
    assignments: list[str] = []
    for piece in text.split(","):
        if assignments and not _PARAMETER.match(piece) and not _BARE_NAME.fullmatch(piece):
            assignments[-1] += "," + piece
        else:
            assignments.append(piece)
    return assignments


def parse_column(text: str, position: int = 1) -> ColumnSpec:
    """The ``position``-th ``-c`` value checked against its provider: ``UsageError`` before any
    request."""
    provider_id, model, assignments = split_column(text, f"Column {position}")
    provider = find_provider(provider_id)
    name = f"Column {position} ({provider_id}:{model or 'default model'})"
    try:
        params = parse_assignments(provider, assignments)
    except ParameterError as error:
        raise UsageError(f"{name}: {error}") from None
    _, colon, last = model.rpartition(":")
    if colon and last in editable_parameters(provider):  # "openai:gpt-4o:temperature"
        raise UsageError(f"{name}: give the parameter a value: {last}=VALUE.")
    return ColumnSpec(
        text, RequestConfig(provider=provider, provider_id=provider_id, model=model, params=params)
    )


def cmd_compare(args: argparse.Namespace, out: TextIO) -> int:
    if len(args.columns) < 2:
        raise UsageError(f"Compare needs at least two columns: -c {SYNTAX} -c {SYNTAX}.")
    specs = [parse_column(text, position) for position, text in enumerate(args.columns, 1)]
    prompt = read_prompt(args.prompt)
    settings = Settings.load()
    for spec in specs:
        config = spec.config
        connection = connection_options(config.provider, config.provider_id, settings=settings)
        config.base_url, config.proxy = connection.get("base_url"), connection.get("proxy")
    printer = JsonPrinter(out) if args.json else TextPrinter(out)
    run = asyncio.run(compare(specs, prompt, args.system or "", printer))
    if printer.closed:
        raise BrokenPipeError  # `run` ends quietly, as for any command whose reader left
    return EXIT_FAILURE if any(column.state == "failed" for column in run.columns) else EXIT_OK


async def compare(
    specs: list[ColumnSpec], prompt: str, system: str, printer: Printer
) -> CompareRun:
    """Run every column at once until all have ended; the printer reports each."""
    run = CompareRun([spec.config for spec in specs], listener=printer, explain=error_text)
    printer.names = {column.key: spec.text for column, spec in zip(run.columns, specs, strict=True)}
    printer.run = run
    run.start(prompt, system)
    await run.wait()
    return run


# ----- output -----------------------------------------------------------------------------------
def figures(column: Column) -> dict[str, Any]:
    """The column's ``--json`` line."""
    ttft, elapsed = column.time_to_first_token, column.elapsed
    speed, cost = column.tokens_per_second, column.cost
    return {
        "provider": column.spec.provider_id,
        "model": column.model,
        "text": column.text,
        "error": column.error,
        "ttft_ms": None if ttft is None else round(ttft * 1000, 1),
        "total_ms": None if elapsed is None else round(elapsed * 1000, 1),
        "output_tokens": column.output_tokens,
        "tokens_per_s": None if speed is None else round(speed, 1),
        "cost_usd": None if cost is None else float(cost.usd),
    }


def format_ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def summary(column: Column) -> str:
    """``first token 210 ms · total 1.84 s · 57 tokens · 31.0 tokens/s · $0.00012``."""
    parts = []
    if column.time_to_first_token is not None:
        parts.append(f"first token {format_ms(column.time_to_first_token)}")
    parts.append(f"total {format_ms(column.elapsed or 0.0)}")
    tokens, speed, cost = column.output_tokens, column.tokens_per_second, column.cost
    parts.append("tokens not reported" if tokens is None else f"{tokens:,} tokens")
    if speed is not None:
        parts.append(f"{speed:.1f} tokens/s")
    parts.append("cost unknown" if cost is None else str(cost))
    return " · ".join(parts)


class Printer(CompareListener):
    """Reports each column as it ends; ``names`` maps a column's key to its ``-c`` text.

    When the reader goes away (``| head``), ``closed`` is set and the other columns are stopped:
    nobody reads them. ``cmd_compare`` then ends as the other commands do on a closed pipe.
    """

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.names: dict[int, str] = {}
        self.run: CompareRun | None = None
        self.closed = False

    def column_finished(self, column: Column) -> None:
        self._report(column)

    def column_failed(self, column: Column) -> None:
        name = self.names.get(column.key, "")
        print(f"roundtable: error: {name}: {_first_line(column.error)}", file=sys.stderr)
        self._report(column)

    def login_requested(self, column: Column, label: str, url: str) -> None:
        name = self.names.get(column.key, "")
        print(f"roundtable: {name}: {label} asks to sign in: {url}", file=sys.stderr)

    def _report(self, column: Column) -> None:
        # Called from inside a column's task: an exception here would only be logged by asyncio.
        if self.closed:
            return
        try:
            self.ended(column)
        except BrokenPipeError:
            self.closed = True
            if self.run is not None:
                self.run.stop()

    def ended(self, column: Column) -> None:
        raise NotImplementedError


class TextPrinter(Printer):
    """Each column's block when it ends: header, answer, figures (and the error, if any)."""

    def __init__(self, out: TextIO) -> None:
        super().__init__(out)
        self.blocks = 0

    def ended(self, column: Column) -> None:
        lines = [""] if self.blocks else []  # a blank line between blocks
        self.blocks += 1
        lines.append(f"=== {self.names.get(column.key, column.spec.title)} ===")
        if column.text:
            lines.append(column.text.rstrip("\n"))
        if column.error is not None:
            lines.append(f"--- failed: {_first_line(column.error)}")
        lines.append(f"--- {summary(column)}")
        self.out.write("\n".join(lines) + "\n")
        self.out.flush()


class JsonPrinter(Printer):
    """One JSON line per column, in ``-c`` order: a column is written as soon as it and every
    column before it have ended."""

    def __init__(self, out: TextIO) -> None:
        super().__init__(out)
        self.done: dict[int, Column] = {}
        self.written = 0

    def ended(self, column: Column) -> None:
        self.done[column.key] = column
        keys = list(self.names)
        while self.written < len(keys) and keys[self.written] in self.done:
            key = keys[self.written]
            line = {"column": self.names[key], **figures(self.done[key])}
            self.out.write(json.dumps({name: line[name] for name in JSON_KEYS}, ensure_ascii=False))
            self.out.write("\n")
            self.out.flush()
            self.written += 1


def _first_line(message: str | None) -> str:
    lines = (message or "").strip().splitlines()
    return lines[0] if lines else "failed"


COMMANDS = {"compare": cmd_compare}
