"""Briefings' own words: the suggested text of section 7 (存在问题及下步工作), which the official
edits before publishing. The sentences of the other sections belong to the apps contributing them."""

from __future__ import annotations

from typing import Any

from safetyops.core.periods import fmt_pct

__all__ = ["fmt_pct", "suggested_section7"]


def suggested_section7(fig: dict[str, Any]) -> str:
    """A starting point for 存在问题/下步工作 that the official edits before publishing."""
    t = fig["totals"]
    problems = []
    if t["overdue"]:
        problems.append(f"逾期未整改隐患{t['overdue']}项（重大{t['overdue_major']}项），整改进度滞后。")
    if t["coverage"] is not None and t["coverage"] < 30:
        problems.append(f"检查覆盖率仅{fmt_pct(t['coverage'])}，部分企业长期未检查。")
    lagging = [u["name"] for u in fig["units"] if u["found"] and (u["rate"] or 0) < 50]
    if lagging:
        problems.append(f"{'、'.join(lagging)}隐患整改率低于50%。")
    zero = [
        u["name"] for u in fig["units"] if not u["inspections"] and not u["found"] and not u["name"].endswith("本级")
    ]
    if zero:
        problems.append(f"{'、'.join(zero)}本期无检查记录。")
    if t["open_major_end"]:
        problems.append(f"尚有重大事故隐患{t['open_major_end']}项未销号。")
    lines = ["（一）存在问题"]
    lines += [f"{i}. {p}" for i, p in enumerate(problems, 1)] or ["1. "]
    lines += ["", "（二）下步工作", "1. ", "2. "]
    return "\n".join(lines)
