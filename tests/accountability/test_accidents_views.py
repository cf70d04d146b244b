"""The accident pages: registering through the form, the detail's level, clocks and reasons, bad
input (400, nothing changed), the list's queries, and the scope of the accident's files."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from accountability.accidents import services
from accountability.models import Accident, AccidentLevel
from tests.accountability.accident_factories import SIX_ITEMS, registered_accident
from tests.conftest import World
from tests.inspections.conftest import pdf

LOCAL = "%Y-%m-%dT%H:%M"


def _post(world: World, **overrides: Any) -> dict[str, Any]:
    now = timezone.localtime()
    data = {
        "title": "河口化工“5·8”中毒事故",
        "occurred_at": (now - datetime.timedelta(hours=4)).strftime(LOCAL),
        "reported_at": (now - datetime.timedelta(hours=4, minutes=-30)).strftime(LOCAL),
        "enterprise": world.ent_a.pk,
        "node": "",
        "place": "",
        "category": "industrial",
        "sector": world.sector_chem.pk,
        "deaths": "1",
        "serious_injuries": "2",
        "minor_injuries": "0",
        "missing": "0",
        "direct_loss": "1200",
        "register": "1",
        **SIX_ITEMS,
    }
    data.update(overrides)
    return data


def test_a_township_registers_an_accident_larger_by_loss_alone(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    response = client.post(reverse("accountability:accident_create"), _post(world))
    accident = Accident.objects.get()
    assert response.status_code == 302 and accident.status == Accident.Status.REGISTERED
    assert accident.level == AccidentLevel.LARGER and accident.place == world.ent_a.name
    client.force_login(world.county_admin)
    page = client.get(reverse("accountability:accident_detail", args=[accident.pk])).content.decode()
    assert "较大事故（按直接经济损失）" in page
    assert "事故发生地设区的市级人民政府" in page and "省级人民政府安全生产监督管理部门" in page
    assert "应于" in page and "前上报" in page


def test_a_double_click_on_register_makes_one_accident(
    client: Any, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """The same post twice (a double click, a retry) registers one accident, not two: two would count
    twice against the control indicators, and one 较大 would look like the two that veto."""
    client.force_login(world.official_a)
    form_key = client.get(reverse("accountability:accident_create")).context["form"]["key"].value()
    assert form_key
    data = _post(world, key=form_key)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("accountability:accident_create"), data)
    again = client.post(reverse("accountability:accident_create"), data, follow=True)
    accident = Accident.objects.get()
    assert accident.status == Accident.Status.REGISTERED and accident.level == AccidentLevel.LARGER
    assert first.status_code == 302 and first["Location"] == reverse(
        "accountability:accident_detail", args=[accident.pk]
    )
    assert again.redirect_chain[-1][0] == first["Location"]
    assert f"已登记事故 {accident.number}" in again.content.decode()
    # Another post (a new form) is another accident.
    client.post(reverse("accountability:accident_create"), _post(world, key="another-form"))
    assert Accident.objects.count() == 2


def test_a_draft_shows_its_level_by_article_3(client: Any, world: World) -> None:
    """A draft with 3 deaths reads 较大 on its page and in the list, not the column's default 一般."""
    client.force_login(world.official_a)
    data = _post(world, deaths="3", direct_loss="10", save="1")
    del data["register"]
    client.post(reverse("accountability:accident_create"), data)
    accident = Accident.objects.get()
    assert accident.status == Accident.Status.DRAFT and accident.level == AccidentLevel.LARGER
    page = client.get(reverse("accountability:accident_detail", args=[accident.pk])).content.decode()
    assert "较大事故（按死亡人数）" in page and "一般事故（按" not in page
    services.accident_draft_save(
        actor=world.official_a,
        accident=accident,
        **{**services.figures_of(accident), **_draft_of(accident), "deaths": 2},
    )
    accident.refresh_from_db()
    assert accident.level == AccidentLevel.GENERAL


def _draft_of(accident: Accident) -> dict[str, Any]:
    names = ("title", "occurred_at", "reported_at", "enterprise", "node", "place", "category", "sector")
    return {name: getattr(accident, name) for name in (*names, *services.REPORT_ITEMS)}


def test_a_late_report_shows_the_red_badge(client: Any, world: World) -> None:
    now = timezone.localtime()
    data = _post(
        world,
        occurred_at=(now - datetime.timedelta(hours=5)).strftime(LOCAL),
        reported_at=(now - datetime.timedelta(hours=5) + datetime.timedelta(minutes=95)).strftime(LOCAL),
    )
    client.force_login(world.official_a)
    client.post(reverse("accountability:accident_create"), data)
    accident = Accident.objects.get()
    assert accident.reported_late
    page = client.get(reverse("accountability:accident_detail", args=[accident.pk])).content.decode()
    assert "事故发生后 95 分钟报告" in page and "data-late" in page


def test_register_without_the_six_items_keeps_a_draft_and_names_them(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    response = client.post(
        reverse("accountability:accident_create"), _post(world, account="", measures=""), follow=True
    )
    accident = Accident.objects.get()
    assert accident.status == Accident.Status.DRAFT
    text = response.content.decode()
    assert "事故的简要经过" in text and "已经采取的措施" in text and "未登记" in text


BAD = [
    ({"deaths": "-1"}, "死亡人数不能为负数"),
    ({"direct_loss": "abc"}, "直接经济损失必须是数字"),
    ({"direct_loss": "-3"}, "直接经济损失不能为负数"),
    ({"direct_loss": "1.005"}, "最多保留两位小数"),
    ({"direct_loss": "99999999999"}, "数额过大"),
    ({"enterprise": "", "node": ""}, "请选择事故单位"),
]


@pytest.mark.parametrize(("override", "message"), BAD)
def test_bad_input_is_refused_with_a_message(client: Any, world: World, override: dict[str, str], message: str) -> None:
    client.force_login(world.official_a)
    response = client.post(reverse("accountability:accident_create"), _post(world, **override))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Accident.objects.exists()


def test_times_report_before_or_in_the_future_are_refused(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    now = timezone.localtime()
    before = _post(
        world,
        occurred_at=(now - datetime.timedelta(hours=1)).strftime(LOCAL),
        reported_at=(now - datetime.timedelta(hours=2)).strftime(LOCAL),
    )
    response = client.post(reverse("accountability:accident_create"), before)
    assert response.status_code == 400 and "报告时间不能早于事故发生时间" in response.content.decode()
    future = _post(
        world,
        occurred_at=(now + datetime.timedelta(hours=1)).strftime(LOCAL),
        reported_at=(now + datetime.timedelta(hours=2)).strftime(LOCAL),
    )
    response = client.post(reverse("accountability:accident_create"), future)
    assert response.status_code == 400 and "发生时间不能晚于当前时间" in response.content.decode()
    assert not Accident.objects.exists()


def test_an_enterprise_outside_scope_is_not_offered(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    response = client.post(reverse("accountability:accident_create"), _post(world, enterprise=world.ent_b.pk))
    assert response.status_code == 400
    assert not Accident.objects.exists()


def test_close_with_an_open_follow_up_is_refused_on_the_page(client: Any, world: World) -> None:
    admin = world.county_admin
    accident = registered_accident(world)
    today = timezone.localdate()
    services.accident_investigation_start(actor=admin, accident=accident, group="调查组", started_on=today)
    services.accident_report_submit(actor=admin, accident=accident, report=pdf(), submitted_on=today)
    services.accident_reply(actor=admin, accident=accident, replied_on=today, reference="安政复〔2026〕3号")
    client.force_login(admin)
    detail = client.get(reverse("accountability:accident_detail", args=[accident.pk])).content.decode()
    assert "四不放过事项尚未全部落实：" in detail
    response = client.post(reverse("accountability:accident_close", args=[accident.pk]), {})
    assert response.status_code == 200 and "四不放过事项尚未全部落实" in response.content.decode()
    accident.refresh_from_db()
    assert accident.status == Accident.Status.REPLIED


def test_the_revise_page_regrades(client: Any, world: World) -> None:
    accident = registered_accident(world, deaths=2)
    client.force_login(world.official_a)
    data = {"deaths": "3", "serious_injuries": "0", "minor_injuries": "0", "missing": "0", "direct_loss": "50"}
    response = client.post(reverse("accountability:accident_revise", args=[accident.pk]), data)
    assert response.status_code == 302
    accident.refresh_from_db()
    assert accident.level == AccidentLevel.LARGER
    page = client.get(reverse("accountability:accident_detail", args=[accident.pk])).content.decode()
    assert "较大事故（按死亡人数）" in page and "一般事故 → 较大事故" in page


def test_the_list_filters_and_does_not_query_per_row(client: Any, world: World, django_assert_num_queries: Any) -> None:
    for i in range(3):
        registered_accident(world, title=f"事故{i}", direct_loss=Decimal("1000") if i == 0 else Decimal("1"))
    registered_accident(world, title="建筑事故", enterprise=world.ent_a2, sector=world.sector_build)
    client.force_login(world.county_admin)
    url = reverse("accountability:accident_list")
    client.get(url)  # warm the session, the scope cache and the kept area list
    with django_assert_num_queries(3) as captured:
        response = client.get(url)
    assert response.status_code == 200
    many = len(captured.captured_queries)
    for i in range(5):
        registered_accident(world, title=f"更多{i}")
    with django_assert_num_queries(many):
        client.get(url)
    page = client.get(url, {"level": "larger"}).content.decode()
    assert "事故0" in page and "事故1" not in page


def test_the_workbook_downloads(client: Any, world: World) -> None:
    registered_accident(world, title='=HYPERLINK("x")')
    client.force_login(world.county_admin)
    response = client.get(reverse("accountability:accident_export"))
    assert response.status_code == 200
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    titles = [row[1].value for row in sheet.iter_rows(min_row=3)]
    cells = [row[1] for row in sheet.iter_rows(min_row=3)]
    assert titles == ['=HYPERLINK("x")'] and cells[0].data_type == "s"


def test_accident_files_follow_the_accident_scope(client: Any, world: World) -> None:
    admin = world.county_admin
    accident = registered_accident(world)
    services.accident_investigation_start(
        actor=admin, accident=accident, group="调查组", started_on=timezone.localdate()
    )
    services.accident_report_submit(actor=admin, accident=accident, report=pdf(), submitted_on=timezone.localdate())
    attachment = accident.attachments.get()
    url = reverse("evidence:attachment_download", args=[attachment.pk])
    for user, status in (
        (world.official_a, 200),
        (world.enterprise_a, 200),
        (world.leader_county, 200),
        (world.official_b, 404),
        (world.supervisor_a, 404),
        (world.enterprise_b, 404),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user


def _closed(world: World) -> Accident:
    from tests.inspections.conftest import jpeg

    admin = world.county_admin
    accident = registered_accident(world)
    today = timezone.localdate()
    services.accident_investigation_start(actor=admin, accident=accident, group="县政府事故调查组", started_on=today)
    services.accident_responsibility_add(actor=admin, accident=accident, unit=world.town_a, finding="属地管理责任")
    services.accident_report_submit(actor=admin, accident=accident, report=pdf(), submitted_on=today)
    services.accident_reply(actor=admin, accident=accident, replied_on=today, reference="安政复〔2026〕9号")
    for item in accident.follow_ups.all():
        services.accident_follow_up_done(actor=admin, follow_up=item, note="已落实", files=[jpeg()])
    return services.accident_close(actor=admin, accident=accident)


def test_a_closed_accident_reads_with_its_files_and_timeline(client: Any, world: World) -> None:
    accident = _closed(world)
    client.force_login(world.enterprise_a)
    page = client.get(reverse("accountability:accident_detail", args=[accident.pk])).content.decode()
    assert "安政复〔2026〕9号" in page and "属地管理责任" in page and "photo.jpg" in page
    assert "结案" in page and "登记调查组" in page  # the timeline's labels
    assert reverse("accountability:accident_revise", args=[accident.pk]) not in page  # no buttons for the enterprise
    client.force_login(world.county_admin)
    page = client.get(reverse("accountability:accident_detail", args=[accident.pk])).content.decode()
    assert "已结案的事故不能再增删责任认定" in page  # the declared reason, shown


def test_a_follow_up_file_follows_the_accident_scope(client: Any, world: World) -> None:
    accident = _closed(world)
    from safetyops.evidence.models import Attachment

    attachment = Attachment.objects.filter(owner_id=accident.follow_ups.first().pk, original_name="photo.jpg").first()
    url = reverse("evidence:attachment_download", args=[attachment.pk])
    for user, status in ((world.official_a, 200), (world.official_b, 404), (world.supervisor_a, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status


def test_the_changed_signal_is_sent_on_commit(world: World, django_capture_on_commit_callbacks: Any) -> None:
    from accountability.accidents.signals import accident_changed

    heard: list[int] = []

    def listener(sender: Any, accident_id: int, **kwargs: Any) -> None:
        heard.append(accident_id)

    accident_changed.connect(listener, dispatch_uid="test-accident-changed")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            accident = registered_accident(world, deaths=1)
        figures = {"serious_injuries": 0, "minor_injuries": 0, "missing": 0, "direct_loss": "50"}
        with django_capture_on_commit_callbacks(execute=True):
            services.accident_revise(actor=world.official_a, accident=accident, deaths=2, **figures)
    finally:
        accident_changed.disconnect(dispatch_uid="test-accident-changed")
    assert heard == [accident.pk, accident.pk]


def test_a_township_official_cannot_take_county_steps(client: Any, world: World) -> None:
    accident = registered_accident(world)
    client.force_login(world.official_a)
    response = client.post(
        reverse("accountability:accident_investigate", args=[accident.pk]),
        {"group": "x", "started_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 403
    accident.refresh_from_db()
    assert accident.status == Accident.Status.REGISTERED


def test_a_follow_up_is_overdue_by_beijing_date(client: Any, world: World) -> None:
    """07:00 on 2 June in Beijing is still 1 June in UTC: an item due 1 June is overdue already."""
    import time_machine

    from accountability.models import AccidentFollowUp

    beijing = datetime.timezone(datetime.timedelta(hours=8))
    with time_machine.travel(datetime.datetime(2026, 6, 2, 7, 0, tzinfo=beijing), tick=False):
        accident = registered_accident(world)
        AccidentFollowUp.objects.filter(accident=accident).update(due_on=datetime.date(2026, 6, 1))
        client.force_login(world.county_admin)
        page = client.get(reverse("accountability:accident_detail", args=[accident.pk])).content.decode()
    assert page.count('2026-06-01 <span class="badge text-bg-danger">逾期</span>') == 4


def test_the_detail_page_asks_the_scope_once_for_all_its_steps(
    client: Any, world: World, django_assert_num_queries: Any
) -> None:
    """Every step's IN_SCOPE condition is one EXISTS query; the page asks it once (it asked 22 times
    in the city bench, 33 queries a view)."""
    accident = registered_accident(world, title="机械伤害事故")
    client.force_login(world.county_admin)
    url = reverse("accountability:accident_detail", args=[accident.pk])
    client.get(url)  # warm the session and the scope cache
    with django_assert_num_queries(10) as captured:
        response = client.get(url)
    assert response.status_code == 200 and "机械伤害事故" in response.content.decode()
    in_scope = [
        q for q in captured.captured_queries if q["sql"].startswith('SELECT 1 AS "a" FROM "accountability_accident"')
    ]
    assert len(in_scope) == 1


def _django_select(form: Any, name: str) -> str:
    """The field as Django's own Select draws it, from its live choices (the queryset, for the area)."""
    from django import forms as django_forms

    bound = form[name]
    widget = django_forms.Select(attrs=bound.field.widget.attrs, choices=bound.field.choices)
    return str(widget.render(bound.html_name, bound.value(), attrs={"id": bound.auto_id}))


@pytest.mark.parametrize("query", [{}, {"level": "larger", "node": "town_b"}])
def test_the_list_filter_is_drawn_as_django_draws_it(world: World, query: dict[str, str]) -> None:
    from accountability.accidents.forms import ListFilterForm
    from tests.core.test_widgets import squeeze

    data = {k: str(getattr(world, v).pk) if k == "node" else v for k, v in query.items()}
    for _ in range(2):  # the areas from the queryset, then from the cache
        form = ListFilterForm(data or None, user=world.county_admin)
        for name in ("level", "category", "node", "status"):
            assert squeeze(str(form[name])) == squeeze(_django_select(form, name))  # FastSelect drops the newlines
    assert ("selected>西山镇</option>" in str(form["node"])) == bool(data)


def test_the_list_filter_shows_a_renamed_area_and_only_the_users_areas(client: Any, world: World) -> None:
    client.force_login(world.county_admin)
    url = reverse("accountability:accident_list")
    assert "西山镇</option>" in client.get(url).content.decode()
    world.town_b.name = "西山街道"
    world.town_b.save()
    page = client.get(url).content.decode()
    assert "西山街道</option>" in page and "西山镇</option>" not in page
    client.force_login(world.official_a)  # town A's: another scope, another kept list
    page = client.get(url).content.decode()
    assert "东城镇</option>" in page and "西山街道</option>" not in page
