"""What the About dialog and Help show: the version, the libraries Roundtable runs on with their
licences, and the README — all read from the installed distributions' metadata
(``importlib.metadata``), never from a hand-written list that would go stale. Qt-free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from providers.lazy import lazy_module

if TYPE_CHECKING:
    from importlib import metadata
else:  # read when Help → About opens, not when the window starts
    metadata = lazy_module("importlib.metadata")

DISTRIBUTION = "roundtable"
#: The extras whose libraries ship with the app (the window, the local models); not test tools.
SHIPPED_EXTRAS = ("gui", "local")

_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_EXTRA = re.compile(r"""extra\s*==\s*["']([^"']+)["']""")
_LICENSE_CLASSIFIER = "License :: OSI Approved :: "


@dataclass(frozen=True)
class Library:
    name: str
    version: str
    licence: str


def app_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def readme() -> str:
    """The README as installed with the package (its long description), or ""."""
    try:
        payload = metadata.metadata(DISTRIBUTION).json.get("description")
    except metadata.PackageNotFoundError:
        return ""
    return payload if isinstance(payload, str) else ""


def licence_of(meta: metadata.PackageMetadata) -> str:
    """The licence a distribution declares: its SPDX expression, else its licence field when
    short, else its classifiers; "" when it says nothing (the window words that)."""
    expression = meta.get_all("License-Expression") or []
    if expression:
        return str(expression[0])
    field = str((meta.get_all("License") or [""])[0]).strip()
    if field and "\n" not in field and len(field) <= 60:
        return field
    classifiers = [
        text[len(_LICENSE_CLASSIFIER) :]
        for text in (meta.get_all("Classifier") or [])
        if text.startswith(_LICENSE_CLASSIFIER)
    ]
    return ", ".join(classifiers)


def _dependencies(dist: metadata.Distribution, extras: tuple[str, ...]) -> list[str]:
    names = []
    for requirement in dist.requires or []:
        name_part, _, marker = requirement.partition(";")
        extra = _EXTRA.search(marker)
        if extra is not None and extra.group(1) not in extras:
            continue
        found = _NAME.match(name_part)
        if found is not None:
            names.append(found.group(1))
    return names


def bundled_libraries() -> list[Library]:
    """Every installed library Roundtable runs on (its dependencies and theirs, with the
    window's and the local models' extras), sorted by name."""
    try:
        root = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return []
    seen: dict[str, Library] = {}
    pending = _dependencies(root, SHIPPED_EXTRAS)
    while pending:
        name = pending.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen or key == DISTRIBUTION:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # an optional dependency that is not installed does not ship
        seen[key] = Library(str(dist.metadata["Name"]), dist.version, licence_of(dist.metadata))
        pending += _dependencies(dist, ())
    return sorted(seen.values(), key=lambda library: library.name.lower())
