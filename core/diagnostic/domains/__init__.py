"""The questions of the diagnostic, one module per domain of DESIGN.md §4 (data only)."""

from core.diagnostic.domains.digital import DIGITAL
from core.diagnostic.domains.family import FAMILY
from core.diagnostic.domains.health import HEALTH
from core.diagnostic.domains.housing import HOUSING
from core.diagnostic.domains.job import JOB
from core.diagnostic.domains.mobility import MOBILITY
from core.diagnostic.domains.money import MONEY
from core.diagnostic.domains.rights import RIGHTS
from core.diagnostic.domains.safety import SAFETY

# The order in which they are offered, and the order of results of equal priority.
DOMAINS = (HOUSING, MONEY, RIGHTS, HEALTH, DIGITAL, JOB, FAMILY, MOBILITY)

__all__ = ["DOMAINS", "SAFETY"]
