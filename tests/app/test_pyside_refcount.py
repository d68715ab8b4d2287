"""Regression guard for docs/architecture.md "Platform facts": PySide6 6.12.0 on CPython 3.11 drops
a reference to ``None`` on every call of a Qt method that returns nothing, and the process dies
with ``Fatal Python error: none_dealloc`` minutes into a stream.

The calls run in a child process so that such an abort fails this test instead of killing pytest.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

CALLS = 100_000

CHILD = textwrap.dedent(
    f"""
    import sys
    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    app = QApplication([])
    edit = QPlainTextEdit()
    before = sys.getrefcount(None)
    for i in range({CALLS} // 2):
        edit.setPlainText("x")      # void Qt methods: each call returns None to Python
        edit.insertPlainText("y")
    after = sys.getrefcount(None)
    print(before, after)
    """
)


def test_void_qt_calls_do_not_leak_none_references() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, (
        f"the child died (exit {result.returncode}); on PySide6 6.12.0 + CPython 3.11 this is "
        f"the none_dealloc abort: pin PySide6-Essentials<6.12.\n{result.stderr[-2000:]}"
    )
    before, after = map(int, result.stdout.split())
    # Python 3.12+ makes None immortal (a huge constant count); on 3.11 a healthy build keeps
    # the count steady, the broken one loses one reference per call.
    assert after >= before - 100, f"None lost {before - after} references in {CALLS} calls"
