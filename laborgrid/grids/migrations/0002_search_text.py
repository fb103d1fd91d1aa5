from django.db import migrations

import laborgrid.core.search
from laborgrid.core.search import migration_operation


class Migration(migrations.Migration):
    """Grid names searchable by any substring (laborgrid.core.search): the indexed column, filled
    for existing grids, with an FTS5 table and triggers (SQLite) or a generated tsvector column and
    GIN index (PostgreSQL).
    """

    dependencies = [("grids", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="grid",
            name="search_text",
            field=laborgrid.core.search.SearchTextField(
                blank=True, default="", editable=False, sources=("name",)
            ),
        ),
        migration_operation("grids", "Grid"),
    ]
