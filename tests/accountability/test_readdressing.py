"""A unit whose copy was withdrawn can be addressed again: its copy becomes a draft once more,
keeps its versions, and issuing it again makes the next version. Withdrawing an issued copy tells
its signer, once."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accountability import services
from accountability.models import Letter, LetterVersion
from safetyops.core.models import AuditEvent
from safetyops.evidence import signing
from safetyops.notify.models import Reminder
from tests.accountability.factories import issued_letter, issued_pledge
from tests.conftest import World


def _withdrawn(world: World, django_capture_on_commit_callbacks: Any) -> Letter:
    letter = issued_letter(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.letter_withdraw(actor=world.county_admin, letter=letter, reason="下达对象有误")
    return letter


def test_a_withdrawn_unit_is_addressed_and_issued_again(world: World, django_capture_on_commit_callbacks: Any) -> None:
    letter = _withdrawn(world, django_capture_on_commit_callbacks)
    template = letter.template
    assert services.template_address(actor=world.county_admin, template=template, units=[world.town_a]) == 1
    letter.refresh_from_db()
    assert letter.status == Letter.Status.DRAFT and letter.current_version is None and letter.withdrawn_reason == ""
    assert template.letters.count() == 1  # the same copy, not a second one
    assert LetterVersion.objects.filter(letter=letter).count() == 1  # its history stays
    assert AuditEvent.objects.filter(action="accountability.letter.readdressed").count() == 1
    # Choosing it again while a draft adds nothing.
    assert services.template_address(actor=world.county_admin, template=template, units=[world.town_a]) == 0
    services.template_issue(actor=world.county_admin, template=template)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.ISSUED and letter.current_version.number == 2
    assert letter.current_version.reason == "撤回后重新下达"  # not shown as 首次下达
    assert list(LetterVersion.objects.filter(letter=letter).values_list("number", flat=True).order_by("number")) == [
        1,
        2,
    ]
    services.letter_sign(
        actor=world.leader_a, letter=letter, typed_name=signing.name_of(world.leader_a), confirmed=True, version=2
    )


def test_the_addressing_page_offers_a_withdrawn_unit(
    client: Any, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    letter = _withdrawn(world, django_capture_on_commit_callbacks)
    client.force_login(world.county_admin)
    url = reverse("accountability:template_address", args=[letter.template_id])
    page = client.get(url).content.decode()
    assert "已撤回，可重新选择" in page
    assert f'value="{world.town_a.pk}" id="n{world.town_a.pk}" checked disabled' not in page
    assert client.post(url, {"nodes": [world.town_a.pk]}).status_code == 302
    letter.refresh_from_db()
    assert letter.status == Letter.Status.DRAFT


def test_all_matching_enterprises_leave_a_withdrawn_one_alone(
    client: Any, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    pledge = issued_pledge(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.letter_withdraw(actor=world.county_admin, letter=pledge, reason="企业已停产")
    client.force_login(world.county_admin)
    url = reverse("accountability:template_address", args=[pledge.template_id])
    assert client.post(url, {"all_enterprises": "matching"}).status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == Letter.Status.WITHDRAWN
    assert pledge.template.letters.filter(status=Letter.Status.DRAFT).count() >= 1  # the others were added


def test_withdrawing_tells_the_signer_once(world: World, django_capture_on_commit_callbacks: Any) -> None:
    letter = _withdrawn(world, django_capture_on_commit_callbacks)
    rows = Reminder.objects.filter(
        reason="letter_withdrawn", target_type=ContentType.objects.get_for_model(Letter), target_id=str(letter.pk)
    )
    assert list(rows.values_list("recipient_id", flat=True)) == [world.leader_a.pk]
    from accountability import notices

    assert notices.tell_letter_withdrawn(letter.pk) == 0  # once
    assert rows.count() == 1


def test_withdrawing_a_draft_tells_nobody(world: World, django_capture_on_commit_callbacks: Any) -> None:
    from tests.accountability.factories import county_template

    template = county_template(world)
    services.template_address(actor=world.county_admin, template=template, units=[world.town_a])
    with django_capture_on_commit_callbacks(execute=True):
        services.letter_withdraw(actor=world.county_admin, letter=template.letters.get(), reason="不需要")
    assert not Reminder.objects.filter(reason="letter_withdrawn").exists()
