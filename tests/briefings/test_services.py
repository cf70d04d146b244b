"""Requests, rendering, drafts and publishing through the services."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.http import Http404
from django.utils import timezone

from safetyops.briefings import services
from safetyops.briefings.models import Briefing
from safetyops.briefings.services import BriefingError, NotPermitted
from safetyops.briefings.tasks import monthly_briefings, render_briefing
from safetyops.core.models import AuditEvent
from tests.briefings.conftest import MARCH, March, at, on_commit_runs, pdf_text, request_briefing, squeezed
from tests.conftest import World

FEBRUARY = (date(2026, 2, 1), date(2026, 2, 28))


def stored_files() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "briefings"
    return sorted(folder.iterdir()) if folder.exists() else []


# Bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (date(2026, 4, 1), date(2026, 4, 30), "统计时段不能包含未来的日期"),
        (date(2026, 3, 31), date(2026, 3, 1), "开始日期不能晚于截止日期"),
        (date(2024, 1, 1), date(2026, 3, 31), "统计时段最长为一年"),
    ],
)
def test_bad_periods_are_refused_and_nothing_is_created(world: World, start: date, end: date, message: str) -> None:
    with at(date(2026, 4, 10)), pytest.raises(BriefingError) as caught:
        services.briefing_request(actor=world.county_admin, node=world.county, start=start, end=end)
    assert message in caught.value.message
    assert not Briefing.objects.exists() and not stored_files()


def test_the_current_month_up_to_today_is_allowed(world: World) -> None:
    briefing = request_briefing(world.county_admin, world.county, date(2026, 4, 1), date(2026, 4, 10))
    assert briefing.status == "draft" and briefing.kind == "custom"


def test_a_node_outside_the_scope_is_not_found(world: World) -> None:
    with at(date(2026, 4, 10)), pytest.raises(Http404):
        services.briefing_request(actor=world.official_b, node=world.town_a, start=MARCH[0], end=MARCH[1])
    assert not Briefing.objects.exists()


def test_villages_get_no_briefing_and_enterprises_may_not_ask(world: World) -> None:
    with at(date(2026, 4, 10)):
        with pytest.raises(BriefingError, match="村（社区）不单独编制"):
            services.briefing_request(actor=world.official_a, node=world.village_a, start=MARCH[0], end=MARCH[1])
        with pytest.raises(NotPermitted):
            services.briefing_request(actor=world.enterprise_a, node=world.town_a, start=MARCH[0], end=MARCH[1])
        with pytest.raises(NotPermitted):  # a sector-limited supervisor would read other sectors' figures
            services.briefing_request(actor=world.supervisor_a, node=world.town_a, start=MARCH[0], end=MARCH[1])
    assert not Briefing.objects.exists()


# Rendering -------------------------------------------------------------------------------------


def test_a_request_is_queued_rendered_and_stored_with_its_checksum(march: March) -> None:
    w = march.world
    briefing = request_briefing(w.leader_county, w.county, *MARCH)
    assert briefing.status == "draft" and briefing.kind == "monthly" and briefing.year == 2026
    assert briefing.issue_number is None and briefing.attempts == 1 and briefing.requested_by == w.leader_county
    data = Path(briefing.file.path).read_bytes()
    assert data.startswith(b"%PDF-") and briefing.file_size == len(data)
    import hashlib

    assert briefing.checksum == hashlib.sha256(data).hexdigest()
    assert briefing.file.name.startswith("briefings/") and "安平" not in briefing.file.name
    assert briefing.figures["totals"]["found"] == 4 and briefing.generated_at is not None
    assert AuditEvent.objects.filter(action="briefings.briefing.generated", target_id=str(briefing.pk)).exists()


def test_asking_twice_while_queued_does_not_render_twice(world: World) -> None:
    with at(date(2026, 4, 10)):
        first = services.briefing_request(actor=world.county_admin, node=world.county, start=MARCH[0], end=MARCH[1])
        second = services.briefing_request(actor=world.leader_county, node=world.county, start=MARCH[0], end=MARCH[1])
    assert first.pk == second.pk and Briefing.objects.count() == 1
    render_briefing(first.pk)
    render_briefing(first.pk)  # a second delivery of the same message
    first.refresh_from_db()
    assert first.status == "draft" and first.attempts == 1


def test_a_stuck_rendering_row_is_claimed_again_after_15_minutes(world: World) -> None:
    with at(date(2026, 4, 10)):
        briefing = services.briefing_request(actor=world.county_admin, node=world.county, start=MARCH[0], end=MARCH[1])
    # A worker claimed it and died.
    Briefing.objects.filter(pk=briefing.pk).update(status="rendering", started_at=timezone.now(), attempts=1)
    render_briefing(briefing.pk)
    briefing.refresh_from_db()
    assert briefing.status == "rendering" and briefing.attempts == 1  # the other worker may still be busy
    Briefing.objects.filter(pk=briefing.pk).update(started_at=timezone.now() - timedelta(minutes=16))
    with on_commit_runs():  # asking again re-sends the task, which claims the abandoned row
        again = services.briefing_request(actor=world.county_admin, node=world.county, start=MARCH[0], end=MARCH[1])
    briefing.refresh_from_db()
    assert again.pk == briefing.pk and briefing.status == "draft" and briefing.attempts == 2


def test_a_crash_leaves_no_file_and_the_request_can_be_retried(world: World, monkeypatch: Any) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("pango exploded")

    monkeypatch.setattr(services, "write_pdf", broken)
    briefing = request_briefing(world.county_admin, world.county, *MARCH)
    assert briefing.status == "failed" and "生成简报时发生系统错误" in briefing.error
    assert not briefing.file and not stored_files()
    monkeypatch.undo()
    again = request_briefing(world.county_admin, world.county, *MARCH)
    assert again.pk == briefing.pk and again.status == "draft" and again.attempts == 2 and again.error == ""


def test_a_failure_after_storing_the_file_removes_it(world: World, monkeypatch: Any) -> None:
    real_log_action = services.log_action

    def refuse_generated(obj: Any, action: str, **kwargs: Any) -> Any:
        if action == "briefings.briefing.generated":
            raise RuntimeError("database went away")
        return real_log_action(obj, action, **kwargs)

    monkeypatch.setattr(services, "log_action", refuse_generated)
    briefing = request_briefing(world.county_admin, world.county, *MARCH)
    assert briefing.status == "failed" and not briefing.file
    assert not stored_files()  # no orphan, no half-written file


def test_the_requester_is_told_when_the_draft_is_ready(world: World, monkeypatch: Any) -> None:
    import safetyops.notify.services as notify

    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(notify, "notify_users", lambda **kwargs: sent.append(kwargs))
    briefing = request_briefing(world.official_a, world.town_a, *MARCH)
    assert len(sent) == 1 and sent[0]["users"] == [world.official_a] and sent[0]["reason"] == "briefing_ready"
    assert sent[0]["url"] == f"/briefings/{briefing.pk}/" and "东城镇" in sent[0]["title"]


# Monthly beat ----------------------------------------------------------------------------------


def test_monthly_beat_makes_last_months_briefing_for_every_county_and_township_once(world: World) -> None:
    with at(date(2026, 4, 1), hour=6), on_commit_runs():
        assert monthly_briefings() == 3
    made = Briefing.objects.order_by("node__path")
    assert [(b.node, b.period_start, b.period_end, b.status) for b in made] == [
        (node, *MARCH, "draft") for node in (world.county, world.town_a, world.town_b)
    ]
    assert all(b.requested_by is None and b.kind == "monthly" for b in made)
    with at(date(2026, 4, 1), hour=7), on_commit_runs():
        assert monthly_briefings() == 0
    assert Briefing.objects.count() == 3


def test_monthly_beat_retries_a_failed_one(world: World) -> None:
    with at(date(2026, 4, 1), hour=6), on_commit_runs():
        monthly_briefings()
    Briefing.objects.filter(node=world.town_b).update(status="failed", error="x")
    with at(date(2026, 4, 1), hour=8), on_commit_runs():
        assert monthly_briefings() == 1
    assert Briefing.objects.count() == 3 and not Briefing.objects.exclude(status="draft").exists()


def test_beat_entry_uses_the_configured_day() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["monthly-briefings"]
    assert entry["task"] == "safetyops.briefings.tasks.monthly_briefings"
    assert entry["schedule"].day_of_month == {settings.BRIEFING_MONTHLY_DAY}
    assert entry["schedule"].hour == {6} and entry["options"]["queue"] == "reports"


# Drafts and publishing -------------------------------------------------------------------------


def publish(actor: Any, briefing: Briefing, day: date = date(2026, 4, 12)) -> Briefing:
    with at(day), on_commit_runs():
        return services.briefing_publish(actor=actor, briefing_id=briefing.pk)


def test_section7_then_regenerate_then_publish(march: March) -> None:
    w = march.world
    draft = request_briefing(w.official_a, w.town_a, *MARCH)
    old_file = Path(draft.file.path)
    services.briefing_update_section7(
        actor=w.official_a,
        briefing_id=draft.pk,
        text="（一）存在问题\n后宅村隐患整改滞后。\n（二）下步工作\n开展回头看。",
    )
    with at(date(2026, 4, 11)), on_commit_runs():
        services.briefing_regenerate(actor=w.official_a, briefing_id=draft.pk)
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.attempts == 2 and not old_file.exists()
    draft_text = squeezed(pdf_text(draft.file.path))
    assert "后宅村隐患整改滞后。" in draft_text and "送审稿" in draft_text

    published = publish(w.official_a, draft)
    assert (published.status, published.year, published.issue_number) == ("published", 2026, 1)
    assert published.published_by == w.official_a and published.published_at is not None
    text = squeezed(pdf_text(published.file.path))
    assert "2026年第1期" in text and "送审稿" not in text and "开展回头看。" in text
    assert "2026年4月12日" in text  # the date of issue
    assert published.figures == draft.figures  # the same snapshot the draft showed
    assert len(stored_files()) == 1


def test_issue_numbers_run_in_sequence_per_node_and_year(world: World) -> None:
    march = request_briefing(world.county_admin, world.county, *MARCH)
    february = request_briefing(world.county_admin, world.county, *FEBRUARY)
    december = request_briefing(world.county_admin, world.county, date(2025, 12, 1), date(2025, 12, 31))
    town = request_briefing(world.official_a, world.town_a, *MARCH)
    assert publish(world.county_admin, march).issue_number == 1
    assert publish(world.county_admin, february).issue_number == 2
    assert publish(world.county_admin, december).issue_number == 1  # 2025's first
    assert publish(world.official_a, town).issue_number == 1  # each node numbers its own
    numbers = Briefing.objects.filter(node=world.county, year=2026).values_list("issue_number", flat=True)
    assert sorted(numbers) == [1, 2]


def test_published_briefings_are_immutable(world: World) -> None:
    briefing = publish(world.county_admin, request_briefing(world.county_admin, world.county, *MARCH))
    checksum, name = briefing.checksum, briefing.file.name
    for attempt in (
        lambda: services.briefing_update_section7(actor=world.county_admin, briefing_id=briefing.pk, text="改"),
        lambda: services.briefing_regenerate(actor=world.county_admin, briefing_id=briefing.pk),
        lambda: services.briefing_publish(actor=world.county_admin, briefing_id=briefing.pk),
    ):
        with pytest.raises(BriefingError, match="发布后不能修改"):
            attempt()
    briefing.refresh_from_db()
    assert (briefing.checksum, briefing.file.name, briefing.section7, briefing.issue_number) == (checksum, name, "", 1)


def test_one_published_issue_per_node_and_period(world: World) -> None:
    first = request_briefing(world.county_admin, world.county, *MARCH)
    publish(world.county_admin, first)
    second = request_briefing(world.county_admin, world.county, *MARCH)  # a new draft of the same month
    assert second.pk != first.pk
    with pytest.raises(BriefingError, match="已发布为2026年第1期"):
        publish(world.county_admin, second)


def test_leaders_read_but_do_not_write(world: World) -> None:
    briefing = request_briefing(world.leader_county, world.county, *MARCH)
    with pytest.raises(NotPermitted):
        services.briefing_publish(actor=world.leader_county, briefing_id=briefing.pk)
    with pytest.raises(NotPermitted):
        services.briefing_update_section7(actor=world.leader_county, briefing_id=briefing.pk, text="x")
    with pytest.raises(BriefingError, match="不在您的管辖范围内"):
        services.briefing_publish(actor=world.official_b, briefing_id=briefing.pk)


def test_only_a_rendered_draft_can_be_published(world: World) -> None:
    with at(date(2026, 4, 10)):
        queued = services.briefing_request(actor=world.county_admin, node=world.county, start=MARCH[0], end=MARCH[1])
    with at(date(2026, 4, 10)):
        with pytest.raises(BriefingError, match="只有已生成的草稿可以发布"):
            services.briefing_publish(actor=world.county_admin, briefing_id=queued.pk)
        with pytest.raises(BriefingError, match="正在生成"):
            services.briefing_regenerate(actor=world.county_admin, briefing_id=queued.pk)
