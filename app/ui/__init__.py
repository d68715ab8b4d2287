"""The PySide6 window: widgets that show state from ``app.core`` and forward what the user wants.

Import order, for start-up time: once PySide6 is loaded, its import hook
(``shibokensupport.feature``) reads the source of every module imported after it, to honour
``from __feature__ import ...``: measured ~0.4 ms a module. So the Qt-free modules the window
needs before its first paint are imported here, before any module of this package imports
PySide6. What it needs only later (the network stack, Markdown, the comparison) is not: it is
loaded after the first paint (``warm_up``), where that cost no longer delays the window.
"""

# ruff: noqa: F401 - imported for their side effect: loaded before PySide6

import asyncio
import sqlite3

import app.core.history
import app.core.secrets
import app.core.session
import app.core.settings
import providers.registry
