"""A youth who already went through language, notice and consent, and a chat for them."""

from __future__ import annotations

from datetime import datetime

from core.clock import Clock
from core.config import Settings
from core.db import Database
from core.models import ConversationState, Youth
from core.youths import CONSENT_VERSION
from tests.support.chat import ChatSimulator, make_chat
from tests.support.factories import make_site


async def add_consented_youth(
    database: Database,
    clock: Clock,
    *,
    locale: str = "fr",
    user_id: int = 4242,
    age_group: str = "18-25",
    site_code: str = "paris-est",
) -> Youth:
    """A consented youth of a site, whose conversation sits at the main menu (no flow under way).

    For tests that drive an engine of their own; `make_consented_chat` adds the product's one.
    """
    now: datetime = clock.now()
    async with database.transaction() as session:
        site = await make_site(session, code=site_code, arrondissement=20)
        youth = Youth(
            telegram_user_id=user_id,
            display_name="Sam",
            locale=locale,
            site_id=site.id,
            consent_version=CONSENT_VERSION,
            consented_at=now,
            age_group=age_group,
            created_at=now,
            last_seen_at=now,
        )
        session.add(youth)
        await session.flush()
        session.add(
            ConversationState(user_id=user_id, youth_id=youth.id, locale=locale, updated_at=now)
        )
    return youth


async def make_consented_chat(
    database: Database,
    clock: Clock,
    settings: Settings,
    *,
    locale: str = "fr",
    user_id: int = 4242,
    age_group: str = "18-25",
    site_code: str = "paris-est",
) -> tuple[ChatSimulator, Youth]:
    """A chat at the main menu for a consented youth of a site, with no flow under way."""
    youth = await add_consented_youth(
        database,
        clock,
        locale=locale,
        user_id=user_id,
        age_group=age_group,
        site_code=site_code,
    )
    chat = make_chat(database, clock, settings, user_id=user_id)
    return chat, youth
