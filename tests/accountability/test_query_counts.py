"""The 责任落实 pages ask a fixed number of queries whatever the number of letters, pledges, daily
承诺公告, accidents, summonses and areas."""

from __future__ import annotations

from typing import Any

import pytest

from tests.query_counts import Page, assert_constant

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _county() -> Any:
    from safetyops.orgs.models import Membership

    return Membership.objects.select_related("node").get(user__username="bench_admin_0").node


def _pledge_template() -> str:
    from accountability.models import LetterTemplate

    template = LetterTemplate.objects.filter(kind="pledge", node=_county()).order_by("pk").first()
    return f"/accountability/letters/{template.pk}/" if template else ""


def _accident() -> str:
    from accountability.models import Accident

    # The county's first registered accident of a fixed level: the page's parts depend on the level.
    found = Accident.objects.filter(node__path__startswith=_county().path, level="general").exclude(status="draft")
    accident = found.order_by("occurred_at", "pk").first()
    return f"/accountability/accidents/{accident.pk}/" if accident else ""


PAGES: list[Page] = [
    ("责任落实 home (city)", "bench_city_admin", "/accountability/"),
    ("责任落实 home (county)", "bench_admin_0", "/accountability/"),
    # 安全承诺书: of hundreds of copies some are unsigned at both sizes, so the unsigned list has rows.
    ("signing coverage (city)", "bench_city_admin", "/accountability/coverage/?kind=pledge"),
    ("signing coverage (county)", "bench_admin_0", "/accountability/coverage/?kind=pledge"),
    ("daily 承诺公告 board (county)", "bench_admin_0", "/accountability/daily/"),
    ("pledge template page (county)", "bench_admin_0", _pledge_template),
    ("accident list (city)", "bench_city_admin", "/accountability/accidents/"),
    ("accident page (county)", "bench_admin_0", _accident),
    ("control indicators (city)", "bench_city_admin", "/accountability/indicators/"),
    ("control indicators (county)", "bench_admin_0", "/accountability/indicators/"),
    ("约谈督办 list (city)", "bench_city_admin", "/accountability/summonses/"),
    ("assessment round (county)", "bench_admin_0", "/accountability/assessments/"),
]


def test_accountability_pages_do_not_query_per_row(monkeypatch: Any) -> None:
    assert_constant(PAGES, monkeypatch, bound=40)
