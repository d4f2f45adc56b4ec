"""Running the workbench for a team: per-user store connections and deployment checks."""

from workbench.deployment.doctor import Check, run_checks
from workbench.deployment.team import hub_environment, session_user, store_url_for

__all__ = ["Check", "hub_environment", "run_checks", "session_user", "store_url_for"]
