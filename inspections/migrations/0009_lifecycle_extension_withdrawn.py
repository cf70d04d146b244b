"""Extensions can be withdrawn (resolved without a decision when the hazard moves on)."""

from django.db import migrations, models
from django.utils import timezone

WITHDRAWN_COMMENT = "隐患已销号，延期申请不再需要审批，自动撤回。"


def withdraw_undecidable(apps, schema_editor):
    """A pending extension on a closed hazard could never be decided: resolve it, with a record."""
    HazardExtension = apps.get_model("inspections", "HazardExtension")
    HazardEvent = apps.get_model("inspections", "HazardEvent")
    HazardTally = apps.get_model("inspections", "HazardTally")
    now = timezone.now()
    stuck = list(
        HazardExtension.objects.filter(decision="pending", hazard__status="closed").select_related("hazard__enterprise")
    )
    # Historical models send no signals: mark the per-node counts dirty so that they are recounted.
    HazardTally.objects.filter(node_id__in={e.hazard.enterprise.node_id for e in stuck}).update(dirty=True)
    for extension in stuck:
        extension.decision, extension.decided_at = "withdrawn", extension.hazard.closed_at or now
        extension.decision_comment = WITHDRAWN_COMMENT
        extension.save(update_fields=["decision", "decided_at", "decision_comment"])
        HazardEvent.objects.create(
            hazard=extension.hazard,
            action="extension_withdrawn",
            actor_id=extension.requested_by_id,
            created_at=now,
            from_status="closed",
            to_status="closed",
            comment=WITHDRAWN_COMMENT,
            data={"extension": extension.pk, "automatic": True},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0008_duties_statistics_congress_backdate"),
    ]

    operations = [
        migrations.AlterField(
            model_name="hazardevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("registered", "登记隐患"),
                    ("fixed_on_spot", "当场整改销号"),
                    ("plan_submitted", "提交整改方案"),
                    ("plan_approved", "批准整改方案"),
                    ("plan_returned", "退回整改方案"),
                    ("completion_reported", "报告整改完成"),
                    ("verified", "验收销号"),
                    ("verification_rejected", "验收不通过"),
                    ("extension_requested", "申请延期"),
                    ("extension_approved", "同意延期"),
                    ("extension_refused", "不同意延期"),
                    ("extension_withdrawn", "延期申请撤回"),
                    ("listed_supervision", "挂牌督办"),
                ],
                max_length=32,
                verbose_name="动作",
            ),
        ),
        migrations.AlterField(
            model_name="hazardextension",
            name="decision",
            field=models.CharField(
                choices=[("pending", "待审批"), ("approved", "已同意"), ("refused", "不同意"), ("withdrawn", "已撤回")],
                default="pending",
                max_length=16,
            ),
        ),
        migrations.RunPython(withdraw_undecidable, migrations.RunPython.noop),
    ]
