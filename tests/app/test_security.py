"""Secrets never leave the keyring: not on disk, not in logs, not in messages, reprs or output.

The full flow runs real ``roundtable`` processes and in-process provider calls against the loopback
OpenAI and Open WebUI servers and a real Secret Service: store an API key, list keys, chat with
the stored key, sign in with a remembered password, chat, renew an expired session, list models,
show parameters, fail with a bad key and a wrong password, sign out, delete the key. Every secret
is random per run (API key, bad key, password, wrong password, every session token the server
issued) so that a hit can only come from this run.

Searched afterwards, for each secret as UTF-8 and as UTF-16-LE bytes:
- every regular file under this test's temporary directory, which holds HOME (moved there for the
  run), the XDG data/config/cache/state dirs, the working directory and TMPDIR of every command;
- the platformdirs user dirs of "roundtable" (data, config, cache, state, log, runtime);
- under scripts/with-keyring.sh only: its whole temporary directory, i.e. its private HOME
  (with gnome-keyring's own encrypted ``*.keyring`` files, which must exist and must not hold the
  plaintext), XDG_RUNTIME_DIR and the daemon's log; a developer's real HOME is never scanned;
- files of the repository (the test run's own working directory) created or modified during the
  flow, outside .git and .venv;
- every log record at DEBUG and above of the in-process steps, which include ``keys set``,
  ``login`` and ``chat`` run through ``app.cli.run`` (caplog: message, arguments, exception text),
  and the stdout and stderr of every command, in a process of its own or in-process;
- the message, repr and formatted traceback (with its chain) of every error raised, and the repr
  of the providers, the secret store, the ``AuthResult`` and the keyring cache entry.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import stat
import subprocess
import sys
import time
import traceback
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import keyring
import platformdirs
import pytest

from app import cli
from providers import credentials
from providers.base import stream_chunks
from providers.errors import MissingAuthError, ProviderError
from providers.vendors.openai import OpenAI
from providers.vendors.openwebui import OpenWebUI, OpenWebUIAPI
from tests.keyring_support import (
    PRIVATE_KEYRING,
    PRIVATE_KEYRING_HOME,
    requires_secret_service,
)
from tests.servers.openai_server import OpenAIServer
from tests.servers.openwebui_server import DEFAULT_USER, OpenWebUIServer
from tests.servers.scenario import Error

EMAIL = DEFAULT_USER[0]
REPO = Path(__file__).resolve().parents[2]
_SCRIPT = Path(sys.executable).with_name("roundtable")
ROUNDTABLE = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "app.main"]
HI = [{"role": "user", "content": "hi"}]


# --- the search -----------------------------------------------------------------------------------


def needles(secrets: Iterable[str]) -> dict[bytes, str]:
    """Byte patterns to look for → the secret they stand for."""
    found: dict[bytes, str] = {}
    for secret in secrets:
        found[secret.encode()] = secret
        found[secret.encode("utf-16-le")] = secret
    return found


def regular_files(root: Path, newer_than: float | None = None) -> Iterator[Path]:
    """Regular files under root (symlinks not followed), skipping .git and .venv."""
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = [d for d in dirs if d not in (".git", ".venv")]
        for name in files:
            path = Path(folder, name)
            try:
                info = path.lstat()
            except OSError:
                continue  # removed meanwhile
            if not stat.S_ISREG(info.st_mode):
                continue
            if newer_than is None or info.st_mtime >= newer_than:
                yield path


@dataclass
class Search:
    """Files and texts searched, and what was found in them."""

    patterns: dict[bytes, str]
    files: list[Path] = field(default_factory=list)
    texts: int = 0
    hits: list[str] = field(default_factory=list)

    def file(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except OSError:
            return
        self.files.append(path)
        for pattern, secret in self.patterns.items():
            if pattern in data:
                self.hits.append(f"{path}: {credentials.mask_secret(secret)}")

    def tree(self, root: Path, newer_than: float | None = None) -> None:
        if root.is_dir():
            for path in regular_files(root, newer_than):
                self.file(path)

    def text(self, where: str, text: str) -> None:
        self.texts += 1
        for secret in set(self.patterns.values()):
            if secret in text:
                self.hits.append(f"{where}: {credentials.mask_secret(secret)}")


def test_the_search_finds_planted_secrets(tmp_path: Path) -> None:
    """The search itself works: UTF-8 and UTF-16 copies in nested files are found."""
    secret = f"test-key-{uuid.uuid4().hex}"
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "settings.json").write_text(f'{{"k": "{secret}"}}')
    (tmp_path / "a" / "win.dat").write_bytes(b"\0" + secret.encode("utf-16-le"))
    (tmp_path / "clean.txt").write_text("nothing here")
    search = Search(needles([secret]))
    search.tree(tmp_path)
    search.text("log", f"... {secret} ...")
    assert len(search.files) == 3
    assert len(search.hits) == 3
    assert all(secret not in hit for hit in search.hits)  # the report is masked too


# --- the flow -------------------------------------------------------------------------------------


@dataclass
class Flow:
    """Runs commands in the test's environment and keeps everything they showed."""

    env: dict[str, str]
    cwd: Path
    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]
    shown: list[tuple[str, str]] = field(default_factory=list)

    def run(
        self, *args: str, stdin: str = "", env: dict[str, str] | None = None, code: int = 0
    ) -> str:
        result = subprocess.run(
            [*ROUNDTABLE, *args], input=stdin, capture_output=True, text=True, timeout=60,
            env={**self.env, **(env or {})}, cwd=self.cwd, check=False,
        )  # fmt: skip
        where = "roundtable " + " ".join(args)
        self.shown += [(f"{where} stdout", result.stdout), (f"{where} stderr", result.stderr)]
        assert result.returncode == code, f"{where}: exit {result.returncode}: {result.stderr}"
        return result.stdout + result.stderr

    def run_here(self, *args: str, stdin: str = "") -> str:
        """The same command in this process, so its log records reach caplog at DEBUG."""
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = cli.run(list(args))
        out, err = self.capsys.readouterr()
        where = "in-process roundtable " + " ".join(args)
        self.shown += [(f"{where} stdout", out), (f"{where} stderr", err)]
        assert code == 0, f"{where}: exit {code}: {err}"
        return out + err

    def error(self, where: str, error: BaseException) -> None:
        """Keep everything an error can show: message, repr, traceback with its chain."""
        self.shown += [
            (f"{where} str", str(error)),
            (f"{where} repr", repr(error)),
            (f"{where} traceback", "".join(traceback.format_exception(error))),
        ]

    def show(self, where: str, value: Any) -> None:
        self.shown += [(f"{where} repr", repr(value)), (f"{where} str", str(value))]


def collect(provider: Any, model: str, **kwargs: Any) -> list[Any]:
    async def run() -> list[Any]:
        return [chunk async for chunk in stream_chunks(provider, model, HI, **kwargs)]

    return asyncio.run(run())


@pytest.mark.keyring
@requires_secret_service
def test_full_flow_leaves_no_secret_anywhere(
    openai_server: OpenAIServer,
    openwebui_server: OpenWebUIServer,
    keyring_service: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    started = time.time() - 1  # file systems with coarse timestamps
    home, cwd, tmpdir = tmp_path / "home", tmp_path / "cwd", tmp_path / "tmp"
    for path in (home, cwd, tmpdir):
        path.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("TMPDIR", str(tmpdir))
    monkeypatch.chdir(cwd)
    caplog.set_level(logging.DEBUG)

    api_key = f"test-key-{uuid.uuid4().hex}"
    bad_key = f"test-key-bad-{uuid.uuid4().hex}"
    password = f"test-password-{uuid.uuid4().hex}"
    wrong_password = f"test-wrong-{uuid.uuid4().hex}"
    openai_server.api_keys = {api_key}
    openwebui_server.users = {EMAIL: password}
    owui = openwebui_server.url
    flow = Flow(env=dict(os.environ), cwd=cwd, monkeypatch=monkeypatch, capsys=capsys)
    store = credentials.default_store()

    # An API key: stored, listed, used by a command and in-process.
    flow.run("keys", "set", "-p", "openai", stdin=api_key + "\n")
    flow.run_here("keys", "set", "-p", "openai", stdin=api_key + "\n")
    listing = flow.run("keys", "list")
    assert credentials.mask_secret(api_key) in listing
    flow.run("chat", "-p", "openai", "--base-url", openai_server.base_url, "hi")
    chunks = collect(OpenAI, "gpt-4o-mini", base_url=openai_server.base_url)
    flow.show("OpenAI chunks", chunks)
    assert openai_server.last_request is not None
    assert openai_server.last_request.header("authorization") == f"Bearer {api_key}"
    for provider in ("openai", "openwebui"):
        assert flow.run("params", "-p", provider, "--json").strip().startswith("{")

    # A login with a remembered password; chat; an expired session renewed in-process.
    flow.run(
        "login", "-p", "openwebui", "--base-url", owui, "--user", EMAIL, "--remember-password",
        stdin=password + "\n",
    )  # fmt: skip
    flow.run_here(
        "login", "-p", "openwebui", "--base-url", owui, "--user", EMAIL, "--remember-password",
        stdin=password + "\n",
    )  # fmt: skip
    flow.run("chat", "-p", "openwebui", "hi")
    flow.run_here("chat", "-p", "openwebui", "hi")
    openwebui_server.expire_tokens()
    flow.show("Open WebUI chunks", collect(OpenWebUI, "gpt-4o-mini"))
    assert [r.kind for r in openwebui_server.requests].count("signin") == 3
    flow.run("models", "-p", "openwebui")
    assert asyncio.run(OpenWebUI.get_models_async(strict=True))

    # The secrets really are in the keyring (so finding none on disk means something).
    assert keyring.get_password(keyring_service, "openai:api_key") == api_key
    assert keyring.get_password(keyring_service, "openwebui:password") == password
    record = store.get(OpenWebUI.get_cache_file().key)
    assert record is not None and any(token in record for token in openwebui_server.tokens)
    auth_result = OpenWebUI.get_auth_result()
    for where, value in (
        ("AuthResult", auth_result), ("cache entry", OpenWebUI.get_cache_file()),
        ("store", store), ("OpenAI", OpenAI), ("OpenWebUI", OpenWebUI),
        ("OpenWebUIAPI", OpenWebUIAPI),
    ):  # fmt: skip
        flow.show(where, value)

    # Failures: a bad key (the server echoes it), the bad key from the environment, a wrong
    # password, an expired session without a remembered password.
    openai_server.push(Error(401, message=f"Incorrect API key provided: {bad_key}."))
    with pytest.raises(MissingAuthError) as bad:
        collect(OpenAI, "gpt-4o-mini", base_url=openai_server.base_url, api_key=bad_key)
    flow.error("bad key", bad.value)
    flow.run("chat", "-p", "openai", "--base-url", openai_server.base_url, "hi",
             env={"OPENAI_API_KEY": bad_key}, code=1)  # fmt: skip
    with pytest.raises(MissingAuthError) as wrong:
        asyncio.run(OpenWebUI.login_async(EMAIL, wrong_password, base_url=owui))
    flow.error("wrong password", wrong.value)
    flow.run("login", "-p", "openwebui", "--user", EMAIL, stdin=wrong_password + "\n", code=1)
    flow.run("login", "-p", "openwebui", "--user", EMAIL, stdin=password + "\n")
    openwebui_server.expire_tokens()
    with pytest.raises(ProviderError) as expired:
        collect(OpenWebUI, "gpt-4o-mini")
    flow.error("expired session", expired.value)

    # Sign in once more (to have a live token at the end), then sign out and delete the key.
    flow.run("login", "-p", "openwebui", "--user", EMAIL, stdin=password + "\n")
    flow.run("logout", "-p", "openwebui")
    flow.run("keys", "delete", "-p", "openai")
    assert store.get(OpenWebUI.get_cache_file().key) is None
    assert store.get_field("openai", credentials.API_KEY) is None

    tokens = set(openwebui_server.tokens) | openwebui_server.expired
    assert len(tokens) == 5  # three logins, the renewal, the last login
    secrets = [api_key, bad_key, password, wrong_password, *tokens]
    search = Search(needles(secrets))

    # Disk.
    search.tree(tmp_path)
    for kind in ("data", "config", "cache", "state", "log", "runtime"):
        search.tree(Path(getattr(platformdirs, f"user_{kind}_dir")("roundtable")))
    if PRIVATE_KEYRING:
        # with-keyring.sh's temporary dir: its HOME (gnome-keyring's files), runtime dir, log.
        keyring_tmp = Path(PRIVATE_KEYRING_HOME).parent
        assert keyring_tmp.name.startswith("roundtable-keyring."), keyring_tmp
        before = len(search.files)
        search.tree(keyring_tmp)
        keyring_files = [p for p in search.files[before:] if p.suffix == ".keyring"]
        assert keyring_files, f"no gnome-keyring file found under {keyring_tmp}"
    search.tree(REPO, newer_than=started)
    assert any(path.is_relative_to(home) for path in search.files) or not any(home.iterdir())

    # Logs, output, messages, reprs.
    for record in caplog.records:
        search.text(
            f"log {record.name}", f"{record.getMessage()} {record.args!r} {record.exc_text}"
        )
    search.text("caplog", caplog.text)
    for where, text in flow.shown:
        search.text(where, text)

    assert caplog.records, "no log record was captured: the log search would be vacuous"
    assert search.files, "no file was searched"
    assert search.hits == []


def test_session_only_keys_leave_no_secret_anywhere(
    no_keyring: None,
    openai_server: OpenAIServer,
    qtbot: Any,
    loop: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No Secret Service: a key and a proxy password typed into the credentials dialog live in
    memory for this run; they answer requests and are found in no file, log, text or repr."""
    from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit

    from app.core import secrets
    from app.core.session_keys import SESSION_KEYS
    from app.core.settings import Settings
    from app.ui.credentials_dialog import CredentialsDialog
    from providers.vendors.openai import Groq

    started = time.time() - 1
    home, cwd, tmpdir = tmp_path / "home", tmp_path / "cwd", tmp_path / "tmp"
    for path in (home, cwd, tmpdir):
        path.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("TMPDIR", str(tmpdir))
    monkeypatch.chdir(cwd)
    caplog.set_level(logging.DEBUG)
    api_key = f"test-key-{uuid.uuid4().hex}"
    bad_key = f"test-key-bad-{uuid.uuid4().hex}"
    proxy_password = f"test-proxy-{uuid.uuid4().hex}"
    openai_server.api_keys = {api_key}
    flow = Flow(env=dict(os.environ), cwd=cwd, monkeypatch=monkeypatch, capsys=capsys)

    async def chat(**kwargs: Any) -> list[Any]:
        return [chunk async for chunk in stream_chunks(OpenAI, "gpt-4o-mini", HI, **kwargs)]

    def dialog_for(provider_id: str) -> CredentialsDialog:
        dialog = CredentialsDialog(
            Groq if provider_id == "groq" else OpenAI, provider_id, Settings.load()
        )
        qtbot.addWidget(dialog)
        dialog.show()
        loop.run(dialog.task)
        assert dialog.session_only
        return dialog

    def save(dialog: CredentialsDialog) -> None:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        loop.run(dialog.task)
        assert not dialog.isVisible()

    def shown_by(dialog: CredentialsDialog, where: str) -> None:
        for label in dialog.findChildren(QLabel):
            flow.shown.append((f"{where} label", label.text()))
        for edit in dialog.findChildren(QLineEdit):
            flow.shown.append((f"{where} field", edit.text() + " " + edit.placeholderText()))

    dialog = dialog_for("openai")
    dialog.api_key.setText(api_key)
    dialog.base_url.setText(openai_server.base_url)
    save(dialog)
    groq = dialog_for("groq")
    groq.proxy.setText(f"http://me:{proxy_password}@proxy.invalid:3128")
    save(groq)

    # They work: a chat with the key, the test button, the proxy handed to requests.
    found = loop.run(secrets.request_secrets(OpenAI, "openai"))
    chunks = loop.run(chat(base_url=openai_server.base_url, **found))
    flow.show("OpenAI chunks", chunks)
    assert openai_server.last_request.header("authorization") == f"Bearer {api_key}"
    again = dialog_for("openai")
    shown_by(again, "reopened dialog")
    again.test_button.click()
    loop.run(again.task)
    assert again.feedback.property("role") == "success", again.feedback.text()
    assert (
        loop.run(secrets.proxy_secret("groq")) == f"http://me:{proxy_password}@proxy.invalid:3128"
    )
    shown_by(dialog_for("groq"), "groq dialog")

    # A bad key echoed by the server is not repeated either.
    openai_server.push(Error(401, message=f"Incorrect API key provided: {bad_key}."))
    with pytest.raises(MissingAuthError) as bad:
        loop.run(chat(base_url=openai_server.base_url, api_key=bad_key))
    flow.error("bad key", bad.value)
    flow.show("session keys", SESSION_KEYS)

    settings_file = Settings.load().path
    assert openai_server.base_url in settings_file.read_text()  # saved, though no keyring
    search = Search(needles([api_key, bad_key, proxy_password]))
    search.tree(tmp_path)
    for kind in ("data", "config", "cache", "state", "log", "runtime"):
        search.tree(Path(getattr(platformdirs, f"user_{kind}_dir")("roundtable")))
    search.tree(REPO, newer_than=started)
    for record in caplog.records:
        search.text(
            f"log {record.name}", f"{record.getMessage()} {record.args!r} {record.exc_text}"
        )
    search.text("caplog", caplog.text)
    for where, text in flow.shown:
        search.text(where, text)
    assert settings_file in search.files
    assert caplog.records and search.texts
    assert search.hits == []
