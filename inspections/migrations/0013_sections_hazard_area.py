"""A hazard's area is its enterprise's: hazards of enterprises that moved before this rule keep
the old area in Hazard.node; move them to their enterprise's node (the tally already counts them
there, by the enterprise's node, so it needs no recount)."""

from django.db import migrations
from django.db.models import F


def forwards(apps, schema_editor):
    Hazard = apps.get_model("inspections", "Hazard")
    Enterprise = apps.get_model("orgs", "Enterprise")
    stale = Hazard.objects.exclude(node_id=F("enterprise__node_id"))
    moved = Enterprise.objects.filter(pk__in=stale.values("enterprise_id")).values_list("pk", "node_id")
    for enterprise_id, node_id in moved:
        Hazard.objects.filter(enterprise_id=enterprise_id).exclude(node_id=node_id).update(node_id=node_id)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0012_evidence_signatures")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
