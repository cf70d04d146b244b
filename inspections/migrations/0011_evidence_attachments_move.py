"""Move every inspections.Attachment row into evidence.Attachment with the same primary key (so
/files/<pk>/ keeps working), the same stored files and every link, then drop the old table.

Owner: the hazard, else the checklist answer, else the inspection, else the enterprise; the event
becomes the row's step. Every old row is anchored at its enterprise."""

import django.db.models.deletion
from django.core.management.color import no_style
from django.db import migrations, models

FIELDS = ("kind", "role", "file", "thumbnail", "original_name", "content_type", "size", "sha256", "uploaded_by_id")
BATCH = 2000


def _type(apps, model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label="inspections", model=model)[0]


def _without_auto_now(model):
    field = model._meta.get_field("uploaded_at")
    field.auto_now_add = False  # keep the upload times (this historical class lives in this migration only)



def _check_now(schema_editor):
    """PostgreSQL refuses the ALTER TABLEs that follow while deferred foreign-key checks are pending."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")

def forward(apps, schema_editor):
    Old = apps.get_model("inspections", "Attachment")
    New = apps.get_model("evidence", "Attachment")
    _without_auto_now(New)
    types = {name: _type(apps, name) for name in ("hazard", "checklistresult", "inspection", "hazardevent")}
    enterprise_type = apps.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="orgs", model="enterprise"
    )[0]
    rows = []
    for old in Old.objects.order_by("pk").iterator(chunk_size=BATCH):
        if old.hazard_id:
            owner = (types["hazard"], old.hazard_id)
        elif old.checklist_result_id:
            owner = (types["checklistresult"], old.checklist_result_id)
        elif old.inspection_id:
            owner = (types["inspection"], old.inspection_id)
        else:
            owner = (enterprise_type, old.enterprise_id)
        rows.append(
            New(
                pk=old.pk,
                owner_type=owner[0],
                owner_id=owner[1],
                step_type=types["hazardevent"] if old.event_id else None,
                step_id=old.event_id,
                enterprise_id=old.enterprise_id,
                uploaded_at=old.uploaded_at,
                **{name: getattr(old, name) for name in FIELDS},
            )
        )
        if len(rows) >= BATCH:
            New.objects.bulk_create(rows)
            rows = []
    New.objects.bulk_create(rows)
    _reset_sequence(schema_editor, New)
    _check_now(schema_editor)


def backward(apps, schema_editor):
    """Back to the old table (enterprise-anchored rows of inspections owners only; tests and development)."""
    Old = apps.get_model("inspections", "Attachment")
    New = apps.get_model("evidence", "Attachment")
    Old._meta.get_field("uploaded_at").auto_now_add = False
    types = {_type(apps, name).pk: name for name in ("hazard", "checklistresult", "inspection")}
    HazardEvent = apps.get_model("inspections", "HazardEvent")
    ChecklistResult = apps.get_model("inspections", "ChecklistResult")
    moved = []
    for new in New.objects.filter(enterprise__isnull=False, owner_type_id__in=types).order_by("pk"):
        kind = types[new.owner_type_id]
        links = {"hazard_id": None, "checklist_result_id": None, "inspection_id": None, "event_id": new.step_id}
        if kind == "hazard":
            links["hazard_id"] = new.owner_id
        elif kind == "checklistresult":
            links["checklist_result_id"] = new.owner_id
            links["inspection_id"] = ChecklistResult.objects.get(pk=new.owner_id).inspection_id
        else:
            links["inspection_id"] = new.owner_id
        if links["hazard_id"] and new.step_id:
            assert HazardEvent.objects.filter(pk=new.step_id, hazard_id=links["hazard_id"]).exists()
        moved.append(
            Old(
                pk=new.pk,
                enterprise_id=new.enterprise_id,
                uploaded_at=new.uploaded_at,
                **links,
                **{name: getattr(new, name) for name in FIELDS},
            )
        )
    Old.objects.bulk_create(moved, batch_size=BATCH)
    New.objects.filter(pk__in=[m.pk for m in moved])._raw_delete(schema_editor.connection.alias)
    _reset_sequence(schema_editor, Old)
    _check_now(schema_editor)


def _reset_sequence(schema_editor, model):
    """Rows came with their own keys: PostgreSQL's sequence must start after them."""
    for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [model]):
        schema_editor.execute(sql)


def _evidence_field(to, *, constraint):
    return models.ForeignKey(
        blank=True,
        null=True,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to=to,
        verbose_name="证明材料",
        db_constraint=constraint,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0001_evidence_initial"),
        ("inspections", "0010_steps_idempotency_keys"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    # The congress report's evidence keeps its key; its constraint is dropped while the rows move
    # (either way), so that the migration also runs backwards on PostgreSQL.
    operations = [
        migrations.AlterField(
            "hazardcongressreport", "evidence", _evidence_field("inspections.attachment", constraint=False)
        ),
        migrations.RunPython(forward, backward),
        migrations.AlterField(
            "hazardcongressreport", "evidence", _evidence_field("evidence.attachment", constraint=False)
        ),
        migrations.AlterField(
            "hazardcongressreport", "evidence", _evidence_field("evidence.attachment", constraint=True)
        ),
        migrations.DeleteModel(name="Attachment"),
    ]
