"""The form keys move from HazardEvent.idempotency_key into core's IdempotencyKey (actor, object, step)."""

from typing import Any

from django.db import migrations

# Which declared step recorded an event of this action (inspections/lifecycle.py).
STEP_OF_ACTION = {
    "registered": "register",
    "fixed_on_spot": "fix_on_spot",
    "plan_submitted": "plan",
    "plan_approved": "plan_decide",
    "plan_returned": "plan_decide",
    "completion_reported": "completion",
    "verified": "verify",
    "verification_rejected": "verify",
    "extension_requested": "extension_request",
    "extension_approved": "extension_decide",
    "extension_refused": "extension_decide",
    "listed_supervision": "list_supervision",
}


def keys_to_core(apps: Any, schema_editor: Any) -> None:
    HazardEvent = apps.get_model("inspections", "HazardEvent")
    IdempotencyKey = apps.get_model("core", "IdempotencyKey")
    ContentType = apps.get_model("contenttypes", "ContentType")
    hazard_type, _created = ContentType.objects.get_or_create(app_label="inspections", model="hazard")
    events = HazardEvent.objects.exclude(idempotency_key__isnull=True).exclude(idempotency_key="")
    IdempotencyKey.objects.bulk_create(
        (
            IdempotencyKey(
                key=event.idempotency_key,
                actor_id=event.actor_id,
                step=STEP_OF_ACTION.get(event.action, event.action),
                target_type_id=hazard_type.pk,
                target_id=str(event.hazard_id),
                created_at=event.created_at,
            )
            for event in events.iterator()
        ),
        batch_size=1000,
        ignore_conflicts=True,
    )


def keys_to_events(apps: Any, schema_editor: Any) -> None:
    HazardEvent = apps.get_model("inspections", "HazardEvent")
    IdempotencyKey = apps.get_model("core", "IdempotencyKey")
    steps: dict[str, list[str]] = {}
    for action, step in STEP_OF_ACTION.items():
        steps.setdefault(step, []).append(action)
    for row in IdempotencyKey.objects.filter(target_type__app_label="inspections", target_type__model="hazard"):
        event = (
            HazardEvent.objects.filter(hazard_id=row.target_id, actor_id=row.actor_id, action__in=steps.get(row.step, []))
            .order_by("created_at", "pk")
            .first()
        )
        if event is not None:
            HazardEvent.objects.filter(pk=event.pk).update(idempotency_key=row.key)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0003_steps_idempotency_key"),
        ("inspections", "0009_lifecycle_extension_withdrawn"),
    ]

    operations = [
        migrations.RunPython(keys_to_core, keys_to_events),
        migrations.RemoveField(model_name="hazardevent", name="idempotency_key"),
    ]
