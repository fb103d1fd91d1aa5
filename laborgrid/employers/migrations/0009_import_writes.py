# Issue 22: what a register import writes per employer, cut by what no query or rule needs.
# - The grid's id has no index of its own: employers are read by subtree (``grid_path``).
# - The USCC is unique through one ``varchar_pattern_ops`` index on PostgreSQL (by value and by
#   prefix), instead of the unique constraint's index and Django's ``_like`` twin.
# - ``created_by`` / ``updated_by`` keep no foreign-key constraint on PostgreSQL (checked at the
#   commit, two of the three checks per new employer); Django's SET_NULL still applies.
# Done by introspection, not by Django's AlterField: on SQLite that would remake the employer
# table, dropping the search index's triggers. On SQLite the USCC's UNIQUE and the users'
# REFERENCES are part of the table's definition and stay (each enforces what the state says
# or more); only the grid's index goes.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

USCC_UNIQUE = "employer_uscc_unique"
UNCONSTRAINED = ("created_by_id", "updated_by_id")


def _constraints(schema_editor, table):
    with schema_editor.connection.cursor() as cursor:
        return schema_editor.connection.introspection.get_constraints(cursor, table)


def forwards(apps, schema_editor):
    table = apps.get_model("employers", "Employer")._meta.db_table
    q = schema_editor.quote_name
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        schema_editor.execute(
            f"CREATE UNIQUE INDEX {q(USCC_UNIQUE)} ON {q(table)} ({q('uscc')} varchar_pattern_ops)"
        )
    for name, info in _constraints(schema_editor, table).items():
        columns = info["columns"]
        if info["primary_key"] or name == USCC_UNIQUE:
            continue
        if info["index"] and not info["unique"] and columns == ["grid_id"]:
            schema_editor.execute(f"DROP INDEX {q(name)}")
        elif not postgresql:
            continue
        elif columns == ["uscc"] and info["unique"] and not info["index"]:
            schema_editor.execute(f"ALTER TABLE {q(table)} DROP CONSTRAINT {q(name)}")
        elif columns == ["uscc"] and info["index"] and not info["unique"]:
            schema_editor.execute(f"DROP INDEX {q(name)}")
        elif info["foreign_key"] and columns[0] in UNCONSTRAINED:
            schema_editor.execute(f"ALTER TABLE {q(table)} DROP CONSTRAINT {q(name)}")


def backwards(apps, schema_editor):
    model = apps.get_model("employers", "Employer")
    table = model._meta.db_table
    q = schema_editor.quote_name
    grid = model._meta.get_field("grid")
    schema_editor.execute(schema_editor._create_index_sql(model, fields=[grid]))
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(table + '_uscc_key')} UNIQUE ({q('uscc')})"
    )
    schema_editor.execute(
        f"CREATE INDEX {q(table + '_uscc_like')} ON {q(table)} ({q('uscc')} varchar_pattern_ops)"
    )
    schema_editor.execute(f"DROP INDEX {q(USCC_UNIQUE)}")
    for attname in UNCONSTRAINED:
        field = next(f for f in model._meta.concrete_fields if f.column == attname)
        schema_editor.execute(
            schema_editor._create_fk_sql(model, field, "_fk_%(to_table)s_%(to_column)s")
        )


def _user(name):
    return migrations.AlterField(
        model_name="employer",
        name=name,
        field=models.ForeignKey(
            blank=True,
            db_constraint=False,
            db_index=False,
            editable=False,
            null=True,
            on_delete=django.db.models.deletion.SET_NULL,
            related_name="+",
            to=settings.AUTH_USER_MODEL,
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("employers", "0008_no_import_constraints"),
        ("grids", "0002_search_text"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                _user("created_by"),
                _user("updated_by"),
                migrations.AlterField(
                    model_name="employer",
                    name="grid",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="employers",
                        to="grids.grid",
                        verbose_name="所属网格",
                    ),
                ),
                migrations.AlterField(
                    model_name="employer",
                    name="uscc",
                    field=models.CharField(
                        blank=True, max_length=18, null=True, verbose_name="统一社会信用代码"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="employer",
                    constraint=models.UniqueConstraint(
                        fields=("uscc",),
                        name=USCC_UNIQUE,
                        opclasses=["varchar_pattern_ops"],
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
