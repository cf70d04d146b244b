"""Load the 行业领域 list (fixtures/sectors.json) so that every installation starts with it."""

from django.db import migrations

from safetyops.orgs.sectors import load_sectors


def forwards(apps, schema_editor):
    load_sectors(apps.get_model("orgs", "Sector"))


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
