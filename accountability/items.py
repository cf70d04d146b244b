"""The items of a 目标责任书: control indicators (控制指标, "≤ N") and work targets (工作目标, "≥ N %"),
each with its weight in the yearly assessment (the same items the assessment scores).

An item is stored as a dict: {"key", "value", "weight"} for a catalogue item, and for a node's own
target {"key": "custom", "label", "weight"} (no value: it is met or not). `normalise` checks a list
from a form and fills the labels; `looser` says which items of a child are looser than its
parent's (a limit above the parent's, a target below it): a cascade may only tighten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accountability.errors import LetterError

CONTROL = "control"
TARGET = "target"
CUSTOM = "custom"
LABEL_MAX = 100
COUNT_MAX = 10000  # a limit on accidents or deaths beyond this is a typing slip, not a target
# A value as an official types it: ASCII digits, at most one decimal place or two; no sign, no
# exponent ("1e400"), no Unicode digits.
_PLAIN = re.compile(r"[0-9]{1,6}(\.[0-9]{1,2})?")
_WEIGHT = re.compile(r"[0-9]{1,3}")


@dataclass(frozen=True)
class ItemKind:
    key: str
    group: str  # CONTROL (a limit: ≤) or TARGET (a goal: ≥)
    label: Any
    unit: Any
    integer: bool = True
    maximum: int = COUNT_MAX

    @property
    def op(self) -> str:
        return "<=" if self.group == CONTROL else ">="


CATALOGUE: tuple[ItemKind, ...] = (
    ItemKind("industrial_accidents", CONTROL, gettext_lazy("工矿商贸生产安全事故起数"), gettext_lazy("起")),
    ItemKind("industrial_deaths", CONTROL, gettext_lazy("工矿商贸生产安全事故死亡人数"), gettext_lazy("人")),
    ItemKind("major_accidents", CONTROL, gettext_lazy("较大及以上生产安全事故起数"), gettext_lazy("起")),
    ItemKind("road_deaths", CONTROL, gettext_lazy("生产经营性道路交通事故死亡人数"), gettext_lazy("人")),
    ItemKind("fire_deaths", CONTROL, gettext_lazy("火灾事故死亡人数"), gettext_lazy("人")),
    ItemKind("rectification_rate", TARGET, gettext_lazy("隐患整改率"), "%", integer=False, maximum=100),
    ItemKind("major_rectification_rate", TARGET, gettext_lazy("重大事故隐患整改率"), "%", integer=False, maximum=100),
    ItemKind("inspection_coverage", TARGET, gettext_lazy("企业检查覆盖率"), "%", integer=False, maximum=100),
    ItemKind(
        "campaign_reports_on_time", TARGET, gettext_lazy("专项行动报表按时报送率"), "%", integer=False, maximum=100
    ),
    ItemKind("training_coverage", TARGET, gettext_lazy("安全培训覆盖率"), "%", integer=False, maximum=100),
)
BY_KEY = {kind.key: kind for kind in CATALOGUE}
# How a letter says a limit of 0 (不超过0人 is not how a 责任书 reads).
NONE_AT_ALL = {
    "industrial_accidents": gettext_lazy("不发生工矿商贸生产安全事故"),
    "industrial_deaths": gettext_lazy("不发生工矿商贸生产安全亡人事故"),
    "major_accidents": gettext_lazy("不发生较大及以上生产安全事故"),
    "road_deaths": gettext_lazy("不发生生产经营性道路交通亡人事故"),
    "fire_deaths": gettext_lazy("不发生火灾亡人事故"),
}


def _number(raw: Any, kind: ItemKind) -> int | float:
    text = str(raw).strip()
    if text.startswith("-") and _PLAIN.fullmatch(text[1:]):
        raise LetterError(_("“%(label)s”不能为负数。") % {"label": kind.label})
    if not _PLAIN.fullmatch(text):
        raise LetterError(_("“%(label)s”须填写数字（如 5 或 95.5）。") % {"label": kind.label})
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        raise LetterError(_("“%(label)s”须填写数字（如 5 或 95.5）。") % {"label": kind.label}) from None
    if value > kind.maximum:
        raise LetterError(
            _("“%(label)s”不能超过%(max)s%(unit)s。") % {"label": kind.label, "max": kind.maximum, "unit": kind.unit}
        )
    if kind.integer:
        if value != value.to_integral_value():
            raise LetterError(_("“%(label)s”须为整数。") % {"label": kind.label})
        return int(value)
    return float(round(value, 1))


def _weight(raw: Any, label: Any) -> int:
    text = str(raw if raw not in (None, "") else 0).strip()
    if text.startswith("-") and _WEIGHT.fullmatch(text[1:]):
        raise LetterError(_("“%(label)s”的考核分值须在0到100之间。") % {"label": label})
    if not _WEIGHT.fullmatch(text):
        raise LetterError(_("“%(label)s”的考核分值须为整数。") % {"label": label})
    weight = int(text)
    if weight > 100:
        raise LetterError(_("“%(label)s”的考核分值须在0到100之间。") % {"label": label})
    return weight


def normalise(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items as stored: checked, in catalogue order then the custom ones, labels filled.
    Weights, when any is given, add up to 100."""
    seen: dict[str, dict[str, Any]] = {}
    custom: list[dict[str, Any]] = []
    for raw in items:
        key = str(raw.get("key") or "")
        if key == CUSTOM:
            label = str(raw.get("label") or "").strip()
            if not label:
                continue
            if len(label) > LABEL_MAX:
                raise LetterError(_("自定义工作目标不能超过%(n)s个字。") % {"n": LABEL_MAX})
            custom.append({"key": CUSTOM, "label": label, "weight": _weight(raw.get("weight"), label)})
            continue
        kind = BY_KEY.get(key)
        if kind is None:
            raise LetterError(_("未知的指标：%(key)s。") % {"key": key[:40]})
        if key in seen:
            raise LetterError(_("“%(label)s”重复填写。") % {"label": kind.label})
        if raw.get("value") in (None, ""):
            continue
        seen[key] = {
            "key": key,
            "label": str(kind.label),
            "value": _number(raw["value"], kind),
            "weight": _weight(raw.get("weight"), kind.label),
        }
    result = [seen[kind.key] for kind in CATALOGUE if kind.key in seen] + custom
    total = sum(item["weight"] for item in result)
    if total and total != 100:
        raise LetterError(_("各项考核分值合计须为100分（现为%(total)s分）。") % {"total": total})
    return result


def looser(child: list[dict[str, Any]], parent: list[dict[str, Any]]) -> list[str]:
    """What in `child` is looser than in `parent`, as Chinese messages (empty: none). An indicator
    the parent sets must be kept (a child cannot drop a limit it was given)."""
    mine = {item["key"]: item for item in child if item["key"] != CUSTOM}
    problems = []
    for item in parent:
        kind = BY_KEY.get(item["key"])
        if kind is None:
            continue
        own = mine.get(kind.key)
        if own is None:
            problems.append(_("上级下达了“%(label)s”，下级责任书不能取消该项。") % {"label": kind.label})
        elif kind.group == CONTROL and own["value"] > item["value"]:
            problems.append(
                _("“%(label)s”不得超过上级下达的%(value)s%(unit)s。")
                % {"label": kind.label, "value": _shown(item["value"]), "unit": kind.unit}
            )
        elif kind.group == TARGET and own["value"] < item["value"]:
            problems.append(
                _("“%(label)s”不得低于上级下达的%(value)s%(unit)s。")
                % {"label": kind.label, "value": _shown(item["value"]), "unit": kind.unit}
            )
    return problems


def _shown(value: Any) -> str:
    """5 for 5 and 5.0, 95.5 for 95.5 (never float() of an int: an old value may be huge)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def describe(item: dict[str, Any]) -> str:
    """One line of the letter: "工矿商贸生产安全事故起数不超过5起"."""
    if item["key"] == CUSTOM:
        return str(item["label"])
    kind = BY_KEY[item["key"]]
    if kind.group == CONTROL:
        if item["value"] == 0:
            return str(NONE_AT_ALL[kind.key])
        return _("%(label)s不超过%(value)s%(unit)s") % {
            "label": kind.label,
            "value": _shown(item["value"]),
            "unit": kind.unit,
        }
    return _("%(label)s达到%(value)s%(unit)s以上") % {
        "label": kind.label,
        "value": _shown(item["value"]),
        "unit": kind.unit,
    }


def split(items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(control indicators, work targets incl. the custom ones)."""
    controls = [item for item in items if item["key"] in BY_KEY and BY_KEY[item["key"]].group == CONTROL]
    return controls, [item for item in items if item not in controls]


def form_rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The catalogue as form rows with the current values (for the items form)."""
    current = {item["key"]: item for item in items if item["key"] != CUSTOM}
    return [
        {
            "key": kind.key,
            "group": kind.group,
            "label": kind.label,
            "unit": kind.unit,
            "op": kind.op,
            "value": current.get(kind.key, {}).get("value", ""),
            "weight": current.get(kind.key, {}).get("weight", ""),
        }
        for kind in CATALOGUE
    ]
