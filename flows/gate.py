"""The consent gate: anything that stores data about a youth goes through it."""

from __future__ import annotations

from core.models import Youth
from core.youths import has_current_consent, load_youth
from flows.context import Context

ONBOARDING_FLOW = "onboarding"
# The step that opens the privacy notice (and then asks consent, age, site).
ONBOARDING_ENTRY = "notice"
# Where to come back once consent is given: "<flow>.<step>", kept in state data.
RESUME_KEY = "onboarding.resume"


async def require_consent(ctx: Context, *, resume: tuple[str, str] | None = None) -> Youth | None:
    """The consented youth, or None after sending them through the notice and consent.

    `resume` names the step to show once they consented, so a youth who tapped
    "Prévenir mon conseiller" before consenting lands back on it.
    """
    youth = await load_youth(ctx.session, ctx.youth_id)
    if has_current_consent(youth):
        return youth
    if resume is not None:
        ctx.data[RESUME_KEY] = f"{resume[0]}.{resume[1]}"
    await ctx.go(ONBOARDING_FLOW, ONBOARDING_ENTRY)
    return None
