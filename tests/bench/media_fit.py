"""Attachments: how long a large image takes to be made ready for each vendor.

Not a pass/fail test. Builds a ~20 MB PNG of incompressible pixels (the worst case for a byte
limit) and, per vendor, times ``providers.media`` classifying it and fitting it to the vendor's
``image_limits`` (decode, downscale, re-encode, base64 check) — the work ``HttpChatProvider``
does off the event loop before a request with that image is sent.

Run:  .venv/bin/python -m tests.bench.media_fit [--runs 3] [--side 2600]
Prints one ``BENCH media_fit VENDOR ...`` line per vendor (median seconds, size sent, sides).
"""

from __future__ import annotations

import argparse
import base64
import io
import random
import statistics
import time

from PIL import Image

from providers import media
from providers.vendors.anthropic import Anthropic
from providers.vendors.gemini import Gemini
from providers.vendors.ollama import Ollama
from providers.vendors.openai import OpenAI


def noise_png(side: int) -> bytes:
    pixels = random.Random(1).randbytes(side * side * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), pixels).save(buffer, "PNG", compress_level=0)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="median of N (default 3)")
    parser.add_argument("--side", type=int, default=2600, help="square image side (default 2600)")
    args = parser.parse_args()
    data = noise_png(args.side)
    print(f"image: {args.side}x{args.side} PNG, {media.size_text(len(data))}")
    for provider in (Anthropic, OpenAI, Gemini, Ollama):
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            part = media.fit_image(media.classify(data, "big.png"), provider.image_limits)
            times.append(time.perf_counter() - started)
        sent = len(base64.b64encode(part.data))
        print(
            f"BENCH media_fit {provider.label}: {statistics.median(times):.2f} s, "
            f"{media.size_text(sent)} base64, {part.width}x{part.height} {part.mime}"
        )


if __name__ == "__main__":
    main()
