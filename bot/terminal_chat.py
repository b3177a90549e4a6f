"""`python -m bot chat`: talk to the bot in a terminal, over the same engine and database.

Anyone can try the conversations without Telegram, and scripts can pipe a
conversation in, one message per line. A line that is the number of a button
shown last taps it; a line starting with "/" is a command; any other line is text.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import tzinfo
from pathlib import Path
from typing import TextIO

from core.clock import Clock, SystemClock
from core.config import PROJECT_ROOT, Settings
from core.db import make_database
from core.i18n import CatalogError, Catalogs
from flows.app import build_engine
from flows.engine import ConversationEngine
from flows.events import Event
from flows.render import RenderedReply, render_outcome, to_plain_text

DOWNLOADS = PROJECT_ROOT / "var" / "downloads"
INTRO = (
    "Passerelle terminal chat: type a message or a /command, or a button's number "
    "to tap it. Ctrl-D quits."
)


async def run_terminal_chat(
    settings: Settings,
    *,
    stdin: TextIO,
    stdout: TextIO,
    user_id: int = 1,
    clock: Clock | None = None,
    downloads: Path = DOWNLOADS,
) -> int:
    try:
        catalogs = Catalogs()
    except CatalogError as error:
        print(error, file=stdout)
        return 1
    interactive = stdin.isatty()
    database = make_database(settings.database_url)
    try:
        engine = build_engine(database, clock or SystemClock(), settings, catalogs)
        chat = TerminalChat(engine, catalogs, settings.tz, stdout, user_id, downloads)
        print(INTRO, file=stdout)
        lines = LineReader(stdin)
        if interactive:
            await chat.say("/start")
        while (line := await lines.next()) is not None:
            if not interactive and line.strip():
                print(f"> {line}", file=stdout)
            await chat.say(line)
    except (KeyboardInterrupt, asyncio.CancelledError):
        # Ctrl-C ends the chat like Ctrl-D does: it is how people leave a terminal program.
        print(file=stdout)
    finally:
        await database.dispose()
    return 0


class LineReader:
    """Lines of a blocking text stream, read in a daemon thread so the event loop keeps running.

    A daemon thread rather than the loop's executor: a terminal read never returns
    on Ctrl-C, and the executor would wait for it at shutdown.
    """

    def __init__(self, stream: TextIO) -> None:
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        def pump() -> None:
            for line in iter(stream.readline, ""):
                loop.call_soon_threadsafe(self._queue.put_nowait, line.rstrip("\r\n"))
            loop.call_soon_threadsafe(self._queue.put_nowait, None)

        threading.Thread(target=pump, name="terminal-chat-stdin", daemon=True).start()

    async def next(self) -> str | None:
        """The next line, or None at end of input."""
        return await self._queue.get()


class TerminalChat:
    def __init__(
        self,
        engine: ConversationEngine,
        catalogs: Catalogs,
        tz: tzinfo,
        out: TextIO,
        user_id: int,
        downloads: Path,
    ) -> None:
        self._engine = engine
        self._catalogs = catalogs
        self._tz = tz
        self._out = out
        self._user_id = user_id
        self._downloads = downloads
        self._choices: list[str] = []

    async def say(self, line: str) -> None:
        if not line.strip():
            return
        event = self._event_for(line.strip())
        outcome = await self._engine.handle(event)
        replies = render_outcome(outcome, self._catalogs, self._tz)
        choices = print_replies(replies, self._out, self._downloads)
        if choices:
            self._choices = choices

    def _event_for(self, line: str) -> Event:
        if line.isdigit() and 1 <= int(line) <= len(self._choices):
            return Event.button(self._user_id, self._choices[int(line) - 1])
        return Event.from_text(self._user_id, line)


def print_replies(replies: list[RenderedReply], out: TextIO, downloads: Path) -> list[str]:
    """Print replies as plain text with numbered buttons; return the button ids in number order."""
    choices: list[str] = []
    for reply in replies:
        if reply.html:
            print(reply.plain_text, file=out)
        if reply.venue is not None:
            print(f"📍 {reply.venue.title} — {reply.venue.address}", file=out)
        if reply.document is not None:
            document = reply.document
            downloads.mkdir(parents=True, exist_ok=True)
            path = downloads / Path(document.filename).name
            path.write_bytes(document.content)
            if document.caption:
                print(to_plain_text(document.caption), file=out)
            print(f"📎 {path}", file=out)
        for row in reply.keyboard:
            for button_id, label in row:
                choices.append(button_id)
                print(f"  [{len(choices)}] {label}", file=out)
        print(file=out)
    return choices
