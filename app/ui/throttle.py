"""Rate-limit a callback: run at once, then at most once per interval, latest call wins.

Streaming delivers thousands of chunks per second; the chat view must repaint at frame rate, not
at chunk rate. The idea is qutebrowser's ``misc/throttle.py``; this is our own, smaller version
that also lets the owner stretch the interval when one call turns out to be expensive.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer


class Throttle(QObject):
    """Call ``func`` now if it has not run within ``interval_ms``, else once when that time is up.

    Calls arriving while one is pending replace its arguments (latest state wins), so a burst of
    N calls costs at most two calls of ``func``.
    """

    def __init__(
        self, func: Callable[..., Any], interval_ms: int, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._func = func
        self._interval_ms = interval_ms
        self._last_call: float | None = None  # time.monotonic() of the last run
        self._pending: tuple[tuple[Any, ...], dict[str, Any]] | None = None
        self._running = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._run_pending)

    @property
    def interval_ms(self) -> int:
        return self._interval_ms

    def set_interval(self, interval_ms: int) -> None:
        """Change the minimum gap between runs (takes effect from the next scheduled run)."""
        self._interval_ms = interval_ms

    @property
    def pending(self) -> bool:
        """True while a call waits for its turn."""
        return self._pending is not None

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        if self._pending is not None or self._running:
            # A call from inside ``func`` (more work left) waits its interval like any other.
            self._pending = (args, kwargs)
            return
        now = time.monotonic()
        since_ms = None if self._last_call is None else (now - self._last_call) * 1000
        if since_ms is None or since_ms >= self._interval_ms:
            self._run(args, kwargs)
            return
        self._pending = (args, kwargs)
        self._timer.start(max(0, round(self._interval_ms - since_ms)))

    def call_now(self, *args: Any, **kwargs: Any) -> None:
        """Run at once whatever the interval, replacing a pending call (if not running already)."""
        self.cancel()
        if self._running:
            self._pending = (args, kwargs)
        else:
            self._run(args, kwargs)

    def flush(self) -> None:
        """Run the pending call now (e.g. before a final render), if there is one."""
        if self._pending is not None:
            self._timer.stop()
            self._run_pending()

    def cancel(self) -> None:
        """Forget the pending call."""
        self._timer.stop()
        self._pending = None

    def _run_pending(self) -> None:
        if self._pending is None:
            return
        args, kwargs = self._pending
        self._pending = None
        self._run(args, kwargs)

    def _run(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self._running = True
        try:
            self._func(*args, **kwargs)
        finally:
            self._running = False
            # Stamped after the call: however slow it was, the event loop gets a full interval
            # to paint and read the network before the next one.
            self._last_call = time.monotonic()
            if self._pending is not None:
                self._timer.start(self._interval_ms)
