"""The briefing pages: archive, request form, status polling, section 7, publish and download."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import unquote

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from safetyops.briefings import services
from safetyops.briefings.models import Briefing
from tests.briefings.conftest import MARCH, SHANGHAI, at, on_commit_runs, request_briefing
from tests.conftest import World


@pytest.fixture
def town_a_draft(world: World) -> Briefing:
    return request_briefing(world.official_a, world.town_a, *MARCH)


def download(client: Client, user: Any, briefing: Briefing) -> Any:
    if user is not None:
        client.force_login(user)
    return client.get(reverse("briefings:briefing_download", kwargs={"pk": briefing.pk}))


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("official_a", 200),  # in scope
        ("leader_a", 200),  # the township's leader
        ("leader_county", 200),  # the county's leader
        ("county_admin", 200),
        ("official_b", 404),  # another township: never confirm that it exists
        ("enterprise_a", 404),  # an enterprise in the township sees no briefing at all
        ("supervisor_a", 403),  # sees the township, but not every sector of it
        ("nobody", 404),
    ],
)
def test_download_follows_the_scope(
    client: Client, world: World, town_a_draft: Briefing, role: str, status: int
) -> None:
    response = download(client, world.users()[role], town_a_draft)
    assert response.status_code == status
    if status == 200:
        body = b"".join(response.streaming_content)
        assert body.startswith(b"%PDF-") and response["Content-Type"] == "application/pdf"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;") and "filename*=utf-8''" in disposition
        assert unquote(disposition.split("''", 1)[1]) == "东城镇安全生产工作简报-2026年3月-草稿.pdf"
        assert response["Cache-Control"] == "private, no-store"


def test_anonymous_download_is_sent_to_login(client: Client, town_a_draft: Briefing) -> None:
    response = download(client, None, town_a_draft)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_published_file_is_named_with_its_issue(client: Client, world: World, town_a_draft: Briefing) -> None:
    with at(date(2026, 4, 12)), on_commit_runs():
        services.briefing_publish(actor=world.official_a, briefing_id=town_a_draft.pk)
    response = download(client, world.leader_county, town_a_draft)
    assert unquote(response["Content-Disposition"].split("''", 1)[1]) == "东城镇安全生产工作简报-2026年3月-第1期.pdf"


def test_the_archive_lists_only_the_scope(client: Client, world: World, town_a_draft: Briefing) -> None:
    county = request_briefing(world.county_admin, world.county, *MARCH)
    client.force_login(world.official_b)
    page = client.get(reverse("briefings:briefing_list")).content.decode()
    assert reverse("briefings:briefing_detail", kwargs={"pk": town_a_draft.pk}) not in page
    assert reverse("briefings:briefing_detail", kwargs={"pk": county.pk}) not in page
    client.force_login(world.leader_county)
    page = client.get(reverse("briefings:briefing_list"), {"node": world.town_a.pk, "year": 2026}).content.decode()
    assert reverse("briefings:briefing_detail", kwargs={"pk": town_a_draft.pk}) in page
    assert reverse("briefings:briefing_detail", kwargs={"pk": county.pk}) not in page


def test_enterprise_users_may_not_open_the_archive(client: Client, world: World) -> None:
    client.force_login(world.enterprise_a)
    assert client.get(reverse("briefings:briefing_list")).status_code == 403
    assert client.post(reverse("briefings:briefing_create"), {"node": world.town_a.pk}).status_code == 403


def test_archive_queries_do_not_grow_with_rows(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    client.force_login(world.county_admin)
    Briefing.objects.create(node=world.town_a, period_start=MARCH[0], period_end=MARCH[1], year=2026, kind="monthly")
    with django_assert_max_num_queries(20) as one:
        client.get(reverse("briefings:briefing_list"))
    for month in range(1, 10):
        Briefing.objects.create(
            node=world.town_b,
            period_start=date(2025, month, 1),
            period_end=date(2025, month, 28),
            year=2025,
            kind="custom",
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("briefings:briefing_list"))


# Requesting ------------------------------------------------------------------------------------


def post_request(client: Client, user: Any, **data: Any) -> Any:
    client.force_login(user)
    with at(date(2026, 4, 10)), on_commit_runs():
        return client.post(reverse("briefings:briefing_create"), data)


def test_a_leader_requests_a_month_and_is_sent_to_its_progress_page(client: Client, world: World) -> None:
    response = post_request(client, world.leader_a, node=world.town_a.pk, mode="month", month="2026-03")
    briefing = Briefing.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "briefings:briefing_detail", kwargs={"pk": briefing.pk}
    )
    assert (briefing.node, briefing.period_start, briefing.period_end) == (world.town_a, *MARCH)
    assert briefing.status == "draft"


def test_the_current_month_runs_up_to_today(client: Client, world: World) -> None:
    post_request(client, world.official_a, node=world.town_a.pk, mode="month", month="2026-04")
    briefing = Briefing.objects.get()
    assert (briefing.period_start, briefing.period_end, briefing.kind) == (
        date(2026, 4, 1),
        date(2026, 4, 10),
        "custom",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"mode": "custom", "start": "2026-04-01", "end": "2026-04-30"}, "统计时段不能包含未来的日期"),
        ({"mode": "custom", "start": "2026-03-31", "end": "2026-03-01"}, "开始日期不能晚于截止日期"),
        ({"mode": "custom", "start": "2024-01-01", "end": "2026-03-31"}, "统计时段最长为一年"),
        ({"mode": "custom", "start": "", "end": "2026-03-31"}, "请填写开始日期"),
        ({"mode": "month", "month": "2099-01"}, "选择一个有效的选项"),
    ],
)
def test_bad_periods_get_a_chinese_message_and_nothing_is_created(
    client: Client, world: World, data: dict[str, str], message: str
) -> None:
    response = post_request(client, world.official_a, node=world.town_a.pk, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Briefing.objects.exists()


def test_a_node_outside_the_scope_is_refused(client: Client, world: World) -> None:
    response = post_request(client, world.official_a, node=world.town_b.pk, mode="month", month="2026-03")
    assert response.status_code == 400 and "所选区域不在您的管辖范围内" in response.content.decode()
    assert not Briefing.objects.exists()


def test_the_node_list_is_the_scope_without_villages(client: Client, world: World) -> None:
    client.force_login(world.official_a)
    page = client.get(reverse("briefings:briefing_create")).content.decode()
    assert "东城镇" in page and "西山镇" not in page and "东村" not in page


# Progress, section 7, publishing ---------------------------------------------------------------


def test_the_page_polls_while_the_worker_runs(client: Client, world: World) -> None:
    with at(date(2026, 4, 10)):  # queued, and no commit yet runs the task
        briefing = services.briefing_request(actor=world.official_a, node=world.town_a, start=MARCH[0], end=MARCH[1])
    client.force_login(world.official_a)
    url = reverse("briefings:briefing_detail", kwargs={"pk": briefing.pk})
    with at(date(2026, 4, 10)):
        page = client.get(url).content.decode()
        fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in page and "<html" in page and "排队中" in page
    assert fragment.lstrip().startswith('<div id="briefing-status"') and "<html" not in fragment
    from safetyops.briefings.tasks import render_briefing

    render_briefing(briefing.pk)
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert (
        "hx-trigger" not in fragment and reverse("briefings:briefing_download", kwargs={"pk": briefing.pk}) in fragment
    )


def test_a_lost_message_stops_the_polling_and_offers_a_retry(client: Client, world: World) -> None:
    with at(date(2026, 4, 10)):  # queued, but the message never reached a worker
        briefing = services.briefing_request(actor=world.leader_a, node=world.town_a, start=MARCH[0], end=MARCH[1])
    client.force_login(world.leader_a)
    with at(date(2026, 4, 10)):
        page = client.get(reverse("briefings:briefing_detail", kwargs={"pk": briefing.pk})).content.decode()
    assert "hx-trigger" in page and "生成时间过长" not in page
    later = time_machine.travel(datetime(2026, 4, 10, 10, 20, tzinfo=SHANGHAI), tick=False)  # 20 minutes on
    with later:
        page = client.get(reverse("briefings:briefing_detail", kwargs={"pk": briefing.pk})).content.decode()
    assert "hx-trigger" not in page and "生成时间过长" in page and 'name="end" value="2026-03-31"' in page
    with later, on_commit_runs():
        client.post(
            reverse("briefings:briefing_create"), {"node": world.town_a.pk, "mode": "month", "month": "2026-03"}
        )
    assert Briefing.objects.get().status == "draft"


def test_a_failed_briefing_offers_a_retry(client: Client, world: World) -> None:
    Briefing.objects.create(
        node=world.town_a, period_start=MARCH[0], period_end=MARCH[1], year=2026, kind="monthly", status="failed",
        error="生成简报时发生系统错误（OSError），未生成文件。",
    )  # fmt: skip
    client.force_login(world.leader_a)
    page = client.get(reverse("briefings:briefing_detail", kwargs={"pk": Briefing.objects.get().pk})).content.decode()
    assert "生成简报时发生系统错误" in page and "重新生成" in page and 'name="start" value="2026-03-01"' in page
    post_request(client, world.leader_a, node=world.town_a.pk, mode="custom", start="2026-03-01", end="2026-03-31")
    assert Briefing.objects.get().status == "draft"


def test_section7_is_prefilled_saved_and_regenerated(client: Client, world: World, town_a_draft: Briefing) -> None:
    client.force_login(world.official_a)
    url = reverse("briefings:briefing_section7", kwargs={"pk": town_a_draft.pk})
    assert "（一）存在问题" in client.get(url).content.decode()  # suggested from the figures
    with at(date(2026, 4, 11)), on_commit_runs():
        response = client.post(url, {"text": "（一）存在问题\n整改滞后。", "regenerate": "1"})
    assert response.status_code == 302
    town_a_draft.refresh_from_db()
    assert town_a_draft.section7 == "（一）存在问题\n整改滞后。" and town_a_draft.attempts == 2


def test_publish_confirms_the_number_then_freezes(client: Client, world: World, town_a_draft: Briefing) -> None:
    client.force_login(world.official_a)
    url = reverse("briefings:briefing_publish", kwargs={"pk": town_a_draft.pk})
    assert "发布为2026年第1期" in client.get(url).content.decode()
    with at(date(2026, 4, 12)), on_commit_runs():
        assert client.post(url).status_code == 302
    town_a_draft.refresh_from_db()
    assert town_a_draft.status == "published" and town_a_draft.issue_number == 1
    response = client.post(
        reverse("briefings:briefing_section7", kwargs={"pk": town_a_draft.pk}), {"text": "改"}, follow=True
    )
    assert "发布后不能修改" in response.content.decode()
    town_a_draft.refresh_from_db()
    assert town_a_draft.section7 == ""


def test_it_checks_ownership(client: Client, world: World, town_a_draft: Briefing) -> None:
    client.force_login(world.official_b)
    for name in (
        "briefings:briefing_detail",
        "briefings:briefing_section7",
        "briefings:briefing_regenerate",
        "briefings:briefing_publish",
        "briefings:briefing_download",
    ):
        assert client.get(reverse(name, kwargs={"pk": town_a_draft.pk})).status_code == 404, name
    assert client.post(reverse("briefings:briefing_publish", kwargs={"pk": town_a_draft.pk})).status_code == 404


def test_it_requires_rw_access(client: Client, world: World, town_a_draft: Briefing) -> None:
    client.force_login(world.leader_a)
    assert client.get(reverse("briefings:briefing_detail", kwargs={"pk": town_a_draft.pk})).status_code == 200
    for name in ("briefings:briefing_section7", "briefings:briefing_regenerate", "briefings:briefing_publish"):
        assert client.post(reverse(name, kwargs={"pk": town_a_draft.pk}), {"text": "x"}).status_code == 403, name
    town_a_draft.refresh_from_db()
    assert town_a_draft.status == "draft" and town_a_draft.section7 == ""


def test_nav_link_for_readers_only(client: Client, world: World) -> None:
    for role, shown in (("leader_a", True), ("official_a", True), ("supervisor_a", False), ("enterprise_a", False)):
        client.force_login(world.users()[role])
        assert (reverse("briefings:briefing_list") in client.get(reverse("home")).content.decode()) is shown, role


# Limits and what each role is shown ------------------------------------------------------------


def test_requests_are_limited_per_person_and_a_repeat_returns_the_pending_one(
    client: Client, world: World, settings: Any
) -> None:
    settings.BRIEFING_REQUESTS_PER_MINUTE = 5
    client.force_login(world.leader_a)
    url = reverse("briefings:briefing_create")
    with at(date(2026, 4, 10)):  # queued: no commit runs the render
        answers = [
            client.post(url, {"node": world.town_a.pk, "mode": "custom", "start": "2026-03-01", "end": f"2026-03-0{d}"})
            for d in range(1, 7)
        ]
        assert [a.status_code for a in answers] == [302] * 5 + [429]
        assert "每人每分钟5次" in answers[-1].content.decode()
        assert Briefing.objects.count() == 5
        # Asking again for one that is still pending returns it: no new row, no new render, not counted.
        again = client.post(
            url, {"node": world.town_a.pk, "mode": "custom", "start": "2026-03-01", "end": "2026-03-01"}
        )
        first = Briefing.objects.get(period_end=date(2026, 3, 1))
        assert again.status_code == 302 and again["Location"] == reverse(
            "briefings:briefing_detail", kwargs={"pk": first.pk}
        )
        assert Briefing.objects.count() == 5
        # Another person is not held up by the leader's requests.
        client.force_login(world.official_a)
        assert client.post(url, {"node": world.town_a.pk, "mode": "month", "month": "2026-03"}).status_code == 302
    with time_machine.travel(datetime(2026, 4, 10, 10, 1, 5, tzinfo=SHANGHAI), tick=False):  # a minute on
        client.force_login(world.leader_a)
        response = client.post(
            url, {"node": world.town_a.pk, "mode": "custom", "start": "2026-03-01", "end": "2026-03-06"}
        )
        assert response.status_code == 302 and Briefing.objects.count() == 7


def test_no_stale_please_wait_message_beside_a_finished_briefing(client: Client, world: World) -> None:
    response = post_request(client, world.leader_a, node=world.town_a.pk, mode="month", month="2026-03")
    page = client.get(response["Location"]).content.decode()
    assert Briefing.objects.get().status == "draft" and "下载PDF" in page
    assert "请稍候" not in page and "已提交" not in page


@pytest.mark.parametrize(("role", "technical"), [("leader_a", False), ("official_a", False), ("county_admin", True)])
def test_checksum_and_timings_are_shown_to_county_admins_only(
    client: Client, world: World, town_a_draft: Briefing, role: str, technical: bool
) -> None:
    client.force_login(world.users()[role])
    page = client.get(reverse("briefings:briefing_detail", kwargs={"pk": town_a_draft.pk})).content.decode()
    assert "下载PDF" in page and "生成时间" in page
    assert ("SHA-256" in page) is technical and (town_a_draft.checksum in page) is technical
    assert ("用时" in page) is technical
