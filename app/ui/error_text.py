"""An error as the window says it: what happened, then where in *this window* to fix it.

Providers attach what would fix an error (``providers.advice.Remedy``); the command line names
its commands, the window names its own menus and dialogs (never "Settings", which it does not
have, nor a command to type). Shared by the main window and the comparison window.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.core.settings import SettingsProblem
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


def settings_problem_text(problem: SettingsProblem) -> str:
    """Why the settings file was not used, what was done with it, and what to do."""
    if problem.kind == "not_utf8":
        reason = QCoreApplication.translate("ErrorText", "it is not UTF-8 text")
    elif problem.kind == "json":
        reason = QCoreApplication.translate(
            "ErrorText", "line {line}, column {column}: {detail}"
        ).format(line=problem.line, column=problem.column, detail=problem.detail)
    elif problem.kind == "secret":
        reason = QCoreApplication.translate(
            "ErrorText", "{entry} holds a secret; secrets belong in the system keyring"
        ).format(entry=problem.detail)
    else:
        reason = QCoreApplication.translate("ErrorText", "it does not hold a JSON object")
    said = QCoreApplication.translate(
        "ErrorText", "The settings file {path} is damaged ({reason}), so the defaults are used."
    )
    said = said.format(path=problem.path, reason=reason)
    if problem.kept_as:
        kept = QCoreApplication.translate(
            "ErrorText", "It was kept as {name} in the same folder: copy back what you need."
        )
        return f"{said} {kept.format(name=problem.kept_as)}"
    left = QCoreApplication.translate(
        "ErrorText",
        "It could not be kept aside ({error}), so it is left as it is and changes to the "
        "settings are not saved until you fix or remove it.",
    )
    return f"{said} {left.format(error=problem.keep_error)}"
