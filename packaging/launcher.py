"""The frozen app's entry script: PyInstaller needs a file; app/main.py has relative imports."""

import multiprocessing
import sys

from app.main import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the chat view's render worker is a spawned process
    sys.exit(main())
