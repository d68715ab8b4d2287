"""Answer costs from genai-prices' bundled table, offline.

Expected figures are worked out by hand from gpt-4o-mini's published prices: $0.15 per million
input tokens, $0.60 per million output tokens, $0.075 per million cached input tokens.
"""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from app.core.pricing import Cost, answer_cost, estimate_tokens, format_usd, price

ROOT = Path(__file__).resolve().parents[2]


def test_reported_usage_is_priced_from_the_table() -> None:
    cost = answer_cost("openai", "gpt-4o-mini", {"prompt_tokens": 1000, "completion_tokens": 500})
    # 1000 × 0.15e-6 + 500 × 0.60e-6 = 0.00015 + 0.0003
    assert cost == Cost(Decimal("0.00045"), estimated=False)
    assert str(cost) == "$0.00045"


def test_a_dated_model_name_finds_its_family_price() -> None:
    assert price("openai", "gpt-4o-mini-2024-07-18", 1000, 500) == Decimal("0.00045")


def test_cached_prompt_tokens_cost_less() -> None:
    usage = {
        "prompt_tokens": 2_000_000, "completion_tokens": 0,
        "prompt_tokens_details": {"cached_tokens": 1_000_000},
    }  # fmt: skip
    # 1M uncached at $0.15 + 1M cached at $0.075
    assert answer_cost("openai", "gpt-4o-mini", usage) == Cost(Decimal("0.225"), estimated=False)


def test_missing_usage_is_estimated_from_the_text_and_says_so() -> None:
    cost = answer_cost(
        "openai", "gpt-4o-mini", None, prompt_text="p" * 4000, answer_text="a" * 2000
    )  # 1000 and 500 tokens at four characters each
    assert cost == Cost(Decimal("0.00045"), estimated=True)
    assert str(cost) == "$0.00045 (estimated)"


def test_partly_reported_usage_is_an_estimate() -> None:
    cost = answer_cost("openai", "gpt-4o-mini", {"prompt_tokens": 1000}, answer_text="a" * 2000)
    assert cost == Cost(Decimal("0.00045"), estimated=True)


@pytest.mark.parametrize(
    ("provider_id", "model"),
    [
        ("ollama", "qwen3:8b"),
        ("custom", "gpt-4o-mini"),
        ("openai", "no-such-model"),
        ("openai", ""),
    ],
)
def test_unknown_prices_give_no_cost(provider_id: str, model: str) -> None:
    usage = {"prompt_tokens": 10, "completion_tokens": 10}
    assert answer_cost(provider_id, model, usage) is None


def test_our_provider_ids_reach_the_vendors_prices() -> None:
    # genai-prices calls Gemini's vendor "google" and xAI "x-ai": it matches our ids itself.
    assert price("gemini", "gemini-2.5-flash", 1000, 1000) is not None
    assert price("anthropic", "claude-sonnet-4-5", 1000, 1000) is not None


def test_estimate_tokens() -> None:
    assert [estimate_tokens(t) for t in ("", "a", "abcd", "abcde")] == [0, 1, 1, 2]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("0", "$0"), ("0.00045", "$0.00045"), ("0.0000405", "$0.000041"), ("0.0099", "$0.0099"),
        ("0.0123456", "$0.0123"), ("1.5", "$1.50"), ("12.345", "$12.35"),
        ("0.000000412", "$0.00000041"),
    ],
)  # fmt: skip
def test_format_usd(value: str, text: str) -> None:
    assert format_usd(Decimal(value)) == text


def test_prices_never_touch_the_network() -> None:
    """In a fresh interpreter where every connection attempt fails loudly."""
    script = (
        "import socket\n"
        "def refuse(*args, **kwargs):\n"
        "    raise AssertionError('network access')\n"
        "socket.socket.connect = socket.socket.connect_ex = refuse\n"
        "socket.create_connection = socket.getaddrinfo = refuse\n"
        "from app.core.pricing import answer_cost\n"
        "cost = answer_cost('openai', 'gpt-4o-mini', {'prompt_tokens': 1000, "
        "'completion_tokens': 500})\n"
        "from genai_prices import data_snapshot\n"
        "assert not data_snapshot.get_snapshot().from_auto_update\n"
        "print(cost)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "$0.00045"
