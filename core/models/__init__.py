"""The domain's tables. Import models from here; `metadata` is what migrations compare with."""

from sqlmodel import SQLModel

from core.models.conversation import ConversationState, ProcessedUpdate
from core.models.enums import (
    ACTIVE_BOOKING_STATUSES,
    BookingStatus,
    CancelledBy,
    Confirmation,
    ContactStatus,
    Modality,
    OutboxKind,
    OutboxStatus,
    SlotKind,
    SlotStatus,
    StaffRole,
)
from core.models.outbox import Reminder
from core.models.people import LoginAttempt, Partner, Place, Site, StaffSite, StaffUser, Youth
from core.models.records import (
    AuditEntry,
    ContactRequest,
    DiagnosticResult,
    SatisfactionAnswer,
)
from core.models.scheduling import Booking, Slot, SlotSeries
from core.models.tallies import (
    BookingCounts,
    DatedChange,
    SlotFailureTally,
    SlotTally,
    SlotTallyChange,
    TallyGeneration,
    WeekFailureTally,
    WeekNewYouths,
    WeekSatisfaction,
    WeekTally,
)

metadata = SQLModel.metadata

__all__ = [
    "ACTIVE_BOOKING_STATUSES",
    "AuditEntry",
    "Booking",
    "BookingCounts",
    "BookingStatus",
    "CancelledBy",
    "Confirmation",
    "ContactRequest",
    "ContactStatus",
    "ConversationState",
    "DatedChange",
    "DiagnosticResult",
    "LoginAttempt",
    "Modality",
    "OutboxKind",
    "OutboxStatus",
    "Partner",
    "Place",
    "ProcessedUpdate",
    "Reminder",
    "SatisfactionAnswer",
    "Site",
    "Slot",
    "SlotFailureTally",
    "SlotKind",
    "SlotSeries",
    "SlotStatus",
    "SlotTally",
    "SlotTallyChange",
    "StaffRole",
    "StaffSite",
    "StaffUser",
    "TallyGeneration",
    "WeekFailureTally",
    "WeekNewYouths",
    "WeekSatisfaction",
    "WeekTally",
    "Youth",
    "metadata",
]
