"""The 约谈/督办 pages: 发起约谈 from a hazard at 督办 (the button on the hazard page, the form with
the reason and the target preset), the list and the record, the steps by POST, and the briefing's
约谈 part."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accountability.models import Summons
from accountability.summons import services
from accountability.summons.briefing import summons_figures
from safetyops.briefings.services import briefing_html
from tests.accountability.daily_factories import hazard
from tests.accountability.summons_factories import summons_of, supervised_hazard
from tests.briefings.conftest import pdf_text, request_briefing, squeezed
from tests.campaigns.factories import travel
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_the_hazard_page_offers_a_summons_only_at_supervision_and_to_issuers(world: World, client: Any) -> None:
    at_supervision = supervised_hazard(world)
    plain = hazard(world, description="普通隐患")
    link = reverse("accountability:summons_create") + f"?hazard={at_supervision.pk}"
    client.force_login(world.county_admin)
    assert link in client.get(reverse("inspections:hazard_detail", args=[at_supervision.pk])).content.decode()
    assert "data-summons-link" not in client.get(reverse("inspections:hazard_detail", args=[plain.pk])).content.decode()
    client.force_login(world.leader_county)  # reads, does not summon
    page = client.get(reverse("inspections:hazard_detail", args=[at_supervision.pk])).content.decode()
    assert "data-summons-link" not in page


def test_from_the_hazard_the_form_presets_the_enterprise_and_the_reason(
    world: World, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    found = supervised_hazard(world, listed=True)
    client.force_login(world.county_admin)
    url = reverse("accountability:summons_create") + f"?hazard={found.pk}"
    page = client.get(url).content.decode()
    assert world.ent_a.name in page and f'value="hazard:{found.pk}" id="reason-1-1" checked' in page
    today = timezone.localdate()
    form = {
        "kind": "supervision",
        "reasons": [f"hazard:{found.pk}"],
        "held_on": today.isoformat(),
        "place": "县应急管理局",
        "summoned_by": "王军",
        "attendees": "张强",
        "minutes": "企业负责人说明了情况",
        "commitments": f"{(today + timedelta(days=7)).isoformat()} 完成防火堤建设\n没有期限的承诺",
    }
    response = client.post(url, form)
    assert response.status_code == 200 and "缺少完成期限" in response.content.decode()
    assert not Summons.objects.exists()
    form["commitments"] = f"{(today + timedelta(days=7)).isoformat()} 完成防火堤建设"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form)
    summons = Summons.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "accountability:summons_detail", args=[summons.pk]
    )
    assert (summons.enterprise, summons.status, summons.kind) == (world.ent_a, Summons.Status.HELD, "supervision")
    page = client.get(response["Location"]).content.decode()
    assert reverse("inspections:hazard_detail", args=[found.pk]) in page and "完成防火堤建设" in page
    # the enterprise reports; the county sees it waiting for review
    client.force_login(world.enterprise_a)
    assert client.post(reverse("accountability:summons_report", args=[summons.pk]), {"text": ""}).status_code == 200
    client.post(reverse("accountability:summons_report", args=[summons.pk]), {"text": "防火堤已建成"})
    summons.refresh_from_db()
    assert summons.status == Summons.Status.REPORTED
    client.force_login(world.county_admin)
    listed = client.get(reverse("accountability:summons_list") + "?status=reported").content.decode()
    assert world.ent_a.name in listed and "整改报告待审核" in listed


def test_a_hazard_outside_the_issuers_part_is_not_preset(world: World, client: Any) -> None:
    other = supervised_hazard(world, enterprise=world.ent_b)
    supervised_hazard(world)  # town A's own: offered on the target page
    client.force_login(world.official_a)
    page = client.get(reverse("accountability:summons_create") + f"?hazard={other.pk}").content.decode()
    assert "该隐患不在本单位管辖范围内" in page and "data-pressing" in page  # back to choosing a target


def test_the_list_shows_each_side_its_own(world: World, client: Any) -> None:
    summons_of(world)
    summons_of(world, world.ent_a, held=True, kind=Summons.Kind.SUPERVISION)
    client.force_login(world.enterprise_a)
    page = client.get(reverse("accountability:summons_list")).content.decode()
    assert world.ent_a.name in page and "东城镇</a>" not in page
    client.force_login(world.official_b)
    assert "暂无约谈督办记录" in client.get(reverse("accountability:summons_list")).content.decode()
    client.force_login(world.county_admin)
    page = client.get(reverse("accountability:summons_list") + "?target=node").content.decode()
    assert "东城镇</a>" in page and world.ent_a.name not in page


def test_the_briefing_counts_the_summonses_held_in_the_period(world: World) -> None:
    with travel(date(2026, 3, 10)):
        summons_of(world, world.ent_a, held=True, kind=Summons.Kind.SUPERVISION)
        summons_of(world, held=True)
        planned = summons_of(world)  # not held: not counted
    with travel(date(2026, 4, 2)):
        summons_of(world, held=True)  # another month
        services.summons_cancel(actor=world.county_admin, summons=planned, reason="不再需要")
    data = summons_figures(world.county, date(2026, 3, 1), date(2026, 3, 31))["summonses"]
    assert (data["total"], data["summons"], data["supervision"]) == (2, 1, 1)
    assert {row["unit"] for row in data["rows"]} == {world.ent_a.name, world.town_a.name}
    assert data["rows"][0]["reasons"] == "隐患督办1项"
    assert summons_figures(world.town_b, date(2026, 3, 1), date(2026, 3, 31))["summonses"]["total"] == 0
    briefing = request_briefing(
        world.county_admin, world.county, date(2026, 3, 1), date(2026, 3, 31), today=date(2026, 4, 5)
    )
    html = briefing_html(briefing, briefing.figures, issue_number=None, issued_on=date(2026, 4, 5))
    section = html[html.index("五、责任落实情况") : html.index("六、")]
    assert "本期全县开展约谈1次、督办1次，待报送整改报告2个。" in section
    assert "2026-03-10" in section and world.town_a.name in section


def test_the_list_counts_each_summons_reasons(world: World, client: Any) -> None:
    summons_of(world, reasons=[("hazard", supervised_hazard(world).pk), ("hazard", supervised_hazard(world).pk)])
    summons_of(world, world.ent_a, held=True, commitments=[])
    client.force_login(world.county_admin)
    page = client.get(reverse("accountability:summons_list")).content.decode()
    counts = re.findall(r'<td class="text-nowrap">(\d+) 项</td>', page)
    assert sorted(counts) == ["1", "2"]


def test_the_record_as_a_pdf_escapes_the_users_text(world: World, client: Any, tmp_path: Any) -> None:
    summons = summons_of(world, world.ent_a, held=True, kind=Summons.Kind.SUPERVISION)
    services.summons_follow_up(actor=world.county_admin, summons=summons, note="<b>复查</b>未完成")
    client.force_login(world.enterprise_a)
    response = client.get(reverse("accountability:summons_pdf", args=[summons.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "record.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    text = squeezed(pdf_text(path))
    assert "督办记录" in text and world.ent_a.name in text and "完成报警器更换" in text
    assert "<b>复查</b>未完成" in text  # printed as typed, not as markup


def test_minutes_scan_and_report_files_are_kept_as_evidence(
    world: World, client: Any, settings: Any, tmp_path: Any
) -> None:
    from safetyops.evidence.models import Attachment
    from tests.inspections.conftest import jpeg, pdf

    settings.MEDIA_ROOT = tmp_path
    summons = summons_of(world, world.ent_a)
    client.force_login(world.county_admin)
    url = reverse("accountability:summons_record", args=[summons.pk])
    today = timezone.localdate().isoformat()
    fake = SimpleUploadedFile("minutes.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(url, {"held_on": today, "attendees": "张强", "minutes_file": fake})
    assert response.status_code == 200 and not Attachment.objects.exists()
    response = client.post(url, {"held_on": today, "attendees": "张强", "minutes_file": pdf("minutes.pdf")})
    assert response.status_code == 302
    summons.refresh_from_db()
    assert summons.status == Summons.Status.HELD and summons.minutes == ""
    client.force_login(world.enterprise_a)
    response = client.post(
        reverse("accountability:summons_report", args=[summons.pk]),
        {"text": "已整改", "attachments": [jpeg("after.jpg"), pdf("report.pdf")]},
    )
    assert response.status_code == 302
    roles = sorted(summons.attachments.values_list("role", "original_name"))
    assert roles == [("after", "after.jpg"), ("after", "report.pdf"), ("document", "minutes.pdf")]
    assert all(a.enterprise_id == world.ent_a.pk for a in summons.attachments.all())


def test_from_an_accident_the_form_presets_its_enterprise_or_its_node(world: World, client: Any) -> None:
    from tests.accountability.accident_factories import accident_row

    with_enterprise = accident_row(world.village_a, timezone.now(), deaths=1, enterprise=world.ent_a)
    of_the_town = accident_row(world.town_a, timezone.now(), deaths=3, title="东城镇道路坍塌")
    client.force_login(world.county_admin)
    base = reverse("accountability:summons_create")
    page = client.get(f"{base}?accident={with_enterprise.pk}").content.decode()
    assert f"{world.ent_a.name}</h1>" in page and f'value="accident:{with_enterprise.pk}"' in page
    page = client.get(f"{base}?accident={of_the_town.pk}").content.decode()
    assert f"{world.town_a.name}</h1>" in page and "东城镇道路坍塌" in page
    client.force_login(world.official_b)
    assert "该事故不在本单位管辖范围内" in client.get(f"{base}?accident={of_the_town.pk}").content.decode()


def test_a_second_post_of_the_same_form_creates_one_summons(world: World) -> None:
    found = supervised_hazard(world)
    values: dict[str, Any] = {
        "actor": world.county_admin,
        "unit": world.ent_a,
        "kind": Summons.Kind.SUMMONS,
        "held_on": timezone.localdate() + timedelta(days=1),
        "place": "县应急管理局",
        "summoned_by": "王军",
        "attendees": "张强",
        "reasons": [("hazard", found.pk)],
        "key": "3b1f0c7e9d2a4f5b8c6d7e8f9a0b1c2d",
    }
    first = services.summons_create(**values)
    again = services.summons_create(**values)
    assert first.pk == again.pk and Summons.objects.count() == 1


def test_the_record_page_does_not_query_per_timeline_entry(world: World, client: Any) -> None:
    """Each follow-up is a line of the timeline; its actor comes with it, not one query a line."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    summons = summons_of(world, held=True)
    client.force_login(world.county_admin)
    url = reverse("accountability:summons_detail", args=[summons.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    for note in ("已现场复查", "已电话督促", "已约见镇长"):
        services.summons_follow_up(actor=world.county_admin, summons=summons, note=note)
    with CaptureQueriesContext(connection) as after:
        page = client.get(url).content.decode()
    assert "已约见镇长" in page
    assert len(after.captured_queries) == len(before.captured_queries)
