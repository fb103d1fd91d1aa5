"""Date formats for Simplified Chinese where Django's own differ from what the pages need.

Django renders a form's date value with the first of ``DATE_INPUT_FORMATS``; for zh-Hans that is
``%Y/%m/%d``, which ``<input type="date">`` rejects (it takes only ISO ``YYYY-MM-DD``), so the
field showed empty. ISO comes first here; the other two are still accepted when typed.
Everything not defined here falls back to ``django.conf.locale.zh_Hans.formats``.
"""

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%n月%j日"]
