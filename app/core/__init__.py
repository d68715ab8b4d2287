"""Qt-free application logic: chat sessions, settings and secret-store access for the UI.

Nothing here imports a widget; the window only shows what these objects report.
"""
