"""The 五落实 lifecycle through the services: every step, by every role, from every state."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from inspections import services
from inspections.models import Hazard, HazardEvent, HazardExtension, HazardPlan
from inspections.services import HazardStepError, NotPermitted
from safetyops.evidence.models import Attachment
from tests.conftest import World
from tests.inspections.conftest import STATES, jpeg, open_inspection, pdf, plan_input

A = HazardEvent.Action
S = Hazard.Status


def actions(hazard: Hazard) -> list[str]:
    return list(hazard.events.values_list("action", flat=True))


# Registration and numbering -------------------------------------------------------------------


def test_register_numbers_per_township_and_year(world: World, hazard_factory: Any) -> None:
    first = hazard_factory(enterprise=world.ent_a)  # village of town A: the township code is used
    second = hazard_factory(enterprise=world.ent_a2)
    other = hazard_factory(enterprise=world.ent_b)
    year = timezone.localdate().year
    assert first.number == f"YH-{year}-330001001-00001"
    assert second.number == f"YH-{year}-330001001-00002"
    assert other.number == f"YH-{year}-330001002-00001"
    assert first.status == S.REGISTERED and actions(first) == [A.REGISTERED]
    assert first.attachments.get().role == Attachment.Role.BEFORE


def test_numbers_are_never_reused_after_a_failed_registration(world: World, hazard_factory: Any) -> None:
    hazard_factory()
    with pytest.raises(HazardStepError):
        services.hazard_register(
            actor=world.official_a,
            enterprise_id=world.ent_a.pk,
            fixed_on_spot=True,
            data=services.HazardInput(
                level="general", category="thing", description="x", deadline=timezone.localdate()
            ),
        )  # refused before a number is taken
    third = hazard_factory()
    assert third.number.endswith("-00002")


def test_enterprise_self_report_runs_the_same_lifecycle(world: World) -> None:
    hazard = services.hazard_register(
        actor=world.enterprise_a,
        enterprise_id=world.ent_a.pk,
        data=services.HazardInput(
            level="general",
            category="management",
            description="应急预案未演练",
            deadline=timezone.localdate() + timedelta(days=10),
        ),
    )
    assert hazard.source == Hazard.Source.SELF and hazard.registered_by == world.enterprise_a
    with pytest.raises(HazardStepError):  # outside its own enterprise: not found in its scope
        services.hazard_register(
            actor=world.enterprise_a,
            enterprise_id=world.ent_b.pk,
            data=services.HazardInput(
                level="general", category="thing", description="x", deadline=timezone.localdate()
            ),
        )
    services.hazard_submit_plan(actor=world.enterprise_a, hazard_id=hazard.pk, plan=plan_input(hazard))
    services.hazard_report_completion(
        actor=world.enterprise_a,
        hazard_id=hazard.pk,
        description="已演练",
        money_spent=Decimal(0),
        after_photos=[jpeg()],
    )
    with pytest.raises(NotPermitted):  # an enterprise never verifies its own hazard
        services.hazard_verify(actor=world.enterprise_a, hazard_id=hazard.pk, opinion="好")
    services.hazard_verify(actor=world.official_a, hazard_id=hazard.pk, opinion="同意销号")
    assert Hazard.objects.get(pk=hazard.pk).status == S.CLOSED


@pytest.mark.parametrize("user", ["leader_a", "leader_county", "nobody"])
def test_readers_cannot_register(world: World, user: str) -> None:
    with pytest.raises(NotPermitted):
        services.hazard_register(
            actor=world.users()[user],
            enterprise_id=world.ent_a.pk,
            data=services.HazardInput(
                level="general", category="thing", description="x", deadline=timezone.localdate()
            ),
        )


def test_official_cannot_register_outside_scope(world: World) -> None:
    with pytest.raises(HazardStepError, match="不在您的管辖范围"):
        services.hazard_register(
            actor=world.official_b,
            enterprise_id=world.ent_a.pk,
            data=services.HazardInput(
                level="general", category="thing", description="x", deadline=timezone.localdate()
            ),
        )
    assert not Hazard.objects.exists()


def test_deadline_in_the_past_is_refused(world: World) -> None:
    with pytest.raises(HazardStepError, match="不能早于今天"):
        services.hazard_register(
            actor=world.official_a,
            enterprise_id=world.ent_a.pk,
            data=services.HazardInput(
                level="general", category="thing", description="x", deadline=timezone.localdate() - timedelta(days=1)
            ),
        )


# Fixed on the spot ---------------------------------------------------------------------------


def test_fix_on_spot_general_with_after_photo(world: World, hazard_factory: Any) -> None:
    hazard = hazard_factory(inspection=open_inspection(world))
    with pytest.raises(HazardStepError, match="整改后照片"):
        services.hazard_fix_on_spot(actor=world.official_a, hazard_id=hazard.pk, after_photos=[pdf()])
    services.hazard_fix_on_spot(actor=world.official_a, hazard_id=hazard.pk, after_photos=[jpeg()])
    hazard.refresh_from_db()
    assert hazard.status == S.CLOSED and hazard.fixed_on_spot and hazard.closed_by == world.official_a
    assert actions(hazard) == [A.REGISTERED, A.FIXED_ON_SPOT]


def test_fix_on_spot_refused_for_major_and_for_enterprise(world: World, hazard_factory: Any) -> None:
    major = hazard_factory(level="major", inspection=open_inspection(world))
    with pytest.raises(HazardStepError, match="重大隐患不能当场整改"):
        services.hazard_fix_on_spot(actor=world.official_a, hazard_id=major.pk, after_photos=[jpeg()])
    general = hazard_factory(inspection=open_inspection(world))
    with pytest.raises(NotPermitted):
        services.hazard_fix_on_spot(actor=world.enterprise_a, hazard_id=general.pk, after_photos=[jpeg()])
    assert Hazard.objects.filter(status=S.CLOSED).count() == 0


def test_register_and_fix_in_one_step(world: World) -> None:
    hazard = services.hazard_register(
        actor=world.official_a,
        enterprise_id=world.ent_a.pk,
        inspection=open_inspection(world),
        fixed_on_spot=True,
        after_photos=[jpeg()],
        data=services.HazardInput(
            level="general", category="behaviour", description="未戴安全帽", deadline=timezone.localdate()
        ),
    )
    assert hazard.status == S.CLOSED and actions(hazard) == [A.REGISTERED, A.FIXED_ON_SPOT]


# The 五落实 plan -----------------------------------------------------------------------------


def test_general_plan_takes_effect_at_once(world: World, hazard_factory: Any) -> None:
    hazard = hazard_factory()
    services.hazard_submit_plan(actor=world.enterprise_a, hazard_id=hazard.pk, plan=plan_input(hazard))
    hazard.refresh_from_db()
    assert hazard.status == S.RECTIFYING
    assert hazard.plans.get().decision == HazardPlan.Decision.APPROVED


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"measures": " "}, "整改措施"),
        ({"responsible_name": ""}, "责任人"),
        ({"contingency": ""}, "应急预案"),
        ({"funds": Decimal("-1")}, "不能为负数"),
        ({"funds": Decimal("0")}, "理由"),
        ({"deadline": "after"}, "不能晚于整改期限"),
    ],
)
def test_plan_missing_or_bad_parts_change_nothing(
    world: World, hazard_factory: Any, override: dict, message: str
) -> None:
    hazard = hazard_factory()
    if override.get("deadline") == "after":
        override = {"deadline": hazard.deadline + timedelta(days=1)}
    with pytest.raises(HazardStepError, match=message):
        services.hazard_submit_plan(actor=world.enterprise_a, hazard_id=hazard.pk, plan=plan_input(hazard, **override))
    hazard.refresh_from_db()
    assert hazard.status == S.REGISTERED and not hazard.plans.exists() and actions(hazard) == [A.REGISTERED]


def test_zero_funds_with_a_reason_is_accepted(world: World, hazard_factory: Any) -> None:
    hazard = hazard_factory()
    services.hazard_submit_plan(
        actor=world.enterprise_a,
        hazard_id=hazard.pk,
        plan=plan_input(hazard, funds=Decimal(0), funds_reason="内部人员整改，无需资金"),
    )
    assert Hazard.objects.get(pk=hazard.pk).status == S.RECTIFYING


def test_major_plan_needs_the_six_parts_and_approval(world: World, hazard_factory: Any) -> None:
    hazard = hazard_factory(level="major")
    with pytest.raises(HazardStepError, match="治理方案缺少"):
        services.hazard_submit_plan(
            actor=world.enterprise_a, hazard_id=hazard.pk, plan=plan_input(hazard, goal="", organisation="")
        )
    services.hazard_submit_plan(actor=world.enterprise_a, hazard_id=hazard.pk, plan=plan_input(hazard))
    assert Hazard.objects.get(pk=hazard.pk).status == S.PLAN_PENDING
    with pytest.raises(NotPermitted):
        services.hazard_approve_plan(actor=world.enterprise_a, hazard_id=hazard.pk)
    with pytest.raises(NotPermitted):
        services.hazard_approve_plan(actor=world.leader_county, hazard_id=hazard.pk)
    with pytest.raises(HazardStepError, match="理由"):
        services.hazard_return_plan(actor=world.official_a, hazard_id=hazard.pk, reason=" ")
    services.hazard_return_plan(actor=world.official_a, hazard_id=hazard.pk, reason="资金来源不明确")
    hazard.refresh_from_db()
    assert hazard.status == S.REGISTERED
    services.hazard_submit_plan(actor=world.enterprise_a, hazard_id=hazard.pk, plan=plan_input(hazard))
    services.hazard_approve_plan(actor=world.official_a, hazard_id=hazard.pk, comment="同意")
    hazard.refresh_from_db()
    assert hazard.status == S.RECTIFYING
    assert list(hazard.plans.values_list("decision", flat=True)) == ["returned", "approved"]
    assert actions(hazard) == [A.REGISTERED, A.PLAN_SUBMITTED, A.PLAN_RETURNED, A.PLAN_SUBMITTED, A.PLAN_APPROVED]


def test_only_the_hazards_own_enterprise_may_respond(world: World, hazard_factory: Any) -> None:
    hazard = hazard_factory()
    with pytest.raises(HazardStepError):  # ent B's user does not even see ent A's hazard
        services.hazard_submit_plan(actor=world.enterprise_b, hazard_id=hazard.pk, plan=plan_input(hazard))
    with pytest.raises(NotPermitted):
        services.hazard_submit_plan(actor=world.official_a, hazard_id=hazard.pk, plan=plan_input(hazard))


# Completion, verification, rejection ---------------------------------------------------------


def test_completion_needs_an_after_photo(world: World, hazard_factory: Any) -> None:
    hazard = hazard_factory(status="rectifying")
    with pytest.raises(HazardStepError, match="至少上传一张"):
        services.hazard_report_completion(
            actor=world.enterprise_a, hazard_id=hazard.pk, description="好了", money_spent=Decimal(1), after_photos=[]
        )
    with pytest.raises(HazardStepError, match="须为图片"):
        services.hazard_report_completion(
            actor=world.enterprise_a,
            hazard_id=hazard.pk,
            description="好了",
            money_spent=Decimal(1),
            after_photos=[pdf()],
        )
    fake = jpeg()
    fake.file = __import__("io").BytesIO(b"this is not an image at all")
    fake.size = 27
    with pytest.raises(HazardStepError, match="不是有效的图片"):
        services.hazard_report_completion(
            actor=world.enterprise_a,
            hazard_id=hazard.pk,
            description="好了",
            money_spent=Decimal(1),
            after_photos=[fake],
        )
    assert Hazard.objects.get(pk=hazard.pk).status == S.RECTIFYING
    assert not hazard.completion_reports.exists()


def test_rejection_loop_with_new_deadline_then_close(world: World, hazard_factory: Any) -> None:
    hazard = hazard_factory(status="awaiting_verification")
    new_deadline = timezone.localdate() + timedelta(days=30)
    services.hazard_reject_verification(
        actor=world.official_a, hazard_id=hazard.pk, reason="防护罩未固定", new_deadline=new_deadline
    )
    hazard.refresh_from_db()
    assert hazard.status == S.RECTIFYING and hazard.deadline == new_deadline
    services.hazard_report_completion(
        actor=world.enterprise_a,
        hazard_id=hazard.pk,
        description="已固定",
        money_spent=Decimal(100),
        after_photos=[jpeg()],
    )
    services.hazard_verify(actor=world.official_a, hazard_id=hazard.pk, opinion="同意销号")
    hazard.refresh_from_db()
    assert hazard.status == S.CLOSED and hazard.closed_by == world.official_a
    assert actions(hazard)[-3:] == [A.VERIFICATION_REJECTED, A.COMPLETION_REPORTED, A.VERIFIED]
    assert actions(hazard).count(A.COMPLETION_REPORTED) == 2
    assert hazard.attachments.filter(role="after").count() == 2  # evidence is kept, not replaced


def test_major_verification_needs_township_level(world: World, hazard_factory: Any) -> None:
    from safetyops.orgs.models import Role
    from tests.orgs.factories import make_user

    hazard = hazard_factory(level="major", status="awaiting_verification")
    village_official = make_user(Role.TOWNSHIP_OFFICIAL, node=world.village_a)
    with pytest.raises(NotPermitted, match="乡镇"):
        services.hazard_verify(actor=village_official, hazard_id=hazard.pk, opinion="同意")
    services.hazard_verify(actor=world.official_a, hazard_id=hazard.pk, opinion="同意", expert_opinion="专家组认可")
    assert hazard.events.get(action=A.VERIFIED).data["expert_opinion"] == "专家组认可"


def test_sector_supervisor_reviews_only_their_sectors(world: World, hazard_factory: Any) -> None:
    from safetyops.orgs.models import Role
    from tests.orgs.factories import make_user

    chem = hazard_factory(status="awaiting_verification", enterprise=world.ent_a)
    ent_a2_user = make_user(Role.ENTERPRISE_USER, enterprise=world.ent_a2)
    build = hazard_factory(status="awaiting_verification", enterprise=world.ent_a2, enterprise_user=ent_a2_user)
    with pytest.raises(HazardStepError, match="管辖范围"):
        services.hazard_verify(actor=world.supervisor_a, hazard_id=chem.pk, opinion="同意")
    services.hazard_verify(actor=world.supervisor_a, hazard_id=build.pk, opinion="同意")


# Steps from the wrong state ------------------------------------------------------------------

STEP_FROM = {
    "submit_plan": {"registered"},
    "approve_plan": {"plan_pending"},
    "report_completion": {"rectifying"},
    "verify": {"awaiting_verification"},
    "request_extension": {"registered", "plan_pending", "rectifying"},
}


def run_step(step: str, world: World, hazard: Hazard) -> None:
    if step == "submit_plan":
        services.hazard_submit_plan(actor=world.enterprise_a, hazard_id=hazard.pk, plan=plan_input(hazard))
    elif step == "approve_plan":
        services.hazard_approve_plan(actor=world.official_a, hazard_id=hazard.pk)
    elif step == "report_completion":
        services.hazard_report_completion(
            actor=world.enterprise_a,
            hazard_id=hazard.pk,
            description="好",
            money_spent=Decimal(1),
            after_photos=[jpeg()],
        )
    elif step == "verify":
        services.hazard_verify(actor=world.official_a, hazard_id=hazard.pk, opinion="同意")
    elif step == "request_extension":
        services.hazard_request_extension(
            actor=world.enterprise_a,
            hazard_id=hazard.pk,
            reason="设备到货延迟",
            requested_deadline=hazard.deadline + timedelta(days=20),
        )


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("step", sorted(STEP_FROM))
def test_steps_only_from_their_states(world: World, hazard_factory: Any, step: str, state: str) -> None:
    hazard = hazard_factory(level="major", status=state)
    before = (hazard.status, hazard.events.count())
    if state in STEP_FROM[step]:
        run_step(step, world, hazard)
        assert hazard.events.count() == before[1] + 1
    else:
        with pytest.raises(HazardStepError, match="当前状态"):
            run_step(step, world, hazard)
        hazard.refresh_from_db()
        assert (hazard.status, hazard.events.count()) == before


# Extensions ----------------------------------------------------------------------------------


def test_extension_approved_moves_the_deadline_and_history_stays(world: World, hazard_factory: Any) -> None:
    hazard = hazard_factory(status="rectifying")
    old = hazard.deadline
    services.hazard_request_extension(
        actor=world.enterprise_a,
        hazard_id=hazard.pk,
        reason="设备到货延迟",
        requested_deadline=old + timedelta(days=20),
    )
    with pytest.raises(HazardStepError, match="已有一份延期申请"):
        services.hazard_request_extension(
            actor=world.enterprise_a, hazard_id=hazard.pk, reason="再延", requested_deadline=old + timedelta(days=30)
        )
    with pytest.raises(HazardStepError, match="理由"):
        services.hazard_decide_extension(actor=world.official_a, hazard_id=hazard.pk, approve=False, comment="")
    services.hazard_decide_extension(actor=world.official_a, hazard_id=hazard.pk, approve=True, comment="同意")
    hazard.refresh_from_db()
    assert hazard.deadline == old + timedelta(days=20)
    services.hazard_request_extension(
        actor=world.enterprise_a,
        hazard_id=hazard.pk,
        reason="仍需时间",
        requested_deadline=hazard.deadline + timedelta(days=5),
    )
    services.hazard_decide_extension(actor=world.official_a, hazard_id=hazard.pk, approve=False, comment="请按期完成")
    hazard.refresh_from_db()
    assert hazard.deadline == old + timedelta(days=20)
    assert list(hazard.extensions.values_list("decision", flat=True)) == [
        HazardExtension.Decision.APPROVED,
        HazardExtension.Decision.REFUSED,
    ]


def test_extension_must_be_asked_before_the_deadline(world: World, hazard_factory: Any) -> None:
    hazard = hazard_factory(status="rectifying", deadline=timezone.localdate() + timedelta(days=2))
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        with pytest.raises(HazardStepError, match="已超过整改期限"):
            services.hazard_request_extension(
                actor=world.enterprise_a,
                hazard_id=hazard.pk,
                reason="晚了",
                requested_deadline=hazard.deadline + timedelta(days=10),
            )
    with pytest.raises(HazardStepError, match="须晚于现期限"):
        services.hazard_request_extension(
            actor=world.enterprise_a, hazard_id=hazard.pk, reason="x", requested_deadline=hazard.deadline
        )


# Overdue (derived) ---------------------------------------------------------------------------


def test_overdue_is_derived_from_the_deadline(world: World, hazard_factory: Any) -> None:
    from inspections.models import overdue_q

    deadline = timezone.localdate() + timedelta(days=5)
    hazard = hazard_factory(status="rectifying", deadline=deadline)
    closed = hazard_factory(status="closed", deadline=deadline)
    with time_machine.travel(timezone.now() + timedelta(days=5)):
        assert not hazard.is_overdue()
        assert not Hazard.objects.filter(overdue_q()).exists()
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert hazard.is_overdue() and hazard.days_overdue() == 3
        assert not closed.is_overdue()
        assert list(Hazard.objects.filter(overdue_q())) == [hazard]


# Supervision (挂牌督办) -----------------------------------------------------------------------


def test_only_the_county_lists_major_hazards(world: World, hazard_factory: Any) -> None:
    major = hazard_factory(level="major", status="rectifying")
    general = hazard_factory(status="rectifying")
    with pytest.raises(NotPermitted):
        services.hazard_list_supervision(actor=world.official_a, hazard_id=major.pk)
    with pytest.raises(HazardStepError, match="只有重大隐患"):
        services.hazard_list_supervision(actor=world.county_admin, hazard_id=general.pk)
    services.hazard_list_supervision(actor=world.county_admin, hazard_id=major.pk, comment="县安委办挂牌")
    major.refresh_from_db()
    assert major.listed_supervision and major.listed_at is not None
    with pytest.raises(HazardStepError, match="已挂牌"):
        services.hazard_list_supervision(actor=world.county_admin, hazard_id=major.pk)


# Idempotency and concurrency -----------------------------------------------------------------


def test_a_retried_step_with_the_same_key_is_applied_once(world: World, hazard_factory: Any) -> None:
    hazard = hazard_factory(status="awaiting_verification")
    for _ in range(2):
        services.hazard_verify(actor=world.official_a, hazard_id=hazard.pk, opinion="同意", key="k-123")
    assert hazard.events.filter(action=A.VERIFIED).count() == 1


def test_second_verifier_gets_a_clear_message(world: World, hazard_factory: Any) -> None:
    hazard = hazard_factory(status="awaiting_verification")
    services.hazard_verify(actor=world.official_a, hazard_id=hazard.pk, opinion="同意")
    with pytest.raises(HazardStepError, match="已销号"):
        services.hazard_verify(actor=world.county_admin, hazard_id=hazard.pk, opinion="同意")
    assert hazard.events.filter(action=A.VERIFIED).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officials_verifying_at_the_same_moment_close_once(world: World, hazard_factory: Any) -> None:
    hazard = hazard_factory(status="awaiting_verification")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def verify(actor: Any) -> None:
        try:
            barrier.wait(timeout=10)
            services.hazard_verify(actor=actor, hazard_id=hazard.pk, opinion="同意销号")
            outcomes.append("closed")
        except HazardStepError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    from safetyops.orgs.models import User

    people = [User.objects.get(pk=world.official_a.pk), User.objects.get(pk=world.county_admin.pk)]
    threads = [threading.Thread(target=verify, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(o == "closed" for o in outcomes) == [False, True], outcomes
    assert HazardEvent.objects.filter(hazard=hazard, action=A.VERIFIED).count() == 1
    assert "已销号" in next(o for o in outcomes if o != "closed")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_copy_that_arrives_after_the_first_committed_is_not_an_error(world: World, hazard_factory: Any) -> None:
    """Two copies of one post race (double click): the copy that waited for the first to commit is
    answered with the closed hazard, not an error, and the step is applied once."""
    hazard = hazard_factory(status="awaiting_verification")
    barrier = threading.Barrier(2)
    answers: list[Any] = []

    def post() -> None:
        try:
            barrier.wait(timeout=10)
            answers.append(services.hazard_verify(actor=official, hazard_id=hazard.pk, opinion="同意", key="same-post"))
        except HazardStepError as exc:
            answers.append(exc.message)
        finally:
            connection.close()

    from safetyops.orgs.models import User

    official = User.objects.get(pk=world.official_a.pk)
    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(answers) == 2 and all(isinstance(again, Hazard) for again in answers), answers
    assert all(again.status == S.CLOSED for again in answers)
    assert hazard.events.filter(action=A.VERIFIED).count() == 1


def test_a_key_used_for_another_hazard_or_by_another_person_is_refused(world: World, hazard_factory: Any) -> None:
    """An idempotency key belongs to one post: replayed on another hazard, or by someone else, it
    neither answers with the first hazard nor applies anything."""
    first = hazard_factory(status="awaiting_verification")
    second = hazard_factory(status="awaiting_verification")
    services.hazard_verify(actor=world.official_a, hazard_id=first.pk, opinion="同意", key="one-post")
    with pytest.raises(services.HazardStepError, match="刷新页面"):
        services.hazard_verify(actor=world.official_a, hazard_id=second.pk, opinion="同意", key="one-post")
    assert Hazard.objects.get(pk=second.pk).status == S.AWAITING_VERIFICATION
    with pytest.raises(services.HazardStepError, match="刷新页面"):
        services.hazard_verify(actor=world.county_admin, hazard_id=first.pk, opinion="同意", key="one-post")
    # The same person retrying the same post is answered with the hazard, applied once.
    again = services.hazard_verify(actor=world.official_a, hazard_id=first.pk, opinion="同意", key="one-post")
    assert again.pk == first.pk and first.events.filter(action=A.VERIFIED).count() == 1
