"""A campaign's summary (总结) and the printed reports of a task.

Once a campaign has ended, its organiser drafts the summary from the records (the figures, the
activities held, the report tasks, the ranking, the problems found), edits it and publishes it:
publishing takes the `summarise` step (the campaign becomes 已总结), snapshots the figures and has
the `reports` worker render the PDF. The worker claims the row first (safetyops/core/jobs.py), so
a second delivery does nothing; the PDF is written to a temporary file and only then stored.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Prefetch, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import reports
from campaigns.errors import CampaignError
from campaigns.lifecycle import CAMPAIGN_STEPS
from campaigns.models import Activity, ActivityAssignment, Campaign, ReportTask, ReportVersion, Summary, UnitReport
from campaigns.models.summary import summary_path
from campaigns.progress import campaign_progress
from safetyops.core import jobs, records
from safetyops.core.audit import log_action
from safetyops.core.contrib import chinese_numeral
from safetyops.core.pdf import css_string, font_uris, pdf_bytes, save_file, temporary_pdf, text_blocks, write_pdf
from safetyops.core.periods import day_label
from safetyops.exports.registry import Progress, ignored
from safetyops.orgs.models import Enterprise, User
from safetyops.orgs.units import units_q

logger = logging.getLogger(__name__)

Status = Summary.Status
RECORD_KEYS = (
    "inspected_enterprises",
    "inspections",
    "hazards_found",
    "hazards_general",
    "hazards_major",
    "hazards_closed",
    "rectification_rate",
    "hazards_overdue",
)
ENQUEUE_GRACE = timedelta(minutes=5)  # queued this long: the sweeper sends the message again
EXCERPT = 60  # characters of a unit's text quoted in the draft


# The figures --------------------------------------------------------------------------------------


def _pct(value: Any) -> str:
    return f"{Decimal(value):.1f}"


def summary_figures(*, actor: User, campaign: Campaign) -> dict[str, Any]:
    """The whole campaign's figures and the ranking of the organiser's child nodes, as plain JSON:
    coverage from the current targets, the inspection and hazard figures of the targets in the period."""
    progress = campaign_progress(user=actor, campaign=campaign)
    targets = campaign.targets.filter(removed_at__isnull=True).values("enterprise_id")
    counted = records.compute(RECORD_KEYS, enterprises=targets, start=progress.start, end=progress.end)
    return {
        "period": {"start": progress.start.isoformat(), "end": progress.end.isoformat()},
        "targets": progress.whole.targets,
        "inspected": progress.whole.inspected,
        "coverage": _pct(progress.whole.coverage),
        "goal_coverage": campaign.goal_coverage,
        "goal_rectification": campaign.goal_rectification,
        **{key: (_pct(counted[key]) if key == "rectification_rate" else counted[key]) for key in RECORD_KEYS},
        "ranking": [
            {
                "name": part.name,
                "targets": part.targets,
                "inspected": part.inspected,
                "coverage": _pct(part.coverage),
                "hazards_found": part.hazards.get("hazards_found", 0),
                "hazards_closed": part.hazards.get("hazards_closed", 0),
                "hazards_overdue": part.hazards.get("hazards_overdue", 0),
                "rectification_rate": _pct(part.hazards.get("rectification_rate", 0)),
            }
            for part in progress.ranking
        ],
    }


# The draft -----------------------------------------------------------------------------------------


def _excerpt(text: str) -> str:
    line = re.sub(r"\s+", " ", text).strip()
    return line if len(line) <= EXCERPT else line[:EXCERPT] + "…"


def _met(value: Any, goal: int) -> str:
    return _("已达到目标") if Decimal(value) >= goal else _("未达到目标")


def _scope_sentence(campaign: Campaign) -> str:
    """安平县 · 东城镇、西山镇的建筑施工行业领域 · 安平县指定的3家企业."""
    picked = campaign.scope_enterprises.count()
    if picked:
        return _("%(node)s指定的%(n)s家企业") % {"node": campaign.node.name, "n": picked}
    parts = ["、".join(campaign.scope_nodes.order_by("path").values_list("name", flat=True)) or campaign.node.name]
    sectors = "、".join(campaign.scope_sectors.order_by("code").values_list("name", flat=True))
    if sectors:
        parts.append(_("%(sectors)s行业领域") % {"sectors": sectors})
    if campaign.scope_risk_levels:
        labels = dict(Enterprise.RiskLevel.choices)
        parts.append("、".join(str(labels.get(level, level)) for level in campaign.scope_risk_levels) + _("企业"))
    return "的".join(parts)


def _activity_lines(campaign: Campaign) -> list[str]:
    activities = Activity.objects.filter(campaign=campaign).prefetch_related(
        Prefetch(
            "assignments",
            queryset=ActivityAssignment.objects.select_related("node", "department", "enterprise").order_by(
                "area__path", "pk"
            ),
        )
    )
    lines: list[str] = []
    for number, activity in enumerate(activities, 1):
        assignments = list(activity.assignments.all())
        reported = [a for a in assignments if a.reported]
        participants = sum(a.participants or 0 for a in reported)
        lines.append(
            _("%(n)s. %(title)s（%(kind)s）：安排%(units)s个单位，已报送%(reported)s个，参加%(people)s人次。")
            % {
                "n": number,
                "title": activity.title,
                "kind": activity.get_kind_display(),
                "units": len(assignments),
                "reported": len(reported),
                "people": participants,
            }
        )
        lines += [f"{a.unit_name}：{_excerpt(a.summary)}" for a in reported if a.summary.strip()]
    if not lines:
        return [_("本次行动未安排专项活动。")]
    return [_("共安排活动%(n)s项。") % {"n": len(activities)}, *lines]


def task_rows(task: ReportTask, reports_qs: QuerySet[UnitReport] | None = None) -> list[dict[str, Any]]:
    """Each unit's report of the task with its latest version and its state (已报, 迟报 …)."""
    qs = reports_qs if reports_qs is not None else task.reports.all()
    rows = []
    for report in (
        qs.select_related("task", "node", "department", "enterprise", "area")
        .prefetch_related(
            Prefetch("versions", queryset=ReportVersion.objects.select_related("submitted_by").order_by("-number"))
        )
        .order_by("area__path", "pk")
    ):
        versions = list(report.versions.all())
        latest = versions[0] if versions else None
        first_late = versions[-1].late if versions else None  # the versions are prefetched: no query per report
        state = reports.report_state(report, latest, first_late=first_late)
        rows.append({"report": report, "latest": latest, "state": state, "label": reports.State.LABELS[state]})
    return rows


def _task_lines(campaign: Campaign) -> list[str]:
    lines: list[str] = []
    for number, task in enumerate(ReportTask.objects.filter(campaign=campaign).order_by("deadline", "pk"), 1):
        rows = task_rows(task)
        states = Counter(row["state"] for row in rows)
        lines.append(
            _(
                "%(n)s. %(title)s（报送期限%(deadline)s）：应报%(units)s个单位，按时报送%(on_time)s个，"
                "迟报%(late)s个，未报%(missing)s个，零报告%(zero)s个，退回修改%(returned)s个。"
            )
            % {
                "n": number,
                "title": task.title,
                "deadline": day_label(task.deadline.isoformat()),
                "units": len(rows),
                "on_time": states[reports.State.SUBMITTED],
                "late": states[reports.State.LATE],
                "missing": states[reports.State.MISSING] + states[reports.State.WAITING],
                "zero": states[reports.State.ZERO],
                "returned": states[reports.State.RETURNED],
            }
        )
        lines += [
            f"{row['report'].unit_name}：{_excerpt(row['latest'].text)}"
            for row in rows
            if row["latest"] is not None and row["latest"].text.strip()
        ]
    return lines or [_("本次行动未下发报送任务。")]


def _problem_lines(campaign: Campaign, fig: dict[str, Any]) -> list[str]:
    problems = []
    below = [
        f"{p['name']}（{p['coverage']}%）" for p in fig["ranking"] if Decimal(p["coverage"]) < campaign.goal_coverage
    ]
    if below:
        problems.append(
            _("检查覆盖率未达到%(goal)s%%目标的单位：%(units)s。")
            % {"goal": campaign.goal_coverage, "units": "、".join(below)}
        )
    if fig["hazards_found"] and Decimal(fig["rectification_rate"]) < campaign.goal_rectification:
        problems.append(
            _("隐患整改率%(rate)s%%，低于%(goal)s%%的目标。")
            % {"rate": fig["rectification_rate"], "goal": campaign.goal_rectification}
        )
    if fig["hazards_overdue"]:
        problems.append(_("逾期未整改隐患%(n)s条，须督促整改到位。") % {"n": fig["hazards_overdue"]})
    for task in ReportTask.objects.filter(campaign=campaign).order_by("deadline", "pk"):
        rows = task_rows(task)
        late = [r["report"].unit_name for r in rows if r["state"] == reports.State.LATE]
        missing = [r["report"].unit_name for r in rows if r["state"] in (reports.State.MISSING, reports.State.WAITING)]
        if late:
            problems.append(_("“%(title)s”迟报单位：%(units)s。") % {"title": task.title, "units": "、".join(late)})
        if missing:
            problems.append(_("“%(title)s”未报单位：%(units)s。") % {"title": task.title, "units": "、".join(missing)})
    return [f"{i}. {p}" for i, p in enumerate(problems, 1)] or [_("1. （请补充本次行动存在的问题。）")]


def draft_text(campaign: Campaign, fig: dict[str, Any]) -> str:
    """The draft document: headings 一、二、… and one paragraph a line."""
    start, end = (day_label(fig["period"][k]) for k in ("start", "end"))
    theme = _("，主题为“%(theme)s”") % {"theme": campaign.theme} if campaign.theme else ""
    ranking = [
        _("%(n)s. %(name)s：目标企业%(targets)s家，已检查%(inspected)s家，覆盖率%(coverage)s%%；%(hazards)s")
        % {
            "n": i,
            "name": p["name"],
            "targets": p["targets"],
            "inspected": p["inspected"],
            "coverage": p["coverage"],
            "hazards": _("发现隐患%(found)s条，整改率%(rate)s%%。")
            % {"found": p["hazards_found"], "rate": p["rectification_rate"]}
            if p["hazards_found"]
            else _("未发现隐患。"),
        }
        for i, p in enumerate(fig["ranking"], 1)
    ] or [_("无下级单位排名。")]
    sections: list[tuple[str, list[str]]] = [
        (
            _("基本情况"),
            [
                _(
                    "%(start)s至%(end)s，%(node)s在%(scope)s范围内组织开展%(name)s%(theme)s，共列入目标企业%(targets)s家。"
                )
                % {
                    "start": start,
                    "end": end,
                    "node": campaign.node.name,
                    "scope": _scope_sentence(campaign),
                    "name": campaign.name,
                    "theme": theme,
                    "targets": fig["targets"],
                }
            ],
        ),
        (
            _("主要工作及成效"),
            [
                _(
                    "行动期间对目标企业开展检查%(inspections)s次，已检查目标企业%(inspected)s家，"
                    "检查覆盖率%(coverage)s%%（目标%(goal_coverage)s%%，%(coverage_met)s）。"
                )
                % {**fig, "coverage_met": _met(fig["coverage"], fig["goal_coverage"])},
                _(
                    "共发现隐患%(hazards_found)s条，其中一般隐患%(hazards_general)s条、重大隐患%(hazards_major)s条；"
                    "已整改%(hazards_closed)s条，整改率%(rectification_rate)s%%（目标%(goal_rectification)s%%，%(rate_met)s）；"
                    "逾期未整改%(hazards_overdue)s条。"
                )
                % {**fig, "rate_met": _met(fig["rectification_rate"], fig["goal_rectification"])}
                if fig["hazards_found"]
                else _("检查中未发现事故隐患。"),
            ],
        ),
        (_("活动开展情况"), _activity_lines(campaign)),
        (_("报送任务完成情况"), _task_lines(campaign)),
        (_("各地完成情况排名"), ranking),
        (_("存在问题"), _problem_lines(campaign, fig)),
        (_("下步工作"), [_("1. （请结合存在问题填写下步工作打算。）")]),
    ]
    blocks = [f"{chinese_numeral(i)}、{title}\n" + "\n".join(lines) for i, (title, lines) in enumerate(sections, 1)]
    return "\n\n".join(blocks) + "\n"


# Draft, save, publish ----------------------------------------------------------------------------


def _lock(campaign_id: int) -> Campaign:
    return Campaign.objects.select_for_update(of=("self",)).select_related("node").get(pk=campaign_id)


def summary_draft(*, actor: User, campaign_id: int, replace: bool = False) -> Summary:
    """Write the draft from the records (an ended campaign, its organiser). A summary already
    written stays as it is unless `replace`."""
    CAMPAIGN_STEPS.check_right("write_summary", actor)
    with transaction.atomic():
        campaign = _lock(campaign_id)
        CAMPAIGN_STEPS.check("write_summary", campaign, actor)
        summary = Summary.objects.select_for_update().filter(campaign=campaign).first()
        if summary is not None and not replace:
            return summary
        now = timezone.now()
        text = draft_text(campaign, summary_figures(actor=actor, campaign=campaign))
        if summary is None:
            summary = Summary(campaign=campaign)
        summary.text, summary.drafted_at, summary.updated_by, summary.updated_at = text, now, actor, now
        summary.save()
        log_action(campaign, "campaigns.summary.drafted", actor=actor, data={"replace": replace})
    return summary


def summary_save(*, actor: User, campaign_id: int, text: str) -> Summary:
    """Save the organiser's edited text (before publishing)."""
    CAMPAIGN_STEPS.check_right("write_summary", actor)
    text = (text or "").strip()
    if not text:
        raise CampaignError(_("总结正文不能为空，请填写后再保存。"))
    with transaction.atomic():
        campaign = _lock(campaign_id)
        CAMPAIGN_STEPS.check("write_summary", campaign, actor)
        now = timezone.now()
        summary = Summary.objects.select_for_update().filter(campaign=campaign).first() or Summary(
            campaign=campaign, drafted_at=now
        )
        summary.text, summary.updated_by, summary.updated_at = text + "\n", actor, now
        summary.save()
        log_action(campaign, "campaigns.summary.saved", actor=actor, data={"length": len(text)})
    return summary


def summary_publish(*, actor: User, campaign_id: int) -> Summary:
    """Take the `summarise` step: the campaign becomes 已总结, the figures are snapshotted and the
    PDF is rendered by the `reports` worker after the commit."""
    CAMPAIGN_STEPS.check_right("summarise", actor)
    with transaction.atomic():
        campaign = _lock(campaign_id)
        CAMPAIGN_STEPS.check("summarise", campaign, actor)  # ended, organiser, a written summary
        summary = Summary.objects.select_for_update().get(campaign=campaign)
        now = timezone.now()
        summary.figures = summary_figures(actor=actor, campaign=campaign)
        summary.status, summary.published_by, summary.published_at, summary.queued_at = Status.QUEUED, actor, now, now
        summary.save(update_fields=["figures", "status", "published_by", "published_at", "queued_at"])
        campaign.status, campaign.summarised_at = Campaign.Status.SUMMARISED, now
        campaign.save(update_fields=["status", "summarised_at"])
        log_action(campaign, "campaigns.campaign.summarised", actor=actor, data={"summary": summary.pk})
        _enqueue(summary.pk)
    return summary


def summary_render_again(*, actor: User, campaign_id: int) -> Summary:
    """The organiser sends a published summary whose render failed back to the worker."""
    CAMPAIGN_STEPS.check_right("summarise", actor)
    with transaction.atomic():
        campaign = _lock(campaign_id)
        if (refused := CAMPAIGN_STEPS.forbids("summarise", campaign, actor)) is not None:
            raise refused
        summary = Summary.objects.select_for_update().get(campaign=campaign)
        if summary.status != Status.FAILED:
            raise CampaignError(_("只有生成失败的总结PDF可以重新生成。"))
        summary.status, summary.error, summary.queued_at, summary.takeovers = Status.QUEUED, "", timezone.now(), 0
        summary.save(update_fields=["status", "error", "queued_at", "takeovers"])
        _enqueue(summary.pk)
    return summary


def summaries_requeue_stale(*, now: Any = None) -> int:
    """Sweeper (beat): send again the renders whose worker is gone and the queued rows whose
    message was lost; one that took its worker down JOB_MAX_ATTEMPTS times is recorded as failed."""
    from campaigns.tasks import render_summary

    now = now or timezone.now()
    lost = jobs.lost(Summary, running=Status.RENDERING, now=now)
    Summary.objects.filter(lost & jobs.given_up(running=Status.RENDERING, now=now)).update(
        status=Status.FAILED, error=_("生成过程中后台进程多次中断，已停止自动重试。请联系管理员。")
    )
    ids = list(
        Summary.objects.filter(lost | Q(status=Status.QUEUED, queued_at__lt=now - ENQUEUE_GRACE))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        render_summary.delay(pk)
    return len(ids)


def _enqueue(summary_id: int) -> None:
    from campaigns.tasks import render_summary

    transaction.on_commit(lambda: render_summary.delay(summary_id), robust=True)


# Rendering --------------------------------------------------------------------------------------


def summary_html(summary: Summary) -> str:
    """The HTML WeasyPrint turns into the summary PDF (the template escapes every user text)."""
    campaign = summary.campaign
    fig = summary.figures
    issued = timezone.localdate(summary.published_at) if summary.published_at else timezone.localdate()
    figure_rows = [
        (_("目标企业数"), f"{fig['targets']}家"),
        (_("已检查目标企业数"), f"{fig['inspected']}家"),
        (_("检查覆盖率（目标）"), f"{fig['coverage']}%（{fig['goal_coverage']}%）"),
        (_("检查次数"), f"{fig['inspections']}次"),
        (_("发现隐患（一般/重大）"), f"{fig['hazards_found']}条（{fig['hazards_general']}/{fig['hazards_major']}）"),
        (_("已整改隐患"), f"{fig['hazards_closed']}条"),
        (_("整改率（目标）"), f"{fig['rectification_rate']}%（{fig['goal_rectification']}%）"),
        (_("逾期未整改隐患"), f"{fig['hazards_overdue']}条"),
    ]
    title = f"《{campaign.name}》工作总结"
    context = {
        "campaign": campaign,
        "title": title,
        "running_head": css_string(f"{campaign.node.name} · {title}"),
        "organiser": campaign.node.name,
        "author": campaign.node.name,
        "issued_on": day_label(issued.isoformat()),
        "period": f"{day_label(fig['period']['start'])}至{day_label(fig['period']['end'])}",
        "blocks": text_blocks(summary.text),
        "figure_rows": figure_rows,
        "ranking": fig["ranking"],
        **font_uris(),
    }
    return render_to_string("campaigns/summary_pdf.html", context)


def summary_render(*, summary_id: int) -> None:
    """Render the published summary's PDF once (a second delivery finds the row claimed or done)."""
    claimed_at = jobs.claim(
        Summary, summary_id, waiting=Q(status=Status.QUEUED), running=Status.RENDERING, attempts=F("attempts") + 1
    )
    if claimed_at is None:
        return
    summary = Summary.objects.select_related("campaign__node").get(pk=summary_id)
    try:
        with jobs.heartbeat(Summary, summary_id, claimed_at=claimed_at), temporary_pdf(prefix="summary-") as path:
            jobs.slow_down_for_tests()
            write_pdf(summary_html(summary), path)
            _store(summary_id, path, claimed_at)
    except Exception as exc:
        logger.exception("campaign summary %s failed", summary_id)
        Summary.objects.filter(pk=summary_id, status=Status.RENDERING, started_at=claimed_at).update(
            status=Status.FAILED,
            error=_("生成总结PDF时发生系统错误（%(kind)s），未生成文件。请联系管理员。") % {"kind": type(exc).__name__},
        )


def _store(summary_id: int, path: Any, claimed_at: Any) -> None:
    name, digest, size = save_file(path, summary_path(None, "summary.pdf"))
    try:
        with transaction.atomic():
            locked = Summary.objects.select_for_update().get(pk=summary_id)
            if locked.status != Status.RENDERING or locked.started_at != claimed_at:
                transaction.on_commit(lambda: default_storage.delete(name), robust=True)
                return  # another worker took the row over: its result stands
            locked.file.name, locked.checksum, locked.file_size = name, digest, size
            locked.status, locked.error, locked.rendered_at = Status.PUBLISHED, "", timezone.now()
            locked.save(update_fields=["file", "checksum", "file_size", "status", "error", "rendered_at"])
            log_action(locked.campaign, "campaigns.summary.rendered", data={"sha256": digest, "size": size})
    except BaseException:
        default_storage.delete(name)
        raise


# The reports of a task, printed -----------------------------------------------------------------


def task_reports_visible(task: ReportTask, *, user: Any = None) -> QuerySet[UnitReport]:
    """The unit reports of `task` that `user` sees (all of them without a user)."""
    qs = task.reports.all()
    return qs.filter(units_q(user)) if user is not None else qs


def task_reports_pdf(task: ReportTask, *, user: Any = None, rows_written: Progress = ignored) -> bytes:
    """One PDF of the units' latest reports of `task` (those `user` sees, when given): the state,
    every figure with the records' value, the value reported and the note, and the text.
    `rows_written` hears the number of units once the PDF is made."""
    qs = task_reports_visible(task, user=user)
    figures = reports.task_figures(task)
    units = []
    for row in task_rows(task, qs):
        latest = row["latest"]
        submitted = latest.figures if latest is not None else {}
        units.append(
            {
                **row,
                "figures": [
                    {
                        "label": f.label,
                        "unit": f.unit,
                        "system": (submitted.get(f.key) or {}).get("system"),
                        "value": (submitted.get(f.key) or {}).get("value"),
                        "note": (submitted.get(f.key) or {}).get("note", ""),
                    }
                    for f in figures
                ],
            }
        )
    campaign = task.campaign
    counts = Counter(row["state"] for row in units)
    context = {
        "task": task,
        "campaign": campaign,
        "author": campaign.node.name,
        "title": task.title,
        "running_head": css_string(f"{campaign.name} · {task.title}"),
        "deadline": day_label(task.deadline.isoformat()),
        "period": f"{day_label(task.period_start.isoformat())}至{day_label(task.period_end.isoformat())}",
        "printed_on": day_label(timezone.localdate().isoformat()),
        "units": units,
        "states": [(label, counts[state]) for state, label in reports.State.LABELS.items() if counts[state]],
        **font_uris(),
    }
    data = pdf_bytes(render_to_string("campaigns/reports_pdf.html", context))
    rows_written(len(units))
    return data
