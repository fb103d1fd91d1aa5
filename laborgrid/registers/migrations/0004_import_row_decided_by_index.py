# Who decided a review row is set on the few rows a person decided; its index held an entry for
# every imported row (a million for a big register, each a write) to serve one query: a user's
# decisions, when the user is deleted. It is indexed where set (issue 22). The full index is
# dropped by name: on SQLite an AlterField would remake the table.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from laborgrid.core.indexes import create_default_indexes, drop_indexes

TABLE, COLUMN = "registers_importrow", "decided_by_id"


def forwards(apps, schema_editor):
    drop_indexes(schema_editor, TABLE, COLUMN)


def backwards(apps, schema_editor):
    create_default_indexes(schema_editor, TABLE, COLUMN, text=False)


class Migration(migrations.Migration):
    dependencies = [
        ("registers", "0003_import_row_batch_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="importrow",
                    name="decided_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
        migrations.AddIndex(
            model_name="importrow",
            index=models.Index(
                condition=models.Q(("decided_by__isnull", False)),
                fields=["decided_by"],
                name="import_row_decided_by",
            ),
        ),
    ]
