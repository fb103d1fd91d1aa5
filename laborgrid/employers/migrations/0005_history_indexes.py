"""The history table no longer copies the employer's indexes, and PostgreSQL drops the
``LIKE`` indexes Django made beside the name, name key, status and industry indexes: none
serves a query, and every import row paid for them (issue 4).

The indexes are dropped by name, found by introspection, instead of letting Django alter each
field: on SQLite that would copy the history table eleven times.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import laborgrid.core.paths

#: Historical fields whose single-column index goes (``Employer`` keeps its own).
UNINDEXED = [
    "uscc",
    "org_code",
    "reg_number",
    "name",
    "industry",
    "status",
    "grid_path",
    "grid",
    "created_by",
    "updated_by",
    "merged_into",
]
#: Employer fields whose PostgreSQL ``varchar_pattern_ops`` twin goes: matched by equality only
#: (the codes keep theirs: the list filters them by prefix).
NO_LIKE = ["name", "name_key", "status", "industry"]


def _columns(model, names):
    return {model._meta.get_field(n).column for n in names}


def drop_indexes(apps, schema_editor):
    history = apps.get_model("employers", "HistoricalEmployer")
    table = history._meta.db_table
    columns = _columns(history, UNINDEXED)
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    for name, info in sorted(found.items()):
        single = len(info["columns"]) == 1 and info["columns"][0] in columns
        if single and info["index"] and not info["unique"] and not info["primary_key"]:
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")
    if connection.vendor == "postgresql":
        employer = apps.get_model("employers", "Employer")
        for column in sorted(_columns(employer, NO_LIKE)):
            like = schema_editor._create_index_name(employer._meta.db_table, [column], "_like")
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(like)}")


def create_indexes(apps, schema_editor):
    history = apps.get_model("employers", "HistoricalEmployer")
    for name in UNINDEXED:
        field = history._meta.get_field(name)
        schema_editor.execute(schema_editor._create_index_sql(history, fields=[field]))
    if schema_editor.connection.vendor == "postgresql":
        employer = apps.get_model("employers", "Employer")
        for name in NO_LIKE:
            field = employer._meta.get_field(name)
            schema_editor.execute(schema_editor._create_like_index_sql(employer, field))


class Migration(migrations.Migration):
    dependencies = [
        ("employers", "0004_name_core"),
        ("grids", "0002_search_text"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="historicalemployer",
                    name="created_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalemployer",
                    name="grid",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="grids.grid",
                        verbose_name="所属网格",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalemployer",
                    name="grid_path",
                    field=laborgrid.core.paths.PathField(
                        editable=False, max_length=255, verbose_name="网格路径"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalemployer",
                    name="industry",
                    field=models.CharField(
                        blank=True,
                        choices=[
                            ("A", "农、林、牧、渔业"),
                            ("B", "采矿业"),
                            ("C", "制造业"),
                            ("D", "电力、热力、燃气及水生产和供应业"),
                            ("E", "建筑业"),
                            ("F", "批发和零售业"),
                            ("G", "交通运输、仓储和邮政业"),
                            ("H", "住宿和餐饮业"),
                            ("I", "信息传输、软件和信息技术服务业"),
                            ("J", "金融业"),
                            ("K", "房地产业"),
                            ("L", "租赁和商务服务业"),
                            ("M", "科学研究和技术服务业"),
                            ("N", "水利、环境和公共设施管理业"),
                            ("O", "居民服务、修理和其他服务业"),
                            ("P", "教育"),
                            ("Q", "卫生和社会工作"),
                            ("R", "文化、体育和娱乐业"),
                            ("S", "公共管理、社会保障和社会组织"),
                            ("T", "国际组织"),
                        ],
                        max_length=1,
                        verbose_name="行业门类",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalemployer",
                    name="merged_into",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="employers.employer",
                        verbose_name="已并入",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalemployer",
                    name="name",
                    field=models.CharField(max_length=200, verbose_name="单位名称"),
                ),
                migrations.AlterField(
                    model_name="historicalemployer",
                    name="org_code",
                    field=models.CharField(blank=True, max_length=9, verbose_name="组织机构代码"),
                ),
                migrations.AlterField(
                    model_name="historicalemployer",
                    name="reg_number",
                    field=models.CharField(blank=True, max_length=15, verbose_name="工商注册号"),
                ),
                migrations.AlterField(
                    model_name="historicalemployer",
                    name="status",
                    field=models.CharField(
                        choices=[
                            ("operating", "在营"),
                            ("suspended", "停业"),
                            ("deregistered", "注销"),
                            ("revoked", "吊销"),
                            ("moved_out", "迁出"),
                        ],
                        default="operating",
                        max_length=16,
                        verbose_name="经营状态",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalemployer",
                    name="updated_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalemployer",
                    name="uscc",
                    field=models.CharField(
                        blank=True, max_length=18, null=True, verbose_name="统一社会信用代码"
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
        ),
    ]
