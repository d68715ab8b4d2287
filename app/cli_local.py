"""``roundtable local``: the local models — list them, add one from a file or a URL, remove one,
choose the default.

``add`` takes a path to a .gguf file (linked into the models folder) or an http(s) URL
(downloaded with progress on stderr, resumable: run the same command again after a break).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from app.core.local_models import format_duration
from providers.local.download import Progress, download_model
from providers.local.models import LocalModel, ModelStore, install_hint, runtime_available
from providers.local.resources import gib

EXIT_OK = 0


def add_commands(commands: Any) -> None:
    local = commands.add_parser("local", help="manage local models (GGUF files run on this PC)")
    actions = local.add_subparsers(dest="local_action", metavar="ACTION", required=True)
    actions.add_parser("list", help="installed models: name, size, quantisation, context")
    add = actions.add_parser("add", help="add a .gguf file, or download one from a URL")
    add.add_argument("source", metavar="PATH-OR-URL")
    add.add_argument("--name", help="file name for a downloaded model (default: the URL's)")
    add.add_argument("--sha256", metavar="HEX", help="checksum the download must match")
    add.add_argument("--proxy", metavar="URL", help="HTTP(S) proxy for the download")
    remove = actions.add_parser("remove", help="remove an added or downloaded model")
    remove.add_argument("name", metavar="NAME")
    default = actions.add_parser("default", help="make a model the default")
    default.add_argument("name", metavar="NAME-OR-PATH")


def describe_line(model: LocalModel, default: str | None) -> str:
    if model.info is None:
        return f"{model.name}  [unusable: {model.error}]"
    context = f"{model.context_length} ctx" if model.context_length else "? ctx"
    marks = [m for m, on in (("default", model.name == default), ("starter", model.starter)) if on]
    tail = f"  ({', '.join(marks)})" if marks else ""
    return f"{model.name}  {gib(model.size)}  {model.quantisation}  {context}{tail}"


def cmd_local(args: argparse.Namespace, out: TextIO) -> int:
    store = ModelStore()
    action = args.local_action
    if action == "list":
        default = store.default_model()
        models = store.list_models()
        for model in models:
            out.write(describe_line(model, default.name if default else None) + "\n")
        if not models:
            print(f"roundtable: no local model is installed ({store.root})", file=sys.stderr)
        if not runtime_available():
            print(f"roundtable: {install_hint()}", file=sys.stderr)
        return EXIT_OK
    if action == "add":
        source: str = args.source
        if source.startswith(("http://", "https://")):
            model = asyncio.run(_download(store, source, args))
        else:
            model = store.add_file(Path(source))
        out.write(describe_line(model, None) + "\n")
        return EXIT_OK
    if action == "remove":
        store.remove(args.name)
        print(f"roundtable: removed {args.name}", file=sys.stderr)
        return EXIT_OK
    model = store.set_default(args.name)
    print(f"roundtable: the default local model is now {model.name}", file=sys.stderr)
    return EXIT_OK


async def _download(store: ModelStore, url: str, args: argparse.Namespace) -> LocalModel:
    report = _ProgressLine(sys.stderr)
    try:
        return await download_model(
            url, store, name=args.name, sha256=args.sha256, proxy=args.proxy,
            on_progress=report,
        )  # fmt: skip
    finally:
        report.close()


class _ProgressLine:
    """One progress line on stderr: redrawn in place on a terminal, every 5 s otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.last = 0.0
        self.drawn = False

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        if not self.tty and now - self.last < 5.0 and progress.received != progress.total:
            return
        self.last = now
        self.stream.write(("\r" if self.tty else "") + format_progress(progress))
        if not self.tty:
            self.stream.write("\n")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.tty and self.drawn:
            self.stream.write("\n")
            self.stream.flush()


def format_progress(progress: Progress) -> str:
    done = gib(progress.received)
    total = f" of {gib(progress.total)}" if progress.total else ""
    percent = f" {progress.fraction * 100:5.1f}%" if progress.fraction is not None else ""
    eta = f", {format_duration(progress.eta)} left" if progress.eta is not None else ""
    return f"downloading:{percent} {done}{total}, {gib(int(progress.speed))}/s{eta}"


COMMANDS = {"local": cmd_local}
