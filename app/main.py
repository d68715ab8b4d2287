"""The ``roundtable`` entry point: a CLI command when one is given, else the window."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args:
        from .cli import run

        return run(args)
    return gui_main()


def gui_main() -> int:
    try:
        from .ui.application import run_app
    except ImportError as error:
        print(
            "roundtable: the window needs the GUI parts (PySide6, qasync): "
            f"pip install 'roundtable[gui]' ({error.name or error} is missing). "
            "`roundtable --help` lists the command-line commands.",
            file=sys.stderr,
        )
        return 1
    return run_app(sys.argv)


if __name__ == "__main__":
    sys.exit(main())
