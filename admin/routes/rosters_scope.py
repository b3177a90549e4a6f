"""What the roster pages share: whose site a slot URL names, and an account's site scope."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.models import Slot
from core.staff import StaffView
from core.staff_scope import SiteIds

# `site_scoped` reads None as "not found"; a slot at a partner's place with no site is
# still there. No site has id 0, so admins (and coordinators, reading) reach it, and
# advisers, whose sites it is not, are refused.
NO_SITE = 0


async def slot_site(session: AsyncSession, params: Mapping[str, Any]) -> int | None:
    """The site of the slot the URL names, for `site_scoped`; None when it does not exist."""
    raw = str(params.get("slot_id", ""))
    if not raw.isdigit():
        return None
    slot = await session.get(Slot, int(raw))
    if slot is None:
        return None
    return slot.site_id if slot.site_id is not None else NO_SITE


def site_scope(staff: StaffView) -> SiteIds:
    """The sites a core service should scope this account to (None: every site)."""
    return None if staff.sees_all_sites else staff.site_ids
