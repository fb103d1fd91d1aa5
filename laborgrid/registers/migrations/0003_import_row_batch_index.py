# An import row is looked up by its batch through ``import_row_unique`` (batch, row number) and
# ``import_row_kind`` (batch, outcome, row number), which start with it: the batch's own index
# costs every imported row a write and serves no query (issue 22). Dropped by name: on SQLite an
# AlterField would remake the table.

import django.db.models.deletion
from django.db import migrations, models

from laborgrid.core.indexes import create_default_indexes, drop_indexes

TABLE, COLUMN = "registers_importrow", "batch_id"


def forwards(apps, schema_editor):
    drop_indexes(schema_editor, TABLE, COLUMN)


def backwards(apps, schema_editor):
    create_default_indexes(schema_editor, TABLE, COLUMN, text=False)


class Migration(migrations.Migration):
    dependencies = [("registers", "0002_batch_heartbeat")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="importrow",
                    name="batch",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="rows",
                        to="registers.importbatch",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        )
    ]
