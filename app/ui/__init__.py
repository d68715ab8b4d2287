"""The PySide6 window: widgets that show state from ``app.core`` and forward what the user wants."""
