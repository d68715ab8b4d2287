"""A child process for the crash tests: streams one answer into a history, then waits forever.

``python -m tests.app.answer_child HISTORY BASE_URL`` (``OPENAI_API_KEY`` set): a real
``ChatSession`` with a real ``History`` asks the loopback OpenAI server; the test kills it with
SIGKILL and reads what reached the disk. Prints ``text <seconds> <chunk>`` per chunk received.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from app.core.history import History
from app.core.session import ChatSession, RequestConfig, SessionListener
from providers.registry import get_provider


class Printer(SessionListener):
    def text_received(self, index: int, text: str) -> None:
        print("text", f"{time.time():.3f}", text.replace("\n", " "), flush=True)


async def no_secrets(provider: object, provider_id: str) -> dict[str, str]:
    return {}  # the provider finds OPENAI_API_KEY itself


async def main(path: Path, base_url: str) -> None:
    config = RequestConfig(
        provider=get_provider("openai"), provider_id="openai", model="gpt-4o-mini",
        base_url=base_url,
    )  # fmt: skip
    session = ChatSession(
        config, listener=Printer(), secret_lookup=no_secrets, history=History(path)
    )
    session.send("go")
    print("sent", flush=True)
    await asyncio.Event().wait()  # until killed


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), sys.argv[2]))
