"""Start-up: process start to the first painted main window, beside a bare PySide6 QMainWindow.

Not a pass/fail test. Each run is a fresh ``python`` subprocess (offscreen Qt, empty user
directories, no D-Bus: like a first start): ``ours`` builds the window the way ``roundtable``
does (``app.ui.application``: QApplication, the qasync loop, the theme, ``MainWindow``); the
baseline is a QApplication with an empty ``QMainWindow``. Both report when their window's first
paint pass has finished (the first ``Paint`` event of the window or a child, then a zero-delay
timer so the whole pass is done) and their resident set size at that moment. The parent measures
from just before it starts the process (``time.monotonic`` is one system-wide clock on Linux).

Run:  .venv/bin/python -m tests.bench.startup [--runs 5]
The last lines are ``BENCH startup_time ...`` and ``BENCH startup_rss ...``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = 1.5

# Shared by both children: note the first paint of the window (or a child), then finish once
# that paint pass is over; print the time and VmRSS.
_PAINT_PROBE = """
import os, time
from PySide6.QtCore import QEvent, QObject, QTimer

def rss_kb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1

class FirstPaint(QObject):
    def __init__(self, window, app, name=""):
        super().__init__()
        self.window, self.app, self.seen, self.name = window, app, False, name

    def eventFilter(self, obj, event):
        if (not self.seen and event.type() == QEvent.Type.Paint and hasattr(obj, "window")
                and (self.window is None or obj.window() is self.window)
                and obj.window().objectName() == self.name):
            self.seen = True
            QTimer.singleShot(0, self.done)
        return False

    def done(self):
        print(f"PAINTED {time.monotonic():.6f} {rss_kb()}", flush=True)
        os._exit(0)  # measured: skip the orderly shutdown
"""

BASELINE = (
    "import sys\n"
    "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    + _PAINT_PROBE
    + "app = QApplication(sys.argv)\n"
    "window = QMainWindow()\n"
    "window.resize(1180, 780)\n"
    "probe = FirstPaint(window, app)\n"
    "app.installEventFilter(probe)\n"
    "window.show()\n"
    "app.exec()\n"
)

OURS = (
    "import sys\n"
    "from app.ui.application import create_application, start_window\n"
    + _PAINT_PROBE
    + "app = create_application(sys.argv)\n"
    "probe = FirstPaint(None, app, 'mainWindow')  # ours, created inside start_window\n"
    "app.installEventFilter(probe)\n"
    "window, loop = start_window(app)  # what run_app does before its loop runs\n"
    "loop.run_forever()\n"
)


def child_env(home: Path) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(ROOT),
    }
    for variable, sub in (
        ("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"), ("XDG_RUNTIME_DIR", "runtime"),
    ):  # fmt: skip
        path = home / sub
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        env[variable] = str(path)
    return env


def run_once(code: str, home: Path) -> tuple[float, int]:
    """Seconds from process start to the first painted window, and RSS (KiB) then."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=child_env(home),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    for line in result.stdout.splitlines():
        if line.startswith("PAINTED "):
            _, painted, rss = line.split()
            return float(painted) - started, int(rss)
    raise RuntimeError(f"the child did not report a paint:\n{result.stdout}\n{result.stderr}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="measured runs of each (median)")
    args = parser.parse_args(argv)

    times: dict[str, list[float]] = {"ours": [], "baseline": []}
    rss: dict[str, list[int]] = {"ours": [], "baseline": []}
    with tempfile.TemporaryDirectory(prefix="roundtable-startup-") as tmp:
        # One warm-up of each (disk cache, .pyc files), then interleaved measured runs.
        for name, code in (("baseline", BASELINE), ("ours", OURS)):
            run_once(code, Path(tmp) / f"warm-{name}")
        for index in range(args.runs):
            for name, code in (("baseline", BASELINE), ("ours", OURS)):
                seconds, kib = run_once(code, Path(tmp) / f"{name}-{index}")
                times[name].append(seconds)
                rss[name].append(kib)
                print(
                    f"run {index + 1} {name:<8} {seconds * 1000:7.1f} ms  RSS {kib / 1024:.1f} MiB"
                )

    ours_time, base_time = statistics.median(times["ours"]), statistics.median(times["baseline"])
    ours_rss, base_rss = statistics.median(rss["ours"]), statistics.median(rss["baseline"])
    ratio = ours_time / base_time
    verdict = "ok" if ratio <= TARGET else "miss"
    print(
        f"BENCH startup_time ours={ours_time:.3f}s baseline={base_time:.3f}s "
        f"ratio={ratio:.2f} target={TARGET} {verdict}"
    )
    print(
        f"BENCH startup_rss ours={ours_rss / 1024:.1f}MiB baseline={base_rss / 1024:.1f}MiB "
        f"ratio={ours_rss / base_rss:.2f} target=none info"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
