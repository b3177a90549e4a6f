"""Every list of the panel is paginated the same way: `?page=N`, a fixed page size."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

PER_PAGE = 25


@dataclass(frozen=True, slots=True)
class Page:
    number: int
    per_page: int
    total: int = 0

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def count(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.count

    def with_total(self, total: int) -> Page:
        return Page(self.number, self.per_page, total)


def page_of(request: Request, per_page: int = PER_PAGE) -> Page:
    """The page asked for in the query string; anything odd is the first page."""
    raw = request.query_params.get("page", "1")
    number = int(raw) if raw.isdigit() and 0 < int(raw) < 1_000_000 else 1
    return Page(number, per_page)
