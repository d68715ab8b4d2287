"""Parameter metadata from ``providers/``: ranges and defaults per vendor, Qt-free."""

from __future__ import annotations

from providers.parameter_info import describe, format_default, format_range, parameter_info
from providers.parameters import PARAMETER_EXAMPLES
from providers.registry import all_providers, get_provider


def test_every_parameter_of_every_provider_is_described() -> None:
    for pid, provider in all_providers().items():
        infos = parameter_info(provider)
        assert infos, pid
        for name, info in infos.items():
            if name in ("model", "messages", "stream", "media", "api_key"):
                continue
            assert info.description, (pid, name)


def test_vendor_ranges_and_documented_defaults() -> None:
    openai = parameter_info(get_provider("openai"))
    anthropic = parameter_info(get_provider("anthropic"))
    gemini = parameter_info(get_provider("gemini"))
    ollama = parameter_info(get_provider("ollama"))
    assert (openai["temperature"].maximum, openai["temperature"].default) == (2.0, 1.0)
    assert (anthropic["temperature"].maximum, anthropic["temperature"].default) == (1.0, 1.0)
    assert (gemini["temperature"].maximum, gemini["temperature"].default) == (2.0, None)
    assert ollama["temperature"].default == 0.8 and ollama["top_k"].default == 40
    assert format_range(openai["top_p"]) == "0–1"
    assert format_range(openai["presence_penalty"]) == "-2–2"
    assert format_range(openai["max_tokens"]) == "≥ 1 tokens"
    assert format_default(anthropic["max_tokens"]) == "4096 tokens"
    assert format_default(openai["max_tokens"]) == "provider default (model's maximum)"
    assert format_default(openai["timeout"]) == "300 seconds"
    assert format_default(openai["seed"]) == "provider default (random)"
    # Compatible services inherit OpenAI's row; local servers claim no default.
    assert parameter_info(get_provider("groq"))["temperature"].default == 1.0
    assert parameter_info(get_provider("lmstudio"))["temperature"].default is None
    assert parameter_info(get_provider("mistral"))["temperature"].maximum == 1.5


def test_no_default_is_a_spec_illustration() -> None:
    for pid in ("openai", "anthropic", "gemini", "ollama", "custom"):
        for name, info in parameter_info(get_provider(pid)).items():
            if name in ("seed", "response_format", "frequency_penalty", "presence_penalty"):
                assert info.default != PARAMETER_EXAMPLES[name] or info.default == 0.0, (pid, name)


def test_total_timeout_is_described_for_when_a_provider_takes_it() -> None:
    info = describe(get_provider("openai"), "total_timeout")
    assert info.unit == "seconds" and info.minimum == 1 and info.default is None
    assert format_default(info) == "provider default (no limit)"
