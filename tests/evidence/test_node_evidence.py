"""A letter-like owner: a node (a county → township letter) stores its scan as evidence, serves it
only within the node's scope, and a signature of the letter's text verifies until one character
of that text changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse

from safetyops.evidence import signing
from safetyops.evidence.models import Attachment, Signature
from safetyops.evidence.scope import attachments_visible_to
from safetyops.evidence.services import attachment_create
from tests.conftest import World
from tests.inspections.conftest import jpeg, pdf

LETTER = "关于开展安全生产大排查大整治的通知\r\n东城镇人民政府：  \r\n请于12月31日前完成自查。\n"


@pytest.fixture
def letter_scan(world: World) -> Attachment:
    """The county's letter to town A, scanned: its owner and its anchor are the township node."""
    return attachment_create(
        actor=world.county_admin,
        upload=pdf("安委办函〔2026〕12号.pdf"),
        owner=world.town_a,
        node=world.town_a,
        role="scan",
    )


def test_a_node_stores_its_file(world: World, letter_scan: Attachment) -> None:
    stored = Attachment.objects.get(pk=letter_scan.pk)
    assert stored.owner == world.town_a and stored.node == world.town_a and stored.enterprise is None
    assert stored.kind == "pdf" and stored.role == "scan" and stored.original_name == "安委办函〔2026〕12号.pdf"
    with stored.file.open("rb") as handle:
        assert handle.read().startswith(b"%PDF-")
    assert "12号" not in stored.file.name  # stored under a random name


@pytest.mark.parametrize(
    ("role", "code"),
    [
        ("official_a", 200),  # the node's own officials
        ("leader_a", 200),
        ("supervisor_a", 200),  # a department at the node (node files carry no sector)
        ("county_admin", 200),  # and everyone above it
        ("leader_county", 200),
        ("official_b", 404),  # another township
        ("enterprise_a", 404),  # an enterprise never sees a node's file, even one in that township
        ("enterprise_b", 404),
        ("nobody", 404),
    ],
)
def test_a_node_file_is_served_only_within_the_node_scope(
    client: Any, world: World, letter_scan: Attachment, role: str, code: int
) -> None:
    client.force_login(world.users()[role])
    response = client.get(reverse("evidence:attachment_download", args=[letter_scan.pk]))
    assert response.status_code == code
    if code == 200:
        assert response["Content-Disposition"].startswith("attachment;")  # a PDF is never shown inline
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_villages_staff_do_not_see_the_townships_file(world: World, letter_scan: Attachment) -> None:
    from safetyops.orgs.models import Role
    from tests.orgs.factories import make_user

    village_official = make_user(Role.TOWNSHIP_OFFICIAL, node=world.village_a, username="village")
    assert not attachments_visible_to(village_official).filter(pk=letter_scan.pk).exists()
    assert attachments_visible_to(world.official_a).filter(pk=letter_scan.pk).exists()


def test_a_file_is_anchored_at_exactly_one_of_enterprise_and_node(world: World) -> None:
    with pytest.raises(ValueError):
        attachment_create(actor=world.county_admin, upload=jpeg(), owner=world.town_a, role="scan")
    with pytest.raises(ValueError):
        attachment_create(
            actor=world.county_admin,
            upload=jpeg(),
            owner=world.town_a,
            node=world.town_a,
            enterprise=world.ent_a,
            role="scan",
        )


def test_evidence_is_append_only(world: World, letter_scan: Attachment) -> None:
    letter_scan.original_name = "改名.pdf"
    with pytest.raises(ProtectedError):
        letter_scan.save()
    with pytest.raises(ProtectedError):
        letter_scan.delete()
    with pytest.raises(ProtectedError):
        Attachment.objects.filter(pk=letter_scan.pk).delete()
    assert Attachment.objects.get(pk=letter_scan.pk).original_name == "安委办函〔2026〕12号.pdf"


def test_deleting_an_owner_does_not_take_its_evidence(world: World, hazard_factory: Any) -> None:
    """Through its GenericRelation a hazard's delete would cascade to its photos; the evidence app
    refuses (as the old PROTECT foreign key did), and nothing is deleted."""
    from inspections.models import Hazard

    hazard = hazard_factory()
    photos = list(hazard.attachments.values_list("pk", flat=True))
    assert photos
    with pytest.raises(ProtectedError), transaction.atomic():
        hazard.delete()
    assert Hazard.objects.filter(pk=hazard.pk).exists()
    assert list(Attachment.objects.filter(pk__in=photos).values_list("pk", flat=True)) == photos


def test_the_letters_signature_verifies_and_fails_after_one_character(world: World) -> None:
    signature = signing.sign(
        owner=world.town_a,
        signer=world.official_a,
        typed_name=world.official_a.full_name,
        confirmed=True,
        text=LETTER,
        ip="10.0.0.7",
        user_agent="Mozilla/5.0 (Linux; Android 14)",
    )
    stored = Signature.objects.get(pk=signature.pk)
    assert stored.owner == world.town_a and stored.signer == world.official_a
    assert (stored.signed_name, stored.ip, stored.user_agent) == (
        world.official_a.full_name,
        "10.0.0.7",
        "Mozilla/5.0 (Linux; Android 14)",
    )
    assert stored.text == signing.canonical(LETTER) and len(stored.sha256) == 64
    assert signing.verify(stored, LETTER)
    assert signing.verify(stored, stored.text)
    # The same text as typed elsewhere (LF, no trailing spaces, decomposed form) is the same text.
    assert signing.verify(stored, LETTER.replace("\r\n", "\n").replace("：  ", "："))
    assert not signing.verify(stored, LETTER.replace("31日", "30日"))  # one character changed
    assert not signing.verify(stored, LETTER.replace("。", "，", 1))


def test_canonical_form() -> None:
    decomposed = "e\u0301"  # é as e + combining accent
    assert signing.canonical(f"\n\n  第一行{decomposed}  \r\n第二行\t\r第三行\u3000\u2028\n\n") == (
        "  第一行\u00e9\n第二行\n第三行"
    )
    assert signing.digest("甲\r\n乙 ") == signing.digest("甲\n乙")
    assert signing.digest("甲乙") != signing.digest("甲 乙")


@pytest.mark.parametrize(
    ("typed", "confirmed", "message"),
    [("王五", True, "签名须与您的姓名"), ("", True, "签名须与您的姓名"), (None, False, "请勾选确认")],
)
def test_a_typed_signature_needs_the_own_name_and_the_tick(
    world: World, typed: str | None, confirmed: bool, message: str
) -> None:
    with pytest.raises(signing.SigningError, match=message):
        signing.sign(
            owner=world.town_a,
            signer=world.official_a,
            typed_name=world.official_a.full_name if typed is None else typed,
            confirmed=confirmed,
            text=LETTER,
        )
    assert not Signature.objects.exists()


def test_a_scan_countersigned_by_an_official(world: World, letter_scan: Attachment) -> None:
    signature = signing.sign_by_scan(
        owner=world.town_a, scan=letter_scan, signed_name="张镇长", text=LETTER, countersigner=world.official_a
    )
    assert signature.method == "scan" and signature.signer is None and signature.scan == letter_scan
    assert signature.countersigned_by == world.official_a and signature.countersigned_at is not None
    assert signing.verify(signature, LETTER) and not signing.verify(signature, LETTER + "附件")
    from safetyops.core.audit import audit_events_for

    assert [e.action for e in audit_events_for(signature)] == ["evidence.signature.countersigned"]
    with pytest.raises(signing.NotPermitted):
        signing.sign_by_scan(
            owner=world.town_a, scan=letter_scan, signed_name="张镇长", text=LETTER, countersigner=world.enterprise_a
        )
    with pytest.raises(signing.SigningError, match="不在您的管辖范围内"):
        signing.sign_by_scan(
            owner=world.town_a, scan=letter_scan, signed_name="张镇长", text=LETTER, countersigner=world.official_b
        )


def test_the_signature_block_shows_name_time_and_hash(world: World, letter_scan: Attachment) -> None:
    from django.template.loader import render_to_string

    typed = signing.sign(
        owner=world.town_a, signer=world.official_a, typed_name=world.official_a.full_name, confirmed=True, text=LETTER
    )
    html = render_to_string("evidence/_signature.html", {"signature": typed})
    assert f"已签字“{typed.signed_name}”" in html and typed.sha256 in html
    assert f"{typed.signed_at.astimezone():%Y}" in html
    scan = signing.sign_by_scan(
        owner=world.town_a, scan=letter_scan, signed_name="张镇长", text=LETTER, countersigner=world.official_a
    )
    html = render_to_string("evidence/_signature.html", {"signature": scan})
    assert "纸质签字“张镇长”" in html and scan.sha256 in html
    assert reverse("evidence:attachment_download", args=[letter_scan.pk]) in html and "确认" in html
