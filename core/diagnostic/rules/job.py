"""Job and training: the goal decides between workshops and CEJ/PACEA."""

from __future__ import annotations

from core.diagnostic.domains import job
from core.diagnostic.rules.common import P1, P2, Rule, When
from core.diagnostic.themes import Theme

wants_work_fast = When(
    job.GOAL,
    job.WORK_FAST,
    "wants_work_fast",
    ((Theme.CV, P1), (Theme.JOB_INTERVIEW, P2), (Theme.SUPPORT_PATHWAY, P2)),
)
wants_training = When(job.GOAL, job.GET_TRAINING, "wants_training", ((Theme.TRAINING, P2),))
wants_apprenticeship = When(
    job.GOAL,
    job.APPRENTICESHIP,
    "wants_apprenticeship",
    ((Theme.SUPPORT_PATHWAY, P2), (Theme.CV, P2)),
)
looking_for_project = When(
    job.GOAL, job.FIND_PROJECT, "looking_for_project", ((Theme.CAREER_PROJECT, P2),)
)

RULES: tuple[Rule, ...] = (
    wants_work_fast,
    wants_training,
    wants_apprenticeship,
    looking_for_project,
)
