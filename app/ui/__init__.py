"""The PySide6 window: widgets that show state from ``app.core`` and forward what the user wants.

Import order, for start-up time: once PySide6 is loaded, its import hook
(``shibokensupport.feature``) asks of every module imported after it whether its source names
PySide6 (``from __feature__ import ...`` may then apply to it), reading it with
``inspect.getsource``: ~0.1 ms a module, 20 ms for the ~180 modules the window imports. So the
Qt-free modules the window needs before its first paint are imported here, before any module of
this package imports PySide6, and ``qt_features`` answers that question from the file's bytes
(the same answer, a tenth of the time). What the window needs only later (asyncio and the
qasync loop, the network stack, Markdown, the comparison) is loaded after the first paint
(``warm_up``, ``tasks.ensure_loop``). The collector is held
off while they load (``collector.paused``), as it is for the window's modules (``application``).
"""

# ruff: noqa: F401 - imported for their side effect, in this order on purpose

from .collector import paused

with paused():  # the collector held off while they load (``collector``)
    import sqlite3

    import app.core.history
    import app.core.secrets
    import app.core.session
    import app.core.settings
    import providers.registry

    from . import qt_features

qt_features.install()
