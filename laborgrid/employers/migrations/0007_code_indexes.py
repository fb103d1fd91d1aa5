# Indexes earn their place (issue 22: every index costs every imported row a write).
# - The organisation code and the registration number had two indexes each on PostgreSQL
#   (Django's default b-tree and its ``varchar_pattern_ops`` twin for LIKE): the twin serves the
#   lookups by value and the prefix search alike, so it is the one kept. SQLite had one index
#   each and keeps it, under the new name. The search queue's grid path likewise.
# - A listing's employer is looked up through ``employer_source_unique`` (employer, source),
#   which starts with it: its own index goes.
# - The current snapshot is indexed where set (see the last operation).
# Indexes are dropped and renamed by name: on SQLite an AlterField would remake the tables.

import django.db.models.deletion
from django.db import migrations, models

import laborgrid.core.paths
from laborgrid.core.indexes import (
    create_default_indexes,
    drop_indexes,
    from_pattern_index,
    to_pattern_index,
)

PATTERN = (
    ("employers_employer", "org_code", "employer_org_code"),
    ("employers_employer", "reg_number", "employer_reg_number"),
    ("employers_searchqueue", "grid_path", "search_queue_path"),
)
SOURCE = ("employers_employersource", "employer_id")


def forwards(apps, schema_editor):
    for table, column, name in PATTERN:
        to_pattern_index(schema_editor, table, column, name)
    drop_indexes(schema_editor, *SOURCE)


def backwards(apps, schema_editor):
    for table, column, name in PATTERN:
        from_pattern_index(schema_editor, table, column, name)
    create_default_indexes(schema_editor, *SOURCE, text=False)


def _pattern_index(field, name):
    return models.Index(fields=[field], name=name, opclasses=["varchar_pattern_ops"])


class Migration(migrations.Migration):
    dependencies = [("employers", "0006_import_speed")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="employer",
                    name="org_code",
                    field=models.CharField(blank=True, max_length=9, verbose_name="组织机构代码"),
                ),
                migrations.AlterField(
                    model_name="employer",
                    name="reg_number",
                    field=models.CharField(blank=True, max_length=15, verbose_name="工商注册号"),
                ),
                migrations.AddIndex(
                    model_name="employer", index=_pattern_index("org_code", "employer_org_code")
                ),
                migrations.AddIndex(
                    model_name="employer",
                    index=_pattern_index("reg_number", "employer_reg_number"),
                ),
                migrations.AlterField(
                    model_name="employersource",
                    name="employer",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sources",
                        to="employers.employer",
                    ),
                ),
                migrations.AlterField(
                    model_name="searchqueue",
                    name="grid_path",
                    field=laborgrid.core.paths.PathField(editable=False, max_length=255),
                ),
                migrations.AddIndex(
                    model_name="searchqueue",
                    index=_pattern_index("grid_path", "search_queue_path"),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
        # Dropped with the unused indexes in 0006, but a snapshot's deletion and SQLite's check
        # of a deferred foreign key written before its snapshot look employers up by it.
        migrations.AddIndex(
            model_name="employer",
            index=models.Index(
                condition=models.Q(current_snapshot__isnull=False),
                fields=["current_snapshot"],
                name="employer_current_snapshot",
            ),
        ),
    ]
