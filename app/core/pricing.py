"""What an answer cost, from the maintained genai-prices table (no prices written by hand).

genai-prices ships its price table inside the package. Only its ``UpdatePrices`` fetches newer
data from the network, and nothing here starts it: a price lookup never leaves the machine.

The library matches our provider ids itself (``gemini`` → Google, ``xai`` → X AI, ...); a
provider it does not know (local servers such as Ollama, a custom endpoint) or a model it has no
price for gives no cost rather than a guess. Qt-free.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

__all__ = [
    "CHARS_PER_TOKEN", "Cost", "answer_cost", "estimate_tokens", "format_usd", "price", "warm_up",
]  # fmt: skip

#: When a provider reports no usage, its token counts are guessed from the text at this rate:
#: the common rule of thumb for English. A real tokenizer would need per-model vocabularies
#: (tiktoken downloads them at run time), so the result is only ever called an estimate.
CHARS_PER_TOKEN = 4


@dataclass(frozen=True)
class Cost:
    """The price of one answer in US dollars."""

    usd: Decimal
    #: True when the provider reported no usage and the token counts were guessed from the text.
    estimated: bool

    def __str__(self) -> str:
        return f"{format_usd(self.usd)} (estimated)" if self.estimated else format_usd(self.usd)


def estimate_tokens(text: str) -> int:
    """A rough token count of ``text`` (see ``CHARS_PER_TOKEN``)."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def price(
    provider_id: str, model: str, input_tokens: int, output_tokens: int, cache_read_tokens: int = 0
) -> Decimal | None:
    """The price of these token counts at ``provider_id``'s rates for ``model``; None when the
    table knows neither (or the model has no per-token price)."""
    if not model:
        return None
    import genai_prices  # here, not at the top: its table is large and only needed for a cost

    usage = genai_prices.Usage(
        input_tokens=input_tokens, output_tokens=output_tokens,
        cache_read_tokens=cache_read_tokens or None,
    )  # fmt: skip
    try:
        result = genai_prices.calc_price(usage, model, provider_id=provider_id)
    except (LookupError, ValueError):
        return None
    return result.total_price


def warm_up() -> None:
    """Load the price table now (~0.5 s: the import and the first lookup), in a worker thread,
    so that the first answer's cost does not stall the window."""
    price("openai", "gpt-4o", 1, 1)


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def answer_cost(
    provider_id: str,
    model: str,
    usage: Mapping[str, Any] | None,
    *,
    prompt_text: str = "",
    answer_text: str = "",
) -> Cost | None:
    """The cost of one answer from the usage its provider reported (``prompt_tokens``,
    ``completion_tokens``, OpenAI's cached prompt tokens); a count the provider left out is
    estimated from ``prompt_text``/``answer_text`` and the cost is then marked as estimated."""
    usage = usage or {}
    input_tokens, output_tokens = (
        _count(usage.get("prompt_tokens")),
        _count(usage.get("completion_tokens")),
    )
    estimated = input_tokens is None or output_tokens is None
    if input_tokens is None:
        input_tokens = estimate_tokens(prompt_text)
    if output_tokens is None:
        output_tokens = estimate_tokens(answer_text)
    details = usage.get("prompt_tokens_details")
    cached = _count(details.get("cached_tokens")) if isinstance(details, Mapping) else None
    usd = price(provider_id, model, input_tokens, output_tokens, min(cached or 0, input_tokens))
    return None if usd is None else Cost(usd, estimated)


def format_usd(value: Decimal) -> str:
    """``$1.25`` from a dollar, ``$0.0123`` from a cent, two significant digits below
    (``$0.000045``), ``$0`` for a free model; halves round up, as prices are read."""
    if value <= 0:
        return "$0"
    if value >= 1:
        places = 2
    elif value >= Decimal("0.01"):
        places = 4
    else:
        places = 1 - value.adjusted()  # down to the second significant digit
    return f"${value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"
