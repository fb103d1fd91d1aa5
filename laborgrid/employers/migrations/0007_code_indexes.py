# The organisation code and the registration number each had two indexes on PostgreSQL (Django's
# default b-tree and its ``varchar_pattern_ops`` twin for LIKE): the twin serves both the
# lookups by value and the prefix search, so one index each is kept (issue 22: every index costs
# every imported row a write). SQLite had one index each and keeps it, under the new name.

from django.db import migrations, models

TABLE = "employers_employer"
COLUMNS = {"org_code": "employer_org_code", "reg_number": "employer_reg_number"}


def _indexes(schema_editor, column):
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(cursor, TABLE)
    return [
        name
        for name, info in constraints.items()
        if info["index"]
        and not info["unique"]
        and not info["primary_key"]
        and info["columns"] == [column]
        and name not in COLUMNS.values()
    ]


def forwards(apps, schema_editor):
    q = schema_editor.quote_name
    postgresql = schema_editor.connection.vendor == "postgresql"
    for column, name in COLUMNS.items():
        for old in _indexes(schema_editor, column):
            if postgresql and old.endswith("_like"):
                schema_editor.execute(f"ALTER INDEX {q(old)} RENAME TO {q(name)}")
            else:
                schema_editor.execute(f"DROP INDEX {q(old)}")
        if not postgresql:
            schema_editor.execute(f"CREATE INDEX {q(name)} ON {q(TABLE)} ({q(column)})")


def backwards(apps, schema_editor):
    q = schema_editor.quote_name
    postgresql = schema_editor.connection.vendor == "postgresql"
    for column, name in COLUMNS.items():
        plain = schema_editor._create_index_name(TABLE, [column])
        if postgresql:
            like = schema_editor._create_index_name(TABLE, [column], suffix="_like")
            schema_editor.execute(f"ALTER INDEX {q(name)} RENAME TO {q(like)}")
        else:
            schema_editor.execute(f"DROP INDEX {q(name)}")
        schema_editor.execute(f"CREATE INDEX {q(plain)} ON {q(TABLE)} ({q(column)})")


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
                    model_name="employer",
                    index=models.Index(
                        fields=["org_code"],
                        name="employer_org_code",
                        opclasses=["varchar_pattern_ops"],
                    ),
                ),
                migrations.AddIndex(
                    model_name="employer",
                    index=models.Index(
                        fields=["reg_number"],
                        name="employer_reg_number",
                        opclasses=["varchar_pattern_ops"],
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        )
    ]
