"""Youths as the conversation knows them: who has consented, under which notice.

A youth row exists only once they gave consent (DESIGN.md §9): before that the
conversation state holds their language and nothing else.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from core.models import Youth

# Bump when the privacy notice changes: every youth is asked to consent again.
CONSENT_VERSION = 1


async def load_youth(session: AsyncSession, youth_id: int | None) -> Youth | None:
    if youth_id is None:
        return None
    return await session.get(Youth, youth_id)


def has_current_consent(youth: Youth | None) -> bool:
    return youth is not None and youth.consent_version == CONSENT_VERSION
