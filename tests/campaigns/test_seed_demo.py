"""The demo campaigns (`seed_demo_campaigns`, `seed_demo_campaign_inspections`, `seed_demo_campaigns
--reports`, in bin/run's order): the three campaigns in their states, the 安全生产月's June
inspections in its 总结 and photos in its activity reports, partial winter coverage, a late and a
returned township report, 打非治违's zero reports, and a second run that changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from campaigns import progress
from campaigns.models import Activity, ActivityAssignment, Campaign, ReportTask, ReportVersion, Target, UnitReport
from campaigns.reports import State, report_state
from inspections.models import Hazard, Inspection
from safetyops.core.models import AuditEvent
from safetyops.evidence.models import Attachment
from safetyops.evidence.uploads import check_uploads
from safetyops.orgs.models import Node, User
from tests.campaigns.factories import travel

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

TODAY = date(2026, 12, 3)


def seed() -> str:
    out = StringIO()
    call_command("seed_demo_campaigns", stdout=out)
    call_command("seed_demo_campaign_inspections", stdout=out)
    call_command("seed_demo_campaigns", "--reports", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Campaign,
            Target,
            Activity,
            ActivityAssignment,
            ReportTask,
            UnitReport,
            ReportVersion,
            Inspection,
            Hazard,
            AuditEvent,
            Attachment,
            User,
        )
    }


@pytest.fixture
def seeded() -> str:
    with travel(TODAY):
        call_command("seed_demo", stdout=StringIO())
        return seed()


def states(task: ReportTask) -> dict[str, str]:
    return {
        report.unit_name: report_state(report, report.versions.order_by("-number").first(), today=TODAY)
        for report in UnitReport.objects.filter(task=task).select_related("task", "node")
    }


def test_a_second_run_changes_nothing(seeded: str) -> None:
    first = counts()
    with travel(TODAY):
        again = seed()
    assert counts() == first
    assert "nothing changed" in again
    assert first["Campaign"] == 3 and first["ReportVersion"] > 0 and first["Inspection"] > 0
    # Every township has an official who reports for it; one name has a rare character.
    assert User.objects.get(username="official4").full_name == "黄璟"
    assert "黄璟（西山镇）" in seeded


def test_the_safety_month_is_ended_with_its_activities_reported(seeded: str) -> None:
    month = Campaign.objects.get(kind=Campaign.Kind.SAFETY_MONTH, year=2026)
    assert month.status == Campaign.Status.SUMMARISED
    assert "巩固安全生产月成果" in month.summary.text and timezone.localtime(month.summary.published_at).date() == date(
        month.year, 7, 5
    )
    assert (month.starts_on, month.ends_on) == (date(2026, 6, 1), date(2026, 6, 30))
    assert month.theme
    assert month.activities.count() == 8
    assert set(month.activities.values_list("kind", flat=True)) >= {
        Activity.Kind.LAUNCH,
        Activity.Kind.CONSULTATION_DAY,
        Activity.Kind.DRILL,
        Activity.Kind.ONLINE,
    }
    assignments = ActivityAssignment.objects.filter(activity__campaign=month)
    reported = assignments.filter(reported_at__isnull=False)
    assert assignments.count() > reported.count() > assignments.count() / 2  # most, not all
    assert not reported.filter(summary="").exists() and not reported.filter(participants__isnull=True).exists()
    # Reported in June, the stamps moved back from the day the seed ran.
    assert all(r.reported_at.date() <= date(2026, 6, 30) for r in reported)
    task = month.tasks.get()
    assert set(states(task).values()) == {State.SUBMITTED}
    # About a third of the reports carry one or two site photos, real JPEGs that pass the upload checks.
    with_photos = [r for r in reported.prefetch_related("attachments") if r.attachments.all()]
    assert 0 < len(with_photos) < reported.count() / 2
    photos = [a for r in with_photos for a in r.attachments.all()]
    assert all(1 <= len(r.attachments.all()) <= 2 for r in with_photos)
    stored = []
    for attachment in photos[:3]:
        with attachment.file.open("rb") as file:
            stored.append(SimpleUploadedFile(attachment.original_name, file.read()))
    assert all(upload.read(3) == b"\xff\xd8\xff" for upload in stored)
    check_uploads(stored)


def test_the_safety_month_inspected_most_targets_in_june_and_its_summary_says_so(seeded: str) -> None:
    month = Campaign.objects.get(kind=Campaign.Kind.SAFETY_MONTH, year=2026)
    targets, inspected = progress.whole_coverage(month, today=TODAY)
    assert targets > 0 and 50 <= 100 * inspected / targets < 100
    filed = Inspection.objects.filter(campaign=month)
    assert not filed.exclude(inspected_at__date__range=(month.starts_on, month.ends_on)).exists()
    hazards = Hazard.objects.filter(inspection__campaign=month)
    closed = hazards.filter(closed_at__date__lte=month.ends_on)
    assert hazards.count() > closed.count() > hazards.count() / 2  # most closed by the end of June
    # The 总结 is drafted after the inspections: it reports them, not a month without any.
    assert f"开展检查{filed.count()}次" in month.summary.text
    assert "检查中未发现事故隐患" not in month.summary.text
    # The townships' reports were pre-filled from the same records, as they stood on the day of each.
    versions = ReportVersion.objects.filter(report__task__campaign=month)
    assert 0 < sum(int(v.figures["inspected_enterprises"]["value"]) for v in versions) <= inspected


def test_the_winter_campaign_runs_with_partial_coverage_and_a_late_township(seeded: str) -> None:
    winter = Campaign.objects.get(kind=Campaign.Kind.WINTER_SPRING, year=2026)
    assert winter.status == Campaign.Status.ACTIVE
    admin = User.objects.get(username="admin")
    with travel(TODAY):
        shown = progress.campaign_progress(user=admin, campaign=winter)
    assert 0 < shown.whole.coverage < 100
    assert len({part.coverage for part in shown.ranking}) > 3  # the townships differ
    # Inspections are filed under the campaign, within its period, and found hazards, some closed.
    filed = Inspection.objects.filter(campaign=winter)
    assert filed.exists()
    assert not filed.exclude(inspected_at__date__gte=winter.starts_on).exists()
    hazards = Hazard.objects.filter(inspection__campaign=winter)
    assert hazards.filter(closed_at__isnull=False).exists() and hazards.filter(closed_at__isnull=True).exists()
    task = winter.tasks.get()
    assert task.deadline < TODAY
    found = states(task)
    assert found["桃源乡"] == State.MISSING
    assert found["西山镇"] == State.LATE
    assert found["河口镇"] == State.RETURNED
    assert list(found.values()).count(State.SUBMITTED) >= 4
    # The on-time reports carry the records' figures as pre-filled (no corrections).
    dongcheng = ReportVersion.objects.get(report__task=task, report__node=Node.objects.get(name="东城镇"))
    assert all(item["value"] == item["system"] for item in dongcheng.figures.values())
    assert Decimal(dongcheng.figures["coverage"]["value"]) > 0


def test_the_crackdown_asks_for_the_four_outcomes_and_has_zero_reports(seeded: str) -> None:
    crackdown = Campaign.objects.get(kind=Campaign.Kind.ILLEGAL_CRACKDOWN, year=2026)
    task = crackdown.tasks.get()
    assert [item["key"] for item in task.figures] == ["closed_down", "max_penalty", "suspended", "prosecuted", "fines"]
    found = states(task)
    assert State.ZERO in found.values() and State.SUBMITTED in found.values()
    assert State.MISSING not in found.values()
    versions: Any = ReportVersion.objects.filter(report__task=task)
    assert versions.filter(zero=True).count() == 2
    assert sum(Decimal(v.figures["fines"]["value"]) for v in versions) > 0
