from django.db import migrations

from laborgrid.core.paths import pattern_index_operation


class Migration(migrations.Migration):
    """PostgreSQL: a varchar_pattern_ops index so ``path__under`` (LIKE 'x/%') is an index scan."""

    dependencies = [("grids", "0001_initial")]

    operations = [pattern_index_operation("grids_grid", "path", "grids_grid_path_like")]
