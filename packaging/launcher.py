"""The frozen app's entry script: PyInstaller needs a file; app/main.py has relative imports."""

import sys

from app.main import main

if __name__ == "__main__":
    sys.exit(main())
