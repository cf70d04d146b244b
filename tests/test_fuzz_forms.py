"""Property-based fuzzing of the main forms: whatever a user types, the answer is a page or a
redirect, never a server error, and a rejected form saves nothing."""

from __future__ import annotations

import io
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from campaigns.models import Campaign
from inspections import services
from inspections.ledger import SORTS
from inspections.models import (
    ChecklistItem,
    ChecklistResult,
    CompletionReport,
    Hazard,
    HazardEvent,
    HazardExtension,
    HazardPlan,
    Inspection,
    InspectionAddendum,
    InspectionSignature,
)
from inspections.rights import InspectionRight
from inspections.selectors import checklist_items_for
from safetyops.evidence.models import Attachment
from safetyops.orgs.models import Enterprise
from safetyops.orgs.scope import has_right
from tests.conftest import World
from tests.inspections.conftest import jpeg, pdf

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
OK = {200, 302, 400}


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {
            "name": TEXT,
            "credit_code": TEXT,
            "node": TEXT,
            "sectors": TEXT,
            "principal_name": TEXT,
            "principal_phone": TEXT,
            "status": TEXT,
            "risk_level": TEXT,
            "employees": TEXT,
        }
    )
)
@pytest.mark.django_db
def test_enterprise_form(client: Any, world: World, data: dict[str, str]) -> None:
    client.force_login(world.official_a)
    before = Enterprise.objects.count()
    response = client.post(reverse("orgs:enterprise_create"), data)
    assert response.status_code in OK
    if response.status_code != 302:
        assert Enterprise.objects.count() == before


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {
            "level": TEXT,
            "category": TEXT,
            "sector": TEXT,
            "location": TEXT,
            "description": TEXT,
            "deadline": TEXT,
        }
    )
)
@pytest.mark.django_db
def test_self_report_form(client: Any, world: World, data: dict[str, str]) -> None:
    client.force_login(world.enterprise_a)
    before = Hazard.objects.count()
    response = client.post(reverse("inspections:hazard_create"), data)
    assert response.status_code in OK
    if response.status_code != 302:
        assert Hazard.objects.count() == before


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {
            "measures": TEXT,
            "responsible_name": TEXT,
            "responsible_post": TEXT,
            "responsible_phone": TEXT,
            "funds": TEXT,
            "funds_reason": TEXT,
            "deadline": TEXT,
            "contingency": TEXT,
            "key": TEXT,
        }
    )
)
@pytest.mark.django_db
def test_plan_form(client: Any, world: World, hazard_factory: Any, data: dict[str, str]) -> None:
    hazard = Hazard.objects.filter(enterprise=world.ent_a).first() or hazard_factory()
    client.force_login(world.enterprise_a)
    response = client.post(reverse("inspections:hazard_plan", args=[hazard.pk]), data)
    assert response.status_code in OK
    if response.status_code != 302:
        assert not HazardPlan.objects.filter(hazard=hazard).exists()


# Valid-looking values, mixed into the fuzzed text so that some examples get past the form --------

EDGE_DATES = ["0001-01-01", "9999-12-31", "2026-02-30", "2026-13-01", "1900-01-01", "20260520", "05/20/2026"]
EDGE_DATETIMES = ["0001-01-01T00:00", "9999-12-31T23:59", "2026-02-30T09:30", "2026-05-20T24:00", "2026-05-20"]
EDGE_NUMBERS = ["0", "2800.50", "-1", "0.001", "1e3", "NaN", "sNaN", "Infinity", "-0", "9999999999.99", "1" * 30]
KEYS = st.one_of(TEXT, st.uuids().map(lambda u: u.hex))


def days_from(day: date) -> st.SearchStrategy[str]:
    """A date near `day` (mostly after it), as the date input sends it."""
    return st.integers(min_value=-30, max_value=400).map(lambda n: (day + timedelta(days=n)).isoformat())


def dates_near(day: date) -> st.SearchStrategy[str]:
    return st.one_of(TEXT, days_from(day), st.dates().map(date.isoformat), st.sampled_from(EDGE_DATES))


def datetimes_past() -> st.SearchStrategy[str]:
    def ago(minutes: int) -> str:
        return (timezone.localtime() - timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")

    return st.one_of(
        TEXT,
        st.integers(min_value=-60, max_value=60 * 24 * 400).map(ago),
        st.datetimes().map(lambda d: d.isoformat(timespec="minutes")),
        st.sampled_from(EDGE_DATETIMES),
    )


def numbers() -> st.SearchStrategy[str]:
    return st.one_of(TEXT, st.decimals(allow_nan=True, allow_infinity=True).map(str), st.sampled_from(EDGE_NUMBERS))


def one_of(*valid: Any) -> st.SearchStrategy[str]:
    """Fuzzed text, or one of the values the field accepts."""
    return st.one_of(TEXT, st.sampled_from([str(value) for value in valid]))


def ids(*valid: Any) -> st.SearchStrategy[str]:
    """A primary key: fuzzed text, any integer (wider than 64 bits too), or one of the given objects' keys."""
    return st.one_of(TEXT, st.integers().map(str), st.sampled_from([str(obj.pk) for obj in valid]))


CHECKBOX = st.sampled_from(["", "on", "true", "false", "0"])

# Uploads: good images and PDFs, and the kinds a phone or a malicious client may send instead.
FILE_KINDS = ["jpeg", "png", "pdf", "empty", "junk", "truncated_jpeg", "jpeg_cut_short", "jpeg_head", "pdf_head"]
FILES = st.lists(st.tuples(st.sampled_from(FILE_KINDS), st.binary(max_size=64)), max_size=2)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buffer, "PNG")
    return buffer.getvalue()


def uploads(spec: list[tuple[str, bytes]]) -> list[SimpleUploadedFile]:
    """Fresh file objects (a posted file is read to its end) for a drawn list of kinds."""
    files = []
    for n, (kind, noise) in enumerate(spec):
        whole = jpeg(colour="green").read()
        body = {
            "jpeg": whole,
            "png": _png(),
            "pdf": pdf().read(),
            "empty": b"",
            "junk": noise or b"x",
            "truncated_jpeg": whole[: len(whole) // 2] + noise,
            "jpeg_cut_short": whole[: -1 - len(noise) % 50],  # header whole, image data cut
            "jpeg_head": b"\xff\xd8\xff\xe0" + noise,
            "pdf_head": b"%PDF-" + noise,
        }[kind]
        files.append(SimpleUploadedFile(f"f{n}.{kind}", body, content_type="application/octet-stream"))
    return files


# Nothing half-saved --------------------------------------------------------------------------------


def db_state() -> tuple[Any, ...]:
    """Every row a form of this file can change, read back from the database."""
    return (
        list(
            Hazard.objects.order_by("pk").values_list(
                "pk", "status", "level", "deadline", "listed_supervision", "fixed_on_spot"
            )
        ),
        list(HazardExtension.objects.order_by("pk").values_list("pk", "decision", "approved_deadline")),
        list(HazardPlan.objects.order_by("pk").values_list("pk", "decision")),
        list(Inspection.objects.order_by("pk").values_list("pk", "status", "findings", "conclusion")),
        list(InspectionSignature.objects.order_by("pk").values_list("pk", "signature__signed_at")),
        list(ChecklistResult.objects.order_by("pk").values_list("pk", "result", "note")),
        HazardEvent.objects.count(),
        CompletionReport.objects.count(),
        Attachment.objects.count(),
        InspectionAddendum.objects.count(),
    )


def post_checked(client: Any, url: str, data: dict[str, Any]) -> bool:
    """Post; the answer is a page or a redirect to a page, never a server error, and a form that is
    answered with a page (not a redirect) changed nothing. True if the post was applied."""
    before = db_state()
    response = client.post(url, data)
    assert response.status_code in OK
    if response.status_code == 302:
        assert client.get(response["Location"]).status_code == 200
        return True
    assert db_state() == before
    return False


def new_key() -> str:
    return uuid.uuid4().hex


def draw_form(
    data: st.DataObject,
    valid: dict[str, Any],
    fuzzed: dict[str, st.SearchStrategy[Any]],
    files: tuple[str, ...] = (),
) -> dict[str, Any]:
    """A valid form with a drawn set of its fields fuzzed (from none to all), so that some examples
    get past the form into the service. `files` name the upload fields (drawn as FILES specs)."""
    chosen = data.draw(st.sets(st.sampled_from(sorted(fuzzed))), label="fuzzed fields")
    form = {**valid, **{name: data.draw(fuzzed[name], label=name) for name in sorted(chosen)}}
    for name in files:
        form[name] = uploads(form[name])
    return form


# Getting a hazard or an inspection in the state a form needs ---------------------------------------


def hazard_in(world: World, make: Any, status: str, level: str = "general", **filters: Any) -> Hazard:
    """The latest hazard of enterprise A in that state, or a new one (an applied post moves it on)."""
    found = Hazard.objects.filter(enterprise=world.ent_a, status=status, level=level, **filters)
    return found.order_by("pk").last() or make(level=level, status=status)


def with_pending_extension(world: World, make: Any) -> Hazard:
    pending = HazardExtension.objects.filter(decision=HazardExtension.Decision.PENDING, hazard__status="rectifying")
    if (extension := pending.select_related("hazard").order_by("pk").last()) is not None:
        return extension.hazard
    hazard = make(status="rectifying")
    return services.hazard_request_extension(
        actor=world.enterprise_a,
        hazard_id=hazard.pk,
        reason="设备到货延迟",
        requested_deadline=hazard.deadline + timedelta(days=10),
    )


def inspection_in(world: World, status: str) -> Inspection:
    """Official A's latest inspection of enterprise A in that state, or a new one brought there."""
    found = Inspection.objects.filter(created_by=world.official_a, enterprise=world.ent_a, status=status)
    if (inspection := found.order_by("pk").last()) is not None:
        return inspection
    inspection = services.inspection_create(
        actor=world.official_a, enterprise_id=world.ent_a.pk, kind=Inspection.Kind.ROUTINE, inspectors=[]
    )
    if status != Inspection.Status.DRAFT:
        services.inspection_submit_for_signing(
            actor=world.official_a, inspection_id=inspection.pk, findings="检查了储罐区", conclusion="未发现隐患"
        )
    if status == Inspection.Status.LOCKED:
        name = world.official_a.full_name
        services.inspection_sign(actor=world.official_a, inspection_id=inspection.pk, typed_name=name, confirmed=True)
    return Inspection.objects.get(pk=inspection.pk)


def failed_item(world: World) -> tuple[Inspection, ChecklistItem]:
    """A checklist item answered 不符合 and not yet registered as a hazard."""
    inspection = inspection_in(world, Inspection.Status.DRAFT)
    registered = Hazard.objects.filter(inspection=inspection).values("checklist_item_id")
    failed = ChecklistResult.objects.filter(inspection=inspection, result=ChecklistResult.Result.FAIL)
    if (result := failed.exclude(item_id__in=registered).select_related("item").first()) is not None:
        return inspection, result.item
    answered = ChecklistResult.objects.filter(inspection=inspection).values("item_id")
    item = checklist_items_for(enterprise=world.ent_a).exclude(pk__in=answered).first()
    if item is None:  # every item used: submit this inspection, and the next call starts another
        services.inspection_submit_for_signing(
            actor=world.official_a, inspection_id=inspection.pk, findings="", conclusion="发现多处隐患"
        )
        return failed_item(world)
    services.inspection_record_result(
        actor=world.official_a, inspection_id=inspection.pk, item_id=item.pk, result=ChecklistResult.Result.FAIL
    )
    return inspection, item


# Inspections ----------------------------------------------------------------------------------------


def an_hour_ago() -> str:
    return (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


@FUZZ
@given(data=st.data())
@pytest.mark.django_db
def test_inspection_create_form(client: Any, world: World, data: st.DataObject) -> None:
    client.force_login(world.official_a)
    form = draw_form(
        data,
        {"enterprise": world.ent_a.pk, "kind": "routine", "campaign": "", "inspected_at": an_hour_ago()},
        {
            "enterprise": ids(world.ent_a, world.ent_a2, world.ent_b),
            "kind": one_of(*Inspection.Kind.values),
            "co_inspectors": st.lists(ids(world.official_b, world.supervisor_a, world.leader_a), max_size=2),
            "campaign": TEXT,
            "inspected_at": datetimes_past(),
        },
    )
    post_checked(client, reverse("inspections:inspection_create"), form)


@FUZZ
@given(data=st.data())
@pytest.mark.django_db
def test_inspection_answer_form(client: Any, world: World, data: st.DataObject) -> None:
    """One checklist item: 符合 / 不符合 / 不适用, a note and photos."""
    client.force_login(world.official_a)
    inspection = inspection_in(world, Inspection.Status.DRAFT)
    items = list(checklist_items_for(enterprise=world.ent_a))
    item = items[data.draw(st.integers(min_value=0, max_value=len(items) - 1), label="item")]
    form = draw_form(
        data,
        {"result": "fail", "note": "导静电接地断开", "photos": []},
        {
            "result": one_of(*ChecklistResult.Result.values),
            "note": st.one_of(TEXT, st.text(min_size=495, max_size=505)),
            "photos": FILES,
        },
        files=("photos",),
    )
    post_checked(client, reverse("inspections:inspection_answer", args=[inspection.pk, item.pk]), form)


def hazard_fields(world: World) -> dict[str, st.SearchStrategy[Any]]:
    """The fuzzed fields of a hazard registration (by an official: also 当场整改)."""
    return {
        "key": KEYS,
        "description": TEXT,
        "level": one_of(*Hazard.Level.values),
        "category": one_of(*Hazard.Category.values),
        "sector": ids(world.sector_chem, world.sector_build),
        "location": TEXT,
        "deadline": dates_near(timezone.localdate()),
        "fixed_on_spot": CHECKBOX,
        "photos": FILES,
        "after_photos": FILES,
    }


def valid_hazard(world: World) -> dict[str, Any]:
    return {
        "key": new_key(),
        "description": "储罐区防火堤破损",
        "level": "general",
        "category": "thing",
        "sector": world.sector_chem.pk,
        "location": "罐区",
        "deadline": (timezone.localdate() + timedelta(days=15)).isoformat(),
        "fixed_on_spot": "",
        "photos": [("jpeg", b"")],
        "after_photos": [],
    }


@FUZZ
@given(data=st.data())
@pytest.mark.django_db
def test_inspection_item_hazard_form(client: Any, world: World, data: st.DataObject) -> None:
    """登记为隐患: a failed checklist item registered as a hazard by the inspecting official."""
    client.force_login(world.official_a)
    inspection, item = failed_item(world)
    form = draw_form(data, valid_hazard(world), hazard_fields(world), files=("photos", "after_photos"))
    post_checked(client, reverse("inspections:inspection_item_hazard", args=[inspection.pk, item.pk]), form)


@FUZZ
@given(data=st.data())
@pytest.mark.django_db
def test_inspection_submit_form(client: Any, world: World, data: st.DataObject) -> None:
    client.force_login(world.official_a)
    inspection = inspection_in(world, Inspection.Status.DRAFT)
    valid = {"findings": "检查了储罐区", "conclusion": "发现一般隐患1处"}
    form = draw_form(data, valid, {"findings": TEXT, "conclusion": TEXT})
    post_checked(client, reverse("inspections:inspection_submit", args=[inspection.pk]), form)


@FUZZ
@given(data=st.data())
@pytest.mark.django_db
def test_inspection_sign_form(client: Any, world: World, data: st.DataObject) -> None:
    """谁检查谁签字: the typed name must be the inspector's own."""
    client.force_login(world.official_a)
    inspection = inspection_in(world, Inspection.Status.SIGNING)
    name = world.official_a.full_name
    typed = data.draw(st.one_of(TEXT, st.sampled_from([name, f" {name} ", name + "\x00", name.upper()])))
    confirmed = {"confirmed": "on"} if data.draw(st.booleans()) else {}
    post_checked(
        client, reverse("inspections:inspection_sign", args=[inspection.pk]), {"typed_name": typed, **confirmed}
    )


@FUZZ
@given(data=st.data())
@pytest.mark.django_db
def test_inspection_addendum_form(client: Any, world: World, data: st.DataObject) -> None:
    client.force_login(world.official_a)
    inspection = inspection_in(world, Inspection.Status.LOCKED)
    form = draw_form(data, {"text": "补充：复核了台账"}, {"text": TEXT})
    post_checked(client, reverse("inspections:inspection_addendum", args=[inspection.pk]), form)


# Hazards: registration by an official and the steps after the plan ---------------------------------


@FUZZ
@given(data=st.data())
@pytest.mark.django_db
def test_official_registration_form(client: Any, world: World, data: st.DataObject) -> None:
    client.force_login(world.official_a)
    form = draw_form(data, valid_hazard(world), hazard_fields(world), files=("photos", "after_photos"))
    post_checked(client, f"{reverse('inspections:hazard_create')}?enterprise={world.ent_a.pk}", form)


@FUZZ
@given(data=st.data())
@pytest.mark.django_db
def test_plan_decision_form(client: Any, world: World, hazard_factory: Any, data: st.DataObject) -> None:
    """A 重大 plan approved or returned (returning needs a reason)."""
    hazard = hazard_in(world, hazard_factory, "plan_pending", level="major")
    client.force_login(world.official_a)
    valid = {"key": new_key(), "decision": data.draw(st.sampled_from(["approve", "return"])), "comment": "同意"}
    form = draw_form(data, valid, {"key": KEYS, "decision": one_of("approve", "return"), "comment": TEXT})
    post_checked(client, reverse("inspections:hazard_plan_decide", args=[hazard.pk]), form)


@FUZZ
@given(data=st.data())
@pytest.mark.django_db
def test_completion_form(client: Any, world: World, hazard_factory: Any, data: st.DataObject) -> None:
    """The enterprise reports the rectification done: text, money, after-photos, documents."""
    hazard = hazard_in(world, hazard_factory, "rectifying")
    client.force_login(world.enterprise_a)
    valid = {
        "key": new_key(),
        "description": "已更换防护罩",
        "money_spent": "2800.50",
        "after_photos": [("jpeg", b"")],
        "documents": [("pdf", b"")],
    }
    fuzzed = {"key": KEYS, "description": TEXT, "money_spent": numbers(), "after_photos": FILES, "documents": FILES}
    form = draw_form(data, valid, fuzzed, files=("after_photos", "documents"))
    post_checked(client, reverse("inspections:hazard_completion", args=[hazard.pk]), form)


@FUZZ
@given(data=st.data())
@pytest.mark.django_db
def test_verify_form(client: Any, world: World, hazard_factory: Any, data: st.DataObject) -> None:
    """验收: verify (closes the hazard) or reject (back to rectifying, needs a reason, may set a new
    deadline)."""
    level = data.draw(st.sampled_from(["general", "major"]), label="level")
    hazard = hazard_in(world, hazard_factory, "awaiting_verification", level=level)
    client.force_login(world.official_a)
    valid = {
        "key": new_key(),
        "decision": data.draw(st.sampled_from(["verify", "reject"])),
        "opinion": "整改到位",
        "expert_opinion": "",
        "new_deadline": (timezone.localdate() + timedelta(days=40)).isoformat(),
    }
    fuzzed = {
        "key": KEYS,
        "decision": one_of("verify", "reject"),
        "opinion": TEXT,
        "expert_opinion": TEXT,
        "new_deadline": dates_near(timezone.localdate()),
    }
    post_checked(client, reverse("inspections:hazard_verify", args=[hazard.pk]), draw_form(data, valid, fuzzed))


@FUZZ
@given(data=st.data())
@pytest.mark.django_db
def test_extension_request_form(client: Any, world: World, hazard_factory: Any, data: st.DataObject) -> None:
    status = data.draw(st.sampled_from(["registered", "rectifying"]), label="status")
    hazard = hazard_in(world, hazard_factory, status, extensions__isnull=True)
    client.force_login(world.enterprise_a)
    wanted = (hazard.deadline + timedelta(days=20)).isoformat()
    valid = {"key": new_key(), "requested_deadline": wanted, "reason": "设备到货延迟"}
    fuzzed = {"key": KEYS, "requested_deadline": dates_near(hazard.deadline), "reason": TEXT}
    post_checked(
        client, reverse("inspections:hazard_extension_request", args=[hazard.pk]), draw_form(data, valid, fuzzed)
    )


@FUZZ
@given(data=st.data())
@pytest.mark.django_db
def test_extension_decision_form(client: Any, world: World, hazard_factory: Any, data: st.DataObject) -> None:
    """Approve (maybe to another date than asked) or refuse (needs a reason)."""
    hazard = with_pending_extension(world, hazard_factory)
    client.force_login(world.official_a)
    valid = {
        "key": new_key(),
        "decision": data.draw(st.sampled_from(["approve", "refuse"])),
        "approved_deadline": "",
        "comment": "同意",
    }
    fuzzed = {
        "key": KEYS,
        "decision": one_of("approve", "refuse"),
        "approved_deadline": dates_near(hazard.deadline),
        "comment": TEXT,
    }
    post_checked(
        client, reverse("inspections:hazard_extension_decide", args=[hazard.pk]), draw_form(data, valid, fuzzed)
    )


@FUZZ
@given(data=st.data())
@pytest.mark.django_db
def test_fix_on_spot_form(client: Any, world: World, hazard_factory: Any, data: st.DataObject) -> None:
    """当场整改销号 of a registered hazard (a 重大 one is refused)."""
    level = data.draw(st.sampled_from(["general", "major"]), label="level")
    hazard = hazard_in(world, hazard_factory, "registered", level=level)
    client.force_login(world.official_a)
    valid = {"key": new_key(), "comment": "已当场更换", "after_photos": [("jpeg", b"")]}
    fuzzed = {"key": KEYS, "comment": TEXT, "after_photos": FILES}
    form = draw_form(data, valid, fuzzed, files=("after_photos",))
    post_checked(client, reverse("inspections:hazard_fix_on_spot", args=[hazard.pk]), form)


@FUZZ
@given(data=st.data())
@pytest.mark.django_db
def test_supervision_form(client: Any, world: World, hazard_factory: Any, data: st.DataObject) -> None:
    """挂牌督办 of an open 重大 hazard by the county."""
    hazard = hazard_in(world, hazard_factory, "rectifying", level="major", listed_supervision=False)
    client.force_login(world.county_admin)
    form = draw_form(data, {"key": new_key(), "comment": "限期30日内完成"}, {"key": KEYS, "comment": TEXT})
    post_checked(client, reverse("inspections:hazard_list_supervision", args=[hazard.pk]), form)


# The ledger's filter ----------------------------------------------------------------------------------


@FUZZ
@given(data=st.data())
@pytest.mark.django_db
def test_ledger_filter_and_export(client: Any, world: World, hazard_factory: Any, data: st.DataObject) -> None:
    if not Hazard.objects.exists():
        hazard_factory()
        hazard_factory(level="major", status="rectifying")
    user = data.draw(st.sampled_from([world.official_a, world.county_admin, world.leader_a, world.enterprise_a]))
    client.force_login(user)
    campaign = Campaign.objects.first()
    query = data.draw(
        st.fixed_dictionaries(
            {},
            optional={
                "q": TEXT,
                "node": ids(world.county, world.town_a, world.town_b, world.village_a),
                "sector": ids(world.sector_chem, world.sector_build),
                "level": one_of(*Hazard.Level.values),
                "status": one_of("open", *Hazard.Status.values),
                "source": one_of(*Hazard.Source.values),
                "campaign": ids(campaign) if campaign else TEXT,
                "registered_from": dates_near(timezone.localdate() - timedelta(days=60)),
                "registered_to": dates_near(timezone.localdate() - timedelta(days=30)),
                "overdue": CHECKBOX,
                "listed": CHECKBOX,
                "sort": one_of(*SORTS),
                "page": one_of("1", "2", "-1", "last", "99999999999999999999"),
            },
        )
    )
    extra = data.draw(st.dictionaries(TEXT, TEXT, max_size=2))
    if data.draw(st.booleans(), label="export"):
        response = client.get(reverse("inspections:hazard_export"), {**extra, **query})
        if response.streaming:
            b"".join(response.streaming_content)  # read to its end, which closes the file
        assert response.status_code in ({200, 400} if has_right(user, InspectionRight.HAZARD_EXPORT) else {403})
    else:
        headers = data.draw(st.sampled_from([{}, {"HTTP_HX_REQUEST": "true"}]))
        response = client.get(reverse("inspections:hazard_ledger"), {**extra, **query}, **headers)
        assert response.status_code == 200


# Server errors this fuzzing found, fixed; each input is pinned here so that it stays fixed.


@pytest.mark.parametrize("view", ["inspections:hazard_ledger", "inspections:hazard_export"])
@pytest.mark.django_db
def test_fixed_500_ledger_filter_to_9999_12_31(client: Any, world: World, hazard_factory: Any, view: str) -> None:
    """A valid date for the form; the filter then adds a day to it."""
    hazard_factory()
    client.force_login(world.county_admin)
    assert client.get(reverse(view), {"registered_to": "9999-12-31"}).status_code in OK


@pytest.mark.parametrize("view", ["inspections:hazard_ledger", "inspections:hazard_export"])
@pytest.mark.django_db
def test_fixed_500_ledger_filter_from_0001_01_01(client: Any, world: World, hazard_factory: Any, view: str) -> None:
    """Midnight of 0001-01-01 in Asia/Shanghai is before datetime.min in UTC."""
    hazard_factory()
    client.force_login(world.county_admin)
    assert client.get(reverse(view), {"registered_from": "0001-01-01"}).status_code in OK


@pytest.mark.django_db
def test_fixed_500_inspection_at_year_one(client: Any, world: World) -> None:
    """0001-01-01 00:00 in Asia/Shanghai is in the past, so valid; saving it in UTC overflows."""
    client.force_login(world.official_a)
    data = {"enterprise": world.ent_a.pk, "kind": "routine", "inspected_at": "0001-01-01T00:00"}
    response = client.post(reverse("inspections:inspection_create"), data)
    assert response.status_code in OK
    if response.status_code != 302:
        assert not Inspection.objects.exists()


@pytest.mark.parametrize(
    ("view", "field", "valid"),
    [
        ("inspections:inspection_create", "co_inspectors", {"kind": "routine", "inspected_at": "2026-01-05T09:30"}),
        ("orgs:enterprise_create", "sectors", {"name": "东城五金厂", "principal_name": "张三"}),
    ],
)
@pytest.mark.django_db
def test_fixed_500_multiple_choice_with_an_id_wider_than_64_bits(
    client: Any, world: World, view: str, field: str, valid: dict[str, Any]
) -> None:
    """ModelMultipleChoiceField sends the typed id to the database, which cannot take it."""
    client.force_login(world.official_a)
    before = db_state(), Enterprise.objects.count()
    data = {"enterprise": world.ent_a.pk, "node": world.town_a.pk, **valid, field: [str(2**63)]}
    assert client.post(reverse(view), data).status_code in {200, 400}
    assert (db_state(), Enterprise.objects.count()) == before


@pytest.mark.django_db
def test_fixed_500_extension_page_of_a_hazard_due_9999_12_31(client: Any, world: World) -> None:
    """A deadline is at most five years ahead: 9999-12-31 is refused with a message. A hazard that
    holds such a date anyway (older data) still gets its 申请延期 page."""
    client.force_login(world.official_a)
    form = {"key": "far", "level": "general", "category": "thing", "description": "x", "deadline": "9999-12-31"}
    form["sector"] = world.sector_chem.pk
    response = client.post(f"{reverse('inspections:hazard_create')}?enterprise={world.ent_a.pk}", form)
    assert response.status_code in {200, 400} and "五年内" in response.content.decode()
    assert not Hazard.objects.exists()
    form["deadline"] = (timezone.localdate() + timedelta(days=30)).isoformat()
    assert client.post(f"{reverse('inspections:hazard_create')}?enterprise={world.ent_a.pk}", form).status_code == 302
    hazard = Hazard.objects.get()
    Hazard.objects.filter(pk=hazard.pk).tally_update(deadline=date.max)
    client.force_login(world.enterprise_a)
    assert client.get(reverse("inspections:hazard_extension_request", args=[hazard.pk])).status_code == 200


@pytest.mark.django_db
def test_fixed_500_jpeg_truncated_in_its_image_data(client: Any, world: World, hazard_factory: Any) -> None:
    """The header is whole, so the upload passes as an image; the thumbnail then fails to decode it.
    The same in every form with photos (registration, checklist answer, completion, 当场整改)."""
    import weasyprint  # noqa: F401 - it turns Pillow's LOAD_TRUNCATED_IMAGES on for the whole process

    hazard = hazard_factory(status="rectifying")
    client.force_login(world.enterprise_a)
    whole = jpeg().read()
    photo = SimpleUploadedFile("after.jpg", whole[:-10], content_type="image/jpeg")
    data = {"key": "cut", "description": "已更换", "money_spent": "100", "after_photos": [photo]}
    assert not post_checked(client, reverse("inspections:hazard_completion", args=[hazard.pk]), data)


@pytest.mark.django_db
def test_fixed_500_item_hazard_fixed_on_spot_with_a_file_that_is_no_photo(client: Any, world: World) -> None:
    """The checklist's hazard form does not look into the files; the service's _is_image() then
    raises UploadRejected, which no one turns into a form error."""
    client.force_login(world.official_a)
    inspection, item = failed_item(world)
    after = SimpleUploadedFile("after.jpg", b"not a photo", content_type="image/jpeg")
    form = valid_hazard(world) | {"fixed_on_spot": "on", "photos": [], "after_photos": [after]}
    assert not post_checked(client, reverse("inspections:inspection_item_hazard", args=[inspection.pk, item.pk]), form)
