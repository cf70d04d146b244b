from accountability.models.accidents import (
    Accident,
    AccidentCategory,
    AccidentFollowUp,
    AccidentLevel,
    AccidentResponsibility,
    AccidentRevision,
    IndicatorLimit,
)
from accountability.models.assessments import Assessment, AssessmentItem, Grade
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
from accountability.models.summons import Summons, SummonsCommitment, SummonsReason

__all__ = [
    "HOT_WORK",
    "SPECIAL_OPERATIONS",
    "STANDARD_PLEDGE",
    "Accident",
    "AccidentCategory",
    "AccidentFollowUp",
    "AccidentLevel",
    "AccidentResponsibility",
    "AccidentRevision",
    "Assessment",
    "AssessmentItem",
    "DailyJudgment",
    "DailyPledge",
    "DailyPledgeSetting",
    "Grade",
    "IndicatorLimit",
    "Letter",
    "LetterTemplate",
    "LetterVersion",
    "PledgeFlag",
    "Summons",
    "SummonsCommitment",
    "SummonsReason",
]
