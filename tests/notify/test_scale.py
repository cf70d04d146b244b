"""The daily scan at scale: 20,000 hazards in a county of 10 townships, found with indexed queries in
batches (never a full scan of the hazard table), timed, and the same answer in small batches."""

from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inspections.models import CompletionReport, Hazard, HazardPlan
from safetyops.notify.models import Reminder
from safetyops.notify.services import reminders_scan
from safetyops.orgs.models import Enterprise, Membership, Node, Role, User
from tests.notify.conftest import SHANGHAI, on
from tests.orgs.factories import make_credit_code

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

TODAY = date(2026, 6, 15)
HAZARDS = 20_000
TOWNSHIPS, VILLAGES, ENTERPRISES = 10, 5, 1000


def build_county() -> dict[str, int]:
    """A county with its staff, 1,000 enterprises with two users each, and 20,000 hazards."""
    rng = random.Random(7)
    county = Node.objects.create(code="500001", name="大县", level="county", kind="county")
    towns, villages = [], []
    for t in range(TOWNSHIPS):
        town = Node.objects.create(code=f"500001{t:03d}", name=f"镇{t}", level="township", kind="town", parent=county)
        towns.append(town)
        for v in range(VILLAGES):
            villages.append(
                Node.objects.create(
                    code=f"500001{t:03d}{v:03d}", name=f"村{t}-{v}", level="village", kind="village", parent=town
                )
            )
    password = "!"  # unusable: these users never log in
    staff = [User(username=f"staff{i}", password=password) for i in range(TOWNSHIPS * 3 + 2)]
    people = [User(username=f"person{i}", password=password) for i in range(ENTERPRISES * 2)]
    User.objects.bulk_create(staff + people, batch_size=1000)
    users = {
        u.username: u.pk
        for u in User.objects.filter(username__startswith=("staff"))
        | User.objects.filter(username__startswith="person")
    }
    memberships = [
        Membership(user_id=users["staff0"], role=Role.COUNTY_ADMIN, node=county),
        Membership(user_id=users["staff1"], role=Role.LEADER, node=county),
    ]
    for t, town in enumerate(towns):
        for k, role in enumerate((Role.TOWNSHIP_OFFICIAL, Role.TOWNSHIP_OFFICIAL, Role.LEADER)):
            memberships.append(Membership(user_id=users[f"staff{2 + t * 3 + k}"], role=role, node=town))
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                name=f"企业{i}",
                credit_code=make_credit_code(900_000 + i),
                node=villages[i % len(villages)],
                principal_name="张",
            )
            for i in range(ENTERPRISES)
        ],
        batch_size=1000,
    )
    enterprises = list(Enterprise.objects.filter(node__path__startswith=county.path).values_list("pk", "node_id"))
    for i, (enterprise_id, _node) in enumerate(enterprises):
        for k in range(2):
            memberships.append(
                Membership(user_id=users[f"person{i * 2 + k}"], role=Role.ENTERPRISE_USER, enterprise_id=enterprise_id)
            )
    Membership.objects.bulk_create(memberships, batch_size=1000)

    registered = datetime(2026, 3, 1, 9, tzinfo=SHANGHAI)
    statuses = (
        ["closed"] * 60
        + ["rectifying"] * 25
        + ["registered"] * 10
        + ["awaiting_verification"] * 3
        + ["plan_pending"] * 2
    )
    hazards = []
    for i in range(HAZARDS):
        enterprise_id, node_id = enterprises[i % len(enterprises)]
        status = rng.choice(statuses)
        hazards.append(
            Hazard(
                number=f"YH-2026-S-{i:06d}",
                enterprise_id=enterprise_id,
                node_id=node_id,
                level="major" if status == "plan_pending" or rng.random() < 0.03 else "general",
                category="thing",
                source="inspection",
                description="配电箱门未关闭，线路裸露",
                status=status,
                deadline=TODAY + timedelta(days=rng.randint(-40, 60)),
                registered_by_id=users["staff2"],
                registered_at=registered,
                closed_at=registered + timedelta(days=5) if status == "closed" else None,
            )
        )
    Hazard.objects.tally_bulk_create(hazards, batch_size=2000)
    pending = Hazard.objects.filter(status__in=["awaiting_verification", "plan_pending"]).values_list("pk", "status")
    submitted = timezone.make_aware(datetime(2026, 5, 20, 10))
    CompletionReport.objects.bulk_create(
        CompletionReport(
            hazard_id=pk, description="已整改", money_spent=0, submitted_by_id=users["person0"], submitted_at=submitted
        )
        for pk, status in pending
        if status == "awaiting_verification"
    )
    HazardPlan.objects.bulk_create(
        HazardPlan(
            hazard_id=pk,
            measures="m",
            responsible_name="王",
            responsible_post="科长",
            responsible_phone="1",
            funds=100,
            deadline=TODAY,
            contingency="c",
            submitted_by_id=users["person0"],
            submitted_at=submitted,
        )
        for pk, status in pending
        if status == "plan_pending"
    )
    return users


def expected_dues() -> int:
    turn = Hazard.objects.filter(status__in=["registered", "rectifying", "plan_pending"])
    deadline = turn.filter(deadline__lte=TODAY).count() + turn.filter(deadline=TODAY + timedelta(days=3)).count()
    return deadline + Hazard.objects.filter(status__in=["plan_pending", "awaiting_verification"]).count()


def hazard_plans(queries: list[dict[str, Any]]) -> list[str]:
    """SQLite's plan of every statement that reads the hazard table."""
    plans = []
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if '"inspections_hazard"' in sql and sql.lstrip().upper().startswith("SELECT"):
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                plans.append(" / ".join(str(row[-1]) for row in cursor.fetchall()))
    return plans


def test_the_scan_of_twenty_thousand_hazards(capsys: Any) -> None:
    build_county()
    with on(TODAY), CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        counts = reminders_scan()
        elapsed = time.perf_counter() - started
    reminders = Reminder.objects.count()
    with capsys.disabled():
        print(
            f"\nscan of {HAZARDS:,} hazards: {reminders:,} reminders ({counts}) "
            f"in {elapsed:.1f} s, {len(queries)} queries"
        )
    assert reminders > 5000 and elapsed < 60
    assert Reminder.objects.values("reason", "target_id").distinct().count() == expected_dues()
    if connection.vendor == "sqlite":
        plans = hazard_plans(queries.captured_queries)
        assert plans
        for plan in plans:
            assert "SCAN inspections_hazard" not in plan.replace('"', ""), plan
    # Batches, not one query per hazard: a few queries per 2,000 rows.
    assert len(queries) < HAZARDS / 20


def test_small_batches_give_the_same_reminders(monkeypatch: Any) -> None:
    from inspections import reminders

    build_county()
    with on(TODAY):
        reminders_scan()
    before = set(Reminder.objects.values_list("reason", "target_id", "recipient_id"))
    Reminder.objects.all().delete()
    monkeypatch.setattr(reminders, "BATCH", 7)
    with on(TODAY):
        reminders_scan()
    assert set(Reminder.objects.values_list("reason", "target_id", "recipient_id")) == before
