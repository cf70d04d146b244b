"""The ledger (隐患台账): the scoped, filtered hazard list and its Excel export.

The export streams: rows come from `values_list(...).iterator()` (no model instances) and
XlsxWriter's constant-memory workbook writes them to a file on disk, so memory stays flat at any size.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from typing import IO, Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from inspections.models import Hazard, HazardExtension, overdue_q
from inspections.scope import hazards_visible_to
from inspections.tally import hazard_aggregates, tally_counts
from safetyops.core.spreadsheets import StreamingSheet, streaming_workbook
from safetyops.orgs.models import Enterprise, Node
from safetyops.orgs.scope import Scope

LEDGER_TITLE = "隐患排查治理台账"

# The only orderings ?sort= may ask for; anything else falls back to DEFAULT_SORT.
SORTS: dict[str, tuple[str, ...]] = {
    "-registered": ("-registered_at", "-pk"),
    "registered": ("registered_at", "pk"),
    "deadline": ("deadline", "pk"),
    "-deadline": ("-deadline", "-pk"),
    "number": ("number",),
    "-number": ("-number",),
}
DEFAULT_SORT = "-registered"

# (header, column width) in the order the offices keep the ledger.
COLUMNS: list[tuple[str, float]] = [
    ("序号", 7),
    ("隐患编号", 24),
    ("企业名称", 30),
    ("统一社会信用代码", 21),
    ("所在地区", 16),
    ("行业领域", 14),
    ("隐患等级", 10),
    ("隐患类别", 15),
    ("来源", 10),
    ("隐患描述", 40),
    ("隐患部位", 16),
    ("登记时间", 17),
    ("登记人", 10),
    ("整改期限", 12),
    ("状态", 13),
    ("是否逾期", 9),
    ("逾期天数", 9),
    ("挂牌督办", 9),
    ("销号时间", 17),
]

_EXPORT_FIELDS = (
    "enterprise_id",
    "number",
    "enterprise__name",
    "enterprise__credit_code",
    "node__name",
    "node__level",
    "node__parent__name",
    "sector__name",
    "level",
    "category",
    "source",
    "description",
    "location",
    "registered_at",
    "registered_by__full_name",
    "registered_by__username",
    "deadline",
    "status",
    "listed_supervision",
    "closed_at",
)


EXPORT_CHUNK = 2000
SECTOR_AT = _EXPORT_FIELDS.index("sector__name")

OPEN_STATUS = "open"  # every status but closed (未销号)


def _local_day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def hazard_ledger_queryset(*, user: Any, filters: dict[str, Any], today: date | None = None) -> QuerySet[Hazard]:
    """The user's hazards narrowed by the ledger filter (cleaned data of LedgerFilterForm), sorted."""
    today = today or timezone.localdate()
    qs = hazards_visible_to(user)
    text = (filters.get("q") or "").strip()
    if text:
        qs = qs.filter(Q(number__icontains=text) | Q(description__icontains=text) | Q(enterprise__name__icontains=text))
    if (node := filters.get("node")) is not None:
        qs = qs.filter(node__path__startswith=node.path)
    if (sector := filters.get("sector")) is not None:
        # The sector tree has two levels: 工贸 includes 冶金, 建材 ... A hazard registered without
        # a sector counts under its enterprise's sectors.
        sector_q = Q(sector=sector) | Q(sector__parent=sector)
        enterprise_in_sector = Enterprise.sectors.through.objects.filter(
            Q(sector=sector) | Q(sector__parent=sector), enterprise_id=OuterRef("enterprise_id")
        )
        qs = qs.filter(sector_q | (Q(sector__isnull=True) & Q(Exists(enterprise_in_sector))))
    for name in ("level", "status", "source"):
        if filters.get(name) == OPEN_STATUS:
            qs = qs.exclude(status=Hazard.Status.CLOSED)
        elif filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    if (campaign := filters.get("campaign")) is not None:
        qs = qs.filter(campaign=campaign)
    if filters.get("registered_from"):
        qs = qs.filter(registered_at__gte=_local_day_start(filters["registered_from"]))
    if filters.get("registered_to"):
        qs = qs.filter(registered_at__lt=_local_day_start(filters["registered_to"] + timedelta(days=1)))
    if filters.get("overdue"):
        qs = qs.filter(overdue_q(today))
    if filters.get("listed"):
        qs = qs.filter(listed_supervision=True)
    if filters.get("extension_pending"):
        pending = HazardExtension.objects.filter(hazard=OuterRef("pk"), decision=HazardExtension.Decision.PENDING)
        qs = qs.filter(Exists(pending))
    sort = filters.get("sort")
    return qs.order_by(*SORTS[sort if sort in SORTS else DEFAULT_SORT])


@dataclass(frozen=True)
class LedgerSummary:
    total: int
    major: int
    overdue: int


def hazard_ledger_summary(
    queryset: QuerySet[Hazard], *, today: date | None = None, scope: Scope | None = None
) -> LedgerSummary:
    """Total, 重大 and overdue of the filtered ledger. With `scope` (the ledger is not filtered)
    from the per-node tally when it can answer, else in one aggregate query."""
    if scope is not None and (counts := tally_counts(scope, today=today)) is not None:
        return LedgerSummary(total=counts["total"], major=counts["major"], overdue=counts["overdue"])
    # The tally's own expressions (COUNT(*) and COUNT(1) FILTER: answered from the covering index
    # hazard_scope_counts alone), so that both ways count alike.
    counts = hazard_aggregates(today or timezone.localdate())
    row = queryset.order_by().aggregate(**{name: counts[name] for name in ("total", "major", "overdue")})
    return LedgerSummary(total=row["total"], major=row["major"], overdue=row["overdue"])


# Pages -----------------------------------------------------------------------------------------

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def cursor_for(hazard: Hazard) -> str:
    """The ledger's keyset cursor of a hazard in the default order: "<µs since 1970>_<id>"."""
    return f"{(hazard.registered_at - _EPOCH) // timedelta(microseconds=1)}_{hazard.pk}"


def _parse_cursor(value: str | None) -> tuple[datetime, int] | None:
    try:
        micros, pk = (value or "").split("_")
        return _EPOCH + timedelta(microseconds=int(micros)), int(pk)
    except (ValueError, OverflowError):
        return None


@dataclass(frozen=True)
class LedgerPage:
    page: Page
    next_cursor: str = ""
    previous_cursor: str = ""


def ledger_page(paginator: Paginator, params: Any, *, keyset: bool) -> LedgerPage:
    """The page the ledger shows. In the default order (newest first, `keyset`), "下一页" and "上一页"
    carry the first and last rows' keys (?after= / ?before=) and the next page starts right there
    (WHERE (registered_at, id) < (...)), so page 200 reached by clicking costs what page 1 does; a
    typed ?page=N without a cursor uses OFFSET. `page` is then only the number shown."""
    after, before = _parse_cursor(params.get("after")), _parse_cursor(params.get("before"))
    if not keyset or (after is None and before is None):
        page = paginator.get_page(params.get("page"))
    else:
        try:
            number = paginator.validate_number(params.get("page") or 1)
        except (PageNotAnInteger, EmptyPage):
            number = 1
        base = paginator.object_list
        if after is not None:
            at, pk = after
            # registered_at <= t as a plain range, so that the index on registered_at is walked from t.
            older = base.filter(registered_at__lte=at).exclude(registered_at=at, pk__gte=pk)
            rows = list(older[: paginator.per_page])
        else:
            at, pk = before  # type: ignore[misc]
            newer = base.filter(registered_at__gte=at).exclude(registered_at=at, pk__lte=pk)
            rows = list(newer.order_by("registered_at", "pk")[: paginator.per_page])[::-1]
        page = Page(rows, number, paginator)
    rows = list(page.object_list)
    if not keyset or not rows:
        return LedgerPage(page)
    return LedgerPage(page, next_cursor=cursor_for(rows[-1]), previous_cursor=cursor_for(rows[0]))


# Export ---------------------------------------------------------------------------------------


def ledger_export_rows(queryset: QuerySet[Hazard], *, today: date | None = None) -> Iterator[tuple[Any, ...]]:
    """One tuple of cell values per hazard, in COLUMNS order without 序号. Reads in chunks of 2,000."""
    today = today or timezone.localdate()
    levels, categories, sources, statuses = (
        {value: str(label) for value, label in choices.choices}
        for choices in (Hazard.Level, Hazard.Category, Hazard.Source, Hazard.Status)
    )
    closed = Hazard.Status.CLOSED
    rows = _with_enterprise_sectors(queryset.values_list(*_EXPORT_FIELDS).iterator(chunk_size=EXPORT_CHUNK))
    for (
        enterprise_sectors,
        _enterprise_id,
        number,
        enterprise_name,
        credit_code,
        node_name,
        node_level,
        parent_name,
        sector_name,
        level,
        category,
        source,
        description,
        location,
        registered_at,
        registrar_name,
        registrar_username,
        deadline,
        status,
        listed,
        closed_at,
    ) in rows:
        overdue_days = (today - deadline).days if status != closed and deadline < today else 0
        area = f"{parent_name}{node_name}" if node_level == Node.Level.VILLAGE and parent_name else node_name
        yield (
            number,
            enterprise_name,
            credit_code,
            area,
            sector_name or enterprise_sectors,
            levels.get(level, level),
            categories.get(category, category),
            sources.get(source, source),
            description,
            location,
            _naive_local(registered_at),
            registrar_name or registrar_username,
            deadline,
            statuses.get(status, status),
            "是" if overdue_days else "否",
            overdue_days or None,
            "是" if listed else "否",
            _naive_local(closed_at),
        )


def _with_enterprise_sectors(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """Each row with, in front, its enterprise's sectors (the names joined by 、) when the hazard has
    no sector of its own, as the ledger's sector filter counts it: one query per chunk of rows."""
    names: dict[int, str] = {}
    while chunk := list(islice(rows, EXPORT_CHUNK)):
        # A row is (enterprise_id, ..., sector__name at SECTOR_AT, ...).
        wanted = {row[0] for row in chunk if not row[SECTOR_AT] and row[0] not in names}
        if wanted:
            found: dict[int, list[str]] = {pk: [] for pk in wanted}
            links = (
                Enterprise.sectors.through.objects.filter(enterprise_id__in=wanted)
                .order_by("sector__sort_order", "sector__code")
                .values_list("enterprise_id", "sector__name")
            )
            for enterprise_id, name in links:
                found[enterprise_id].append(name)
            names.update({pk: "、".join(sector_names) for pk, sector_names in found.items()})
        for row in chunk:
            yield (names.get(row[0], ""), *row)


def _naive_local(value: datetime | None) -> datetime | None:
    # Excel has no time zones: write the wall-clock time of Asia/Shanghai.
    return timezone.localtime(value).replace(tzinfo=None) if value is not None else None


def write_ledger_xlsx(
    rows_iter: Iterable[Iterable[Any]],
    out_file: IO[bytes],
    *,
    title: str = LEDGER_TITLE,
    filter_summary: str = "",
    exported_at: datetime | None = None,
) -> int:
    """Write the ledger workbook to out_file (a file on disk, not memory) and return the row count.

    Rows are the tuples of ledger_export_rows; 序号 is added here. Dates and datetimes get formats."""
    exported_at = timezone.localtime(exported_at or timezone.now())
    workbook = streaming_workbook(out_file)
    sheet = StreamingSheet(workbook, LEDGER_TITLE)
    sheet.widths([width for _name, width in COLUMNS])
    sheet.freeze(3, 2)
    # Every str goes out as a string cell, never a formula: the filter summary quotes user text too.
    sheet.merged(title, len(COLUMNS), bold=True, font_size=16, align="center", valign="vcenter")
    sheet.merged(
        f"导出时间：{exported_at:%Y-%m-%d %H:%M}　筛选条件：{filter_summary or '全部'}",
        len(COLUMNS),
        align="left",
        valign="vcenter",
        text_wrap=True,
    )
    header = sheet.style(bold=True, bg_color="#DDE7F3", pattern=1, align="center", valign="vcenter", text_wrap=True)
    sheet.append([name for name, _width in COLUMNS], header)
    count = 0
    for count, values in enumerate(rows_iter, 1):
        sheet.append([count, *values])
    workbook.close()
    return count
