"""Who hears of the yearly assessment (DOMAIN §7): when the grade is fixed, the assessed unit's
officials and leaders (a department's supervisors) hear its score, grade and any 一票否决, at once
after the commit and once (safetyops.notify's claim: once per reason, sheet and person)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accountability.models import Assessment
from safetyops.notify.rules import Due, register_reason
from safetyops.notify.services import reminders_claim
from safetyops.orgs.models import Membership, Role
from safetyops.orgs.units import ORGANISING_ROLES

REASON = "assessment_finalised"


def register_reasons() -> None:
    register_reason(REASON, str(gettext_lazy("年度考核定级（告知被考核单位）")))


def tell_assessment_finalised(assessment_id: int) -> int:
    assessment = (
        Assessment.objects.filter(pk=assessment_id, status=Assessment.Status.FINAL)
        .select_related("node", "department", "assessor")
        .first()
    )
    if assessment is None:
        return 0
    people = Membership.objects.filter(user__is_active=True).filter(
        Q(role__in=(*ORGANISING_ROLES, Role.LEADER), node_id=assessment.node_id)
        if assessment.node_id
        else Q(role=Role.DEPARTMENT_SUPERVISOR, department_id=assessment.department_id)
    )
    users = list(people.values_list("user_id", flat=True))
    body = _("%(assessor)s已确定%(unit)s%(year)s年度安全生产工作考核结果：%(score)s分，%(grade)s。") % {
        "assessor": assessment.assessor.name,
        "unit": assessment.unit_name,
        "year": assessment.year,
        "score": assessment.score,
        "grade": assessment.get_grade_display(),
    }
    if assessment.vetoed:
        body += _("因负有责任的生产安全事故，实行一票否决，不得评为优秀。")
    due = Due.of(
        assessment,
        recipients=users,
        title=_("%(year)s年度考核结果") % {"year": assessment.year},
        body=body,
        url=reverse("accountability:assessment_detail", args=[assessment.pk]),
        node_id=assessment.area_id,
    )
    return len(reminders_claim([due] if users else [], reason=REASON, day=timezone.localdate()))
