"""``Case.calendar_warning`` held the warning's Chinese text; it now holds the data the text is
made from ("provisional:2027" / "missing:2027,2028"), read in the reader's language."""

import re

from django.db import migrations


def to_data(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    db = schema_editor.connection.alias
    for pk, text in (
        Case.objects.using(db).exclude(calendar_warning="").values_list("id", "calendar_warning")
    ):
        if text.startswith(("provisional:", "missing:")):
            continue
        years = ",".join(re.findall(r"\d{4}", text))
        kind = "provisional" if "暂定" in text or "provisional" in text.lower() else "missing"
        Case.objects.using(db).filter(pk=pk).update(
            calendar_warning=f"{kind}:{years}" if years else ""
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_files_encrypted")]

    operations = [migrations.RunPython(to_data, migrations.RunPython.noop)]
