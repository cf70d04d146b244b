"""Enterprise.closed_at, filled for the enterprises already closed.

The closing time is the last audited status change to 关闭 (orgs.enterprise.updated records
{"changes": {"status": [old, new]}}); an enterprise that was never changed to 关闭 in the app
(created or imported closed) gets its creation time, so no past period counts it."""

from typing import Any

from django.db import migrations, models


def fill_closed_at(apps: Any, schema_editor: Any) -> None:
    Enterprise = apps.get_model("orgs", "Enterprise")
    AuditEvent = apps.get_model("core", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="orgs", model="enterprise").first()
    for enterprise in Enterprise.objects.filter(status="closed", closed_at__isnull=True).iterator():
        closed_at = enterprise.created_at
        if content_type is not None:
            events = AuditEvent.objects.filter(
                target_type=content_type, target_id=str(enterprise.pk), action="orgs.enterprise.updated"
            ).order_by("-created_at", "-pk")
            for event in events.iterator():
                status = (event.data or {}).get("changes", {}).get("status")
                if isinstance(status, list) and len(status) == 2 and status[1] == "closed":
                    closed_at = event.created_at
                    break
        Enterprise.objects.filter(pk=enterprise.pk).update(closed_at=closed_at)


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0004_enterprise_name_order"),
        ("core", "0002_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="enterprise",
            name="closed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="关闭时间"),
        ),
        migrations.RunPython(fill_closed_at, migrations.RunPython.noop),
    ]
