"""What the 责任落实 pages, the workbook and the dashboard read: the viewer's part of the tree and
the letters it answers for, the letters waiting for the user's own signature, and the overview's
figures. Every query starts from accountability/scope.py; the views only render what is here."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability import coverage
from accountability.models import Letter, LetterTemplate
from accountability.scope import is_principal_of, letters_visible_to, templates_visible_to
from safetyops.orgs.models import Node, Role
from safetyops.orgs.scope import scope_for

Status = Letter.Status
TEMPLATES_SHOWN = 50
SHARED_LEVELS = (Node.Level.CITY, Node.Level.COUNTY)
OVERVIEW_CACHE_SECONDS = 600  # and never past the next change to a letter (coverage.generation)
SEEN_SHOWN = 100


def viewer_part(user: Any) -> tuple[Node | None, QuerySet[Letter]]:
    """The node whose area the viewer answers for (their own; a superuser: the top of the tree;
    None for an enterprise) and the letters it answers for: those in scope addressed inside that
    area, not those addressed to the node itself (coverage.within). The overview, the coverage
    page, the workbook and the dashboard all count from this."""
    scope = scope_for(user)
    letters = letters_visible_to(user)
    node: Node | None = None
    if scope.enterprise_id is None:
        if scope.node_id is not None:
            node = Node.objects.get(pk=scope.node_id)
        elif scope.everything:
            node = Node.objects.filter(parent__isnull=True).order_by("code").first()
    return node, coverage.within(letters, node) if node is not None else letters


def addressed_to_own_unit(user: Any) -> Q | None:
    """Letters whose addressee is the user's own unit, the one they may sign for (None: no unit).
    An enterprise's every user sees its pledges waiting; the others only as their unit's principal."""
    membership = getattr(user, "membership", None)
    if membership is None:
        return None
    if membership.role == Role.ENTERPRISE_USER:
        return Q(enterprise_id=membership.enterprise_id)
    if not membership.is_principal:
        return None
    if membership.role == Role.DEPARTMENT_SUPERVISOR:
        return Q(department_id=membership.department_id)
    return Q(node_id=membership.node_id)


def awaiting_signature(user: Any) -> QuerySet[Letter]:
    """Issued letters addressed to the user's own unit, the nearest deadline first."""
    units = addressed_to_own_unit(user)
    if units is None:
        return Letter.objects.none()
    return letters_visible_to(user).filter(units, status=Status.ISSUED).order_by("due_on", "pk")


def to_sign(user: Any) -> list[Letter]:
    """The letters waiting for the user's own signature (they are their unit's principal)."""
    return [letter for letter in awaiting_signature(user) if is_principal_of(user, letter)]


def rates_by_template(letters: QuerySet[Letter]) -> dict[int, coverage.Rate]:
    """The signing rate of each template among `letters` (already scoped), in one grouped query."""
    return coverage.rates_by(letters, "template_id")


def enterprise_overview(user: Any, year: int, to_sign: list[Letter]) -> list[Letter]:
    """An enterprise's letters and pledges of the year: those waiting for its principal first."""
    mine = (
        letters_visible_to(user)
        .filter(template__year=year)
        .exclude(status=Status.WITHDRAWN)
        .order_by("status", "-issued_at", "pk")
    )
    signing = {letter.pk for letter in to_sign}
    return sorted(mine, key=lambda letter: (letter.pk not in signing, letter.status != Status.ISSUED))


def _office_rates(
    scope: Any, node: Node | None, this_year: QuerySet[Letter], year: int
) -> tuple[dict[Any, coverage.Rate], list[dict[str, Any]]]:
    """The rates per template and per kind (with the child nodes'). A county's or city's, counted
    over tens of thousands of copies, are kept until the next change to any letter
    (coverage.generation) and shared by the offices of the same scope."""
    shared = scope.everything or scope.node_level in SHARED_LEVELS
    key = f"accountability:overview:{year}:{timezone.localdate()}:{scope.cache_key}:{coverage.generation()}"
    if shared and (cached := cache.get(key)) is not None:
        return cached
    by_kind = coverage.rates_by(this_year, "template__kind")
    kinds = [
        {
            "kind": kind,
            "label": str(label),
            "rate": by_kind.get(kind, coverage.Rate()),
            "children": coverage.rates_by_child(this_year.filter(template__kind=kind), node, own_label=_("本级"))
            if node
            else [],
        }
        for kind, label in LetterTemplate.Kind.choices
    ]
    result = (rates_by_template(this_year), kinds)
    if shared:
        cache.set(key, result, OVERVIEW_CACHE_SECONDS)
    return result


def office_overview(user: Any, year: int) -> dict[str, Any]:
    """An office's 责任落实 home: its templates of the year with their rates, each kind's rate and
    its child nodes', the letters addressed to its node, and (a supervisor) what it sees."""
    scope = scope_for(user)
    node, answered = viewer_part(user)
    this_year = answered.filter(template__year=year)
    templates = list(
        templates_visible_to(user)
        .filter(year=year)
        .select_related("campaign")
        .order_by("node__path", "kind", "-pk")[:TEMPLATES_SHOWN]
    )
    rates, kinds = _office_rates(scope, node, this_year, year)
    received: list[Letter] = []
    if scope.node_id is not None:
        received = list(
            letters_visible_to(user)
            .filter(node_id=scope.node_id, template__year=year)
            .exclude(status__in=[Status.DRAFT, Status.WITHDRAWN])
            .select_related("signature")
            .order_by("-issued_at")
        )
    seen: list[Letter] = []
    if scope.sector_ids is not None:  # a supervisor: what is addressed to its department and sectors
        seen = list(
            letters_visible_to(user).filter(template__year=year).order_by("status", "due_on", "pk")[:SEEN_SHOWN]
        )
    return {
        "node": node,
        "templates": [(template, rates.get(template.pk, coverage.Rate())) for template in templates],
        "kinds": kinds,
        "received": received,
        "seen": seen,
    }
