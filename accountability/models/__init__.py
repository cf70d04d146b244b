from accountability.models.daily import (
    HOT_WORK,
    SPECIAL_OPERATIONS,
    STANDARD_PLEDGE,
    DailyJudgment,
    DailyPledge,
    DailyPledgeSetting,
    PledgeFlag,
)
from accountability.models.letters import Letter, LetterTemplate, LetterVersion

__all__ = [
    "HOT_WORK",
    "SPECIAL_OPERATIONS",
    "STANDARD_PLEDGE",
    "DailyJudgment",
    "DailyPledge",
    "DailyPledgeSetting",
    "Letter",
    "LetterTemplate",
    "LetterVersion",
    "PledgeFlag",
]
