"""The conversation engine with every flow of the product registered."""

from __future__ import annotations

from core.clock import Clock
from core.config import Settings
from core.db import Database
from core.i18n import Catalogs
from flows.booking import booking_flow
from flows.contact import contact_flow
from flows.diagnostic import diagnostic_flow
from flows.engine import ConversationEngine
from flows.follow_ups import follow_ups_flow
from flows.my_bookings import my_bookings_flow
from flows.onboarding import onboarding_flow
from flows.privacy import privacy_flow
from flows.reminders import reminders_flow
from flows.safety import safety_flow
from flows.start import start_flow


def build_engine(
    database: Database, clock: Clock, settings: Settings, catalogs: Catalogs
) -> ConversationEngine:
    flows = [
        # First, so its interceptor sees every typed message before any other.
        safety_flow(),
        start_flow(),
        booking_flow(),
        my_bookings_flow(),
        contact_flow(),
        diagnostic_flow(),
        onboarding_flow(),
        privacy_flow(),
        reminders_flow(),
        follow_ups_flow(),
    ]
    return ConversationEngine(database, clock, settings, catalogs, flows=flows)
