"""Prompt presets: named system prompts, optionally with a provider, a model and parameters.

Kept in ``Settings`` under ``presets`` (a list in the user's order), so they are plain JSON and
never hold a secret (``Settings`` refuses one). Qt-free; the window picks them from the side
panel or beside the composer (``app/ui/presets.py``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .settings import Settings

KEY = "presets"
NAME_CHARS = 80


class PresetError(ValueError):
    """A preset cannot be saved as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Preset:
    name: str
    system_prompt: str = ""
    provider: str | None = None  # None: whichever provider is chosen
    model: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Any) -> Preset | None:
        """A stored entry, or None when it is not one (a hand-edited file loses only it)."""
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            return None
        params = data.get("params")
        return cls(
            name=data["name"],
            system_prompt=str(data.get("system_prompt") or ""),
            provider=data.get("provider") if isinstance(data.get("provider"), str) else None,
            model=data.get("model") if isinstance(data.get("model"), str) else None,
            params=dict(params) if isinstance(params, dict) else {},
        )

    def as_dict(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value not in (None, {})}


class Presets:
    """The saved presets; every change is written at once."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def all(self) -> list[Preset]:
        stored = self.settings.get(KEY, [])
        found = [Preset.from_dict(entry) for entry in stored] if isinstance(stored, list) else []
        return [preset for preset in found if preset is not None]

    def names(self) -> list[str]:
        return [preset.name for preset in self.all()]

    def get(self, name: str) -> Preset | None:
        return next((preset for preset in self.all() if preset.name == name), None)

    def save(self, preset: Preset, *, replace: bool = False) -> Preset:
        """Add ``preset`` (or, with ``replace``, overwrite the one of that name in its place)."""
        name = _checked_name(preset.name)
        preset = Preset(name, preset.system_prompt, preset.provider, preset.model, preset.params)
        presets = self.all()
        place = next((i for i, old in enumerate(presets) if old.name == name), None)
        if place is not None and not replace:
            raise PresetError(f"A preset named “{name}” exists already: choose another name.")
        if place is None:
            presets.append(preset)
        else:
            presets[place] = preset
        self._write(presets)
        return preset

    def rename(self, old: str, new: str) -> None:
        new = _checked_name(new)
        presets = self.all()
        if new != old and any(preset.name == new for preset in presets):
            raise PresetError(f"A preset named “{new}” exists already: choose another name.")
        self._write(
            [
                Preset(new, p.system_prompt, p.provider, p.model, p.params) if p.name == old else p
                for p in presets
            ]
        )

    def delete(self, name: str) -> None:
        self._write([preset for preset in self.all() if preset.name != name])

    def _write(self, presets: list[Preset]) -> None:
        self.settings.set(KEY, [preset.as_dict() for preset in presets] or None)


def _checked_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise PresetError("A preset needs a name.")
    if len(name) > NAME_CHARS:
        raise PresetError(f"A preset's name is at most {NAME_CHARS} characters.")
    return name
