"""An error as the window says it: what happened, then where in *this window* to fix it.

Providers attach what would fix an error (``providers.advice.Remedy``); the command line names
its commands, the window names its own menus and dialogs (never "Settings", which it does not
have, nor a command to type). Shared by the main window and the comparison window.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from providers.advice import Remedy, plain_reason, remedy_of


def window_error_text(error: BaseException) -> str:
    """``str(error)`` (or words for its kind) and the window's way to fix it."""
    reason = plain_reason(error)
    text = str(error) or QCoreApplication.translate(
        "ErrorText", "The request failed: {reason}."
    ).format(reason=reason)
    advice = remedy_of(error)
    if advice is None:
        return text
    remedy, _provider, variables = advice
    either = " or ".join(variables)
    if remedy is Remedy.API_KEY:
        hint = QCoreApplication.translate("ErrorText", "Add a key with Provider → Credentials….")
        if either:
            hint += " " + QCoreApplication.translate(
                "ErrorText", "Roundtable also reads {variables} from its environment."
            ).format(variables=either)
    elif remedy is Remedy.BASE_URL:
        hint = QCoreApplication.translate(
            "ErrorText", "Enter the server's address as Base URL in Provider → Credentials…."
        )
    elif remedy is Remedy.TIMEOUT:
        hint = QCoreApplication.translate(
            "ErrorText", "To wait longer, set Timeout in the Parameters panel (View → Parameters)."
        )
    elif remedy is Remedy.MODEL:
        hint = QCoreApplication.translate(
            "ErrorText",
            "Pick another model in the model box (Provider → Reload models lists them).",
        )
    elif remedy is Remedy.SIGN_IN:
        hint = QCoreApplication.translate("ErrorText", "Sign in with Provider → Credentials….")
    else:
        hint = QCoreApplication.translate("ErrorText", "Type the deployment name in the model box.")
    return f"{text} {hint}"
