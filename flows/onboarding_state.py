"""What the onboarding steps share: their names, the answers kept while it runs, the way out.

The steps themselves live in `onboarding.py` (notice, age), `onboarding_consent.py`
(consent, sharing) and `onboarding_site.py` (site, arrondissement); they all go
through here so no step module imports another.
"""

from __future__ import annotations

from core.i18n import t
from core.models import Youth
from core.youths import find_youth, has_current_consent, load_youth
from flows.context import Context
from flows.gate import ONBOARDING_ENTRY, ONBOARDING_FLOW, RESUME_KEY

NAME = ONBOARDING_FLOW
NOTICE = ONBOARDING_ENTRY
AGE = "age"
OVER_25 = "over_25"
CONSENT = "consent"
SHARE = "share"
SITE = "site"
ARRONDISSEMENT = "arrondissement"
NEAREST = "nearest_site"

# Kept in the conversation only while onboarding runs, never on the youth row.
AGE_KEY = "onboarding.age"
ARRONDISSEMENT_KEY = "onboarding.arrondissement"

ALL_SET = t("✅ C’est tout bon, merci\u202f!")


async def finish(ctx: Context) -> None:
    """Back to where the youth was going when the gate stopped them, or the menu."""
    forget_answers(ctx)
    resume = ctx.data.pop(RESUME_KEY, None)
    ctx.preface(ALL_SET)
    if isinstance(resume, str):
        flow, _, step = resume.partition(".")
        try:
            await ctx.go(flow, step)
            return
        except LookupError:
            pass  # a step renamed since it was saved: the menu is the way on
    await ctx.show_menu()


async def known_youth(ctx: Context) -> Youth | None:
    """The youth row of this user, if one exists (consented to this notice or not)."""
    youth = await load_youth(ctx.session, ctx.youth_id)
    return youth or await find_youth(ctx.session, ctx.event.user_id)


async def consented_youth(ctx: Context) -> Youth | None:
    """The consented youth; None after sending them back to the notice."""
    youth = await load_youth(ctx.session, ctx.youth_id)
    if has_current_consent(youth):
        return youth
    await ctx.go(NAME, NOTICE)
    return None


def forget_answers(ctx: Context) -> None:
    ctx.data.pop(AGE_KEY, None)
    ctx.data.pop(ARRONDISSEMENT_KEY, None)
