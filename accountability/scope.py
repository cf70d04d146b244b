"""Who sees which letter, pledge and daily 承诺公告 (DOMAIN §1, §6). Views, exports and PDFs reach
accountability objects only through here, built on safetyops.orgs.scope.

- Templates (what a node issues): the issuing node's officials and leaders, and those of every
  node above it (the county sees the cascade below it). Supervisors and enterprises see none.
- Letters (one addressee's copy): the issuer's side sees every copy of its templates (drafts too);
  anyone else sees the issued copies addressed inside their part of the tree (units_q: a township
  the county's letters to itself, its villages and its enterprises; a supervisor its department's
  and its sectors' enterprises'; an enterprise its own).
- Accidents: the officials and leaders of the accident's node and of every node above it; a
  department supervisor those of its sectors inside its part; an enterprise its own (once registered).
- 约谈/督办: the issuing node's side (and every node above it), and the summoned unit's side
  (units_q: an enterprise its own, a township those addressed inside its part).
- Assessments: the assessor's side (and above) while scoring; the assessed unit (and the nodes
  above it) once the grade is fixed.
- Daily pledges: the enterprise scope (a township its part, a supervisor its sectors, an
  enterprise its own).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accountability.models import Accident, Assessment, DailyPledge, Letter, LetterTemplate, PledgeFlag, Summons
from safetyops.orgs.models import Role
from safetyops.orgs.scope import get_for_user, scope_for
from safetyops.orgs.units import ORGANISING_ROLES, units_q

# Who reads a node's templates: its officials and its leaders.
_TEMPLATE_ROLES = frozenset({*ORGANISING_ROLES, Role.LEADER})


def templates_visible_to(user: Any) -> QuerySet[LetterTemplate]:
    scope = scope_for(user)
    qs = LetterTemplate.objects.select_related("node")
    if scope.everything:
        return qs
    if scope.node_path is None or scope.role not in _TEMPLATE_ROLES:
        return qs.none()
    return qs.filter(node__path__startswith=scope.node_path)


def get_template_for_user(user: Any, pk: Any, *, right: str | None = None) -> LetterTemplate:
    return get_for_user(templates_visible_to(user), pk, user=user, right=right)


def letters_visible_to(user: Any) -> QuerySet[Letter]:
    scope = scope_for(user)
    qs = Letter.objects.select_related("template__node", "node", "department", "enterprise", "area")
    if scope.everything:
        return qs
    addressed = units_q(user) & ~Q(status=Letter.Status.DRAFT)
    if scope.node_path is not None and scope.role in _TEMPLATE_ROLES:
        return qs.filter(Q(template__node__path__startswith=scope.node_path) | addressed)
    return qs.filter(addressed)


def get_letter_for_user(user: Any, pk: Any, *, right: str | None = None) -> Letter:
    return get_for_user(letters_visible_to(user), pk, user=user, right=right)


def is_issuer(user: Any, template: LetterTemplate) -> bool:
    """The issuer's officials: staff of the template's own node (a superuser counts)."""
    scope = scope_for(user)
    return scope.everything or (scope.node_id == template.node_id and scope.role in ORGANISING_ROLES)


def is_principal_of(user: Any, letter: Letter) -> bool:
    """Whether `user` signs for the letter's addressee: the unit's principal (镇长 of a node, head of
    a department, 主要负责人 of an enterprise: Membership.is_principal; for an enterprise also the
    user whose name is the enterprise's recorded 主要负责人). Nobody else, not even a superuser."""
    membership = getattr(user, "membership", None) if getattr(user, "is_authenticated", False) else None
    if membership is None or not user.is_active:
        return False
    if letter.enterprise_id is not None:
        if membership.role != Role.ENTERPRISE_USER or membership.enterprise_id != letter.enterprise_id:
            return False
        principal_name = letter.enterprise.principal_name if letter.enterprise else ""
        return membership.is_principal or bool(user.full_name and user.full_name.strip() == principal_name.strip())
    if letter.department_id is not None:
        return (
            membership.role == Role.DEPARTMENT_SUPERVISOR
            and membership.department_id == letter.department_id
            and membership.is_principal
        )
    return membership.role in _TEMPLATE_ROLES and membership.node_id == letter.node_id and membership.is_principal


def daily_pledges_visible_to(user: Any) -> QuerySet[DailyPledge]:
    return DailyPledge.objects.filter(scope_for(user).enterprise_q("enterprise")).select_related("enterprise")


def get_daily_pledge_for_user(user: Any, pk: Any, *, right: str | None = None) -> DailyPledge:
    return get_for_user(daily_pledges_visible_to(user), pk, user=user, right=right)


def pledge_flags_visible_to(user: Any) -> QuerySet[PledgeFlag]:
    return PledgeFlag.objects.filter(scope_for(user).enterprise_q("pledge__enterprise")).select_related(
        "pledge__enterprise", "hazard"
    )


def get_pledge_flag_for_user(user: Any, pk: Any, *, right: str | None = None) -> PledgeFlag:
    return get_for_user(pledge_flags_visible_to(user), pk, user=user, right=right)


def accidents_visible_to(user: Any) -> QuerySet[Accident]:
    scope = scope_for(user)
    qs = Accident.objects.select_related("node", "enterprise", "sector")
    if scope.everything:
        return qs
    if scope.enterprise_id is not None:
        return qs.filter(enterprise_id=scope.enterprise_id).exclude(status=Accident.Status.DRAFT)
    if scope.node_path is None:
        return qs.none()
    in_part = qs.filter(node__path__startswith=scope.node_path)
    if scope.sector_ids is None:
        return in_part
    return in_part.filter(
        Q(sector_id__in=scope.sector_ids) | scope.enterprise_q("enterprise") & Q(enterprise__isnull=False)
    )


def get_accident_for_user(user: Any, pk: Any, *, right: str | None = None) -> Accident:
    return get_for_user(accidents_visible_to(user), pk, user=user, right=right)


def summonses_visible_to(user: Any) -> QuerySet[Summons]:
    scope = scope_for(user)
    qs = Summons.objects.select_related("issuer", "node", "department", "enterprise", "area")
    if scope.everything:
        return qs
    addressed = units_q(user)
    if scope.node_path is not None and scope.role in _TEMPLATE_ROLES:
        return qs.filter(Q(issuer__path__startswith=scope.node_path) | addressed)
    return qs.filter(addressed)


def get_summons_for_user(user: Any, pk: Any, *, right: str | None = None) -> Summons:
    return get_for_user(summonses_visible_to(user), pk, user=user, right=right)


def assessments_visible_to(user: Any) -> QuerySet[Assessment]:
    scope = scope_for(user)
    qs = Assessment.objects.select_related("assessor", "node", "department", "area", "letter")
    if scope.everything:
        return qs
    final = units_q(user) & Q(status=Assessment.Status.FINAL)
    if scope.node_path is not None and scope.role in _TEMPLATE_ROLES:
        return qs.filter(Q(assessor__path__startswith=scope.node_path) | final)
    return qs.filter(final)


def get_assessment_for_user(user: Any, pk: Any, *, right: str | None = None) -> Assessment:
    return get_for_user(assessments_visible_to(user), pk, user=user, right=right)
