"""What the 责任落实 pages, the workbook and the dashboard read: the viewer's part of the tree and
the letters it answers for, the letters waiting for the user's own signature, and the overview's
figures. Every query starts from accountability/scope.py; the views only render what is here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accountability import coverage
from accountability.models import Letter, LetterTemplate
from accountability.scope import is_principal_of, letters_visible_to, templates_visible_to
from safetyops.core.pagination import KeptKeysPaginator
from safetyops.orgs.models import Node, Role
from safetyops.orgs.scope import scope_for
from safetyops.orgs.selectors import enterprises_version

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


# The 签署情况 page ------------------------------------------------------------------------------


@dataclass
class CoverageFigures:
    """The coverage page's figures of one part of the tree: its rate, its child nodes' and each
    campaign's (by campaign id; the names are read on every view)."""

    rate: coverage.Rate
    children: list[coverage.NodeRate]
    campaigns: dict[int, coverage.Rate]


COVERAGE_CACHE_SECONDS = OVERVIEW_CACHE_SECONDS


def coverage_figures(
    user: Any, letters: QuerySet[Letter], node: Node | None, *, year: int, kind: str
) -> tuple[CoverageFigures, str | None]:
    """The figures of `letters` (the viewer's part, of `year` and `kind`, inside `node`) and the key
    they are kept under. A county's or city's (tens of thousands of copies) are kept until the next
    change to any letter (coverage.generation), to an enterprise or to the node tree, or the next
    day (overdue counts by date), and shared by the offices of the same scope; None: counted now."""
    scope = scope_for(user)
    key = None
    if scope.everything or scope.node_level in SHARED_LEVELS:
        key = (
            f"accountability:coverage:{year}:{kind}:{node and node.pk}:{timezone.localdate()}:{scope.cache_key}:"
            f"{translation.get_language()}:{coverage.generation()}:{enterprises_version()}"
        )
        if (cached := cache.get(key)) is not None:
            return cached, key
    figures = CoverageFigures(
        rate=coverage.rate_of(letters),
        children=coverage.rates_by_child(letters, node, own_label=_("本级")) if node is not None else [],
        campaigns=coverage.rates_by(letters.filter(template__campaign__isnull=False), "template__campaign_id"),
    )
    if key is not None:
        cache.set(key, figures, COVERAGE_CACHE_SECONDS)
    return figures, key


def campaign_rates(figures: CoverageFigures) -> list[dict[str, Any]]:
    """Each campaign's pledges' rate with the campaign's name, by name: one query when there are any."""
    if not figures.campaigns:
        return []
    names = dict(
        LetterTemplate.objects.filter(campaign_id__in=figures.campaigns)
        .values_list("campaign_id", "campaign__name")
        .distinct()
    )
    return [
        {"name": names[pk], "rate": rate}
        for pk, rate in sorted(figures.campaigns.items(), key=lambda item: (names.get(item[0], ""), item[0]))
        if pk in names
    ]


def unsigned_pages(letters: QuerySet[Letter], figures: CoverageFigures, key: str | None, per_page: int) -> Paginator:
    """Who has not signed (coverage.unsigned), paged: the count is the figures' (the issued letters
    still waiting are those addressed and not signed), and under the figures' key each page's
    letters are sorted once and read by id on every view."""
    return KeptKeysPaginator(
        coverage.unsigned(letters).select_related("template"),
        per_page,
        count=figures.rate.unsigned,
        key=key,
        timeout=COVERAGE_CACHE_SECONDS,
    )
