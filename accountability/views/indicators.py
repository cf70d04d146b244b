"""The control-indicator pages: the year's usage per node, and the county admin's limits form.

The usage page is the officials' and leaders' (accountability/indicators/selectors.py says who);
setting a limit is INDICATOR_SET's for a node in scope (outside: 404; without the right: 403).
"""

from __future__ import annotations

import datetime
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import engines
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accountability.errors import AccountabilityError
from accountability.indicators import selectors, services
from accountability.indicators.usage import CONTROL_KEYS
from accountability.rights import AccountabilityRight
from safetyops.core.links import PkLink
from safetyops.core.params import parse_int
from safetyops.orgs.models import User
from safetyops.orgs.scope import get_node_for_user, has_right


def _year(request: HttpRequest) -> int:
    raw = request.POST.get("year") if request.method == "POST" else request.GET.get("year")
    return parse_int(raw, services.YEAR_MIN, services.YEAR_MAX) or timezone.localdate().year


def _years() -> range:
    return range(timezone.localdate().year + 1, 2019, -1)


def indicator_rows(rows: list[selectors.NodeRow], *, year: int, can_set: bool) -> SafeString:
    """The usage page's cards, drawn by Jinja2 (templates/jinja2/accountability/_indicator_rows.html):
    a city's eleven cards of bars and accidents were most of the page's CPU in Django's engine.
    Labels are translated here, once."""
    template = engines["jinja2"].get_template("accountability/_indicator_rows.html")
    labels = {
        "set": _("设定指标"),
        "no_limit": _("%(used)s %(unit)s（未设控制指标）"),
        "source": _("来源"),
        "letter": _("目标责任书"),
        "county_set": _("县级设定"),
        "reached": _("已用完"),
        "exceeded": _("已突破"),
        "warning": _("已达80%预警"),
        "nothing": _("本年度未设控制指标，也未发生生产安全事故。"),
        "no_accidents": _("本年度未发生生产安全事故。"),
        "late": _("迟报"),
        "more": _("另有%(n)s起"),
    }
    context = {
        "rows": rows,
        "year": year,
        "can_set": can_set,
        "t": labels,
        "limits_link": PkLink.of("accountability:indicator_limits"),
        "letter_link": PkLink.of("accountability:letter_detail"),
        "accidents_of": lambda n: ngettext("本年度事故（%(n)s起）", "本年度事故（%(n)s起）", n) % {"n": n},
        "day": _day,
    }
    return mark_safe(template.render(context))  # noqa: S308 - autoescaped by Jinja2


def _day(moment: datetime.datetime) -> str:
    # As Django's {{ moment|date:"Y-m-d" }}: in the current time zone.
    return dateformat.format(timezone.localtime(moment), "Y-m-d")


@login_required
def indicators(request: HttpRequest) -> HttpResponse:
    node = selectors.viewer_node(request.user)
    year = _year(request)
    can_set = has_right(request.user, AccountabilityRight.INDICATOR_SET)
    rows = selectors.node_rows(node, year)
    return render(
        request,
        "accountability/indicators/usage.html",
        {
            "node": node,
            "year": year,
            "years": _years(),
            "rows_html": indicator_rows(rows, year=year, can_set=can_set),
        },
    )


@login_required
def indicator_limits(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request.user, pk, right=AccountabilityRight.INDICATOR_SET)
    year = _year(request)
    typed: dict[str, str] = {}
    if request.method == "POST":
        typed = {key: request.POST.get(key, "") for key in CONTROL_KEYS if key in request.POST}
        try:
            changes = services.indicator_limits_set(actor=cast(User, request.user), node=node, year=year, values=typed)
        except AccountabilityError as error:
            messages.error(request, error.message)
        else:
            if changes:
                messages.success(request, _("已保存%(node)s%(year)s年度控制指标。") % {"node": node.name, "year": year})
            else:
                messages.info(request, _("控制指标没有变化。"))
            return redirect(reverse("accountability:indicators") + f"?year={year}")
    fields = selectors.limit_fields(node, year)
    for item in fields:
        item.typed = typed.get(item.key, "" if item.value is None or item.from_letter else str(item.value))
    return render(
        request,
        "accountability/indicators/limits.html",
        {"node": node, "year": year, "years": _years(), "fields": fields},
    )
