"""Roundtable's application: the Qt-free CLI and core, and the PySide6 window."""
