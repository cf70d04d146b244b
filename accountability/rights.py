"""The rights of accountability, declared to orgs in AccountabilityConfig.ready(). Who issues a
given letter (its node's officials) and who signs it (the addressee's principal) are conditions of
the steps (accountability/lifecycle.py), not rights."""

from __future__ import annotations

from enum import StrEnum

from safetyops.orgs.models import Role
from safetyops.orgs.rights import declare_rights


class AccountabilityRight(StrEnum):
    ISSUE = "accountability.issue"  # draft, issue, revise and withdraw letters and pledges
    SIGN = "accountability.sign"  # sign a letter or pledge addressed to one's unit (as its principal)
    COUNTERSIGN = "accountability.countersign"  # confirm a paper signature's scan
    EXPORT = "accountability.export"  # signing-rate workbooks, letter PDFs
    DAILY_PUBLISH = "accountability.daily.publish"  # an enterprise publishes its daily 承诺公告
    DAILY_REVIEW = "accountability.daily.review"  # confirm or dismiss a 承诺不实 flag
    DAILY_CONFIGURE = "accountability.daily.configure"  # which sectors publish daily, and by when
    ACCIDENT_REGISTER = "accountability.accident.register"  # register an accident, record casualty revisions
    ACCIDENT_MANAGE = "accountability.accident.manage"  # forward, 谎报/瞒报, investigation, responsibility, 结案
    INDICATOR_SET = "accountability.indicator.set"  # a node's control indicators where no letter gives them
    SUMMONS_ISSUE = "accountability.summons.issue"  # hold a 约谈 or 督办, record it, follow it up, close it
    SUMMONS_RESPOND = "accountability.summons.respond"  # the summoned unit submits its rectification report
    ASSESS = "accountability.assess"  # score the yearly assessment and fix the grade
    VETO_REVIEW = "accountability.veto.review"  # review a 一票否决 with a written reason


def declare() -> None:
    declare_rights(
        {
            AccountabilityRight.ISSUE: (Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICIAL),
            AccountabilityRight.SIGN: (
                Role.COUNTY_ADMIN,
                Role.TOWNSHIP_OFFICIAL,
                Role.LEADER,
                Role.DEPARTMENT_SUPERVISOR,
                Role.ENTERPRISE_USER,
            ),
            AccountabilityRight.COUNTERSIGN: (Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICIAL),
            AccountabilityRight.EXPORT: (
                Role.COUNTY_ADMIN,
                Role.TOWNSHIP_OFFICIAL,
                Role.DEPARTMENT_SUPERVISOR,
                Role.LEADER,
            ),
            AccountabilityRight.DAILY_PUBLISH: (Role.ENTERPRISE_USER,),
            AccountabilityRight.DAILY_REVIEW: (Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICIAL, Role.DEPARTMENT_SUPERVISOR),
            AccountabilityRight.DAILY_CONFIGURE: (Role.COUNTY_ADMIN,),
            AccountabilityRight.ACCIDENT_REGISTER: (Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICIAL),
            AccountabilityRight.ACCIDENT_MANAGE: (Role.COUNTY_ADMIN,),
            AccountabilityRight.INDICATOR_SET: (Role.COUNTY_ADMIN,),
            AccountabilityRight.SUMMONS_ISSUE: (Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICIAL),
            AccountabilityRight.SUMMONS_RESPOND: (
                Role.TOWNSHIP_OFFICIAL,
                Role.DEPARTMENT_SUPERVISOR,
                Role.ENTERPRISE_USER,
            ),
            AccountabilityRight.ASSESS: (Role.COUNTY_ADMIN,),
            AccountabilityRight.VETO_REVIEW: (Role.COUNTY_ADMIN,),
        }
    )
