"""A saved comparison as Markdown (each prompt, then every column's answer) or as JSON.

A blind comparison not yet voted on keeps its columns' names hidden in the export too (they are
``Model A``, ``Model B``, …): exporting must not reveal what voting would. Qt-free.
"""

from __future__ import annotations

from typing import Any

from providers.registry import all_providers, provider_label

from .compare_store import SavedColumn, SavedComparison, column_letter
from .session import Turn

__all__ = ["as_json", "column_title", "markdown", "rounds"]


def column_title(comparison: SavedComparison, position: int) -> str:
    """``OpenAI · gpt-4o`` (with its parameters), or ``Model A`` while blind."""
    column = comparison.columns[position]
    if comparison.blind and not comparison.revealed:
        return f"Model {column_letter(position)}"
    provider = all_providers().get(column.provider)
    label = provider_label(provider) if provider is not None else column.provider
    title = f"{label} · {column.model}" if column.model else label
    if column.params:
        title += " (" + ", ".join(f"{k}={v}" for k, v in sorted(column.params.items())) + ")"
    return title


def rounds(comparison: SavedComparison) -> list[tuple[str, list[Turn | None]]]:
    """The comparison by question: each prompt and every column's answer to it (None where a
    column has none, e.g. one added later)."""
    result: list[tuple[str, list[Turn | None]]] = []
    per_column = [_pairs(column) for column in comparison.columns]
    count = max((len(pairs) for pairs in per_column), default=0)
    for number in range(count):
        prompt = next((p[number][0] for p in per_column if len(p) > number), "")
        answers = [p[number][1] if len(p) > number else None for p in per_column]
        result.append((prompt, answers))
    return result


def _pairs(column: SavedColumn) -> list[tuple[str, Turn | None]]:
    pairs: list[tuple[str, Turn | None]] = []
    for turn in column.turns:
        if turn.role == "user":
            pairs.append((turn.content, None))
        elif pairs and pairs[-1][1] is None:
            pairs[-1] = (pairs[-1][0], turn)
    return pairs


def markdown(comparison: SavedComparison) -> str:
    lines = [f"# {comparison.title or 'Comparison'}", ""]
    if comparison.system_prompt:
        lines += ["> System: " + comparison.system_prompt.replace("\n", "\n> "), ""]
    lines += ["Columns:", ""]
    for position, column in enumerate(comparison.columns):
        own = column.system_prompt
        extra = f" — own system prompt: {own}" if own is not None else ""
        lines.append(f"{position + 1}. {column_title(comparison, position)}{extra}")
    lines.append("")
    for prompt, answers in rounds(comparison):
        lines += ["## You", "", prompt, ""]
        for position, answer in enumerate(answers):
            lines += [f"### {column_title(comparison, position)}", ""]
            if answer is None:
                lines += ["*Not asked.*", ""]
                continue
            lines += [answer.content, ""]
            if answer.error:
                lines += [f"*Error: {answer.error}*", ""]
    return "\n".join(lines).rstrip() + "\n"


def _turn(turn: Turn) -> dict[str, Any]:
    return {
        "role": turn.role, "content": turn.content, "reasoning": turn.reasoning,
        "model": turn.model, "error": turn.error, "stopped": turn.stopped,
        "usage": turn.usage, "elapsed": turn.elapsed,
    }  # fmt: skip


def as_json(comparison: SavedComparison) -> dict[str, Any]:
    """Every column with its settings and turns (names hidden while blind and not voted)."""
    hidden = comparison.blind and not comparison.revealed
    columns = []
    for position, column in enumerate(comparison.columns):
        entry: dict[str, Any] = {"title": column_title(comparison, position)}
        if not hidden:
            entry |= {"provider": column.provider, "model": column.model, "params": column.params}
        entry["system_prompt"] = column.system_prompt
        turns = [_turn(turn) for turn in column.turns]
        if hidden:
            for turn in turns:
                turn["model"] = None
        entry["turns"] = turns
        columns.append(entry)
    return {
        "title": comparison.title, "system_prompt": comparison.system_prompt,
        "blind": comparison.blind, "revealed": comparison.revealed, "columns": columns,
    }  # fmt: skip
