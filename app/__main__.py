"""``python -m app``: the window (or, given a command, the command line), like ``roundtable``."""

from __future__ import annotations

import sys

from .main import main

if __name__ == "__main__":
    sys.exit(main())
