"""Named sets of comparison columns, kept in the settings file (``compare_presets``).

A preset is what a column asks with (provider, model, parameters, own system prompt or None for
the shared one), never what it answered. Settings refuse anything shaped like a secret, and the
parameter form never holds a key. Qt-free.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .compare_store import SavedColumn
from .settings import Settings

__all__ = ["PRESETS_KEY", "delete_preset", "preset", "preset_names", "save_preset"]

PRESETS_KEY = "compare_presets"  # {name: [{"provider", "model", "params", "system_prompt"}, ...]}


def _all(settings: Settings) -> dict[str, list[dict[str, Any]]]:
    saved = settings.get(PRESETS_KEY)
    if not isinstance(saved, dict):
        return {}
    return {name: v for name, v in saved.items() if isinstance(name, str) and isinstance(v, list)}


def preset_names(settings: Settings) -> list[str]:
    """The saved presets' names, sorted case-insensitively."""
    return sorted(_all(settings), key=str.casefold)


def save_preset(settings: Settings, name: str, columns: Sequence[SavedColumn]) -> None:
    """Save (or replace) ``name``; a blank name is refused with ``ValueError``."""
    name = name.strip()
    if not name:
        raise ValueError("A preset needs a name.")
    entries = [
        {"provider": c.provider, "model": c.model, "params": dict(c.params),
         "system_prompt": c.system_prompt}
        for c in columns
    ]  # fmt: skip
    presets = _all(settings)
    presets[name] = entries
    settings.set(PRESETS_KEY, presets)


def preset(settings: Settings, name: str) -> list[SavedColumn]:
    """The columns of ``name`` (``KeyError`` when there is none); malformed entries are skipped."""
    columns = []
    for entry in _all(settings)[name]:
        if not isinstance(entry, dict) or not isinstance(entry.get("provider"), str):
            continue
        params = entry.get("params")
        own = entry.get("system_prompt")
        column = SavedColumn(
            entry["provider"], str(entry.get("model") or ""),
            params if isinstance(params, dict) else {}, own if isinstance(own, str) else None,
        )  # fmt: skip
        columns.append(column)
    return columns


def delete_preset(settings: Settings, name: str) -> None:
    presets = _all(settings)
    if presets.pop(name, None) is not None:
        settings.set(PRESETS_KEY, presets)
