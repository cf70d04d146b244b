"""Kept while the other branches of issue 10 land: import from `tests.<app>.factories` instead."""

from tests.orgs.factories import *  # noqa: F403
from tests.orgs.factories import make_credit_code, make_user  # noqa: F401
