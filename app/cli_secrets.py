"""``roundtable keys``, ``login`` and ``logout``: secrets typed by the user, kept in the keyring.

A secret is never a command-line argument (it would land in shell history and ``ps``): it is read
from the terminal without echo, or as one line from stdin when stdin is not a terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from typing import Any, TextIO

from app.core import secrets
from providers import credentials, registry
from providers.errors import ProviderError, SecretStoreError

EXIT_OK, EXIT_USAGE = 0, 2


def add_commands(commands: Any) -> None:
    keys = commands.add_parser("keys", help="manage API keys in the system keyring")
    actions = keys.add_subparsers(dest="keys_action", metavar="ACTION", required=True)
    for name, text in (("set", "store a key (read without echo)"), ("delete", "remove a key")):
        action = actions.add_parser(name, help=text)
        action.add_argument("-p", "--provider", required=True, metavar="ID")
    actions.add_parser("list", help="stored keys, masked")

    login = commands.add_parser("login", help="sign in to a login-based provider")
    login.add_argument("-p", "--provider", required=True, metavar="ID")
    login.add_argument("--base-url", metavar="URL")
    login.add_argument("--user", required=True, metavar="EMAIL")
    login.add_argument(
        "--remember-password", action="store_true",
        help="keep the password in the keyring to sign in again when the session expires",
    )  # fmt: skip

    logout = commands.add_parser("logout", help="sign out and forget the cached login")
    logout.add_argument("-p", "--provider", required=True, metavar="ID")


def read_secret(prompt: str, strip: bool = True) -> str:
    """A secret from the terminal without echo, or one line from piped stdin.

    Keys are stripped of stray blanks from copy and paste; a password is kept as typed.
    """
    if sys.stdin.isatty():
        value = getpass.getpass(prompt)
    else:
        value = sys.stdin.readline().rstrip("\r\n")
    if not value.strip():
        raise ProviderError("Nothing was entered; nothing was stored.")
    return value.strip() if strip else value


def _provider_id(name: str) -> str:
    return registry.provider_id(registry.get_provider(name))


def cmd_keys(args: argparse.Namespace, out: TextIO) -> int:
    store = credentials.default_store()
    if args.keys_action == "list":
        for name in sorted(store.names()):
            provider, _, field = name.partition(":")
            if field == credentials.API_KEY:
                out.write(f"{provider}  {credentials.mask_secret(store.get(name))}\n")
        return EXIT_OK
    pid = _provider_id(args.provider)
    if args.keys_action == "set":
        _check_keyring(store, registry.get_provider(pid))  # before the key is typed in vain
        store.set_field(pid, credentials.API_KEY, read_secret(f"API key for {pid}: "))
        print(f"roundtable: stored the API key for {pid} in the system keyring", file=sys.stderr)
    else:
        if not store.delete_field(pid, credentials.API_KEY):
            raise ProviderError(f"No API key is stored for {pid}.")
        print(f"roundtable: deleted the API key for {pid}", file=sys.stderr)
    return EXIT_OK


def _check_keyring(store: credentials.SecretStore, provider: Any) -> None:
    """No usable keyring: say so, and name the variable that works without one."""
    try:
        store.check()
    except SecretStoreError as error:
        variables = secrets.api_key_variables(provider)
        if not variables:
            raise
        raise SecretStoreError(
            f"{error} Or set {variables[0]} in the environment: the key is read from there."
        ) from None


def _login_provider(name: str) -> Any:
    provider = registry.get_provider(name)
    if not hasattr(provider, "login_async"):
        raise ProviderError(
            f"{registry.provider_label(provider)} does not use a login; "
            f"store its API key with `roundtable keys set -p {registry.provider_id(provider)}`."
        )
    return provider


def cmd_login(args: argparse.Namespace, out: TextIO) -> int:
    provider = _login_provider(args.provider)
    password = read_secret(f"Password for {args.user}: ", strip=False)
    account = asyncio.run(
        provider.login_async(
            email=args.user, password=password, base_url=args.base_url,
            remember_password=args.remember_password,
        )
    )  # fmt: skip
    print(f"roundtable: signed in to {provider.label} as {account}", file=sys.stderr)
    return EXIT_OK


def cmd_logout(args: argparse.Namespace, out: TextIO) -> int:
    provider = _login_provider(args.provider)
    if provider.logout() is False:
        print(f"roundtable: not signed in to {provider.label}; nothing to forget", file=sys.stderr)
        return EXIT_OK
    print(f"roundtable: signed out of {provider.label}", file=sys.stderr)
    return EXIT_OK


COMMANDS = {"keys": cmd_keys, "login": cmd_login, "logout": cmd_logout}
