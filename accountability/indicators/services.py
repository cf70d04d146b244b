"""Setting a node's control indicators where no 目标责任书 gives them (the county admin)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability import items as letter_items
from accountability.errors import AccountabilityError, NotPermitted
from accountability.indicators import usage
from accountability.models import IndicatorLimit
from accountability.rights import AccountabilityRight
from safetyops.core.audit import log_action
from safetyops.orgs.models import Node, User
from safetyops.orgs.scope import has_right, nodes_visible_to

YEAR_MIN, YEAR_MAX = 2000, 2100


class IndicatorError(AccountabilityError):
    """A control indicator cannot be set as asked."""


def action_labels() -> dict[str, str]:
    return {"accountability.indicator.set": _("设定控制指标")}


def _value(key: str, raw: Any) -> int | None:
    """The typed value as a limit: None when left blank (no limit), else a whole number 0..COUNT_MAX."""
    kind = letter_items.BY_KEY[key]
    text = "" if raw is None else str(raw).strip()
    if text == "":
        return None
    if text.startswith("-"):
        raise IndicatorError(_("“%(label)s”不能为负数。") % {"label": kind.label})
    if not text.isascii() or not text.isdigit():
        raise IndicatorError(_("“%(label)s”须填写不小于0的整数（如 5）。") % {"label": kind.label})
    value = int(text)
    if value > letter_items.COUNT_MAX:
        raise IndicatorError(
            _("“%(label)s”不能超过%(max)s%(unit)s。")
            % {"label": kind.label, "max": letter_items.COUNT_MAX, "unit": kind.unit}
        )
    return value


@transaction.atomic
def indicator_limits_set(*, actor: User, node: Node, year: int, values: Mapping[str, Any]) -> dict[str, Any]:
    """Set (or clear, when blank) the node's limits of the year for the control keys no letter gives.
    Every value is checked before anything is written; returns {key: (before, after)} of what changed."""
    if (
        not has_right(actor, AccountabilityRight.INDICATOR_SET)
        or not nodes_visible_to(actor).filter(pk=node.pk).exists()
    ):
        raise NotPermitted(_("只有县级管理员可以设定本辖区的控制指标。"))
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise IndicatorError(_("年度须在%(min)s至%(max)s之间。") % {"min": YEAR_MIN, "max": YEAR_MAX})
    unknown = sorted(set(values) - set(usage.CONTROL_KEYS))
    if unknown:
        raise IndicatorError(_("未知的控制指标：%(keys)s。") % {"keys": "、".join(unknown)})
    from_letters = usage.limits([node], year).get(node.pk, {})
    wanted: dict[str, int | None] = {}
    for key in usage.CONTROL_KEYS:
        if key not in values:
            continue
        value = _value(key, values[key])
        held = from_letters.get(key)
        if held is not None and held[1] == "letter":
            if value is not None and value != held[0]:
                raise IndicatorError(
                    _("“%(label)s”由目标责任书规定（%(value)s%(unit)s），以目标责任书为准，不能在此设定。")
                    % {"label": letter_items.BY_KEY[key].label, "value": held[0], "unit": letter_items.BY_KEY[key].unit}
                )
            continue
        wanted[key] = value
    existing = {row.key: row for row in IndicatorLimit.objects.select_for_update().filter(node=node, year=year)}
    changes: dict[str, Any] = {}
    for key, value in wanted.items():
        row = existing.get(key)
        before = row.value if row is not None else None
        if before == value:
            continue
        if value is None:
            assert row is not None
            row.delete()
        elif row is None:
            IndicatorLimit.objects.create(node=node, year=year, key=key, value=value, set_by=actor)
        else:
            row.value, row.set_by, row.set_at = value, actor, timezone.now()
            row.save(update_fields=["value", "set_by", "set_at"])
        changes[key] = [before, value]
    if changes:
        log_action(node, "accountability.indicator.set", actor=actor, data={"year": year, "changes": changes})
        from accountability.indicators import warnings

        transaction.on_commit(functools.partial(warnings.schedule_check, node.pk, year))
    return changes
