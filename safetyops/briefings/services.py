"""Services: the only code that changes briefings.

A request creates a queued row and enqueues the render after the commit. The worker claims the row
with a conditional UPDATE (so a second delivery does nothing), computes the figures, renders the
PDF to a temporary file and only then stores it and points the row at it, so no row ever refers
to a half-written file. The row records the rendering process and a heartbeat; when that worker
dies the next delivery takes the row over at once, and the sweeper (beat, and every starting
worker) sends such rows and lost messages again (safetyops/core/jobs.py). Published briefings are
immutable.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import time
from contextlib import AbstractContextManager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from safetyops.briefings.figures import briefing_figures
from safetyops.briefings.models import Briefing, _briefing_path
from safetyops.briefings.rights import BriefingRight
from safetyops.core import errors, jobs
from safetyops.core.audit import log_action
from safetyops.core.contrib import (
    BriefingPart,
    BriefingRender,
    BriefingSection,
    briefing_parts,
    briefing_sections,
    chinese_numeral,
    register_briefing_section,
)
from safetyops.core.dbrouting import reading_from_replica
from safetyops.core.models import AuditEvent
from safetyops.core.pdf import css_string, font_uris, save_file, temporary_pdf, text_blocks, write_pdf
from safetyops.core.periods import is_calendar_month, previous_month
from safetyops.orgs.models import Membership, Node, Role
from safetyops.orgs.scope import Right, get_node_for_user, scope_for

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=15)  # queued this long without a worker: shown as interrupted
ENQUEUE_GRACE = timedelta(minutes=5)  # queued this long: the sweeper sends the message again
NOTIFY_REASON = "briefing_ready"
MAX_PERIOD_DAYS = 366
BRIEFING_LEVELS = (Node.Level.CITY, Node.Level.COUNTY, Node.Level.TOWNSHIP)
Status = Briefing.Status


class BriefingError(errors.ServiceError):
    """A request or step that is not allowed now; `message` is shown to the user."""


class NotPermitted(BriefingError, errors.NotPermitted):
    """The actor's role may not do this (the view answers 403)."""


class RateLimited(BriefingError):
    """The actor asked for too many renders in the last minute (the view answers 429)."""


# Who may do what -------------------------------------------------------------------------------


def _whole_node_scope(user: Any) -> bool:
    """A briefing covers every sector of its node: a supervisor limited to some sectors would read
    figures and enterprise names outside their scope, so only unrestricted scopes qualify."""
    return scope_for(user).sector_ids is None


def may_read(user: Any) -> bool:
    return BriefingRight.READ in scope_for(user).rights and _whole_node_scope(user)


def may_write(user: Any) -> bool:
    return BriefingRight.WRITE in scope_for(user).rights and _whole_node_scope(user)


def may_see_technical(user: Any) -> bool:
    """SHA-256 and render timings: county admins and Django staff."""
    return bool(getattr(user, "is_staff", False)) or Right.ADMIN in scope_for(user).rights


def _require(ok: bool) -> None:
    if not ok:
        raise NotPermitted(_("您的角色不能执行此操作。"))


def _lock_visible(actor: Any, briefing_id: int) -> Briefing:
    from safetyops.briefings.selectors import briefings_visible_to

    try:
        return briefings_visible_to(actor).select_for_update(of=("self",)).select_related("node").get(pk=briefing_id)
    except Briefing.DoesNotExist:
        raise BriefingError(_("简报不存在或不在您的管辖范围内。")) from None


# Requests --------------------------------------------------------------------------------------


def validate_period(start: date, end: date, *, today: date | None = None) -> None:
    today = today or timezone.localdate()
    if start > end:
        raise BriefingError(_("开始日期不能晚于截止日期，请重新选择统计时段。"))
    if end > today:
        raise BriefingError(
            _(
                "统计时段不能包含未来的日期：截止日期最晚为今天（%(today)s）。请选择已经结束的月份，或把截止日期改为今天。"
            )
            % {"today": f"{today.year}年{today.month}月{today.day}日"}
        )
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise BriefingError(_("统计时段最长为一年（366天），请缩短时段后重试。"))


def briefing_request(*, actor: Any, node: Node | int, start: date, end: date) -> Briefing:
    """Queue a briefing of `node` (in the actor's scope, else Http404) for the days start..end."""
    _require(may_read(actor))
    node = get_node_for_user(actor, node.pk if isinstance(node, Node) else node)
    if node.level not in BRIEFING_LEVELS:
        raise BriefingError(_("简报按县（区）和镇（街道、园区）编制，村（社区）不单独编制，请选择上级区域。"))
    validate_period(start, end)
    return _request(node=node, start=start, end=end, actor=actor)


RENDER_ACTIONS = ("briefings.briefing.requested", "briefings.briefing.retried", "briefings.briefing.regenerated")


def _check_rate(actor: Any) -> None:
    """At most BRIEFING_REQUESTS_PER_MINUTE renders asked for per person and minute (counted from
    the audit trail, under a lock on the person's row so that parallel requests queue up)."""
    if not getattr(actor, "pk", None):
        return  # beat
    get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
    limit = settings.BRIEFING_REQUESTS_PER_MINUTE
    recent = AuditEvent.objects.filter(
        actor_id=actor.pk, action__in=RENDER_ACTIONS, created_at__gte=timezone.now() - timedelta(minutes=1)
    ).count()
    if recent >= limit:
        raise RateLimited(
            _("您在1分钟内已申请生成%(n)s次简报，已达上限（每人每分钟%(n)s次）。请等已申请的简报生成后，稍后再试。")
            % {"n": limit}
        )


def _request(*, node: Node, start: date, end: date, actor: Any) -> Briefing:
    """Queue a new row, or take up again the one for the same node and period that is still on
    its way or failed (a retry), so that asking twice never renders twice: a repeat while one is
    pending returns that one."""
    with transaction.atomic():
        briefing = (
            Briefing.objects.select_for_update()
            .filter(node=node, period_start=start, period_end=end, status__in=[*Briefing.IN_FLIGHT, Status.FAILED])
            .order_by("-pk")
            .first()
        )
        if briefing is not None and briefing.in_flight and not briefing.is_stale(timezone.now(), STALE_AFTER):
            return briefing  # on its way already (a lost message is sent again by the sweeper)
        _check_rate(actor)
        if briefing is None:
            briefing = Briefing.objects.create(
                node=node,
                period_start=start,
                period_end=end,
                year=end.year,
                kind=Briefing.Kind.MONTHLY if is_calendar_month(start, end) else Briefing.Kind.CUSTOM,
                requested_by=actor if getattr(actor, "pk", None) else None,
                queued_at=timezone.now(),
            )
            log_action(briefing, "briefings.briefing.requested", actor=actor)
        else:  # failed, or its worker is gone
            _queue_again(briefing)
            log_action(briefing, "briefings.briefing.retried", actor=actor)
        _enqueue(briefing.pk)
    return briefing


def _queue_again(briefing: Briefing) -> None:
    """Back to the queue (under the caller's row lock): a failed row, or one whose worker is gone (if
    that worker was only slow, its result is discarded: the claim time no longer matches)."""
    briefing.status, briefing.error, briefing.queued_at, briefing.takeovers = Status.QUEUED, "", timezone.now(), 0
    briefing.save(update_fields=["status", "error", "queued_at", "takeovers"])


def _enqueue(briefing_id: int) -> None:
    """Send the render task after the commit. A second message for a row already claimed is
    harmless (the claim refuses it); a broker that is down is logged, and asking again re-sends."""
    from safetyops.briefings.tasks import render_briefing

    transaction.on_commit(lambda: render_briefing.delay(briefing_id), robust=True)


def briefings_monthly_request(*, today: date | None = None) -> int:
    """Beat: last month's briefing for every county and township that has none yet. Idempotent."""
    start, end = previous_month(today or timezone.localdate())
    done = Briefing.objects.filter(period_start=start, period_end=end).exclude(status=Status.FAILED)
    nodes = (
        Node.objects.filter(level__in=[Node.Level.COUNTY, Node.Level.TOWNSHIP])
        .exclude(pk__in=done.values("node_id"))
        .order_by("path")
    )
    count = 0
    for node in nodes:
        _request(node=node, start=start, end=end, actor=None)
        count += 1
    return count


# Rendering -------------------------------------------------------------------------------------


def _claim(briefing_id: int) -> Any:
    """Take the row for this worker: queued, or rendering by a worker that is gone. Returns the claim time."""
    return jobs.claim(
        Briefing, briefing_id, waiting=Q(status=Status.QUEUED), running=Status.RENDERING, attempts=F("attempts") + 1
    )


def briefing_render(*, briefing_id: int) -> None:
    """Compute the figures and render the PDF of one queued briefing; leaves it draft or failed."""
    claimed_at = _claim(briefing_id)
    if claimed_at is None:
        return
    briefing = Briefing.objects.select_related("node", "node__parent").get(pk=briefing_id)
    began = time.perf_counter()
    try:
        with jobs.heartbeat(Briefing, briefing_id, claimed_at=claimed_at):
            jobs.slow_down_for_tests()
            # The month's aggregates on the read replica when there is one; the claim, the section
            # texts the PDF shows and the store stay on default (fresh, and writes).
            with reading_from_replica():
                figures = briefing_figures(briefing.node, briefing.period_start, briefing.period_end)
            with _temporary_pdf() as path:
                render_pdf(briefing, figures, path)
                _store(briefing, path, claimed_at, figures=figures, seconds=time.perf_counter() - began)
    except Exception as exc:
        logger.exception("briefing %s failed", briefing_id)
        Briefing.objects.filter(pk=briefing_id, status=Status.RENDERING, started_at=claimed_at).update(
            status=Status.FAILED,
            error=_("生成简报时发生系统错误（%(kind)s），未生成文件。请重新申请；如仍失败，请联系管理员。")
            % {"kind": type(exc).__name__},
        )


def briefings_requeue_stale(*, now: Any = None) -> int:
    """Sweeper (beat, and a starting worker): send again the renders whose worker is gone and the
    queued rows whose message was lost; a render that took its worker down JOB_MAX_ATTEMPTS times
    is recorded as failed instead. Returns how many were sent."""
    now = now or timezone.now()
    lost = jobs.lost(Briefing, running=Status.RENDERING, now=now)
    for briefing in Briefing.objects.filter(lost & jobs.given_up(running=Status.RENDERING, now=now)):
        changed = Briefing.objects.filter(lost, pk=briefing.pk, started_at=briefing.started_at).update(
            status=Status.FAILED,
            error=_(
                "生成过程中后台进程已连续 %(n)s 次中断（可能是数据量过大或内存不足），已停止自动重试。请联系管理员。"
            )
            % {"n": briefing.takeovers + 1},
        )
        if changed:
            log_action(briefing, "briefings.briefing.given_up")
    ids = list(
        Briefing.objects.filter(lost | Q(status=Status.QUEUED, queued_at__lt=now - ENQUEUE_GRACE))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    from safetyops.briefings.tasks import render_briefing

    for pk in ids:
        render_briefing.delay(pk)
    if ids:
        logger.info("briefings sent again (worker gone or message lost): %s", ids)
    return len(ids)


def _temporary_pdf() -> AbstractContextManager[Path]:
    return temporary_pdf(prefix="briefing-")


def _save_file(path: Path) -> tuple[str, str, int]:
    """Copy a finished PDF into storage under a new random name: (name, sha256, size)."""
    return save_file(path, _briefing_path(None, "briefing.pdf"))  # type: ignore[arg-type]


def _store(briefing: Briefing, path: Path, claimed_at: Any, *, figures: dict[str, Any], seconds: float) -> None:
    name, digest, size = _save_file(path)
    try:
        with transaction.atomic():
            locked = Briefing.objects.select_for_update().get(pk=briefing.pk)
            if locked.status != Status.RENDERING or locked.started_at != claimed_at:
                # Another worker took the row over (we were presumed dead): its result stands.
                transaction.on_commit(lambda: default_storage.delete(name), robust=True)
                return
            old = locked.file.name
            locked.file.name = name
            locked.checksum, locked.file_size = digest, size
            locked.figures = figures
            locked.generated_at = timezone.now()
            locked.render_seconds = round(seconds, 2)
            locked.status, locked.error = Status.DRAFT, ""
            locked.save(
                update_fields=[
                    "file",
                    "checksum",
                    "file_size",
                    "figures",
                    "generated_at",
                    "render_seconds",
                    "status",
                    "error",
                ]
            )
            log_action(locked, "briefings.briefing.generated", data={"sha256": digest})
            if old and old != name:
                transaction.on_commit(lambda: default_storage.delete(old), robust=True)
            _notify_ready(locked)
    except BaseException:
        # Nothing was committed (on_commit callbacks are robust): the stored copy belongs to no row.
        default_storage.delete(name)
        raise


def _notify_ready(briefing: Briefing) -> None:
    """After the commit, tell the requester (for beat briefings: the node's officials) that the draft
    is ready. NOTIFY CALL SITE: safetyops.notify.services.notify_users. A failure to notify is logged
    and never fails the briefing (robust on_commit)."""
    if importlib.util.find_spec("safetyops.notify.services") is None:
        return
    pk = briefing.pk
    transaction.on_commit(lambda: _send_ready_notice(pk), robust=True)


def _send_ready_notice(briefing_id: int) -> None:
    from safetyops.notify.services import notify_users

    briefing = Briefing.objects.select_related("node", "requested_by").get(pk=briefing_id)
    if briefing.requested_by_id:
        users = [briefing.requested_by]
    else:
        users = [
            m.user
            for m in Membership.objects.filter(
                node=briefing.node, role__in=[Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICIAL], user__is_active=True
            ).select_related("user")
        ]
    if users:
        notify_users(
            reason=NOTIFY_REASON,
            target=briefing,
            users=users,
            title=_("%(node)s%(period)s安全生产工作简报已生成")
            % {"node": briefing.node.name, "period": briefing.period_label},
            body=_("简报草稿已生成，可下载查看；补充“存在问题及下步工作”后即可发布。"),
            url=reverse("briefings:briefing_detail", kwargs={"pk": briefing.pk}),
        )


# The PDF ---------------------------------------------------------------------------------------

_GOVERNMENT: dict[str, str] = {
    Node.Kind.CITY: "市委、市政府",
    Node.Kind.COUNTY: "县委、县政府",
    Node.Kind.DISTRICT: "区委、区政府",
    Node.Kind.TOWN: "镇党委、镇政府",
    Node.Kind.XIANG: "乡党委、乡政府",
    Node.Kind.STREET: "街道党工委、办事处",
    Node.Kind.PARK: "园区党工委、管委会",
}


def _distribution(node: Node) -> list[tuple[str, str]]:
    """报、送、发: who the issue goes to, as printed at the foot of a real 简报."""
    government = _GOVERNMENT.get(node.kind, "党委、政府")
    parent = f"{node.parent.name}安委办；" if node.parent_id and node.parent else ""
    if node.level == Node.Level.TOWNSHIP:
        return [
            ("报：", f"{parent}{government}主要领导、分管领导"),
            ("发：", "各村（社区），辖区各生产经营单位"),
        ]
    children = "各镇（街道、园区）" if node.level == Node.Level.COUNTY else "各县（市、区）"
    short = "县" if node.kind == Node.Kind.COUNTY else "区" if node.kind == Node.Kind.DISTRICT else "市"
    return [
        ("报：", f"{parent}{government}主要领导、分管领导"),
        ("送：", f"{short}安委会各成员单位"),
        ("发：", f"{children}安委办"),
    ]


def _day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _section7_blocks(text: str) -> list[tuple[bool, str]]:
    """The official's text as (is_subheading, line): "（一）存在问题" lines become sub-headings."""
    return text_blocks(text)


def _block_body(block: BriefingSection | BriefingPart, render: BriefingRender, base: dict[str, Any]) -> str | None:
    """A section's or a part's body, or None when its `shown` leaves it out."""
    if block.shown is not None and not block.shown(render):
        return None
    return render_to_string(block.template, {**base, **(block.context(render) if block.context else {})})


def briefing_html(briefing: Briefing, figures: dict[str, Any], *, issue_number: int | None, issued_on: date) -> str:
    """The HTML WeasyPrint turns into the PDF: the masthead, then every registered section that is
    shown (numbered 一、二、… by position), then the distribution."""
    fig = figures
    node_name = fig["node"]["name"]
    issuer = f"{node_name}安全生产委员会办公室"
    year = briefing.year
    running = f"{node_name}安全生产工作简报 · {year}年" + (f"第{issue_number}期" if issue_number else "（送审稿）")
    start, end = date.fromisoformat(fig["period"]["start"]), date.fromisoformat(fig["period"]["end"])
    base = {"fig": fig, "node_name": node_name, "issuer": issuer, "draft": issue_number is None}
    render = BriefingRender(figures=fig, draft=issue_number is None, extra={"section7": briefing.section7})
    sections: list[dict[str, Any]] = []
    for section in briefing_sections():
        # A section shows when its own body or a part another app added to it has something to say.
        blocks: list[BriefingSection | BriefingPart] = [section, *briefing_parts(section.key)]
        bodies = [_block_body(block, render, base) for block in blocks]
        if all(body is None for body in bodies):
            continue
        sections.append(
            {
                "key": section.key,
                "number": chinese_numeral(len(sections) + 1),
                "title": section.title_for(fig),
                "body": mark_safe("".join(b for b in bodies if b)),  # noqa: S308 - rendered (escaped) by the template engine
            }
        )
    context = {
        **base,
        "year": year,
        "issue_number": issue_number,
        "issued_on": _day(issued_on),
        "running_head": css_string(running),
        "sections": sections,
        "distribution": _distribution(briefing.node),
        "period_range": f"{_day(start)}至{_day(end)}",
        "as_of": _day(end),
        "site_name": settings.SITE_NAME,
        **font_uris(),
    }
    return render_to_string("briefings/pdf.html", context)


def register_section7() -> None:
    """Briefings' own last section, 存在问题及下步工作: the official's text (section 7), or on a draft a
    placeholder asking for it; left out of a published issue without text."""
    register_briefing_section(
        "section7",
        order=70,
        title="存在问题及下步工作",
        template="briefings/sections/section7.html",
        context=lambda render: {"section7": _section7_blocks(render.extra.get("section7", ""))},
        shown=lambda render: render.draft or bool(_section7_blocks(render.extra.get("section7", ""))),
    )


def render_pdf(
    briefing: Briefing,
    figures: dict[str, Any],
    path: Path,
    *,
    issue_number: int | None = None,
    issued_on: date | None = None,
) -> None:
    write_pdf(
        briefing_html(briefing, figures, issue_number=issue_number, issued_on=issued_on or timezone.localdate()), path
    )


# Drafts and publishing -------------------------------------------------------------------------


def _editable(briefing: Briefing) -> None:
    if briefing.status == Status.PUBLISHED:
        raise BriefingError(
            _("该简报已发布为%(year)s年第%(n)s期，发布后不能修改。如需更正，请另行编制一期。")
            % {"year": briefing.year, "n": briefing.issue_number}
        )


def briefing_update_section7(*, actor: Any, briefing_id: int, text: str) -> Briefing:
    """Save the text of 存在问题/下步工作 on a draft (or a failed or queued one, for the next render)."""
    with transaction.atomic():
        briefing = _lock_visible(actor, briefing_id)
        _require(may_write(actor))
        _editable(briefing)
        briefing.section7 = text.strip()
        briefing.save(update_fields=["section7"])
        log_action(briefing, "briefings.briefing.section7_updated", actor=actor)
    return briefing


def briefing_regenerate(*, actor: Any, briefing_id: int) -> Briefing:
    """Render a draft again with fresh figures and the current section 7 (also retries a failed one)."""
    with transaction.atomic():
        briefing = _lock_visible(actor, briefing_id)
        _require(may_write(actor))
        _editable(briefing)
        if briefing.in_flight and not briefing.is_stale(timezone.now(), STALE_AFTER):
            raise BriefingError(_("简报正在生成，请稍候，生成完成后再重新生成。"))
        _check_rate(actor)
        _queue_again(briefing)
        log_action(briefing, "briefings.briefing.regenerated", actor=actor)
        _enqueue(briefing.pk)
    return briefing


def next_issue_number(*, node_id: int, year: int) -> int:
    last = Briefing.objects.filter(node_id=node_id, year=year, issue_number__isnull=False).aggregate(
        last=Max("issue_number")
    )["last"]
    return (last or 0) + 1


def briefing_publish(*, actor: Any, briefing_id: int) -> Briefing:
    """Publish a draft: the next issue number of its node and year, the PDF rendered again from the
    same figures with that number and section 7, and the row frozen for good.

    The PDF is rendered before the row lock is taken; under the lock the number is checked again
    and, if someone published in between, rendered once more with the new number."""
    with transaction.atomic():
        briefing = _lock_visible(actor, briefing_id)
        _require(may_write(actor))
        _check_publishable(briefing)
    for _attempt in range(3):
        number = next_issue_number(node_id=briefing.node_id, year=briefing.year)
        now = timezone.now()
        with _temporary_pdf() as path:
            render_pdf(briefing, briefing.figures, path, issue_number=number, issued_on=timezone.localdate(now))
            name, digest, size = _save_file(path)
        try:
            with transaction.atomic():
                Node.objects.select_for_update().filter(pk=briefing.node_id).first()  # one publisher per node
                locked = _lock_visible(actor, briefing_id)
                _check_publishable(locked)
                if locked.section7 != briefing.section7 or locked.checksum != briefing.checksum:
                    raise BriefingError(_("简报在您发布前已被他人修改，请查看最新内容后再发布。"))
                if next_issue_number(node_id=locked.node_id, year=locked.year) != number:
                    default_storage.delete(name)
                    continue
                old = locked.file.name
                locked.file.name, locked.checksum, locked.file_size = name, digest, size
                locked.status, locked.issue_number = Status.PUBLISHED, number
                locked.published_by, locked.published_at = actor, now
                locked.save(
                    update_fields=[
                        "file",
                        "checksum",
                        "file_size",
                        "status",
                        "issue_number",
                        "published_by",
                        "published_at",
                    ]
                )
                log_action(
                    locked,
                    "briefings.briefing.published",
                    actor=actor,
                    data={"issue_number": number, "year": locked.year, "sha256": digest},
                )
                if old and old != name:
                    transaction.on_commit(functools.partial(default_storage.delete, old), robust=True)
                return locked
        except BriefingError:
            default_storage.delete(name)
            raise
        except IntegrityError:
            default_storage.delete(name)
            raise BriefingError(_("同一时段的简报刚刚已由他人发布，请刷新页面查看。")) from None
    raise BriefingError(_("多人同时发布简报，期号分配未成功，请重试。"))


def _check_publishable(briefing: Briefing) -> None:
    _editable(briefing)
    if briefing.status != Status.DRAFT or not briefing.file:
        raise BriefingError(
            _("简报当前状态为“%(status)s”，只有已生成的草稿可以发布。") % {"status": briefing.get_status_display()}
        )
    other = Briefing.objects.filter(
        node_id=briefing.node_id,
        period_start=briefing.period_start,
        period_end=briefing.period_end,
        status=Status.PUBLISHED,
    ).first()
    if other is not None:
        raise BriefingError(
            _("该区域同一统计时段的简报已发布为%(year)s年第%(n)s期，不能重复发布。")
            % {"year": other.year, "n": other.issue_number}
        )
