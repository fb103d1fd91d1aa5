"""Locale format overrides (``FORMAT_MODULE_PATH``).

Django's ``zh_Hans`` formats put ``%Y/%m/%d`` first in ``DATE_INPUT_FORMATS``, and a
``DateInput`` without an explicit ``format`` renders its value with that first entry. The
browser's ``<input type="date">`` accepts only ISO 8601 (``YYYY-MM-DD``): it showed an empty field
for ``2026/12/06``, and saving the form erased the stored date (issue 15 item 5). Every language
laborgrid offers therefore renders dates ISO first; the other input formats are still parsed.
"""
