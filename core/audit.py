"""The audit log: who changed what, with the values before and after (DESIGN.md §9).

Works inside the caller's transaction and never commits, so an entry is written
if and only if the change it describes is.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.models import AuditEntry, StaffUser

# The actor of changes made from the command line or by the system, with no staff account.
SYSTEM_ACTOR = "system"


async def record(
    session: AsyncSession,
    *,
    staff: StaffUser | None,
    action: str,
    entity: str,
    entity_id: int | str | None,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    now: datetime,
) -> AuditEntry:
    """Add one audit entry; `before` is None for a creation, `after` None for a deletion."""
    entry = AuditEntry(
        at=now,
        staff_id=staff.id if staff is not None else None,
        # The email stays readable in the log after the staff account is deleted.
        actor=staff.email if staff is not None else SYSTEM_ACTOR,
        action=action,
        entity=entity,
        entity_id="" if entity_id is None else str(entity_id),
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
    )
    session.add(entry)
    await session.flush()
    return entry
