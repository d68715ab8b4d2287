"""A cached model list belongs to the server it came from (two servers, real sockets)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from providers.errors import ModelNotSupportedError
from providers.vendors.openai import CustomOpenAI
from tests.providers.support import KEY
from tests.servers.openai_server import OpenAIServer
from tests.servers.scenario import Models

MESSAGES: list[Any] = [{"role": "user", "content": "hi"}]


async def _answer(base_url: str, model: str) -> str:
    text = ""
    async for chunk in CustomOpenAI.create_async_generator(
        model, MESSAGES, base_url=base_url, api_key=KEY
    ):
        if isinstance(chunk, str):
            text += chunk
    return text


def test_another_servers_list_never_refuses_a_model(openai_server: OpenAIServer) -> None:
    openai_server.push(Models(["only-here"]))
    assert asyncio.run(
        CustomOpenAI.get_models_async(base_url=openai_server.base_url, api_key=KEY)
    ) == ["only-here"]
    # Same server: the cached live list refuses an unknown name at once, listing the valid ones.
    with pytest.raises(ModelNotSupportedError, match=r"Valid models: \['only-here'\]"):
        asyncio.run(_answer(openai_server.base_url, "elsewhere"))
    # A second server offers "elsewhere": the first server's list must not refuse it.
    with OpenAIServer() as second:
        assert asyncio.run(_answer(second.base_url, "elsewhere")) == "You said: hi"
        assert second.last_request is not None
        assert second.last_request.json["model"] == "elsewhere"
