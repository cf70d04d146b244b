"""The task overview's units, drawn by Jinja2: the same HTML as Django's engine wrote, escaped the same way.

The baseline is the Django template the section had (bench/templates/bench/task_overview_rows_django.html)."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.template import Context, engines
from django.utils import translation

from bench.table_engines import HOSTILE
from campaigns.overview import Row
from campaigns.reports import State
from campaigns.templatetags.task_rows import task_overview_rows

BASELINE = Path(__file__).parents[2] / "bench" / "templates" / "bench" / "task_overview_rows_django.html"
NAME = '<script>alert("x")</script> O\'Brien & 子公司'
NAME_ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#x27;Brien &amp; 子公司"
FIGURES = ["本月检查企业数", HOSTILE[0], "宣传材料发放（份）"]


def sample_rows(count: int = 40) -> list[Row]:
    """Rows of every state, never or once or many times submitted, long and hostile text and notes."""
    states = list(State.LABELS)
    rows = []
    for i in range(count):
        versions = [0, 1, 3][i % 3]
        figures = {
            "a": {"value": str(i), "system": str(i), "note": ""},
            "b": {"value": HOSTILE[i % len(HOSTILE)], "system": "7", "note": HOSTILE[(i + 1) % len(HOSTILE)]},
        }
        rows.append(
            Row(
                report_id=500 + i,
                unit_name=f"{HOSTILE[i % len(HOSTILE)]}镇{i}" if i % 4 else NAME,
                unit_kind="node",
                area="东城区",
                state=states[i % len(states)],
                versions=versions,
                submitted_at=datetime(2026, 11, 20, 1, 30, tzinfo=UTC) + timedelta(hours=i) if versions else None,
                figures=figures if versions else {},
                text=("已完成全覆盖检查" * (i % 20)) + HOSTILE[i % len(HOSTILE)] + "Cafe\u0301" * (i % 2)
                if versions
                else "",
            )
        )
    return rows


def _cells(row: Row) -> list[tuple[str, str]]:
    # The view's cells (campaigns.views.work._cell): value, and the note when corrected; one missing.
    cells = []
    for key in ("a", "b", "c"):
        item = row.figures.get(key)
        corrected = bool(item) and item["system"] != item["value"]  # type: ignore[index]
        cells.append((item["value"], item["note"] if corrected else "") if item else ("", ""))
    return cells


def _both(rows: list[Row], figures: list[str]) -> tuple[str, str]:
    table = [(row, _cells(row)) for row in rows]
    context: dict[str, Any] = {"table": table, "rows": rows, "figures": figures}
    django = engines["django"].from_string(BASELINE.read_text()).template  # type: ignore[attr-defined]
    return str(task_overview_rows(table, rows, figures)) + "\n", str(django.render(Context(context)))


def test_generated_rows_are_the_html_django_wrote() -> None:
    rows = sample_rows()
    with translation.override("zh-hans"):
        new, old = _both(rows, FIGURES)
    assert new == old
    assert new.count("<tr>") == len(rows) + 1  # and the header's
    assert new.count('<a class="list-group-item') == len(rows)
    for label in State.LABELS.values():
        assert f">{label}</span>" in new
    assert '11-20 11:30 <span class="text-muted">第3版</span>' in new  # local time (Asia/Shanghai)
    assert "2026-11-20 10:30 报送 · 第 1 版" in new
    long = rows[19].text  # over 100 characters, cut as truncatechars cuts it
    assert len(long) > 100 and long[:90] in new and html.escape(long) not in new
    for text in HOSTILE:
        assert html.escape(text) in new
    assert "<script>" not in new


def test_no_units_says_so_in_both() -> None:
    with translation.override("zh-hans"):
        new, old = _both([], [])
    assert new == old
    assert new.count("没有您可查看的承办单位。") == 2


def test_user_text_is_escaped_as_django_escapes() -> None:
    row = sample_rows(1)[0]
    assert row.unit_name == NAME
    with translation.override("zh-hans"):
        new, _ = _both([row], [NAME])
    assert "<script>" not in new
    assert new.count(NAME_ESCAPED) == 3  # the figure's header, the unit in the table and on its card
