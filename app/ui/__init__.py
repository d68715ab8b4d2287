"""The PySide6 window: widgets that show state from ``app.core`` and forward what the user wants.

Import order, for start-up time: once PySide6 is loaded, its import hook
(``shibokensupport.feature``) reads the source of every module imported after it, to honour
``from __feature__ import ...``: measured ~0.4 ms a module, ~45 ms for the ~100 modules of
httpx, keyring, sqlite3, Markdown and the core. So the Qt-free libraries the windows use are
imported here, before any module of this package imports PySide6.
"""

# ruff: noqa: F401 - imported for their side effect: loaded before PySide6

import asyncio
import sqlite3

import markdown_it
import pygments.formatter
import pygments.lexers

import app.core.compare
import app.core.history
import app.core.secrets
import app.core.session
import app.core.settings
import providers.chat  # httpx
import providers.registry
