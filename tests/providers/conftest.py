"""Fixtures of the provider tests: the ``roundtable`` command run in this process, and the server
of the vendor a test runs on."""

from __future__ import annotations

import io

import pytest

from app import cli
from tests.providers.support import Roundtable, Run, Vendor
from tests.servers import MockServer


@pytest.fixture
def roundtable(capsys: pytest.CaptureFixture[str]) -> Roundtable:
    """Runs ``roundtable ARGS...`` in-process (``app.cli.run``), as a user would from a shell."""

    def run(*args: str) -> Run:
        out = io.StringIO()
        code = cli.run(list(args), out=out)
        captured = capsys.readouterr()
        return Run(code, out.getvalue() + captured.out, captured.err)

    return run


@pytest.fixture
def server(vendor: Vendor, request: pytest.FixtureRequest) -> MockServer:
    """The server of the test's ``vendor`` (a parameter), started for this test."""
    server: MockServer = request.getfixturevalue(vendor.server)
    return server
