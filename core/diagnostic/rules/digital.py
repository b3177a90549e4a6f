"""Digital: equipment first (Emmaüs Connect), then skills (the digital workshop)."""

from __future__ import annotations

from core.diagnostic.domains import digital
from core.diagnostic.rules.common import P1, P2, OneOf, Rule, When
from core.diagnostic.themes import Theme

no_phone_or_data = OneOf(
    When(digital.PHONE, digital.NO_PHONE, "no_phone", ((Theme.DIGITAL_EQUIPMENT, P1),)),
    When(digital.PHONE, digital.NO_PLAN, "no_data_plan", ((Theme.INTERNET_ACCESS, P1),)),
)
no_computer = When(digital.COMPUTER, "no", "no_computer", ((Theme.DIGITAL_EQUIPMENT, P2),))
ill_at_ease_online = When(
    digital.ONLINE, ("a_bit", "no"), "ill_at_ease_online", ((Theme.ONLINE_PROCEDURES, P2),)
)

RULES: tuple[Rule, ...] = (
    no_phone_or_data,
    no_computer,
    ill_at_ease_online,
)
