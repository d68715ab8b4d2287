"""``app.ui.qt_features``: PySide6's per-module check, the same answers (the time it saves is
``tests/bench/startup.py``'s to show)."""

from __future__ import annotations

import importlib
import json

import pytest

import app.ui  # installs it
from app.ui import qt_features

MODULES = (
    "app.ui.main_window",  # names PySide6
    "app.ui.qt_features",
    "app.core.history",  # Qt-free
    "providers.registry",
    "json",  # the standard library
    "PySide6.QtCore",  # an extension module: no source
    "tests.app.test_qt_features",
)


@pytest.fixture
def original() -> object:
    if qt_features._original is None:
        pytest.skip("this PySide6 has no per-module feature check")
    return qt_features._original


def test_it_answers_as_pyside6_does(original: object) -> None:
    assert app.ui is not None
    assert callable(original)
    for name in MODULES:
        module = importlib.import_module(name)
        assert qt_features.uses_pyside(module) == bool(original(module)), name
    assert qt_features.uses_pyside(importlib.import_module("app.ui.main_window"))
    assert not qt_features.uses_pyside(json)


def test_it_is_installed_once(original: object) -> None:
    assert qt_features.install()
    assert qt_features.install()  # again: still PySide6's check underneath, not itself
    assert qt_features._original is original
