"""One error, worded for where it is read: the command line names commands, the window its menus."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from app.cli_common import error_text
from app.ui.error_text import window_error_text
from providers.advice import Remedy, advise, plain_reason
from providers.errors import ProviderError
from providers.registry import get_provider


def _raised(provider_id: str, **kwargs: str) -> ProviderError:
    provider = get_provider(provider_id)
    with pytest.raises(ProviderError) as caught:
        asyncio.run(
            anext(provider.create_async_generator("m", [{"role": "user", "content": "hi"}]))
        )
    return caught.value


def test_a_missing_base_url_names_the_option_or_the_dialog(qapp: object) -> None:
    error = _raised("custom")
    cli, window = error_text(error), window_error_text(error)
    assert "--base-url URL" in cli and "CUSTOM_OPENAI_BASE_URL" in cli
    assert "Provider → Credentials…" in window and "--base-url" not in window


@pytest.mark.parametrize("remedy", list(Remedy))
def test_no_wording_points_to_something_the_front_end_lacks(qapp: object, remedy: Remedy) -> None:
    error = advise(ProviderError("It failed."), remedy, provider_id="openai", variables=("X_KEY",))
    cli, window = error_text(error), window_error_text(error)
    assert cli.startswith("It failed. ") and window.startswith("It failed. ")
    for text in (cli, window):
        assert "Settings" not in text
    assert "roundtable" not in window and "--" not in window
    assert "→" not in cli and "…" not in cli


def test_exception_kinds_in_words() -> None:
    request = httpx.Request("GET", "http://127.0.0.1/")
    assert "closed the connection" in plain_reason(httpx.RemoteProtocolError("x", request=request))
    assert plain_reason(ConnectionResetError()) == "the server reset the connection"
    assert plain_reason(KeyError("x")) == "an internal error"
