"""Load the checklist templates (fixtures/checklists.json) so that every installation starts with them."""

from django.db import migrations

from inspections.checklists import load_checklists


def forwards(apps, schema_editor):
    load_checklists(
        apps.get_model("inspections", "ChecklistTemplate"),
        apps.get_model("inspections", "ChecklistItem"),
        apps.get_model("orgs", "Sector"),
    )


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial"), ("orgs", "0002_load_sectors")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
