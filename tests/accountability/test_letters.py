"""The letter services: cascades, issuing, signing, versions, and bad input (issue 12)."""

from __future__ import annotations

import pytest

from accountability import services
from accountability.errors import LetterError, NotPermitted
from accountability.models import Letter, LetterTemplate, LetterVersion
from safetyops.evidence import signing
from safetyops.evidence.models import Signature
from tests.accountability.factories import COUNTY_ITEMS, county_template, issued_letter, issued_pledge
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_issue_freezes_the_text_and_its_hash(world: World) -> None:
    letter = issued_letter(world)
    assert letter.status == Letter.Status.ISSUED
    version = letter.current_version
    assert version.number == 1 and version.sha256 == signing.digest(version.text)
    assert "东城镇" in version.text and "工矿商贸生产安全事故起数不超过5起" in version.text
    assert "不发生较大及以上生产安全事故" in version.text
    assert letter.due_on is not None


def test_the_principal_signs_once_and_the_hash_covers_the_exact_text(world: World) -> None:
    letter = issued_letter(world)
    name = signing.name_of(world.leader_a)
    signed = services.letter_sign(actor=world.leader_a, letter=letter, typed_name=name, confirmed=True, ip="10.0.0.1")
    assert signed.status == Letter.Status.SIGNED
    signature = signed.signature
    assert signature.sha256 == letter.current_version.sha256
    assert signing.verify(signature, letter.current_version.text)
    changed = letter.current_version.text.replace("5起", "6起")
    assert not signing.verify(signature, changed)
    assert not signing.verify(signature, letter.current_version.text + "。")
    with pytest.raises(LetterError, match="已签署"):
        services.letter_sign(actor=world.leader_a, letter=letter, typed_name=name, confirmed=True)
    assert Signature.objects.count() == 1


@pytest.mark.parametrize("who", ["official_a", "leader_county", "county_admin", "enterprise_a"])
def test_only_the_addressee_signs(world: World, who: str) -> None:
    letter = issued_letter(world)
    actor = getattr(world, who)
    with pytest.raises(NotPermitted):
        services.letter_sign(actor=actor, letter=letter, typed_name=signing.name_of(actor), confirmed=True)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.ISSUED and not Signature.objects.exists()


def test_a_typed_name_that_does_not_match_or_no_tick_changes_nothing(world: World) -> None:
    letter = issued_letter(world)
    with pytest.raises(LetterError, match="一致"):
        services.letter_sign(actor=world.leader_a, letter=letter, typed_name="张三", confirmed=True)
    with pytest.raises(LetterError, match="勾选"):
        services.letter_sign(
            actor=world.leader_a, letter=letter, typed_name=signing.name_of(world.leader_a), confirmed=False
        )
    letter.refresh_from_db()
    assert letter.status == Letter.Status.ISSUED and not Signature.objects.exists()


def test_a_revision_is_a_new_version_to_sign_again(world: World) -> None:
    letter = issued_letter(world)
    name = signing.name_of(world.leader_a)
    services.letter_sign(actor=world.leader_a, letter=letter, typed_name=name, confirmed=True)
    first = Letter.objects.get(pk=letter.pk).current_version
    items = [dict(item) for item in COUNTY_ITEMS]
    items[0]["value"] = 3
    revised = services.letter_revise(actor=world.county_admin, letter=letter, reason="县里调整指标", items=items)
    assert revised.status == Letter.Status.ISSUED and revised.signature is None
    assert revised.current_version.number == 2 and revised.current_version.sha256 != first.sha256
    # The signed version is untouched and still verifies.
    first.refresh_from_db()
    old = Signature.objects.get()
    assert signing.verify(old, first.text) and old.owner_id == first.pk
    with pytest.raises(ValueError):
        first.save()
    services.letter_sign(actor=world.leader_a, letter=revised, typed_name=name, confirmed=True)
    assert Signature.objects.count() == 2
    with pytest.raises(LetterError, match="修订原因"):
        services.letter_revise(actor=world.county_admin, letter=revised, reason=" ")


def test_withdraw_before_signing_only(world: World) -> None:
    letter = issued_letter(world)
    with pytest.raises(LetterError, match="撤回原因"):
        services.letter_withdraw(actor=world.county_admin, letter=letter, reason="")
    services.letter_withdraw(actor=world.county_admin, letter=letter, reason="下达对象有误")
    with pytest.raises(LetterError):
        services.letter_sign(
            actor=world.leader_a, letter=letter, typed_name=signing.name_of(world.leader_a), confirmed=True
        )
    other = issued_letter(world, unit=world.town_b)
    other.refresh_from_db()


def test_a_child_letter_may_not_be_looser_than_its_template(world: World) -> None:
    template = county_template(world)
    services.template_address(actor=world.county_admin, template=template, units=[world.town_a, world.town_b])
    letter = template.letters.get(node=world.town_a)
    looser = [dict(item) for item in COUNTY_ITEMS]
    looser[0]["value"] = 7
    with pytest.raises(LetterError, match="不得超过上级下达的5起"):
        services.letter_edit(actor=world.county_admin, letter=letter, items=looser)
    lower_target = [dict(item) for item in COUNTY_ITEMS]
    lower_target[3]["value"] = 90
    with pytest.raises(LetterError, match="不得低于"):
        services.letter_edit(actor=world.county_admin, letter=letter, items=lower_target)
    tighter = [dict(item) for item in COUNTY_ITEMS]
    tighter[0]["value"] = 2
    services.letter_edit(actor=world.county_admin, letter=letter, items=tighter)
    letter.refresh_from_db()
    assert letter.items[0]["value"] == 2
    assert template.letters.get(node=world.town_b).items[0]["value"] == 5


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([{"key": "industrial_accidents", "value": -1}], "负数"),
        ([{"key": "industrial_accidents", "value": "1.5"}], "整数"),
        ([{"key": "rectification_rate", "value": "101"}], "不能超过100"),
        ([{"key": "industrial_accidents", "value": 3, "weight": 40}], "合计须为100分"),
        ([{"key": "nonsense", "value": 3}], "未知的指标"),
    ],
)
def test_bad_items_are_refused_with_a_message(world: World, items: list, message: str) -> None:
    with pytest.raises(LetterError, match=message):
        county_template(world, items=items)
    assert not LetterTemplate.objects.exists()


def test_a_township_passes_down_the_letter_it_received(world: World) -> None:
    received = issued_letter(world)
    looser = [dict(item) for item in COUNTY_ITEMS]
    looser[1]["value"] = 9
    with pytest.raises(LetterError, match="不得超过"):
        services.template_create(
            actor=world.official_a,
            kind="responsibility",
            year=2026,
            title="东城镇责任书",
            body="正文",
            items=looser,
            source_letter=received,
        )
    dropped = [dict(item) for item in COUNTY_ITEMS if item["key"] != "major_accidents"]
    for item in dropped:
        item["weight"] = {"industrial_accidents": 40, "industrial_deaths": 30, "rectification_rate": 30}[item["key"]]
    with pytest.raises(LetterError, match="不能取消"):
        services.template_create(
            actor=world.official_a,
            kind="responsibility",
            year=2026,
            title="东城镇责任书",
            body="正文",
            items=dropped,
            source_letter=received,
        )
    own = services.template_create(
        actor=world.official_a,
        kind="responsibility",
        year=2026,
        title="东城镇责任书",
        body="正文",
        items=COUNTY_ITEMS,
        source_letter=received,
    )
    assert own.node == world.town_a
    services.template_address(actor=world.official_a, template=own, units=[world.village_a, world.ent_a, world.ent_a2])
    services.template_issue(actor=world.official_a, template=own)
    assert own.letters.filter(status=Letter.Status.ISSUED).count() == 3
    # Town B may not build on town A's letter; a township cannot address the other township's enterprise.
    with pytest.raises(LetterError):
        services.template_create(
            actor=world.official_b, kind="responsibility", year=2026, title="x", body="y", source_letter=received
        )
    with pytest.raises(LetterError, match="不是本单位可以下达的对象"):
        services.template_address(actor=world.official_a, template=own, units=[world.ent_b])


def test_addressing_and_issuing_again_do_not_duplicate(world: World) -> None:
    template = county_template(world, kind=LetterTemplate.Kind.PLEDGE)
    assert services.template_address(actor=world.county_admin, template=template, units=[world.ent_a, world.ent_b]) == 2
    assert (
        services.template_address(actor=world.county_admin, template=template, units=[world.ent_a, world.ent_a2]) == 1
    )
    services.template_issue(actor=world.county_admin, template=template)
    assert template.letters.filter(status=Letter.Status.ISSUED).count() == 3
    with pytest.raises(LetterError, match="没有待下达"):
        services.template_issue(actor=world.county_admin, template=template)
    assert services.template_address(actor=world.county_admin, template=template, units=[world.ent_a]) == 0
    assert template.letters.count() == 3 and LetterVersion.objects.count() == 3
    # A pledge goes to enterprises only.
    with pytest.raises(LetterError):
        services.template_address(actor=world.county_admin, template=template, units=[world.town_a])


def test_the_same_issue_form_posted_twice_issues_once(world: World) -> None:
    template = county_template(world)
    services.template_address(actor=world.county_admin, template=template, units=[world.town_a, world.town_b])
    services.template_issue(actor=world.county_admin, template=template, key="k1")
    services.template_issue(actor=world.county_admin, template=template, key="k1")
    assert LetterVersion.objects.count() == 2


def test_the_enterprise_principal_signs_a_pledge(world: World) -> None:
    pledge = issued_pledge(world)
    with pytest.raises(NotPermitted):
        services.letter_sign(
            actor=world.enterprise_b, letter=pledge, typed_name=signing.name_of(world.enterprise_b), confirmed=True
        )
    services.letter_sign(
        actor=world.enterprise_a, letter=pledge, typed_name=signing.name_of(world.enterprise_a), confirmed=True
    )
    assert Letter.objects.get(pk=pledge.pk).status == Letter.Status.SIGNED


def test_only_the_issuer_issues(world: World) -> None:
    template = county_template(world)
    services.template_address(actor=world.county_admin, template=template, units=[world.town_a])
    with pytest.raises(NotPermitted):
        services.template_issue(actor=world.official_a, template=template)
    with pytest.raises(NotPermitted):
        services.template_create(actor=world.enterprise_a, kind="pledge", year=2026, title="x", body="y")


def test_a_limit_of_zero_reads_as_none_at_all() -> None:
    from accountability.items import CATALOGUE, CONTROL, describe

    assert describe({"key": "fire_deaths", "value": 0}) == "不发生火灾亡人事故"
    assert describe({"key": "fire_deaths", "value": 2}) == "火灾事故死亡人数不超过2人"
    assert describe({"key": "major_accidents", "value": 0}) == "不发生较大及以上生产安全事故"
    for kind in CATALOGUE:
        if kind.group == CONTROL:
            assert "不超过0" not in describe({"key": kind.key, "value": 0})
