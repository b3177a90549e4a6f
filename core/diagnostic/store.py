"""Keeping diagnostics: one `DiagnosticResult` per run, filled answer by answer.

A run is unfinished while `completed_at` is NULL; each answer is written to it
as soon as it is given, so a youth who stops can resume days later exactly
where they were. Completing a run stores its assessment (signals and
orientations, as `results.to_record` writes them). Starting again starts a new
run; earlier runs, finished or left halfway, stay as the youth's history.

Like the booking operations, everything here works inside the caller's
transaction and never commits: the conversation engine commits once per event.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.contact import create_contact_request
from core.diagnostic.questions import answer
from core.diagnostic.results import Assessment, assess, from_record, to_record
from core.models import ContactRequest, ContactStatus, DiagnosticResult, Youth

# The topic of the contact request that hands the diagnostic summary to the advisers.
SUMMARY_TOPIC = "diagnostic"


async def unfinished_result(session: AsyncSession, youth_id: int) -> DiagnosticResult | None:
    """The youth's run in progress: their latest run, unless it is completed.

    Only the latest run can be in progress. One left for a fresh start stays
    unfinished in the history, and is never offered to resume again.
    """
    query = (
        select(DiagnosticResult)
        .where(col(DiagnosticResult.youth_id) == youth_id)
        .order_by(col(DiagnosticResult.started_at).desc(), col(DiagnosticResult.id).desc())
        .limit(1)
    )
    latest = await session.scalar(query)
    return latest if latest is not None and latest.completed_at is None else None


async def load_result(
    session: AsyncSession, youth_id: int, result_id: int
) -> DiagnosticResult | None:
    """A run of this youth by id; None when it does not exist or belongs to someone else."""
    result = await session.get(DiagnosticResult, result_id)
    if result is None or result.youth_id != youth_id:
        return None
    return result


async def start_result(session: AsyncSession, youth_id: int, now: datetime) -> DiagnosticResult:
    """A new, empty run, which becomes the one in progress; earlier runs are left as they are.

    Runs are never deleted here: a run's id is in its buttons, and SQLite would
    give a deleted run's id to the next one, bringing its old buttons back to life.
    """
    result = DiagnosticResult(youth_id=youth_id, started_at=now)
    session.add(result)
    await session.flush()
    return result


def record_answer(result: DiagnosticResult, question_key: str, answer_key: str) -> None:
    """Keep one answer on an unfinished run (a later answer to the same question replaces it)."""
    if result.completed_at is not None:
        raise ValueError("a completed diagnostic is not changed any more")
    if answer(question_key, answer_key) is None:
        raise ValueError(f"{answer_key!r} is not an answer to {question_key!r}")
    # A new dict, not an update in place: the JSON column only notices reassignment.
    result.answers = {**result.answers, question_key: answer_key}


def complete(result: DiagnosticResult, now: datetime) -> Assessment:
    """Assess the run's answers, store the outcome and close the run."""
    if result.completed_at is not None:
        raise ValueError("this diagnostic is already completed")
    assessment = assess(result.answers)
    record = to_record(assessment)
    result.signals = record["signals"]
    result.orientations = record["orientations"]
    result.completed_at = now
    return assessment


def assessment_of(result: DiagnosticResult) -> Assessment:
    """A completed run's outcome as it was assessed then (rules may have changed since)."""
    return from_record(result.answers, result.signals, result.orientations)


async def share_with_advisers(
    session: AsyncSession, youth: Youth, now: datetime
) -> ContactRequest | None:
    """Let the advisers of the youth's site see the diagnostic, and ask them to get in touch.

    Sets `Youth.share_diagnostic` and opens a contact request on `SUMMARY_TOPIC`;
    None when such a request is still open (a second send adds nothing to the inbox).
    """
    assert youth.id is not None, "the youth must be saved"
    youth.share_diagnostic = True
    pending = select(ContactRequest).where(
        col(ContactRequest.youth_id) == youth.id,
        col(ContactRequest.topic) == SUMMARY_TOPIC,
        col(ContactRequest.status) != ContactStatus.CLOSED,
    )
    if await session.scalar(pending.limit(1)) is not None:
        return None
    return await create_contact_request(
        session, youth=youth, topic=SUMMARY_TOPIC, message="", urgent=False, now=now
    )
