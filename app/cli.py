"""The ``roundtable`` command line: list providers and models, show parameters, chat.

Qt-free. stdout carries only the answer text, streamed as it arrives; reasoning, usage and
status lines go to stderr. Errors are one line on stderr and a non-zero exit, never a traceback
and never a secret.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from providers import registry
from providers.base import stream_chunks
from providers.errors import ParameterError, ProviderError
from providers.media import MediaError
from providers.parameter_info import description, format_default, format_range, parameter_info
from providers.response import Reasoning, Usage
from providers.types import BaseProvider, Message

from . import cli_compare, cli_local, cli_secrets
from .cli_common import (
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    error_text,
    find_provider,
    read_prompt,
)
from .core.attachments import Attachment, as_media
from .params import parse_assignments


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="roundtable",
        description="Chat with large language models. Without a command, opens the window.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser("providers", help="list providers: id, label, flags")

    models = commands.add_parser("models", help="list a provider's models (default marked)")
    _add_connection_options(models)

    params = commands.add_parser(
        "params", help="a provider's parameters: name, type, range, default, description"
    )
    params.add_argument("-p", "--provider", required=True, metavar="ID")
    params.add_argument(
        "--json", action="store_true",
        help="print the settings-form template (spec 5.5) as JSON instead",
    )  # fmt: skip

    chat = commands.add_parser("chat", help="send one prompt and stream the answer to stdout")
    _add_connection_options(chat)
    chat.add_argument("-m", "--model", help="model id (default: the provider's default)")
    chat.add_argument("--system", metavar="TEXT", help="system prompt")
    chat.add_argument(
        "--param", action="append", default=[], metavar="KEY=VALUE",
        help="request parameter, e.g. temperature=0.2, timeout=30 (seconds per read) or "
        "total_timeout=600 (seconds for the whole answer; default 1800) (repeatable)",
    )  # fmt: skip
    chat.add_argument(
        "--attach", action="append", default=[], metavar="FILE",
        help="send an image (PNG, JPEG, GIF, WebP) or a text file with the prompt (repeatable)",
    )  # fmt: skip
    chat.add_argument("prompt", metavar="PROMPT", help="the prompt; - reads it from stdin")

    cli_compare.add_command(commands)
    cli_secrets.add_commands(commands)  # keys/login live beside the secret store code
    cli_local.add_commands(commands)
    return parser


def _add_connection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-p", "--provider", required=True, metavar="ID")
    parser.add_argument("--base-url", metavar="URL", help="the service's base URL")
    parser.add_argument("--proxy", metavar="URL", help="HTTP(S) proxy for this provider")


def cmd_providers(args: argparse.Namespace, out: TextIO) -> int:
    providers = registry.all_providers()
    width = max((len(pid) for pid in providers), default=0)
    for pid, provider in providers.items():
        flags = [
            "working" if provider.working else "not-working",
            "needs-auth" if provider.needs_auth else "no-auth",
        ]
        out.write(f"{pid:<{width}}  {registry.provider_label(provider)}  [{', '.join(flags)}]\n")
    return EXIT_OK


def cmd_models(args: argparse.Namespace, out: TextIO) -> int:
    provider = find_provider(args.provider)
    lister = getattr(provider, "get_models_async", None)
    if lister is None:
        raise UsageError(f"{provider.__name__} has no model list.")
    try:
        models = asyncio.run(lister(base_url=args.base_url, proxy=args.proxy, strict=True))
    except ProviderError as error:
        print(f"roundtable: could not list live models: {error}", file=sys.stderr)
        print("roundtable: showing the built-in list instead", file=sys.stderr)
        models = list(getattr(provider, "fallback_models", []) or provider.get_models())  # type: ignore[attr-defined]
    default = getattr(provider, "default_model", None)
    match = getattr(provider, "match_model", None)
    if default and default not in models and match is not None:
        default = match(default)  # the vendor's spelling, e.g. Ollama's "llama3.2:latest"
    for model in models:
        out.write(f"{model}  (default)\n" if model == default else f"{model}\n")
    return EXIT_OK


def cmd_params(args: argparse.Namespace, out: TextIO) -> int:
    provider = find_provider(args.provider)
    if args.json:
        json.dump(provider.get_parameters(as_json=True), out, indent=2)  # type: ignore[attr-defined]
        out.write("\n")
        return EXIT_OK
    out.write(parameter_table(provider))
    return EXIT_OK


#: The framework's and the credentials' parameters: not something to tune per request.
_NOT_TUNABLE = frozenset({"model", "messages", "stream", "media", "api_key"})


def parameter_table(provider: type[BaseProvider]) -> str:
    """One row per parameter a user can set: name, type, valid range, default, what it does."""
    types = provider.get_parameter_types()  # type: ignore[attr-defined]
    rows = [("NAME", "TYPE", "RANGE", "DEFAULT", "DESCRIPTION")]
    for name, info in parameter_info(provider).items():
        if name in _NOT_TUNABLE:
            continue
        kind = types.get(name)
        type_name = getattr(kind, "__name__", None) or (str(kind) if kind else "any")
        rows.append((name, type_name, format_range(info), format_default(info), description(info)))
    label = registry.provider_label(provider)
    head = f"{label} ({registry.provider_id(provider)}): only the parameters you set are sent.\n"
    if len(rows) == 1:
        return head + "It takes no parameters.\n"
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4]
             for row in rows]  # fmt: skip
    return head + "\n".join(line.rstrip() for line in lines) + "\n"


def read_attachments(paths: list[str]) -> list[Attachment]:
    """Every ``--attach`` file, checked before any request; each one's estimate to stderr."""
    try:
        files = [Attachment.from_path(path) for path in paths]
    except MediaError as error:
        raise UsageError(str(error)) from None
    for attachment in files:
        print(f"[attach] {attachment.summary()}", file=sys.stderr)
    return files


def cmd_chat(args: argparse.Namespace, out: TextIO) -> int:
    provider = find_provider(args.provider)
    try:
        options = parse_assignments(provider, args.param)
    except ParameterError as error:
        raise UsageError(str(error)) from None
    messages: list[Message] = []
    if args.system:
        messages.append({"role": "system", "content": args.system})
    messages.append({"role": "user", "content": read_prompt(args.prompt)})
    files = read_attachments(args.attach)
    if files:
        options["media"] = as_media(files)
    connection = {"base_url": args.base_url, "proxy": args.proxy}
    return asyncio.run(stream_answer(provider, args.model, messages, out, options, connection))


async def stream_answer(
    provider: type[BaseProvider],
    model: str | None,
    messages: list[Message],
    out: TextIO,
    options: dict[str, Any],
    connection: dict[str, Any],
) -> int:
    """Write text chunks to ``out`` as they arrive; everything else to stderr."""
    last = ""
    in_reasoning = False
    try:
        async for chunk in stream_chunks(
            provider, model or "", messages, **options,
            **{k: v for k, v in connection.items() if v},
        ):  # fmt: skip
            if isinstance(chunk, str):
                if chunk:
                    if in_reasoning:
                        sys.stderr.write("\n")
                        in_reasoning = False
                    out.write(chunk)
                    out.flush()
                    last = chunk
            elif isinstance(chunk, Reasoning):
                text = str(chunk)
                if text:
                    sys.stderr.write(text)
                    sys.stderr.flush()
                    in_reasoning = True
            elif isinstance(chunk, Usage):
                usage = chunk.get_dict()
                print(
                    f"[usage] input={usage.get('prompt_tokens', '?')} "
                    f"output={usage.get('completion_tokens', '?')}",
                    file=sys.stderr,
                )
    finally:
        if last and not last.endswith("\n"):
            out.write("\n")
        out.flush()
    return EXIT_OK


COMMANDS = {
    "providers": cmd_providers,
    "models": cmd_models,
    "params": cmd_params,
    "chat": cmd_chat,
}


def run(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run one CLI command; returns the exit code."""
    _printable(sys.stdout, sys.stderr)
    out = out or sys.stdout
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = (
        COMMANDS.get(args.command)
        or cli_secrets.COMMANDS.get(args.command)
        or cli_local.COMMANDS.get(args.command)
        or cli_compare.COMMANDS.get(args.command)
    )
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return handler(args, out)
    except UsageError as error:
        return fail(str(error), EXIT_USAGE)
    except MediaError as error:  # an attachment the model or the vendor cannot take: unsent
        return fail(str(error), EXIT_USAGE)
    except ProviderError as error:
        return fail(error_text(error), EXIT_FAILURE)
    except KeyboardInterrupt:
        return fail("interrupted", EXIT_INTERRUPTED)
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as error:  # a bug of ours: still one line, never a traceback
        return fail(
            f"Roundtable failed unexpectedly ({type(error).__name__}); please report it.",
            EXIT_FAILURE,
        )


def _printable(*streams: TextIO) -> None:
    """Characters a terminal cannot show become replacement marks instead of a crash."""
    for stream in streams:
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


def fail(message: str, code: int) -> int:
    first_line = message.strip().splitlines()[0] if message.strip() else "failed"
    print(f"roundtable: error: {first_line}", file=sys.stderr)
    return code
