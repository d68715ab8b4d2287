"""Attachments over real sockets: each vendor's request body carries the image in the shape its
documentation gives and the text file as a fenced block, from the framework's ``media`` parameter
and from ``roundtable chat --attach``; what cannot be sent is refused before any request."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from providers.errors import BadRequestError
from providers.media import ImageLimits, MediaError
from providers.response import AuthResult
from providers.vendors.anthropic import Anthropic
from providers.vendors.gemini import Gemini
from providers.vendors.ollama import Ollama
from providers.vendors.openai import OpenAI
from providers.vendors.openwebui import OpenWebUI
from tests.providers.support import (
    ANTHROPIC,
    GEMINI,
    KEY,
    MESSAGES,
    OLLAMA,
    OPENAI,
    Roundtable,
    Vendor,
    answer,
    case,
    collect,
)
from tests.servers import Error, MockServer, OpenWebUIServer, Raw, Stream

CODE = b"print('hi')\n"
BLOCK = "File: hello.py\n```python\nprint('hi')\n```\n\n"


def image_bytes(size: tuple[int, int] = (4, 3), format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format)
    return buffer.getvalue()


PNG = image_bytes()
PNG64 = base64.b64encode(PNG).decode()
MEDIA = [(PNG, "dot.png"), (CODE, "hello.py")]


def decoded(data: str) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(data)))


def body_image(vendor: Vendor, body: dict[str, Any]) -> tuple[str, str]:
    """(mime, base64) of the one image in a recorded body, read the vendor's way."""
    if vendor is OPENAI:
        url = body["messages"][-1]["content"][0]["image_url"]["url"]
        head, data = url.split(",", 1)
        return head.removeprefix("data:").removesuffix(";base64"), data
    if vendor is ANTHROPIC:
        source = body["messages"][-1]["content"][0]["source"]
        return source["media_type"], source["data"]
    if vendor is GEMINI:
        inline = body["contents"][-1]["parts"][0]["inline_data"]
        return inline["mime_type"], inline["data"]
    return "image/?", body["messages"][-1]["images"][0]


# ----- each vendor's documented shape --------------------------------------------------------
@pytest.mark.parametrize(
    ("vendor", "model", "expected"),
    [
        case(OPENAI, "gpt-4o-mini", {"messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": [
                {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG64}"}},
                {"type": "text", "text": BLOCK},
                {"type": "text", "text": "Hello there"},
            ]},
        ]}),
        case(ANTHROPIC, "claude-sonnet-4-5", {"system": "Be brief.", "messages": [
            {"role": "user", "content": [
                {"type": "image", "source": {
                    "type": "base64", "media_type": "image/png", "data": PNG64}},
                {"type": "text", "text": BLOCK + "Hello there"},
            ]},
        ]}),
        case(GEMINI, "gemini-2.5-flash", {
            "systemInstruction": {"parts": [{"text": "Be brief."}]},
            "contents": [{"role": "user", "parts": [
                {"inline_data": {"mime_type": "image/png", "data": PNG64}},
                {"text": BLOCK + "Hello there"},
            ]}],
        }),
        case(OLLAMA, "gemma3", {"messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": BLOCK + "Hello there", "images": [PNG64]},
        ]}),
    ],
)  # fmt: skip
def test_media_reaches_each_vendor_in_its_documented_shape(
    vendor: Vendor, server: MockServer, model: str, expected: dict[str, Any]
) -> None:
    answer(vendor.provider, server, model=model, media=MEDIA)
    body = server.last_request.body_dict
    assert {key: body[key] for key in expected} == expected


def test_open_webui_sends_the_openai_shape(openwebui_server: OpenWebUIServer) -> None:
    token = AuthResult(token=openwebui_server.issue_token("test@example.com"))

    async def run() -> None:
        async for _ in OpenWebUI.create_authed(
            "llama3.2:latest", MESSAGES, auth_result=token, media=MEDIA,
            base_url=openwebui_server.base_url,
        ):  # fmt: skip
            pass

    asyncio.run(run())
    content = openwebui_server.last_request.body_dict["messages"][-1]["content"]
    assert content[0] == {
        "type": "image_url",
        "image_url": {"url": f"data:image/png;base64,{PNG64}"},
    }


def test_the_image_type_comes_from_the_bytes(anthropic_server: MockServer) -> None:
    jpeg = image_bytes(format="JPEG")
    answer(Anthropic, anthropic_server, media=[(jpeg, "holiday.png")])
    source = anthropic_server.last_request.body_dict["messages"][-1]["content"][0]["source"]
    assert source["media_type"] == "image/jpeg"
    assert base64.b64decode(source["data"]) == jpeg


def test_images_already_in_the_history_are_converted_too(anthropic_server: MockServer) -> None:
    """A reopened conversation holds images as content parts; every turn keeps its image."""
    messages = [
        {"role": "user", "content": [
            {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG64}"}},
            {"type": "text", "text": "What is this?"},
        ]},
        {"role": "assistant", "content": "A red dot."},
        {"role": "user", "content": "Bigger?"},
    ]  # fmt: skip
    answer(Anthropic, anthropic_server, messages=messages)
    turns = anthropic_server.last_request.body_dict["messages"]
    assert turns[0]["content"][0]["source"]["data"] == PNG64
    assert turns[0]["content"][1] == {"type": "text", "text": "What is this?"}
    assert turns[1:] == [
        {"role": "assistant", "content": "A red dot."},
        {"role": "user", "content": "Bigger?"},
    ]


# ----- models that take no images -------------------------------------------------------------
@pytest.mark.parametrize(
    ("vendor", "model"),
    [case(OPENAI, "gpt-3.5-turbo"), case(OLLAMA, "llama3.2"), case(ANTHROPIC, "claude-2.1")],
)
def test_a_model_known_to_take_no_images_is_refused_before_sending(
    vendor: Vendor, server: MockServer, model: str
) -> None:
    chunks, error = collect(vendor.provider, server, model=model, media=MEDIA)
    assert isinstance(error, MediaError)
    assert f"model {model!r} does not take images" in str(error)
    assert "Pick a model that does" in str(error)
    assert [r for r in server.requests if r.kind == "chat"] == []


def test_ollama_asks_the_server_which_models_take_images(ollama_server: MockServer) -> None:
    """``/api/show`` lists a model's capabilities: the server's word beats any built-in list."""
    chunks, error = collect(Ollama, ollama_server, model="my-finetune", media=MEDIA)
    assert isinstance(error, MediaError) and "'my-finetune' does not take images" in str(error)
    assert [r.kind for r in ollama_server.requests] == ["show"]
    assert ollama_server.requests[0].body_dict == {"model": "my-finetune"}
    ollama_server.reset()
    answer(Ollama, ollama_server, model="llava:13b", media=MEDIA)
    assert [r.kind for r in ollama_server.requests] == ["show", "chat"]
    assert ollama_server.last_request.body_dict["messages"][-1]["images"] == [PNG64]


def test_an_ollama_without_capabilities_falls_back_to_the_known_models(
    ollama_server: MockServer,
) -> None:
    old_server = Raw(200, {"modelfile": "FROM x\n", "details": {}}, on="show")
    ollama_server.push(old_server)
    chunks, error = collect(Ollama, ollama_server, model="qwen3:8b", media=MEDIA)
    assert isinstance(error, MediaError) and "does not take images" in str(error)
    ollama_server.push(old_server)
    answer(Ollama, ollama_server, model="some-new-model", media=MEDIA)  # unknown: sent
    assert ollama_server.last_request.body_dict["messages"][-1]["images"] == [PNG64]


def test_text_files_alone_go_to_a_text_only_model(ollama_server: MockServer) -> None:
    answer(Ollama, ollama_server, model="llama3.2", media=[(CODE, "hello.py")])
    turn = ollama_server.last_request.body_dict["messages"][-1]
    assert turn == {"role": "user", "content": BLOCK + "Hello there"}


def test_a_server_that_rejects_the_image_says_so(openai_server: MockServer) -> None:
    openai_server.push(Error(400, message="Invalid content type. image_url is only supported by "
                                          "certain models."))  # fmt: skip
    chunks, error = collect(OpenAI, openai_server, model="my-finetune", media=MEDIA)
    assert isinstance(error, BadRequestError) and error.status == 400
    assert "image_url is only supported by certain models" in str(error)
    assert "The request carried images" in str(error)


# ----- size limits --------------------------------------------------------------------------------
def noise_png(width: int, height: int) -> bytes:
    raw = random.Random(7).randbytes(width * height * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), raw).save(buffer, "PNG", compress_level=0)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def big_png() -> bytes:
    """About 20 MB of incompressible pixels: over Anthropic's 5 MB, at OpenAI's 20 MB."""
    data = noise_png(2600, 2600)
    assert len(data) > 20_000_000
    return data


@pytest.mark.parametrize(
    ("vendor", "model", "limit", "side"),
    [
        case(ANTHROPIC, "claude-sonnet-4-5", 5 * 1024 * 1024, 1568),
        case(OPENAI, "gpt-4o", 20 * 1024 * 1024, 2048),
        case(GEMINI, "gemini-2.5-flash", 20 * 1024 * 1024, 3072),
        case(OLLAMA, "gemma3", 20 * 1024 * 1024, 2048),
    ],
)
def test_a_20_mb_image_is_downscaled_to_the_vendors_limits(
    vendor: Vendor, server: MockServer, big_png: bytes, model: str, limit: int, side: int
) -> None:
    answer(vendor.provider, server, model=model, media=[(big_png, "big.png")])
    _, data = body_image(vendor, server.last_request.body_dict)
    assert len(data) <= limit
    with decoded(data) as image:
        assert max(image.size) <= side
        assert image.size[0] == image.size[1]  # the aspect ratio is kept


def test_an_image_that_cannot_fit_is_refused_naming_the_limit(
    anthropic_server: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Anthropic, "image_limits", ImageLimits("Anthropic", 20 * 1024, 8000, 1568))
    chunks, error = collect(Anthropic, anthropic_server, media=[(noise_png(900, 900), "n.png")])
    assert isinstance(error, MediaError)
    assert "n.png does not fit Anthropic's limit of 20 KB and 8000 px per side" in str(error)
    assert anthropic_server.requests == []


def test_gemini_refuses_a_request_whose_images_exceed_its_total(
    gemini_server: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        Gemini, "image_limits", ImageLimits("Google Gemini", 10**6, 3072, 3072, 60 * 1024)
    )
    media = [(noise_png(120, 120), "a.png"), (noise_png(121, 121), "b.png")]
    chunks, error = collect(Gemini, gemini_server, media=media)
    assert isinstance(error, MediaError)
    assert "more than the 60 KB Google Gemini accepts in one request" in str(error)
    assert gemini_server.requests == []


def test_an_empty_file_in_media_is_refused_before_sending(openai_server: MockServer) -> None:
    chunks, error = collect(OpenAI, openai_server, media=[(b"", "empty.txt")])
    assert isinstance(error, MediaError) and "empty.txt is empty (0 bytes)" in str(error)
    assert openai_server.requests == []


# ----- the command line ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("vendor", "model", "variables"),
    [
        case(OPENAI, "gpt-4o", {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": "{url}/v1"}),
        case(ANTHROPIC, "claude-sonnet-4-5",
             {"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": "{url}"}),
        case(GEMINI, "gemini-2.5-flash", {"GEMINI_API_KEY": KEY, "GEMINI_BASE_URL": "{url}"}),
        case(OLLAMA, "gemma3", {"OLLAMA_HOST": "{url}"}),
    ],
)  # fmt: skip
def test_roundtable_chat_attach_sends_images_and_text_files(
    vendor: Vendor,
    server: MockServer,
    model: str,
    variables: dict[str, str],
    roundtable: Roundtable,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value.format(url=server.url))
    (tmp_path / "dot.png").write_bytes(PNG)
    (tmp_path / "hello.py").write_bytes(CODE)
    server.push(Stream(text="A red dot and a print."))
    run = roundtable(
        "chat", "-p", vendor.provider.id, "-m", model,
        "--attach", str(tmp_path / "dot.png"), "--attach", str(tmp_path / "hello.py"), "Explain",
    )  # fmt: skip
    assert run.code == 0, run.err
    assert run.out == "A red dot and a print.\n"
    assert "[attach] dot.png (image, " in run.err and "[attach] hello.py (text, 12 B, ~" in run.err
    body = server.last_request.body_dict
    assert body_image(vendor, body) == (("image/?" if vendor is OLLAMA else "image/png"), PNG64)
    assert json.dumps(BLOCK)[1:-1] in json.dumps(body)  # the file as context, whatever the nesting


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.png", None, r"missing\.png does not exist: check the path"),
        ("empty.txt", b"", r"empty\.txt is empty \(0 bytes\)"),
        ("paper.pdf", b"%PDF-1.7\n\xe2\xe3\xcf\xd3", r"paper\.pdf cannot be attached: only images"),
    ],
)
def test_a_missing_or_unsupported_file_is_exit_2_before_any_request(
    openai_server: MockServer,
    roundtable: Roundtable,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    name: str,
    content: bytes | None,
    message: str,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    if content is not None:
        (tmp_path / name).write_bytes(content)
    run = roundtable(
        "chat", "-p", "openai", "--base-url", openai_server.base_url,
        "--attach", str(tmp_path / name), "Hi",
    )  # fmt: skip
    assert run.code == 2
    assert run.out == ""
    assert len(run.err.strip().splitlines()) == 1
    assert run.err.startswith("roundtable: error: ")
    assert re.search(message, run.err), run.err
    assert openai_server.requests == []


def test_media_as_a_param_points_to_attach(roundtable: Roundtable) -> None:
    run = roundtable("chat", "-p", "openai", "--param", "media=[]", "Hi")
    assert run.code == 2
    assert run.err == (
        "roundtable: error: Attach files with --attach FILE (repeatable), not as a parameter.\n"
    )


def test_cli_refuses_an_image_for_a_text_only_model_with_exit_2(
    ollama_server: MockServer, roundtable: Roundtable, tmp_path: Path
) -> None:
    (tmp_path / "dot.png").write_bytes(PNG)
    run = roundtable(
        "chat", "-p", "ollama", "--base-url", ollama_server.base_url, "-m", "llama3.2",
        "--attach", str(tmp_path / "dot.png"), "Hi",
    )  # fmt: skip
    assert run.code == 2, run.err
    assert "does not take images" in run.err
    assert [r for r in ollama_server.requests if r.kind == "chat"] == []


def test_cli_sends_a_20_mb_image_downscaled(
    anthropic_server: MockServer,
    roundtable: Roundtable,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    big_png: bytes,
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    (tmp_path / "big.png").write_bytes(big_png)
    run = roundtable(
        "chat", "-p", "anthropic", "--base-url", anthropic_server.base_url,
        "--attach", str(tmp_path / "big.png"), "What is it?",
    )  # fmt: skip
    assert run.code == 0, run.err
    assert "[attach] big.png (image, 19.3 MB, ~1600 tokens)" in run.err
    _, data = body_image(ANTHROPIC, anthropic_server.last_request.body_dict)
    assert len(data) <= 5 * 1024 * 1024
