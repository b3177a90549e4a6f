"""What the staff panel's reading and writing services share: site scope, pages, errors.

Scope. Every service takes `site_ids`: the sites of an adviser's account, or
None for coordinators and admins, who see every site. A row whose site is
unset (a youth who never picked a site, a slot at a partner's place with no
site, a contact request from such a youth) belongs to no other site, and
`core.contact` sends those requests to the advisers of every site, so every
adviser sees them too. Anything of another site is reported as not found,
never as forbidden, so an adviser cannot learn what exists elsewhere.

Pages. Every list the panel shows is a `Page`: the items of one page and the
total, so the panel can number its pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeAlias, TypeVar

import sqlalchemy as sa
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

SiteIds: TypeAlias = "set[int] | frozenset[int] | None"
DEFAULT_PER_PAGE = 25
# A page the panel can still render quickly, whatever a crafted URL asks for.
MAX_PER_PAGE = 200

T = TypeVar("T")


class StaffActionError(Exception):
    """A panel action refused; `code` is what the panel maps to a translated message."""

    code: ClassVar[str] = "staff_action_error"


class NotFound(StaffActionError):
    """The row does not exist, or belongs to a site outside the account's scope."""

    code = "not_found"

    def __init__(self, entity: str, entity_id: int) -> None:
        super().__init__(f"{entity} {entity_id} does not exist or is outside your sites")
        self.entity = entity
        self.entity_id = entity_id


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages there are; at least 1, so an empty list still shows one."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def page_bounds(page: int, per_page: int) -> tuple[int, int, int]:
    """The page, page size and row offset, clamped to what the panel may ask for."""
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    page = max(page, 1)
    return page, per_page, (page - 1) * per_page


def page_of(items: Sequence[T], page: int, per_page: int) -> Page[T]:
    """One page of a list already small enough to hold (a roster, aggregated rows)."""
    page, per_page, offset = page_bounds(page, per_page)
    return Page(list(items[offset : offset + per_page]), len(items), page, per_page)


async def fetch_page(
    session: AsyncSession, statement: Any, page: int, per_page: int
) -> tuple[list[Any], int, int, int]:
    """The rows of one page of `statement` (already ordered) and the total, in two queries."""
    page, per_page, offset = page_bounds(page, per_page)
    counted = sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())
    total = int(await session.scalar(counted) or 0)
    rows = list((await session.execute(statement.limit(per_page).offset(offset))).all())
    return rows, total, page, per_page


def in_scope(site_column: Any, site_ids: SiteIds) -> ColumnElement[bool]:
    """SQL: the row's site is one of `site_ids`, or unset (see the module's docstring)."""
    if site_ids is None:
        return sa.true()
    return sa.or_(site_column.is_(None), site_column.in_(sorted(site_ids)))


def site_visible(site_id: int | None, site_ids: SiteIds) -> bool:
    """`in_scope` for a row already loaded."""
    return site_ids is None or site_id is None or site_id in site_ids
