"""Contact requests: the rules alone, then creating and finding requests on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from core.clock import ManualClock
from core.contact import (
    MAX_MESSAGE_LENGTH,
    InvalidTopic,
    MessageTooLong,
    alert_sent_today,
    alert_topic,
    check_topic,
    clean_message,
    create_contact_request,
    is_alert,
    local_day_bounds,
    parse_situations,
    repeats_alert,
    situations_code,
)
from core.db import Database
from core.models import ContactRequest, ContactStatus
from core.safety.situations import Situation
from tests.support.factories import make_site, make_youth

PARIS = ZoneInfo("Europe/Paris")
SHELTER, FOOD, DANGER, SUICIDAL = (
    Situation.NO_SHELTER,
    Situation.NO_FOOD,
    Situation.DANGER,
    Situation.SUICIDAL,
)
MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=PARIS)


# -- messages and topics -------------------------------------------------------------


def test_a_message_up_to_the_limit_is_kept_without_surrounding_blanks() -> None:
    assert clean_message("  J’ai besoin d’aide pour mon CV.\n") == "J’ai besoin d’aide pour mon CV."
    assert clean_message("é" * MAX_MESSAGE_LENGTH) == "é" * MAX_MESSAGE_LENGTH
    assert clean_message("   ") == ""


def test_a_message_over_the_limit_is_refused_with_its_length() -> None:
    with pytest.raises(MessageTooLong) as raised:
        clean_message("a" * (MAX_MESSAGE_LENGTH + 1))
    assert raised.value.length == MAX_MESSAGE_LENGTH + 1


def test_blanks_around_a_long_message_do_not_count() -> None:
    assert len(clean_message(" " * 20 + "a" * MAX_MESSAGE_LENGTH + "\n")) == MAX_MESSAGE_LENGTH


@pytest.mark.parametrize("topic", ["", " job", "x" * 65])
def test_a_topic_is_one_to_64_characters_without_blanks_around(topic: str) -> None:
    with pytest.raises(InvalidTopic):
        check_topic(topic)


def test_a_topic_is_kept_as_given() -> None:
    assert check_topic("food_parcel") == "food_parcel"
    assert check_topic("x" * 64) == "x" * 64


# -- alert topics ----------------------------------------------------------------------


def test_an_alert_topic_names_its_situations_most_serious_first() -> None:
    assert alert_topic({SHELTER}) == "urgent:no_shelter"
    assert alert_topic({FOOD, SHELTER, DANGER}) == "urgent:danger+no_shelter+no_food"
    assert alert_topic([SUICIDAL, FOOD, DANGER, SHELTER]) == (
        "urgent:suicidal+danger+no_shelter+no_food"
    )
    assert len(alert_topic(set(Situation))) <= 64


def test_an_alert_names_at_least_one_situation() -> None:
    with pytest.raises(ValueError, match="at least one"):
        situations_code(())


@pytest.mark.parametrize(
    "situations", [{SHELTER}, {FOOD}, {DANGER, SUICIDAL}, {SHELTER, FOOD}, set(Situation)]
)
def test_a_situations_code_reads_back(situations: set[Situation]) -> None:
    assert parse_situations(situations_code(situations)) == frozenset(situations)


@pytest.mark.parametrize(
    "code",
    ["", "hungry", "no_shelter+", "no_food+no_shelter", "no_shelter+no_shelter", "NO_SHELTER"],
)
def test_anything_else_is_not_a_situations_code(code: str) -> None:
    assert parse_situations(code) is None


def test_alerts_are_told_apart_by_their_topic() -> None:
    assert is_alert("urgent:no_food")
    assert not is_alert("food_parcel")
    assert not is_alert("fajp")


# -- one alert a day ----------------------------------------------------------------


def test_the_local_day_runs_from_midnight_to_midnight_in_paris() -> None:
    start, end = local_day_bounds(datetime(2026, 11, 23, 23, 30, tzinfo=UTC), PARIS)
    # 23:30 UTC is already Tuesday 00:30 in Paris (UTC+1 in November).
    assert start == datetime(2026, 11, 24, 0, 0, tzinfo=PARIS)
    assert end == datetime(2026, 11, 25, 0, 0, tzinfo=PARIS)
    assert start.tzinfo is UTC


def test_the_local_day_of_a_daylight_saving_change_lasts_23_hours() -> None:
    start, end = local_day_bounds(datetime(2027, 3, 28, 12, 0, tzinfo=PARIS), PARIS)
    assert end - start == timedelta(hours=23)


def _alert(created_at: datetime, **overrides: object) -> ContactRequest:
    values: dict[str, object] = {
        "youth_id": 1,
        "topic": "urgent:no_shelter",
        "urgent": True,
        "status": ContactStatus.OPEN,
        "created_at": created_at,
        "updated_at": created_at,
    }
    return ContactRequest(**(values | overrides))


def test_an_open_alert_of_the_same_day_is_repeated_by_a_new_one() -> None:
    morning = MONDAY_NOON.replace(hour=0, minute=5)
    assert repeats_alert(_alert(morning), MONDAY_NOON, PARIS)
    assert repeats_alert(_alert(morning, status=ContactStatus.TAKEN), MONDAY_NOON, PARIS)
    # Another situation the same day is still the same youth needing help fast.
    assert repeats_alert(_alert(morning, topic="urgent:danger"), MONDAY_NOON, PARIS)


def test_yesterdays_alert_does_not_hold_back_todays() -> None:
    last_night = MONDAY_NOON.replace(hour=0) - timedelta(minutes=1)
    assert not repeats_alert(_alert(last_night), MONDAY_NOON, PARIS)


def test_an_alert_an_adviser_closed_does_not_hold_back_a_new_one() -> None:
    earlier = _alert(MONDAY_NOON - timedelta(hours=2), status=ContactStatus.CLOSED)
    assert not repeats_alert(earlier, MONDAY_NOON, PARIS)


def test_other_requests_of_the_day_do_not_count_as_an_alert() -> None:
    earlier = MONDAY_NOON - timedelta(hours=1)
    assert not repeats_alert(_alert(earlier, urgent=False, topic="job"), MONDAY_NOON, PARIS)
    # An urgent diagnostic request (the FAJP) says nothing of the situation now alerted.
    assert not repeats_alert(_alert(earlier, topic="fajp"), MONDAY_NOON, PARIS)


# -- stored requests (both backends) -----------------------------------------------------


async def test_a_request_is_created_open_for_the_youths_site(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        site = await make_site(session)
        youth = await make_youth(session, now, site_id=site.id)
        created = await create_contact_request(
            session,
            youth=youth,
            topic="housing",
            message="  Je dois partir.  ",
            urgent=False,
            now=now,
        )
        assert created.id is not None

    async with database.reading() as session:
        stored = (await session.scalars(select(ContactRequest))).one()
    assert (stored.youth_id, stored.site_id) == (youth.id, site.id)
    assert (stored.topic, stored.message, stored.urgent) == ("housing", "Je dois partir.", False)
    assert stored.status == ContactStatus.OPEN
    assert stored.created_at == stored.updated_at == now
    assert stored.closed_at is None
    assert stored.taken_by is None


async def test_a_youth_without_a_site_still_gets_a_request(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        youth = await make_youth(session, now)
        await create_contact_request(
            session, youth=youth, topic="urgent:danger", message="", urgent=True, now=now
        )
    async with database.reading() as session:
        stored = (await session.scalars(select(ContactRequest))).one()
    assert stored.site_id is None
    assert stored.urgent is True
    assert stored.message == ""


async def test_a_request_keeps_a_message_of_exactly_the_limit(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    message = "ü" * MAX_MESSAGE_LENGTH
    async with database.transaction() as session:
        youth = await make_youth(session, now)
        await create_contact_request(
            session, youth=youth, topic="other", message=message, urgent=False, now=now
        )
    async with database.reading() as session:
        assert (await session.scalars(select(ContactRequest))).one().message == message


async def test_a_message_too_long_or_a_bad_topic_stores_nothing(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        youth = await make_youth(session, now)
        with pytest.raises(MessageTooLong):
            await create_contact_request(
                session, youth=youth, topic="other", message="a" * 1001, urgent=False, now=now
            )
        with pytest.raises(InvalidTopic):
            await create_contact_request(
                session, youth=youth, topic="", message="", urgent=False, now=now
            )
    async with database.reading() as session:
        assert (await session.scalars(select(ContactRequest))).all() == []


async def test_todays_alert_is_found_and_not_yesterdays_nor_a_closed_one(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    yesterday = now - timedelta(days=1)
    async with database.transaction() as session:
        youth = await make_youth(session, now)
        other = await make_youth(session, now)
        assert youth.id is not None
        assert other.id is not None
        await create_contact_request(
            session, youth=youth, topic="urgent:no_food", message="", urgent=True, now=yesterday
        )
        await create_contact_request(
            session, youth=youth, topic="fajp", message="", urgent=True, now=now
        )
        await create_contact_request(
            session, youth=other, topic="urgent:danger", message="", urgent=True, now=now
        )
        assert await alert_sent_today(session, youth_id=youth.id, now=now, tz=PARIS) is None

        closed = await create_contact_request(
            session, youth=youth, topic="urgent:danger", message="", urgent=True, now=now
        )
        closed.status = ContactStatus.CLOSED
        await session.flush()
        assert await alert_sent_today(session, youth_id=youth.id, now=now, tz=PARIS) is None

        later = now + timedelta(hours=1)
        alert = await create_contact_request(
            session, youth=youth, topic="urgent:no_shelter", message="", urgent=True, now=later
        )
        found = await alert_sent_today(session, youth_id=youth.id, now=later, tz=PARIS)
        assert found is not None
        assert found.id == alert.id
        tomorrow = now + timedelta(days=1)
        assert await alert_sent_today(session, youth_id=youth.id, now=tomorrow, tz=PARIS) is None
