"""Every URL pattern of the project × every role, against objects inside and outside the scope.

A URL that is not listed in CASES or PUBLIC fails `test_every_url_pattern_is_covered`, so a new
view cannot be added without deciding who may see it. Expectations are written out by hand
from DOMAIN.md §1, not derived from the scoping code under test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from safetyops.orgs.models import EnterpriseImport
from tests.conftest import World

ROLES = [
    "county_admin",
    "official_a",
    "official_b",
    "supervisor_a",
    "leader_a",
    "leader_county",
    "enterprise_a",
    "enterprise_b",
    "nobody",
]
EVERYONE = set(ROLES)
OFFICE_ROLES = {"county_admin", "official_a", "official_b", "supervisor_a", "leader_a", "leader_county"}
WRITERS = {"county_admin", "official_a", "official_b"}
INSPECTORS = {"county_admin", "official_a", "official_b", "supervisor_a"}  # also the reviewers
ENTERPRISES = {"enterprise_a", "enterprise_b"}

# Who can see which object of the world fixture.
SEES = {
    "ent_a": {"county_admin", "official_a", "leader_a", "leader_county", "enterprise_a"},
    "ent_a2": {"county_admin", "official_a", "leader_a", "leader_county", "supervisor_a"},
    "ent_b": {"county_admin", "official_b", "leader_county", "enterprise_b"},
    "town_a": {"county_admin", "official_a", "supervisor_a", "leader_a", "leader_county"},
    "town_b": {"county_admin", "official_b", "leader_county"},
    "import_a": {"official_a"},
}
SEES["hazard_a"] = SEES["file_a"] = SEES["inspection_a"] = SEES["ent_a"]
SEES["hazard_b"] = SEES["ent_b"]
# A node-owned file (a letter's scan): the node's own officials and everyone above it, never enterprises.
SEES["node_file_a"], SEES["node_file_b"] = SEES["town_a"], SEES["town_b"]

# URL names that need no login or are not domain pages.
PUBLIC = {"login", "logout", "healthz"}
LOGIN_ONLY = {"password_change", "password_change_done", "home"}


@dataclass
class Case:
    """One URL: which object it shows (if any) and which roles have the right to use it."""

    kwargs: Callable[[World], dict[str, Any]] = lambda w: {}
    obj: str | None = None  # key of SEES: roles outside it get 404
    allowed: set[str] = field(default_factory=lambda: set(EVERYONE))  # in scope but not allowed: 403


def _import_for(world: World) -> EnterpriseImport:
    return EnterpriseImport.objects.create(
        created_by=world.official_a, original_name="企业.xlsx", status=EnterpriseImport.Status.DONE
    )


CASES: dict[str, list[Case]] = {
    "enterprise_list": [Case()],
    "enterprise_create": [Case(allowed=WRITERS)],
    "enterprise_detail": [
        Case(kwargs=lambda w: {"pk": w.ent_a.pk}, obj="ent_a"),
        Case(kwargs=lambda w: {"pk": w.ent_a2.pk}, obj="ent_a2"),
        Case(kwargs=lambda w: {"pk": w.ent_b.pk}, obj="ent_b"),
    ],
    "enterprise_edit": [
        Case(kwargs=lambda w: {"pk": w.ent_a.pk}, obj="ent_a", allowed=WRITERS),
        Case(kwargs=lambda w: {"pk": w.ent_b.pk}, obj="ent_b", allowed=WRITERS),
    ],
    "enterprise_import": [Case(allowed=WRITERS)],
    "enterprise_import_template": [
        Case(kwargs=lambda w: {"fmt": "xlsx"}, allowed=WRITERS),
        Case(kwargs=lambda w: {"fmt": "csv"}, allowed=WRITERS),
    ],
    "enterprise_import_detail": [
        Case(kwargs=lambda w: {"pk": _import_for(w).pk}, obj="import_a", allowed=WRITERS),
    ],
    "node_list": [Case(allowed=OFFICE_ROLES)],
    "node_detail": [
        Case(kwargs=lambda w: {"pk": w.town_a.pk}, obj="town_a", allowed=OFFICE_ROLES),
        Case(kwargs=lambda w: {"pk": w.town_b.pk}, obj="town_b", allowed=OFFICE_ROLES),
    ],
}


def _hazard(world: World, enterprise: Any) -> Any:
    from datetime import timedelta

    from django.utils import timezone

    from inspections import services
    from tests.inspections.conftest import jpeg

    official = world.official_a if enterprise != world.ent_b else world.official_b
    return services.hazard_register(
        actor=official,
        enterprise_id=enterprise.pk,
        data=services.HazardInput(
            level="general",
            category="thing",
            description="配电箱未上锁",
            deadline=timezone.localdate() + timedelta(days=10),
        ),
        photos=[jpeg()],
    )


def _inspection_with_failed_item(world: World) -> dict[str, int]:
    from inspections import services
    from inspections.models import ChecklistItem

    inspection = services.inspection_create(
        actor=world.official_a, enterprise_id=world.ent_a.pk, kind="routine", inspectors=[]
    )
    item = ChecklistItem.objects.filter(template__sector__isnull=True).order_by("pk").first()
    assert item is not None
    services.inspection_record_result(
        actor=world.official_a, inspection_id=inspection.pk, item_id=item.pk, result="fail"
    )
    return {"pk": inspection.pk, "item_id": item.pk}


def _hazard_case(allowed: set[str]) -> list[Case]:
    return [
        Case(kwargs=lambda w: {"pk": _hazard(w, w.ent_a).pk}, obj="hazard_a", allowed=allowed),
        Case(kwargs=lambda w: {"pk": _hazard(w, w.ent_b).pk}, obj="hazard_b", allowed=allowed),
    ]


def _node_file(world: World, node: Any) -> int:
    from safetyops.evidence.services import attachment_create
    from tests.inspections.conftest import jpeg

    return attachment_create(actor=world.county_admin, upload=jpeg(), owner=node, node=node, role="scan").pk


def _file_case() -> list[Case]:
    return [
        Case(kwargs=lambda w: {"pk": _hazard(w, w.ent_a).attachments.get().pk}, obj="file_a"),
        Case(kwargs=lambda w: {"pk": _hazard(w, w.ent_b).attachments.get().pk}, obj="hazard_b"),
        Case(kwargs=lambda w: {"pk": _node_file(w, w.town_a)}, obj="node_file_a"),
        Case(kwargs=lambda w: {"pk": _node_file(w, w.town_b)}, obj="node_file_b"),
    ]


def _inspection_step_case() -> list[Case]:
    return [Case(kwargs=_inspection_with_failed_item, obj="inspection_a", allowed={"official_a"})]


CASES.update(
    {
        "hazard_ledger": [Case(allowed=EVERYONE - {"nobody"})],
        "hazard_export": [Case(allowed=OFFICE_ROLES)],
        "my_hazards": [Case(allowed=ENTERPRISES)],
        "hazard_create": [Case(allowed=INSPECTORS | ENTERPRISES)],
        "hazard_detail": _hazard_case(EVERYONE),
        "hazard_plan": _hazard_case(ENTERPRISES),
        "hazard_plan_decide": _hazard_case(INSPECTORS),
        "hazard_completion": _hazard_case(ENTERPRISES),
        "hazard_verify": _hazard_case(INSPECTORS),
        "hazard_extension_request": _hazard_case(ENTERPRISES),
        "hazard_extension_decide": _hazard_case(INSPECTORS),
        "hazard_fix_on_spot": _hazard_case(INSPECTORS),
        "hazard_list_supervision": _hazard_case({"county_admin"}),
        "attachment_download": _file_case(),
        "attachment_thumbnail": _file_case(),
        "inspection_list": [Case()],
        "inspection_create": [Case(allowed=INSPECTORS)],
        "enterprise_picker": [Case(allowed=INSPECTORS)],
        "inspection_detail": [Case(kwargs=lambda w: {"pk": _inspection_with_failed_item(w)["pk"]}, obj="inspection_a")],
        "inspection_answer": _inspection_step_case(),
        "inspection_item_hazard": _inspection_step_case(),
        "inspection_submit": [
            Case(
                kwargs=lambda w: {"pk": _inspection_with_failed_item(w)["pk"]},
                obj="inspection_a",
                allowed={"official_a"},
            )
        ],
        "inspection_sign": [
            Case(
                kwargs=lambda w: {"pk": _inspection_with_failed_item(w)["pk"]},
                obj="inspection_a",
                allowed={"official_a"},
            )
        ],
        "inspection_addendum": [
            Case(
                kwargs=lambda w: {"pk": _inspection_with_failed_item(w)["pk"]},
                obj="inspection_a",
                allowed={"official_a"},
            )
        ],
    }
)


# The enterprise's duties (第十四条, 安全生产法 第四十一条): 双报告 on a hazard is the enterprise's step;
# a 隐患统计报告 is read by whoever sees the enterprise and signed only by its own users; the
# 未报送 list is scoped like the directory (an enterprise user sees only its own enterprise).
def _statistics_case(allowed: set[str], period: str = "2025-Q4") -> list[Case]:
    return [
        Case(kwargs=lambda w: {"enterprise_pk": w.ent_a.pk, "period": period}, obj="ent_a", allowed=allowed),
        Case(kwargs=lambda w: {"enterprise_pk": w.ent_a2.pk, "period": period}, obj="ent_a2", allowed=allowed),
        Case(kwargs=lambda w: {"enterprise_pk": w.ent_b.pk, "period": period}, obj="ent_b", allowed=allowed),
    ]


CASES.update(
    {
        "hazard_congress_report": _hazard_case(ENTERPRISES),
        "statistics_list": [Case(allowed=ENTERPRISES)],
        "statistics_unfiled": [Case(allowed=EVERYONE - {"nobody"})],
        "statistics_detail": _statistics_case(EVERYONE) + _statistics_case(EVERYONE, "2025"),
        "statistics_sign": _statistics_case(ENTERPRISES) + _statistics_case(ENTERPRISES, "2025"),
    }
)


# The inbox is per user: every logged-in user has one; someone else's message answers 404.
SEES["notification_enterprise_a"] = {"enterprise_a"}
SEES["notification_nobody"] = {"nobody"}


def _notification_for(user: Any) -> dict[str, int]:
    from safetyops.notify.models import Notification

    return {"pk": Notification.objects.create(user=user, title="隐患整改期限提醒", body="请按期整改").pk}


CASES.update(
    {
        "inbox": [Case()],
        "notify_preferences": [Case()],
        "inbox_item": [
            Case(kwargs=lambda w: _notification_for(w.enterprise_a), obj="notification_enterprise_a"),
            Case(kwargs=lambda w: _notification_for(w.nobody), obj="notification_nobody"),
        ],
    }
)


# Briefings: read by the office roles whose scope covers whole nodes (a sector-limited supervisor
# sees the township but not every sector in it: 403); written (section 7, regenerate, publish) by officials.
BRIEFING_READERS = {"county_admin", "official_a", "official_b", "leader_a", "leader_county"}


def _briefing_for(node: Any) -> dict[str, int]:
    from datetime import date

    from django.core.files.base import ContentFile

    from safetyops.briefings.models import Briefing

    briefing = Briefing(node=node, period_start=date(2026, 3, 1), period_end=date(2026, 3, 31), year=2026)
    briefing.kind, briefing.status = "monthly", "draft"
    briefing.file.save("briefing.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    briefing.save()
    return {"pk": briefing.pk}


def _briefing_case(allowed: set[str]) -> list[Case]:
    return [
        Case(kwargs=lambda w: _briefing_for(w.town_a), obj="town_a", allowed=allowed),
        Case(kwargs=lambda w: _briefing_for(w.town_b), obj="town_b", allowed=allowed),
    ]


CASES.update(
    {
        "briefing_list": [Case(allowed=BRIEFING_READERS)],
        "briefing_create": [Case(allowed=BRIEFING_READERS)],
        "briefing_detail": _briefing_case(BRIEFING_READERS),
        "briefing_download": _briefing_case(BRIEFING_READERS),
        "briefing_section7": _briefing_case(WRITERS),
        "briefing_regenerate": _briefing_case(WRITERS),
        "briefing_publish": _briefing_case(WRITERS),
    }
)


def _walk(patterns: list[Any], namespace: str = "") -> list[str]:
    names: list[str] = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            names += _walk(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            names.append(f"{namespace}:{entry.name}" if namespace else entry.name)
    return names


def test_every_url_pattern_is_covered() -> None:
    names = set(_walk(get_resolver().url_patterns))
    missing = names - set(CASES) - PUBLIC - LOGIN_ONLY
    assert not missing, f"URL patterns without an access-matrix entry: {sorted(missing)}"
    assert not (set(CASES) - names), "CASES lists URL names that no longer exist"


def _expected(role: str, case: Case) -> int:
    if case.obj is not None and role not in SEES[case.obj]:
        return 404
    if role not in case.allowed:
        return 403
    return 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_access_matrix(client: Any, world: World, name: str, role: str) -> None:
    client.force_login(world.users()[role])
    for case in CASES[name]:
        url = reverse(name, kwargs=case.kwargs(world))
        response = client.get(url)
        assert response.status_code == _expected(role, case), f"{role} GET {url}"


@pytest.mark.parametrize("name", sorted(CASES) + sorted(LOGIN_ONLY))
def test_anonymous_is_sent_to_login(client: Any, world: World, name: str) -> None:
    for case in CASES.get(name, [Case()]):
        url = reverse(name, kwargs=case.kwargs(world))
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_login_only_pages_answer_every_role(client: Any, world: World) -> None:
    for role, user in world.users().items():
        client.force_login(user)
        for name in sorted(LOGIN_ONLY):
            assert client.get(reverse(name)).status_code == 200, f"{role} {name}"


def test_outsider_post_changes_nothing(client: Any, world: World) -> None:
    """IDOR by form: official B posts an edit of an enterprise in town A."""
    client.force_login(world.official_b)
    response = client.post(reverse("enterprise_edit", kwargs={"pk": world.ent_a.pk}), {"name": "被篡改"})
    assert response.status_code == 404
    world.ent_a.refresh_from_db()
    assert world.ent_a.name == "东城化工有限公司"


def test_reader_post_is_forbidden(client: Any, world: World) -> None:
    client.force_login(world.leader_a)
    response = client.post(reverse("enterprise_edit", kwargs={"pk": world.ent_a.pk}), {"name": "被篡改"})
    assert response.status_code == 403
    world.ent_a.refresh_from_db()
    assert world.ent_a.name == "东城化工有限公司"


@pytest.mark.parametrize("role", ROLES)
def test_post_sweep_outsiders_and_wrong_roles_change_nothing(client: Any, world: World, role: str) -> None:
    """Every URL that takes an object, POSTed (with a CSRF-exempt test client) by every role:
    outside the scope 404, without the right 403, and no lifecycle record is written."""
    from inspections.models import Hazard, HazardEvent, InspectionSignature

    client.force_login(world.users()[role])
    for name, cases in sorted(CASES.items()):
        for case in cases:
            if case.obj is None:
                continue
            url = reverse(name, kwargs=case.kwargs(world))
            expected = _expected(role, case)
            if expected == 200:
                continue
            before = (
                HazardEvent.objects.count(),
                Hazard.objects.count(),
                InspectionSignature.objects.filter(signature__isnull=False).count(),
            )
            response = client.post(url, {"decision": "verify", "opinion": "同意", "result": "fail"})
            assert response.status_code in {expected, 405}, f"{role} POST {url}: {response.status_code}"
            after = (
                HazardEvent.objects.count(),
                Hazard.objects.count(),
                InspectionSignature.objects.filter(signature__isnull=False).count(),
            )
            assert before == after, f"{role} POST {url} changed data"
