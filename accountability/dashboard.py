"""What accountability contributes to the dashboard (registered in AccountabilityConfig.ready()):

- 责任书签署 (staff and leaders): this year's letters and pledges in the user's part of the tree,
  their signing rates, how many are unsigned and overdue, and the child nodes with the lowest rate
  (who is missing). Three small queries, then kept per scope until the next change to a letter,
  an enterprise or the node tree, or the next day (a city's subtree holds 50,000 pledges; a
  township's dashboard has a dozen cards to count).
- 待您签署 (a unit's principal, staff or enterprise): the letters and pledges waiting for their
  signature, with the sign link. On the enterprise page every user sees the enterprise's pledges
  waiting; only its principal gets the link. One query.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation

from accountability.coverage import Rate, generation, rates_by, rates_by_child
from accountability.models import Letter, LetterTemplate
from accountability.scope import is_principal_of
from accountability.selectors import addressed_to_own_unit, awaiting_signature, viewer_part
from safetyops.core.contrib import register_dashboard_card
from safetyops.orgs.models import Node
from safetyops.orgs.selectors import enterprises_version

# The rates of any office's part are kept until the next change to a letter (coverage.generation),
# an enterprise or the node tree, or the next day (overdue), and at most this long.
CACHE_SECONDS = 600
LOWEST = 3  # child nodes named as the ones missing most
WAITING = 8  # letters listed in 待您签署; the letter list has the rest


def _bar(rate: float | None) -> str:
    return f"{min(rate or 0, 100):.1f}"  # a CSS width, never localised


def _rates(node: Node, answered: QuerySet[Letter], year: int) -> dict[str, Any]:
    today = timezone.localdate()
    letters = answered.filter(template__year=year)
    by_kind = rates_by(letters, "template__kind", today=today)
    kinds = []
    for kind, label in LetterTemplate.Kind.choices:
        rate = by_kind.get(kind, Rate())
        if rate.addressed:
            kinds.append(
                {
                    "label": str(label),
                    "addressed": rate.addressed,
                    "signed": rate.signed,
                    "unsigned": rate.unsigned,
                    "overdue": rate.overdue,
                    "rate": rate.rate,
                    "bar": _bar(rate.rate),
                }
            )
    lowest: list[dict[str, Any]] = []
    if kinds:
        children = [row for row in rates_by_child(letters, node, today, own_label=node.name) if row.rate.unsigned]
        children.sort(key=lambda row: (row.rate.rate or 0, -row.rate.unsigned, row.label))
        lowest = [
            {"name": row.label, "rate": row.rate.rate, "unsigned": row.rate.unsigned} for row in children[:LOWEST]
        ]
    return {"kinds": kinds, "lowest": lowest}


def _signing_rates(page: Any) -> dict[str, Any] | None:
    scope = page.scope
    if scope.enterprise_id is not None or (scope.node_id is None and not scope.everything):
        return None
    node, answered = viewer_part(page.request.user)
    if node is None:
        return None
    today = timezone.localdate()
    key = (
        f"accountability:dashboard:{today}:{scope.cache_key}:{translation.get_language()}:"
        f"{generation()}:{enterprises_version()}"
    )
    figures = cache.get(key)
    if figures is None:
        figures = _rates(node, answered, today.year)
        cache.set(key, figures, CACHE_SECONDS)
    if not figures["kinds"]:
        return None
    return {**figures, "year": today.year, "node": node, "url": reverse("accountability:overview")}


def _waiting(page: Any) -> dict[str, Any] | None:
    user = page.request.user
    if addressed_to_own_unit(user) is None:
        return None
    letters = list(awaiting_signature(user).select_related("current_version")[: WAITING + 1])
    enterprise_page = page.scope.enterprise_id is not None
    today = timezone.localdate()
    rows = []
    for letter in letters[:WAITING]:
        mine = is_principal_of(user, letter)
        if not mine and not enterprise_page:
            continue
        rows.append(
            {
                "letter": letter,
                "mine": mine,
                "kind": letter.template.get_kind_display(),
                "issuer": letter.template.node.name,
                "due_on": letter.due_on,
                "overdue": letter.due_on is not None and letter.due_on < today,
                "sign_url": reverse("accountability:letter_sign", args=[letter.pk]) if mine else "",
                "url": reverse("accountability:letter_detail", args=[letter.pk])
                or reverse("accountability:letter_pdf", args=[letter.pk]),
            }
        )
    if not rows:
        return None
    return {"rows": rows, "more": len(letters) > WAITING, "principal": any(row["mine"] for row in rows)}


def register() -> None:
    register_dashboard_card(
        "accountability_rates", order=35, template="accountability/dashboard/rates.html", context=_signing_rates
    )
    register_dashboard_card(
        "accountability_waiting", order=5, template="accountability/dashboard/waiting.html", context=_waiting
    )
    register_dashboard_card(
        "accountability_pledges",
        order=5,
        template="accountability/dashboard/waiting.html",
        context=_waiting,
        page="enterprise",
    )
