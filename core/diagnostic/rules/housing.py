"""Housing: sleeping rough is urgent; precarious or ending housing is for this week."""

from __future__ import annotations

from core.diagnostic.domains import housing
from core.diagnostic.rules.common import P0, P1, P2, Needs, OneOf, Rule, When
from core.diagnostic.themes import Theme

# The housing workshop to search, and the youth housing services (SIJ/PAJ) behind it.
HOUSING_HELP_THIS_WEEK: Needs = ((Theme.HOUSING_SUPPORT, P1), (Theme.TEMPORARY_SHELTER, P1))

sleeps_rough = When(housing.SLEEP, housing.STREET, "sleeps_rough", ((Theme.HOMELESS, P0),))
precarious_housing = When(
    housing.SLEEP,
    (housing.FAMILY_FRIENDS, housing.HOTEL_115),
    "precarious_housing",
    HOUSING_HELP_THIS_WEEK,
)
may_have_to_leave = OneOf(
    When(housing.LEAVE, "yes", "may_have_to_leave", HOUSING_HELP_THIS_WEEK),
    When(housing.LEAVE, "unsure", "unsure_of_staying", ((Theme.HOUSING_SUPPORT, P2),)),
)
no_mail_address = When(housing.MAIL, "no", "no_mail_address", ((Theme.ADMINISTRATIVE_HELP, P2),))

RULES: tuple[Rule, ...] = (
    sleeps_rough,
    precarious_housing,
    may_have_to_leave,
    no_mail_address,
)
