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
    "Accident",
    "AccidentCategory",
    "AccidentFollowUp",
    "AccidentLevel",
    "AccidentResponsibility",
    "AccidentRevision",
    "Assessment",
    "AssessmentItem",
    "Grade",
    "IndicatorLimit",
    "Summons",
    "SummonsCommitment",
    "SummonsReason",
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
