"""The conversation engine: one event in, the replies out, the state saved in between.

For each event the engine, in one database transaction:
1. drops a Telegram redelivery (the update id is recorded in the same transaction);
2. reads the user's state and picks the locale;
3. ignores the second tap of a double tap;
4. routes the event (interceptors first, then commands, buttons, text, the rest);
5. saves the state against the version it read (on SQLite, only if it changed).

A user's events run one at a time in this process (a keyed lock); another
process touching the same user makes the save fail, and the event is re-run on
fresh state. So is an event whose transaction lost a race with another one: a
deadlock or serialization failure, or a unique index that another process's
insert got to first (two taps on "Réserver" reaching two processes). Whatever
a handler raises, the youth gets a kind answer and the state is left as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import DBAPIError, IntegrityError

from core.clock import Clock
from core.config import Settings
from core.db import Database, lost_a_race
from core.i18n import Catalogs, Text, match_locale
from flows import notices
from flows.context import Context
from flows.events import Event, EventKind
from flows.locks import KeyedLock
from flows.replies import MAX_BUTTON_ID_BYTES, Outcome, Reply
from flows.routing import MENU_PREFIX, Flow, Routes
from flows.state import (
    SavedState,
    StateConflict,
    claim_and_load,
    load_state,
    save_state,
    unchanged_since_read,
)

log = logging.getLogger("passerelle.engine")

# The first run and up to three re-runs after another process saved first.
MAX_ATTEMPTS = 4
# Two taps on the same button this close together are one intention: phones and
# impatient thumbs send both, and the second must not answer again.
DOUBLE_TAP_WINDOW = timedelta(seconds=3)


@dataclass
class _Progress:
    locale: str


class ConversationEngine:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        settings: Settings,
        catalogs: Catalogs,
        flows: Sequence[Flow],
    ) -> None:
        self._database = database
        self._clock = clock
        self._settings = settings
        self._routes = Routes(flows)
        self._locks = KeyedLock()
        self.locales: tuple[str, ...] = catalogs.locales
        self.default_locale = settings.default_locale
        if settings.default_locale not in self.locales:
            raise ValueError(f"no catalogue for the default locale {settings.default_locale!r}")

    def commands(self, locale: str) -> list[tuple[str, Text]]:
        """Commands to list in `locale`, for Telegram's command menu (`setMyCommands`)."""
        return self._routes.described_commands(locale)

    async def handle(self, event: Event) -> Outcome:
        """Handle one event; never raises (but lets cancellation through)."""
        progress = _Progress(self._pick_locale(None, event))
        ids = {"user_id": event.user_id, "update_id": event.update_id}
        async with self._locks.hold(event.user_id):
            for attempt in range(1, MAX_ATTEMPTS + 1):
                try:
                    return await self._attempt(event, progress)
                except DBAPIError as error:
                    if not (isinstance(error, IntegrityError) or lost_a_race(error)):
                        return _failed(event, progress.locale, retry_later=True)
                    log.info(
                        "Update %s of user %s lost a race in the database; re-running (attempt %s)",
                        event.update_id,
                        event.user_id,
                        attempt,
                        extra=ids,
                    )
                except StateConflict:
                    log.info(
                        "State of user %s changed elsewhere; re-running update %s (attempt %s)",
                        event.user_id,
                        event.update_id,
                        attempt,
                        extra=ids,
                    )
                except (OSError, TimeoutError):
                    # The database could not be reached: nothing was stored.
                    return _failed(event, progress.locale, retry_later=True)
                except Exception:
                    return _failed(event, progress.locale)
        log.error(
            "Gave up on update %s of user %s after %s conflicting saves",
            event.update_id,
            event.user_id,
            MAX_ATTEMPTS,
            extra=ids,
        )
        return _failure(progress.locale, retry_later=True)

    async def _attempt(self, event: Event, progress: _Progress) -> Outcome:
        now = self._clock.now()
        async with self._database.transaction() as session:
            if event.update_id is None:
                state = await load_state(session, event.user_id)
            else:
                claimed = await claim_and_load(session, event.update_id, event.user_id, now)
                if claimed is None:
                    return Outcome(progress.locale)
                state = claimed
            progress.locale = self._pick_locale(state, event)
            if _is_double_tap(event, state, now):
                return Outcome(progress.locale)
            context = Context(
                event=event,
                session=session,
                now=now,
                settings=self._settings,
                state=state,
                locale=progress.locale,
                locales=self.locales,
                routes=self._routes,
            )
            await self._route(context)
            replies = context.finish()
            _remember(state, context)
            if not unchanged_since_read(session, state):
                await save_state(session, state, now)
            return Outcome(context.locale, replies)

    def _pick_locale(self, state: SavedState | None, event: Event) -> str:
        if state is not None and state.locale in self.locales:
            return state.locale
        suggested = match_locale(event.language_code, self.locales)
        return suggested or self._settings.default_locale

    async def _route(self, context: Context) -> None:
        for interceptor in self._routes.interceptors:
            if await interceptor(context):
                return
        event = context.event
        if event.kind is EventKind.COMMAND:
            command = self._routes.commands.get(event.name)
            if command is None:
                await context.show_menu(notices.UNKNOWN_COMMAND)
            else:
                await command.handler(context)
        elif event.kind is EventKind.BUTTON:
            await self._on_button(context)
        elif event.kind is EventKind.TEXT:
            step = context.current_step
            if step is not None and step.on_text is not None:
                await step.on_text(context)
            else:
                await context.reshow(notices.NOT_UNDERSTOOD)
        else:
            await context.reshow(notices.UNSUPPORTED)

    async def _on_button(self, context: Context) -> None:
        button_id = context.event.name
        prefix, _, rest = button_id.partition(":")
        if prefix == MENU_PREFIX:
            entry = self._routes.menu_entry(rest)
            if entry is None:
                await context.reject_button()
            else:
                await entry.open(context)
            return
        route = self._routes.buttons.get(prefix)
        if route is None or not (route.standalone or button_id in context.offered):
            await context.reject_button()
            return
        await route.handler(context)


def _is_double_tap(event: Event, state: SavedState, now: datetime) -> bool:
    return (
        event.kind is EventKind.BUTTON
        and state.last_button == event.name
        and state.updated_at is not None
        and now - state.updated_at <= DOUBLE_TAP_WINDOW
    )


def _remember(state: SavedState, context: Context) -> None:
    """Record which buttons are live now, and the button just handled."""
    if context.keyboard_shown is not None:
        state.offered = list(dict.fromkeys(context.keyboard_shown))
    elif context.moved:
        # The new step showed no keyboard: the old one's buttons belong to the past.
        state.offered = []
    event = context.event
    fits = len(event.name.encode()) <= MAX_BUTTON_ID_BYTES
    state.last_button = event.name if event.kind is EventKind.BUTTON and fits else None


def _failed(event: Event, locale: str, *, retry_later: bool = False) -> Outcome:
    """Log the exception being handled with the update's ids; the kind answer."""
    log.exception(
        "Event failed for user %s (update %s)",
        event.user_id,
        event.update_id,
        extra={"user_id": event.user_id, "update_id": event.update_id},
    )
    return _failure(locale, retry_later=retry_later)


def _failure(locale: str, *, retry_later: bool = False) -> Outcome:
    return Outcome(locale, [Reply(notices.SOMETHING_WENT_WRONG)], retry_later=retry_later)
