"""What a handler works with: the event, the transaction, the time, the state, and the replies.

Handlers do their domain work through `session` (the event's own transaction:
call non-committing operations only) and answer by appending replies. Moving
with `go()` shows the new step; `show_menu()` returns to the main menu.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from core.config import Settings
from core.i18n import Text, match_locale
from core.youths import has_current_consent, load_youth
from flows import notices
from flows.events import Event
from flows.replies import Button, Document, Reply, Venue, keyboard
from flows.routing import Routes, Step
from flows.state import SavedState


class Context:
    def __init__(
        self,
        *,
        event: Event,
        session: AsyncSession,
        now: datetime,
        settings: Settings,
        state: SavedState,
        locale: str,
        locales: Sequence[str],
        routes: Routes,
    ) -> None:
        self.event = event
        self.session = session
        self.now = now
        self.settings = settings
        self.replies: list[Reply] = []
        self._state = state
        self._locale = locale
        self._locales = tuple(locales)
        self._routes = routes
        self._preface: list[Text] = []
        # What the engine needs to know afterwards to update `offered`.
        self.keyboard_shown: list[str] | None = None
        self.moved = False

    # -- what happened and where we are ------------------------------------

    @property
    def tz(self) -> ZoneInfo:
        return self.settings.tz

    @property
    def text(self) -> str:
        """The free text, or a command's arguments."""
        return self.event.text

    @property
    def button_args(self) -> tuple[str, ...]:
        """The parts of the tapped button id after its prefix: "rem:yes:42" → ("yes", "42")."""
        return tuple(self.event.name.split(":")[1:])

    @property
    def flow(self) -> str:
        return self._state.flow

    @property
    def step(self) -> str:
        return self._state.step

    @property
    def current_step(self) -> Step | None:
        return self._routes.step(self._state.flow, self._state.step)

    @property
    def offered(self) -> tuple[str, ...]:
        """Button ids of the last keyboard shown before this event."""
        return tuple(self._state.offered)

    @property
    def data(self) -> dict[str, Any]:
        """JSON data kept across events and flows; each flow namespaces its keys."""
        return self._state.data

    @property
    def youth_id(self) -> int | None:
        return self._state.youth_id

    @youth_id.setter
    def youth_id(self, value: int | None) -> None:
        self._state.youth_id = value

    @property
    def locale(self) -> str:
        return self._locale

    @locale.setter
    def locale(self, value: str) -> None:
        if value not in self._locales:
            raise ValueError(f"unsupported locale {value!r}")
        self._locale = self._state.locale = value

    @property
    def chosen_locale(self) -> str | None:
        """The locale the youth picked, None while only guessed from Telegram."""
        return self._state.locale

    @property
    def locales(self) -> tuple[str, ...]:
        return self._locales

    @property
    def suggested_locale(self) -> str | None:
        """The supported locale matching Telegram's language hint, if any."""
        return match_locale(self.event.language_code, self._locales)

    def described_commands(self) -> list[tuple[str, Text]]:
        """The commands to list for this youth, in their locale."""
        return self._routes.described_commands(self._locale)

    # -- answering ---------------------------------------------------------

    def reply(
        self,
        *paragraphs: Text,
        buttons: Iterable[Button | Sequence[Button]] = (),
        edit: bool = False,
        venue: Venue | None = None,
        document: Document | None = None,
    ) -> None:
        rows = keyboard(buttons)
        if self._preface:
            if venue is None and document is None:
                paragraphs = (*self._preface, *paragraphs)
            else:
                self.replies.append(Reply(tuple(self._preface)))
            self._preface.clear()
        text: Text | tuple[Text, ...] | None = None
        if paragraphs:
            text = paragraphs[0] if len(paragraphs) == 1 else tuple(paragraphs)
        self.replies.append(Reply(text, rows, edit, venue, document))
        if rows:
            ids = [button.id for row in rows for button in row]
            if self.keyboard_shown is None:
                self.keyboard_shown = []
            self.keyboard_shown.extend(ids)

    def keep_offered(self) -> None:
        """The buttons shown before this event stay live, beside those this event shows.

        This reply adds to the conversation without replacing its keyboard: an
        urgent message in the middle of a step leaves the step's buttons working.
        Buttons shown by this event, before or after the call, are live as well.
        """
        shown = self.keyboard_shown or []
        self.keyboard_shown = list(dict.fromkeys([*self.offered, *shown]))

    def say(self, *paragraphs: Text) -> None:
        """A message of text only."""
        self.reply(*paragraphs)

    def preface(self, *paragraphs: Text) -> None:
        """Paragraphs to put before the next reply, so the answer stays one message."""
        self._preface.extend(paragraphs)

    def finish(self) -> list[Reply]:
        if self._preface:
            self.replies.append(Reply(tuple(self._preface)))
            self._preface.clear()
        return self.replies

    # -- moving ------------------------------------------------------------

    async def go(self, flow: str, step: str) -> None:
        """Move to a step and show it."""
        target = self._routes.step(flow, step)
        if target is None:
            raise LookupError(f"no step {flow}.{step}")
        self._move(flow, step)
        await target.show(self)

    def leave(self) -> None:
        """Leave the current flow without showing anything."""
        self._move("", "")

    async def show_menu(self, *intro: Text) -> None:
        """The main menu; before consent, only how to begin, the language and help."""
        self.leave()
        self.preface(*intro)
        consented = has_current_consent(await load_youth(self.session, self.youth_id))
        entries = (entry for entry in self._routes.menu if entry.shown_to(consented))
        self.reply(
            notices.MENU_PROMPT,
            buttons=keyboard(Button(entry.button_id, entry.label) for entry in entries),
        )

    async def reshow(self, *intro: Text) -> None:
        """Ask the current step's question again (or show the menu outside any flow)."""
        step = self.current_step
        if step is None:
            await self.show_menu(*intro)
            return
        self.preface(*intro)
        await step.show(self)

    async def reject_button(self) -> None:
        """The kind answer to a button that no longer means anything."""
        await self.show_menu(notices.STALE_BUTTON)

    def forget_user(self) -> None:
        """Drop everything the conversation keeps about this user, after their data was erased.

        The state row itself stays (the engine saves it against the version it read),
        holding nothing: no flow, data, live buttons, youth or chosen language. This
        event's replies still render in the language they were speaking.
        """
        state = self._state
        state.flow = state.step = ""
        state.data.clear()
        state.offered = []
        state.youth_id = None
        state.locale = None
        # Buttons shown earlier in this event belong to the forgotten conversation.
        self.keyboard_shown = None
        self.moved = True

    def _move(self, flow: str, step: str) -> None:
        self._state.flow, self._state.step = flow, step
        self.moved = True
