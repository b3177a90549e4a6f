"""The closed vocabularies of the domain, stored as their string values."""

from enum import StrEnum


class SlotKind(StrEnum):
    WORKSHOP = "workshop"
    FOOD_PARCEL = "food_parcel"
    APPOINTMENT = "appointment"


class Modality(StrEnum):
    ON_SITE = "on_site"
    PHONE = "phone"


class SlotStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class BookingStatus(StrEnum):
    """Participation statuses, after RDV Service Public's."""

    BOOKED = "booked"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    EXCUSED = "excused"
    NO_SHOW = "no_show"


# A booking in one of these statuses holds (or waits for) a seat.
ACTIVE_BOOKING_STATUSES = (BookingStatus.BOOKED, BookingStatus.WAITLISTED)


class CancelledBy(StrEnum):
    YOUTH = "youth"
    STAFF = "staff"
    SYSTEM = "system"


class Confirmation(StrEnum):
    """The youth's answer to a reminder."""

    COMING = "coming"
    DECLINED = "declined"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


class OutboxKind(StrEnum):
    REMINDER = "reminder"
    WAITLIST_PROMOTION = "waitlist_promotion"
    SLOT_CANCELLED = "slot_cancelled"
    SLOT_MOVED = "slot_moved"
    NO_SHOW_FOLLOW_UP = "no_show_follow_up"
    SATISFACTION_SURVEY = "satisfaction_survey"
    STAFF_MESSAGE = "staff_message"


class ContactStatus(StrEnum):
    OPEN = "open"
    TAKEN = "taken"
    CLOSED = "closed"


class StaffRole(StrEnum):
    ADVISER = "adviser"
    COORDINATOR = "coordinator"
    ADMIN = "admin"
