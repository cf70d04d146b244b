"""The assessment pages, the workbook and the PDF report: what they show, that they follow the
scope, that user text stays text, and that bad input through the forms changes nothing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from accountability.assessments import services
from accountability.models import Assessment, AssessmentItem
from tests.accountability.assessment_factories import LAST_YEAR, at, final_sheet, larger, open_round
from tests.briefings.conftest import pdf_text, squeezed
from tests.conftest import World

Y = LAST_YEAR
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(at(2026, 12, 4, 11), tick=False):
        yield


def _vetoed_round(world: World) -> dict[str, Assessment]:
    larger(world.town_b, at(Y, 3, 1), responsible=[world.town_b], title='西山镇=HYPERLINK("x")<b>爆炸</b>')
    larger(world.town_b, at(Y, 8, 1), responsible=[world.town_b], title="西山镇坍塌事故")
    return open_round(world)


def test_round_page_shows_the_ranking_and_the_veto(client: Any, world: World) -> None:
    _vetoed_round(world)
    client.force_login(world.county_admin)
    response = client.get(reverse("accountability:assessment_round"), {"year": Y})
    html = response.content.decode()
    assert response.status_code == 200
    assert "东城镇" in html and "西山镇" in html and "一票否决" in html
    assert "&lt;b&gt;爆炸&lt;/b&gt;" in html and "<b>爆炸</b>" not in html
    assert html.index("东城镇") < html.index("西山镇坍塌事故")  # the vetoed township ranks last
    assert reverse("accountability:assessment_open") in html


def test_open_the_round_through_the_page(client: Any, world: World) -> None:
    client.force_login(world.county_admin)
    response = client.post(reverse("accountability:assessment_open"), {"year": Y})
    assert response.status_code == 302
    assert Assessment.objects.filter(year=Y).count() == 2
    refused = client.post(reverse("accountability:assessment_open"), {"year": "2030"})
    assert refused.status_code == 200 or refused.status_code == 400
    assert Assessment.objects.filter(year=2030).count() == 0


def test_detail_shows_rows_veto_and_review_link(client: Any, world: World) -> None:
    town_b = _vetoed_round(world)["西山镇"]
    client.force_login(world.county_admin)
    html = client.get(reverse("accountability:assessment_detail", args=[town_b.pk])).content.decode()
    assert "一票否决：不得评为优秀" in html and "西山镇坍塌事故" in html
    assert reverse("accountability:assessment_veto_review", args=[town_b.pk]) in html
    assert "扣分标准" in html and "较大及以上生产安全事故起数" in html


def test_review_without_a_reason_is_refused_through_the_form(client: Any, world: World) -> None:
    town_b = _vetoed_round(world)["西山镇"]
    client.force_login(world.county_admin)
    url = reverse("accountability:assessment_veto_review", args=[town_b.pk])
    response = client.post(url, {"decision": "lifted", "reason": ""})
    assert response.status_code == 400 and "请填写复核理由" in response.content.decode()
    town_b.refresh_from_db()
    assert town_b.veto_review == "" and town_b.vetoed
    response = client.post(url, {"decision": "lifted", "reason": "调查报告认定该镇不负有责任"})
    assert response.status_code == 302
    town_b.refresh_from_db()
    assert town_b.veto_review == "lifted" and not town_b.vetoed


def test_manual_score_bad_input_through_the_form(client: Any, world: World) -> None:
    town_a = open_round(world)["东城镇"]
    row = AssessmentItem.objects.create(
        assessment=town_a, position=99, key="custom", label="应急演练", weight=5, source="manual", target="完成"
    )
    client.force_login(world.county_admin)
    url = reverse("accountability:assessment_item_score", args=[row.pk])
    for data, message in (
        ({"score": "6", "note": "x"}, "不能超过该项分值（5分）"),
        ({"score": "-1", "note": "x"}, "不能为负数"),
        ({"score": "五", "note": "x"}, "须填写数字"),
        ({"score": "4", "note": ""}, "请填写评分说明"),
    ):
        response = client.post(url, data)
        assert response.status_code == 400 and message in response.content.decode(), data
    row.refresh_from_db()
    assert row.score is None
    assert client.post(url, {"score": "4.5", "note": "演练记录齐全"}).status_code == 302
    row.refresh_from_db()
    assert str(row.score) == "4.50"


def test_the_final_sheet_is_the_assessed_units_and_drafts_are_not(client: Any, world: World) -> None:
    sheets = open_round(world)
    client.force_login(world.official_a)
    assert client.get(reverse("accountability:assessment_detail", args=[sheets["东城镇"].pk])).status_code == 404
    final = final_sheet(world)
    html = client.get(reverse("accountability:assessment_detail", args=[final.pk])).content.decode()
    assert "东城镇" in html and reverse("accountability:assessment_finalise", args=[final.pk]) not in html
    client.force_login(world.official_b)
    assert client.get(reverse("accountability:assessment_detail", args=[final.pk])).status_code == 404


def _book(response: Any) -> Any:
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_workbook_follows_the_scope_and_keeps_text_as_text(client: Any, world: World) -> None:
    _vetoed_round(world)
    final_sheet(world)  # town A's is final; town B's a draft
    client.force_login(world.county_admin)
    book = _book(client.get(reverse("accountability:assessment_export"), {"year": Y}))
    ranking = book.worksheets[0]
    units = [row[1].value for row in ranking.iter_rows(min_row=3) if isinstance(row[0].value, int)]
    assert units == ["东城镇", "西山镇"]
    cells = [c for row in ranking.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)
    assert any("扣分标准" in str(row[0].value) for row in ranking.iter_rows() if row and row[0].value)
    client.force_login(world.official_a)
    book = _book(client.get(reverse("accountability:assessment_export"), {"year": Y}))
    units = [row[1].value for row in book.worksheets[0].iter_rows(min_row=3) if isinstance(row[0].value, int)]
    assert units == ["东城镇"]  # its own final sheet; town B's draft is the county's


def test_pdf_report_follows_the_scope(client: Any, world: World, tmp_path: Path) -> None:
    _vetoed_round(world)
    final_sheet(world)
    client.force_login(world.county_admin)
    response = client.get(reverse("accountability:assessment_report_pdf"), {"year": Y})
    path = tmp_path / "report.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    text = squeezed(pdf_text(path))
    assert "考核排名" in text and "西山镇坍塌事故" in text and "一票否决：不得评为优秀" in text
    assert "<b>爆炸</b>" in text  # printed as text, not markup
    client.force_login(world.official_a)
    response = client.get(reverse("accountability:assessment_report_pdf"), {"year": Y})
    path.write_bytes(b"".join(response.streaming_content))
    text = squeezed(pdf_text(path))
    assert "东城镇" in text and "西山镇坍塌事故" not in text


def test_finalise_through_the_page(client: Any, world: World) -> None:
    town_a = open_round(world)["东城镇"]
    client.force_login(world.county_admin)
    response = client.post(reverse("accountability:assessment_finalise", args=[town_a.pk]), {"remarks": "好"})
    assert response.status_code == 302
    town_a.refresh_from_db()
    assert town_a.status == "final"
    page = client.get(reverse("accountability:assessment_finalise", args=[town_a.pk])).content.decode()
    assert "已定级的考核结果不能再更改" in page
    client.force_login(world.leader_county)
    assert client.post(reverse("accountability:assessment_rescore", args=[town_a.pk])).status_code == 403
    assert services.capped(town_a) is False


def test_manual_score_with_evidence_through_the_form(client: Any, world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    town_a = open_round(world)["东城镇"]
    row = AssessmentItem.objects.create(
        assessment=town_a, position=99, key="custom", label="应急演练", weight=5, source="manual", target="完成"
    )
    client.force_login(world.county_admin)
    url = reverse("accountability:assessment_item_score", args=[row.pk])
    fake = SimpleUploadedFile("演练.pdf", b"not a pdf at all", "application/pdf")
    response = client.post(url, {"score": "5", "note": "演练记录齐全", "evidence": [fake]})
    assert response.status_code == 400
    row.refresh_from_db()
    assert row.score is None and row.attachments.count() == 0
    pdf = SimpleUploadedFile("演练.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")
    assert client.post(url, {"score": "5", "note": "演练记录齐全", "evidence": [pdf]}).status_code == 302
    row.refresh_from_db()
    assert row.score == 5 and row.attachments.count() == 1
    html = client.get(reverse("accountability:assessment_detail", args=[town_a.pk])).content.decode()
    assert "演练.pdf" in html
