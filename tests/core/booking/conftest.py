"""The booking service under test, on the parametrized database and the manual clock."""

from __future__ import annotations

import pytest

from core.booking import BookingService
from core.clock import ManualClock
from core.config import Settings
from core.db import Database
from tests.core.booking.rows import BookingRows


@pytest.fixture
def service(database: Database, clock: ManualClock, settings: Settings) -> BookingService:
    return BookingService(database, clock, settings)


@pytest.fixture
def rows(database: Database, clock: ManualClock) -> BookingRows:
    return BookingRows(database, clock)
