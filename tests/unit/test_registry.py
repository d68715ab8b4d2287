"""The registry: the catalog names the built-in providers exactly as their classes do, and
listing them imports no vendor module."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

from providers import catalog, registry

ROOT = Path(__file__).resolve().parents[2]


def test_the_catalog_matches_the_vendor_classes_ids_labels_and_order() -> None:
    classes = [
        provider
        for module in catalog.builtin_modules()
        for provider in importlib.import_module(module).PROVIDERS
    ]
    listed = [(entry.id, entry.label, entry.module) for entry in catalog.BUILTIN]
    actual = [(registry.provider_id(p), registry.provider_label(p), p.__module__) for p in classes]
    assert listed == actual, "providers/catalog.py must list every built-in provider class"


def test_listing_names_the_providers_without_importing_them() -> None:
    code = (
        "import sys\n"
        "from providers import registry\n"
        "names = registry.listing()\n"
        "heavy = [m for m in ('httpx', 'keyring', 'providers.chat', 'providers.vendors.openai',"
        " 'providers.local.provider', 'importlib.metadata') if m in sys.modules]\n"
        "print(len(names), names[0], heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{len(catalog.BUILTIN)} ('openai', 'OpenAI') []"


def test_once_loaded_the_listing_is_the_classes() -> None:
    assert registry.all_providers()
    assert registry.loaded()
    assert registry.listing() == [
        (pid, registry.provider_label(p)) for pid, p in registry.all_providers().items()
    ]
