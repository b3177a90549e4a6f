"""What youths and staff leave behind: contact requests, diagnostics, the audit log."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.models.enums import ContactStatus
from core.models.types import EnumText, JSONDocument, UTCDateTime


class ContactRequest(SQLModel, table=True):
    """A youth asking an adviser of their site to get in touch; urgent ones come first."""

    __tablename__ = "contact_request"
    __table_args__ = (sa.Index("ix_contact_request_inbox", "site_id", "status", "urgent"),)

    id: int | None = Field(default=None, primary_key=True)
    youth_id: int = Field(foreign_key="youth.id", ondelete="CASCADE", index=True)
    site_id: int | None = Field(default=None, foreign_key="site.id", ondelete="SET NULL")
    topic: str = Field(max_length=64)
    message: str = Field(default="", max_length=1000)
    urgent: bool = Field(default=False)
    status: ContactStatus = Field(default=ContactStatus.OPEN, sa_type=EnumText(ContactStatus))
    taken_by: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    answer: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DiagnosticResult(SQLModel, table=True):
    """One run of the self-diagnostic; earlier runs are kept as the youth's history."""

    __tablename__ = "diagnostic_result"

    id: int | None = Field(default=None, primary_key=True)
    youth_id: int = Field(foreign_key="youth.id", ondelete="CASCADE", index=True)
    started_at: datetime = Field(sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Question key -> answer key, as defined by the diagnostic's data.
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=JSONDocument)
    # [{"theme": data·inclusion code, "priority": "P0"|"P1"|"P2", ...}]
    signals: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONDocument)
    orientations: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONDocument)


class AuditEntry(SQLModel, table=True):
    """Who changed what, with the values before and after."""

    __tablename__ = "audit_entry"
    __table_args__ = (sa.Index("ix_audit_entry_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    actor: str = Field(max_length=254)
    action: str = Field(max_length=64)
    entity: str = Field(max_length=64)
    entity_id: str = Field(default="", max_length=64)
    before: dict[str, Any] | None = Field(default=None, sa_type=JSONDocument)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSONDocument)
