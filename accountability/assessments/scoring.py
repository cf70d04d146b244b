"""The score sheet of the yearly assessment (年度考核): its rows, how the data rows are measured and
scored, the deductions (扣分标准) and the grade. All weights and thresholds are stated here once;
the page, the workbook and the PDF print `standard_text()`.

Rows come from the unit's 目标责任书 items (accountability/items.py) with their weights, or the
county's default items (accountability/defaults.py) where it has none:
- control items (≤ N): full weight when the year's use (accountability/indicators/usage.py) is
  within the limit, else 0; shown "4/5人";
- 隐患整改率, 重大事故隐患整改率, 企业检查覆盖率 (through inspections.ports) and 专项行动报表按时报送率
  (through campaigns.selectors): full weight when the measured rate reaches the target, else
  weight × measured / target, two decimals; 100% when there was nothing to measure;
- 安全培训覆盖率 and the unit's own targets: scored by hand (0 to the weight, with a note and
  evidence). A department has no accidents or hazards of its own area, so its control and hazard
  items are scored by hand too.
Deductions, from the data: overdue hazards still open at the year's end, letters and pledges its
enterprises have not signed, 约谈 it received in the year. Total: the sum, held within 0–100.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability import items as letter_items
from accountability.assessments import veto as veto_rule
from accountability.defaults import default_fields
from accountability.indicators.usage import Usage, usage_for, year_bounds
from accountability.models import Assessment, AssessmentItem, Grade, Letter, LetterTemplate, Summons
from campaigns.selectors import unit_report_timeliness
from inspections.ports import CoverageFact, RectificationFact, inspection_coverage_facts, rectification_facts

Source = AssessmentItem.Source
CENT = Decimal("0.01")
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class Deduction:
    key: str
    label: str
    each: Decimal
    most: Decimal
    unit: str


# 扣分标准: per occurrence and at most.
OVERDUE = Deduction("deduct_overdue", "年底仍未整改的逾期隐患", Decimal("0.5"), Decimal("5"), "项")
UNSIGNED = Deduction("deduct_unsigned", "辖区企业未签署的责任书、承诺书", Decimal("0.1"), Decimal("3"), "份")
SUMMONS = Deduction("deduct_summons", "本年度被约谈", Decimal("2"), Decimal("6"), "次")
DEDUCTIONS: tuple[Deduction, ...] = (OVERDUE, UNSIGNED, SUMMONS)
DEDUCTION_KEYS = frozenset(d.key for d in DEDUCTIONS)

# 等次: the lowest score of each grade (a vetoed unit is at most 良好).
GRADE_FLOORS: tuple[tuple[str, Decimal], ...] = (
    (Grade.EXCELLENT, Decimal("90")),
    (Grade.GOOD, Decimal("80")),
    (Grade.PASS, Decimal("60")),
)
# Measured from the records for a node (a department's are scored by hand).
NODE_DATA_KEYS = frozenset(
    {*(k.key for k in letter_items.CATALOGUE if k.group == letter_items.CONTROL)}
    | {"rectification_rate", "major_rectification_rate", "inspection_coverage", "campaign_reports_on_time"}
)
DEPARTMENT_DATA_KEYS = frozenset({"campaign_reports_on_time"})


def standard_text() -> str:
    """扣分标准 and 等次, as the sheet prints them."""
    parts = [
        _("%(label)s每%(unit)s扣%(each)s分，最多扣%(most)s分")
        % {"label": d.label, "unit": d.unit, "each": _n(d.each), "most": _n(d.most)}
        for d in DEDUCTIONS
    ]
    return _(
        "扣分标准：%(parts)s。总分为各项得分之和，最低0分、最高100分。等次：90分及以上为优秀，80分及以上为良好，"
        "60分及以上为合格，60分以下为不合格；一票否决的单位不得评为优秀。"
    ) % {"parts": "；".join(parts)}


def _n(value: Decimal) -> str:
    """2.00 → "2", 0.50 → "0.5"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def grade_for(score: Decimal, vetoed: bool) -> str:
    for grade, floor in GRADE_FLOORS:
        if score >= floor:
            if grade == Grade.EXCELLENT and vetoed:
                return Grade.GOOD
            return grade
    return Grade.FAIL


def clamp(total: Decimal) -> Decimal:
    return min(HUNDRED, max(Decimal("0"), total)).quantize(CENT)


def sheet_total(rows: list[AssessmentItem]) -> Decimal:
    return clamp(sum((row.score for row in rows if row.score is not None), Decimal("0")))


# Rows ------------------------------------------------------------------------------------------


@dataclass
class RowPlan:
    key: str
    label: str
    weight: Decimal
    source: str
    target: str = ""


def default_items() -> list[dict[str, Any]]:
    """The county's default sheet: the items of the default 目标责任书."""
    return letter_items.normalise(default_fields(LetterTemplate.Kind.RESPONSIBILITY, year=2000, node_name="")["items"])


def target_text(item: dict[str, Any]) -> str:
    kind = letter_items.BY_KEY.get(item["key"])
    if kind is None:
        return _("完成")
    value = _n(Decimal(str(item["value"])))
    return f"{'≤' if kind.group == letter_items.CONTROL else '≥'}{value}{kind.unit}"


def target_value(row: AssessmentItem) -> Decimal | None:
    found = re.search(r"[0-9]+(\.[0-9]+)?", row.target or "")
    return Decimal(found.group(0)) if found else None


def plan_rows(items: list[dict[str, Any]], *, department: bool) -> list[RowPlan]:
    """The sheet's rows for a unit whose letter has `items` (the defaults when empty)."""
    items = items or default_items()
    data_keys = DEPARTMENT_DATA_KEYS if department else NODE_DATA_KEYS
    rows = [
        RowPlan(
            key=item["key"],
            label=str(item.get("label") or letter_items.BY_KEY[item["key"]].label),
            weight=Decimal(str(item.get("weight") or 0)),
            source=Source.DATA if item["key"] in data_keys else Source.MANUAL,
            target=target_text(item),
        )
        for item in items
    ]
    for deduction in DEDUCTIONS:
        if department and deduction is not SUMMONS:
            continue
        rows.append(
            RowPlan(
                key=deduction.key,
                label=deduction.label,
                weight=-deduction.most,
                source=Source.DATA,
                target=_("每%(unit)s扣%(each)s分，最多扣%(most)s分")
                % {"unit": deduction.unit, "each": _n(deduction.each), "most": _n(deduction.most)},
            )
        )
    return rows


# Facts ------------------------------------------------------------------------------------------


@dataclass
class Facts:
    """What the data rows of a set of sheets of one year read, gathered in a few queries."""

    year: int
    as_of: datetime.datetime
    usage: dict[int, list[Usage]] = field(default_factory=dict)
    rectification: dict[str, RectificationFact] = field(default_factory=dict)
    coverage: dict[str, CoverageFact] = field(default_factory=dict)
    timeliness: dict[tuple[str, int], tuple[int, int]] = field(default_factory=dict)
    unsigned: dict[str, int] = field(default_factory=dict)
    summonses: dict[tuple[str, int], int] = field(default_factory=dict)


def _key(assessment: Assessment) -> tuple[str, int]:
    return ("node", assessment.node_id) if assessment.node_id else ("department", assessment.department_id)  # type: ignore[return-value]


def gather(assessments: list[Assessment], year: int, *, now: datetime.datetime | None = None) -> Facts:
    start, end = year_bounds(year)
    as_of = min(now or timezone.now(), end)
    facts = Facts(year=year, as_of=as_of)
    nodes = [a.node for a in assessments if a.node is not None]
    paths = [node.path for node in nodes]
    facts.usage = usage_for(nodes, year)
    facts.rectification = rectification_facts(node_paths=paths, since=start, until=end, as_of=as_of)
    facts.coverage = inspection_coverage_facts(node_paths=paths, since=start, until=end)
    facts.timeliness = unit_report_timeliness(
        year=year,
        as_of=timezone.localtime(as_of).date() if as_of < end else datetime.date(year + 1, 1, 1),
        node_ids=[n.pk for n in nodes],
        department_ids=[a.department_id for a in assessments if a.department_id],
    )
    if paths:
        inside = Q()
        for path in paths:
            inside |= Q(area__path__startswith=path)
        counts: dict[str, int] = defaultdict(int)
        for area_path in Letter.objects.filter(
            inside, template__year=year, enterprise__isnull=False, status=Letter.Status.ISSUED
        ).values_list("area__path", flat=True):
            for path in paths:
                if area_path.startswith(path):
                    counts[path] += 1
        facts.unsigned = dict(counts)
    # A 约谈 received is one that was held: a planned talk may still be called off.
    held = Summons.objects.filter(
        held_on__year=year,
        status__in=(Summons.Status.HELD, Summons.Status.REPORTED, Summons.Status.CLOSED),
    )
    for node_id, department_id in held.filter(
        Q(node_id__in=[n.pk for n in nodes]) | Q(department_id__in=[a.department_id for a in assessments])
    ).values_list("node_id", "department_id"):
        key = ("node", node_id) if node_id else ("department", department_id)
        facts.summonses[key] = facts.summonses.get(key, 0) + 1
    return facts


# Scoring -----------------------------------------------------------------------------------------


def _rate_score(weight: Decimal, measured: Decimal, target: Decimal | None) -> Decimal:
    if target is None or target <= 0 or measured >= target:
        return weight
    return (weight * measured / target).quantize(CENT, rounding=ROUND_HALF_UP)


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _rate_row(row: AssessmentItem, part: int, whole: int, nothing: str) -> None:
    if whole == 0:
        row.measured, row.score, row.note = "100%", row.weight, nothing
        return
    rate = _percent(part, whole)
    row.measured = f"{_n(rate)}%（{part}/{whole}）"
    row.score = _rate_score(row.weight, rate, target_value(row))
    row.note = ""


def _deduct(row: AssessmentItem, deduction: Deduction, count: int, facts_text: str) -> None:
    row.measured = f"{count}{deduction.unit}"
    row.score = -min(deduction.most, deduction.each * count).quantize(CENT)
    row.note = facts_text


def score_row(assessment: Assessment, row: AssessmentItem, facts: Facts) -> None:
    """Measure and score one data row from `facts` (manual rows are left alone)."""
    if row.source != Source.DATA:
        return
    key = row.key
    path = assessment.node.path if assessment.node is not None else ""
    if key in letter_items.BY_KEY and letter_items.BY_KEY[key].group == letter_items.CONTROL:
        usage = next((u for u in facts.usage.get(assessment.node_id or 0, []) if u.key == key), Usage(key))
        if assessment.letter_id is None and usage.source == "set" and usage.limit is not None:
            # No 目标责任书: the limit the county admin set for the node (控制指标 page) beats the default sheet's.
            row.target = target_text({"key": key, "value": usage.limit})
        limit = target_value(row)
        unit = str(letter_items.BY_KEY[key].unit)
        row.measured = f"{usage.used}/{_n(limit) if limit is not None else '—'}{unit}"
        row.score = row.weight if limit is None or usage.used <= limit else Decimal("0.00")
        row.note = _("超出控制指标") if row.score == 0 and row.weight else ""
    elif key in ("rectification_rate", "major_rectification_rate"):
        fact = facts.rectification.get(path, RectificationFact())
        if key == "rectification_rate":
            _rate_row(row, fact.closed, fact.total, _("本年度未登记隐患，按100%计"))
        else:
            _rate_row(row, fact.major_closed, fact.major_total, _("本年度未登记重大事故隐患，按100%计"))
    elif key == "inspection_coverage":
        cov = facts.coverage.get(path, CoverageFact())
        _rate_row(row, cov.inspected, cov.enterprises, _("辖区无在营企业，按100%计"))
    elif key == "campaign_reports_on_time":
        due, on_time = facts.timeliness.get(_key(assessment), (0, 0))
        _rate_row(row, on_time, due, _("本年度无到期的专项行动报表，按100%计"))
    elif key == OVERDUE.key:
        count = facts.rectification.get(path, RectificationFact()).overdue_open
        _deduct(row, OVERDUE, count, _("本年度登记、逾期未整改的隐患%(n)s项") % {"n": count})
    elif key == UNSIGNED.key:
        count = facts.unsigned.get(path, 0)
        _deduct(row, UNSIGNED, count, _("辖区企业待签署的责任书、承诺书%(n)s份") % {"n": count})
    elif key == SUMMONS.key:
        count = facts.summonses.get(_key(assessment), 0)
        _deduct(row, SUMMONS, count, _("本年度被约谈%(n)s次（不含已取消）") % {"n": count})


def apply_veto(assessment: Assessment) -> veto_rule.Veto:
    found = veto_rule.veto_for(assessment.unit, assessment.year)  # type: ignore[arg-type]
    assessment.veto_rule = found.vetoed
    assessment.veto_accidents = found.accidents
    return found
