"""The sentences of a briefing, written from its figures in the register of a real 通报."""

from __future__ import annotations

from datetime import date
from typing import Any


def fmt_pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def day_label(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def _change(now: int, before: int) -> str:
    """环比 against the previous period; a percentage only when the base is large enough to mean something."""
    if before == 0:
        return ""
    if now == before:
        return "，与上期持平"
    if before < 10:
        return f"（上期{before}项）"
    word = "上升" if now > before else "下降"
    return f"，环比{word}{abs(now - before) / before * 100:.1f}%"


def summary_paragraph(fig: dict[str, Any]) -> str:
    """一、总体情况: one paragraph from the figures."""
    t, period, area = fig["totals"], fig["period"], fig["node"]["area_word"]
    as_of = day_label(period["end"])
    parts = [f"{period['label']}，{area}"]
    if t["inspections"]:
        parts.append(
            f"共开展安全生产检查{t['inspections']}次，检查企业{t['covered']}家，"
            f"占辖区在册企业{t['enterprises']}家的{fmt_pct(t['coverage'])}；"
        )
    else:
        parts.append(f"未录入安全生产检查记录（辖区在册企业{t['enterprises']}家）；")
    if t["found"]:
        parts.append(
            f"排查发现事故隐患{t['found']}项{_change(t['found'], t['previous_found'])}，"
            f"其中重大事故隐患{t['found_major']}项；本期发现的隐患截至{as_of}已整改销号{t['found_closed']}项，"
            f"整改率{fmt_pct(t['rate'])}。"
        )
    else:
        parts.append("本期无新发现的事故隐患。")
    parts.append(
        f"截至{as_of}，{area}尚有未销号隐患{t['open_end']}项，其中重大事故隐患{t['open_major_end']}项"
        f"（挂牌督办{t['listed_open']}项），逾期未整改隐患{t['overdue']}项。"
    )
    if t["ytd_found"]:
        parts.append(
            f"{period['end'][:4]}年以来累计排查隐患{t['ytd_found']}项，已整改{t['ytd_closed']}项，"
            f"累计整改率{fmt_pct(t['ytd_rate'])}。"
        )
    return "".join(parts)


def hazard_paragraph(fig: dict[str, Any]) -> str:
    """三、隐患排查治理: the numbers of the section's table, said in words."""
    t = fig["totals"]
    if not fig["has_data"]:
        return "本期无隐患排查数据：未录入检查记录，也未登记新的事故隐患。"
    kinds = "、".join(f"{k['kind']}{k['count']}次" for k in t["inspections_by_kind"])
    text = f"本期开展检查{t['inspections']}次"
    text += f"（{kinds}）" if kinds else ""
    text += f"，覆盖企业{t['covered']}家，检查覆盖率{fmt_pct(t['coverage'])}。"
    if t["found"]:
        general = t["found"] - t["found_major"]
        text += (
            f"新发现事故隐患{t['found']}项，其中一般事故隐患{general}项、重大事故隐患{t['found_major']}项；"
            f"企业自查上报{t['found_self']}项，当场整改{t['found_on_spot']}项。"
            f"本期发现的隐患已整改销号{t['found_closed']}项，整改率{fmt_pct(t['rate'])}；"
            f"本期共销号隐患{t['closed']}项（含以前发现的隐患）。"
        )
    else:
        text += "本期未发现新的事故隐患。"
    return text


def overdue_sentence(fig: dict[str, Any]) -> str:
    t = fig["totals"]
    as_of = day_label(fig["period"]["end"])
    if not t["overdue"]:
        return f"截至{as_of}，无逾期未整改隐患。"
    return (
        f"截至{as_of}，逾期未整改隐患{t['overdue']}项，其中重大事故隐患{t['overdue_major']}项。"
        f"逾期时间最长的{min(len(fig['overdue_worst']), t['overdue'])}项如下："
    )


def listed_sentence(fig: dict[str, Any]) -> str:
    listed = fig["listed"]
    if not listed["total"]:
        return "本期无挂牌督办的重大事故隐患。"
    still_open = listed["total"] - listed["closed"]
    text = f"县级挂牌督办重大事故隐患{listed['total']}项，本期已销号{listed['closed']}项，尚在治理{still_open}项"
    if listed["overdue"]:
        text += f"，其中{listed['overdue']}项已超过治理期限"
    return text + "。"


def ranking_sentence(fig: dict[str, Any]) -> str:
    units = fig["units"]
    if not units:
        return ""
    word = fig["node"]["children_word"]
    ranked = [u for u in units if u["found"]]
    parts = []
    if ranked and all(not u["found_closed"] for u in ranked):
        parts.append(f"本期{word}新发现的隐患均未整改销号")
    elif ranked:
        best, worst = ranked[0], ranked[-1]
        parts.append(f"本期{word}中，隐患整改率最高的是{best['name']}（{fmt_pct(best['rate'])}）")
        if len(ranked) > 1:
            parts.append(f"最低的是{worst['name']}（{fmt_pct(worst['rate'])}）")
    zero = [u["name"] for u in units if not u["inspections"] and not u["found"] and not u["name"].endswith("本级")]
    if zero:
        parts.append(f"{'、'.join(zero)}本期未录入检查记录和隐患")
    overdue = sorted((u for u in units if u["overdue"]), key=lambda u: (-u["overdue"], u["code"]))[:3]
    if overdue:
        parts.append("逾期隐患较多的是" + "、".join(f"{u['name']}（{u['overdue']}项）" for u in overdue))
    return "；".join(parts) + "。" if parts else ""


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
