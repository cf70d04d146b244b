"""Departments (行业监管部门) as rows: a supervisor's free-text 单位 becomes a Department of their node.

One Department per (node, text), its sectors the union of its supervisors' sectors. A supervisor
whose own sectors were fewer keeps them as their 分工 inside it, so every scope stays the same.
The free text stays, renamed `unit`: it is the 单位 every role shows by its name.
"""

import django.db.models.deletion
from django.db import migrations, models

UNNAMED = "行业监管部门"


def texts_to_departments(apps, schema_editor):
    Department = apps.get_model("orgs", "Department")
    Membership = apps.get_model("orgs", "Membership")
    supervisors = Membership.objects.filter(role="department_supervisor").order_by("pk")
    groups = {}
    for membership in supervisors:
        name = (membership.unit or "").strip() or UNNAMED
        own = set(membership.sectors.values_list("pk", flat=True))
        groups.setdefault((membership.node_id, name), []).append((membership, own))
    for (node_id, name), members in groups.items():
        union = set().union(*(own for _membership, own in members))
        department = Department.objects.create(node_id=node_id, name=name)
        department.sectors.set(union)
        for membership, own in members:
            membership.department = department
            membership.save(update_fields=["department"])
            if own == union:
                membership.sectors.clear()  # follows the department from now on


def departments_to_texts(apps, schema_editor):
    Membership = apps.get_model("orgs", "Membership")
    for membership in Membership.objects.filter(department__isnull=False).select_related("department"):
        if not membership.sectors.exists():
            membership.sectors.set(membership.department.sectors.all())
        if not membership.unit and membership.department.name != UNNAMED:
            membership.unit = membership.department.name
            membership.save(update_fields=["unit"])
    Membership.objects.update(department=None)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0006_enterprise_import_claimant_heartbeat")]

    operations = [
        migrations.RenameField(model_name="membership", old_name="department", new_name="unit"),
        migrations.CreateModel(
            name="Department",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=64, verbose_name="部门名称")),
                ("sort_order", models.PositiveIntegerField(default=0, verbose_name="排序")),
                (
                    "node",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="departments",
                        to="orgs.node",
                        verbose_name="所属区域",
                    ),
                ),
                (
                    "sectors",
                    models.ManyToManyField(
                        blank=True, related_name="departments", to="orgs.sector", verbose_name="监管行业"
                    ),
                ),
            ],
            options={
                "verbose_name": "行业监管部门",
                "verbose_name_plural": "行业监管部门",
                "ordering": ["sort_order", "name", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("node", "name"),
                        name="department_unique_name_per_node",
                        violation_error_message="该区域已有同名部门。",
                    ),
                    models.CheckConstraint(condition=models.Q(("name", ""), _negated=True), name="department_name_not_empty"),
                ],
            },
        ),
        migrations.AddField(
            model_name="membership",
            name="department",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="memberships",
                to="orgs.department",
                verbose_name="行业监管部门",
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="sectors",
            field=models.ManyToManyField(
                blank=True, related_name="supervisors", to="orgs.sector", verbose_name="分管行业"
            ),
        ),
        migrations.RunPython(texts_to_departments, departments_to_texts),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("department__isnull", False), ("role", "department_supervisor")),
                    models.Q(models.Q(("role", "department_supervisor"), _negated=True), ("department__isnull", True)),
                    _connector="OR",
                ),
                name="membership_department_iff_supervisor",
                violation_error_message="行业监管部门的用户须选择所属部门，其他角色不选部门。",
            ),
        ),
    ]
