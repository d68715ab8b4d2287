"""Start-up: process start to a usable main window, beside a bare PySide6 window.

Not a pass/fail test. Each run is a fresh ``python`` subprocess for both (offscreen Qt, empty user
directories, no D-Bus: like a first start). ``ours`` builds the window the way ``roundtable`` does
(``app.ui.application.start_window``: the theme, ``MainWindow``, its ``start()``, then
``app.exec()``: the qasync loop comes up after the paint); it counts as usable at the end of the
first paint pass of the main window after the providers are listed in the picker and the history
panel has its history (a list or its reason to be off): not the first paint of an empty frame. The
baseline is a QApplication with a ``QMainWindow`` holding a ``QTextBrowser`` and a ``QComboBox``
(in a toolbar), timed to the end of its first paint pass. Both report the time and their resident
set size at that moment; the parent measures from just before it starts the process
(``time.monotonic`` is one system-wide clock on Linux). ``--importtime`` runs ours once more under
``python -X importtime`` and lists the imports that cost most (where the time goes).

What the window puts off until after that paint (``app.ui.warm_up``: the provider classes, the
network stack, Markdown, the comparison window) must not stop it from answering keystrokes:
after reporting the paint, ours keeps running for ``SETTLE_S`` seconds with a 4 ms timer and
reports the longest gap between its ticks beyond those 4 ms (the longest the event loop was
held, by the warm-up or anything else: the model listing, the credential check), and when the
warm-up was done. Measured, not assumed: a step that blocks shows here.

Run:  .venv/bin/python -m tests.bench.startup [--runs 5] [--importtime]
The last lines are ``BENCH startup_time ...``, ``BENCH startup_settle_stall_ms ...``,
``BENCH startup_warm_up ...`` and ``BENCH startup_rss ...``.
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
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[2]
TARGET = 1.5
SETTLE_S = 2.0
STALL_TARGET_MS = 50

# Shared by both children: note the first paint of the window (or a child), then finish once
# that paint pass is over; print the time and VmRSS.
_PAINT_PROBE = """
import os, time
from PySide6.QtCore import QEvent, QObject, Qt, QTimer

def rss_kb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1

class FirstPaint(QObject):
    # Ends the run after the first paint pass of the window named `name` once `ready(window)`
    # (or, with `settle`, watches the loop for that many seconds more first).

    def __init__(self, name, ready=lambda window: True, settle=0.0):
        super().__init__()
        self.seen, self.name, self.ready, self.settle = False, name, ready, settle
        self.window = None

    def eventFilter(self, obj, event):
        if (not self.seen and event.type() == QEvent.Type.Paint and hasattr(obj, "window")
                and obj.window().objectName() == self.name and self.ready(obj.window())):
            self.seen = True
            self.window = obj.window()
            QTimer.singleShot(0, self.done)
        return False

    def done(self):
        print(f"PAINTED {time.monotonic():.6f} {rss_kb()}", flush=True)
        if not self.settle:
            os._exit(0)  # measured: skip the orderly shutdown
        self.start, self.last, self.stall, self.warm = time.monotonic(), time.monotonic(), 0.0, -1.0
        self.ticks = QTimer()
        self.ticks.setTimerType(Qt.TimerType.PreciseTimer)
        self.ticks.timeout.connect(self.tick)
        self.ticks.start(4)

    def tick(self):
        now = time.monotonic()
        self.stall = max(self.stall, now - self.last - 0.004)
        self.last = now
        warm_up = self.window.findChild(QObject, "warmUp")
        if self.warm < 0 and warm_up is not None and warm_up.done:
            self.warm = now - self.start
        if now - self.start >= self.settle:
            print(f"SETTLED {self.stall * 1000:.1f} {self.warm:.3f} {rss_kb()}", flush=True)
            os._exit(0)
"""

BASELINE = (
    "import sys\n"
    "from PySide6.QtWidgets import QApplication, QComboBox, QMainWindow, QTextBrowser\n"
    + _PAINT_PROBE
    + "app = QApplication(sys.argv)\n"
    "probe = FirstPaint('baseline')\n"
    "app.installEventFilter(probe)\n"
    "window = QMainWindow()\n"
    "window.setObjectName('baseline')\n"
    "window.setCentralWidget(QTextBrowser())\n"
    "combo = QComboBox()\n"
    "combo.addItems(['OpenAI', 'Anthropic'])\n"
    "window.addToolBar('Main').addWidget(combo)\n"
    "window.resize(1180, 780)\n"
    "window.show()\n"
    "app.exec()\n"
)

# Usable: the providers are in the picker and the history panel holds its history (or says why
# it is off); then the next completed paint pass of the window ends the run.
OURS = (
    "import sys\n"
    "from app.ui.application import create_application, start_window\n"
    + _PAINT_PROBE
    + "def usable(window):\n"
    "    panel = getattr(window, 'history_panel', None)\n"
    "    return (window.provider_picker.count() > 0 and panel is not None\n"
    "            and (panel.history is not None or bool(window.history_error)))\n"
    "app = create_application(sys.argv)\n"
    "probe = FirstPaint('mainWindow', usable, float(sys.argv[1]) if sys.argv[1:] else 0.0)\n"
    "app.installEventFilter(probe)\n"
    "window = start_window(app)  # what run_app does before Qt's loop runs\n"
    "app.exec()\n"
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


class Settled(NamedTuple):
    """After the paint: the longest loop stall (ms), seconds until the warm-up was done (-1:
    not within ``SETTLE_S``), RSS (KiB) at the end."""

    stall_ms: float
    warm_up_s: float
    rss_kib: int


def run_once(
    code: str, home: Path, *flags: str, settle: float = 0.0
) -> tuple[float, int, Settled | None]:
    """Seconds from process start to the (usable) painted window, RSS (KiB) then, and with
    ``settle`` (ours only) what followed in that many seconds."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, *flags, "-c", code, *([str(settle)] if settle else [])],
        env=child_env(home),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    painted: tuple[float, int] | None = None
    settled: Settled | None = None
    for line in result.stdout.splitlines():
        if line.startswith("PAINTED "):
            _, at, rss = line.split()
            painted = float(at) - started, int(rss)
        elif line.startswith("SETTLED "):
            _, stall, warm, rss = line.split()
            settled = Settled(float(stall), float(warm), int(rss))
    if painted is not None and (settled is not None or not settle):
        return painted[0], painted[1], settled
    raise RuntimeError(f"the child did not report a paint:\n{result.stdout}\n{result.stderr}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="measured runs of each (median)")
    parser.add_argument(
        "--importtime", action="store_true", help="also list ours' costliest imports"
    )
    args = parser.parse_args(argv)
    if args.importtime:
        with tempfile.TemporaryDirectory(prefix="roundtable-importtime-") as tmp:
            print_import_times(Path(tmp))

    times: dict[str, list[float]] = {"ours": [], "baseline": []}
    rss: dict[str, list[int]] = {"ours": [], "baseline": []}
    settles: list[Settled] = []
    with tempfile.TemporaryDirectory(prefix="roundtable-startup-") as tmp:
        # One warm-up of each (disk cache, .pyc files), then interleaved measured runs.
        for name, code in (("baseline", BASELINE), ("ours", OURS)):
            run_once(code, Path(tmp) / f"warm-{name}")
        for index in range(args.runs):
            for name, code in (("baseline", BASELINE), ("ours", OURS)):
                settle = SETTLE_S if name == "ours" else 0.0
                seconds, kib, settled = run_once(code, Path(tmp) / f"{name}-{index}", settle=settle)
                times[name].append(seconds)
                rss[name].append(kib)
                after = ""
                if settled is not None:
                    settles.append(settled)
                    after = (
                        f"  then: longest stall {settled.stall_ms:.0f} ms, warm-up done "
                        f"{settled.warm_up_s * 1000:.0f} ms after the paint, "
                        f"RSS {settled.rss_kib / 1024:.1f} MiB"
                    )
                print(
                    f"run {index + 1} {name:<8} {seconds * 1000:7.1f} ms  "
                    f"RSS {kib / 1024:.1f} MiB{after}"
                )

    ours_time, base_time = statistics.median(times["ours"]), statistics.median(times["baseline"])
    ours_rss, base_rss = statistics.median(rss["ours"]), statistics.median(rss["baseline"])
    ratio = ours_time / base_time
    verdict = "ok" if ratio <= TARGET else "miss"
    print(
        f"BENCH startup_time ours={ours_time:.3f}s baseline={base_time:.3f}s "
        f"ratio={ratio:.2f} target={TARGET} {verdict}"
    )
    stall = statistics.median(s.stall_ms for s in settles)
    worst = max(s.stall_ms for s in settles)
    print(
        f"BENCH startup_settle_stall_ms median={stall:.0f} worst={worst:.0f} "
        f"target=<={STALL_TARGET_MS}ms {'ok' if stall <= STALL_TARGET_MS else 'miss'}"
    )
    warm = [s.warm_up_s for s in settles]
    warm_text = (
        f"median={statistics.median(warm) * 1000:.0f}ms"
        if min(warm) >= 0
        else f"not done within {SETTLE_S:g}s in {sum(w < 0 for w in warm)} run(s)"
    )
    settled_rss = statistics.median(s.rss_kib for s in settles)
    print(
        f"BENCH startup_warm_up done_after_paint {warm_text} "
        f"rss_after={settled_rss / 1024:.1f}MiB target=none info"
    )
    print(
        f"BENCH startup_rss ours={ours_rss / 1024:.1f}MiB baseline={base_rss / 1024:.1f}MiB "
        f"ratio={ours_rss / base_rss:.2f} target=none info"
    )
    return 0


def print_import_times(home: Path, top: int = 15) -> None:
    """Ours once under ``-X importtime``: import time (each module's own) summed by top-level
    package, and the app's and providers' own modules by cumulative time."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", OURS], env=child_env(home), cwd=ROOT,
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    by_package: dict[str, int] = {}
    ours: list[tuple[int, str]] = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, cumulative, name = line.removeprefix("import time:").split("|")
        module = name.strip()
        package = module.split(".")[0]
        by_package[package] = by_package.get(package, 0) + int(own)
        if package in ("app", "providers"):
            ours.append((int(cumulative), module))
    total = sum(by_package.values())
    print(f"import time by top-level package (own time; all imports {total / 1000:.0f} ms):")
    for package, micros in sorted(by_package.items(), key=lambda item: -item[1])[:top]:
        print(f"  {micros / 1000:7.1f} ms  {package}")
    print("our modules by cumulative import time:")
    for micros, module in sorted(ours, reverse=True)[:top]:
        print(f"  {micros / 1000:7.1f} ms  {module}")


if __name__ == "__main__":
    sys.exit(main())
