"""How an audit event reads on the audit log page: the object by its kind's name (最低工资标准
#14, not ``employers.minimumwage 14``) and the detail as labelled values (not a Python dict).

The stored event is untouched (the CSV export keeps the raw JSON for machines). Labels come from
the object model's field names where a detail key is a field, else from ``DETAIL_LABELS``.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborgrid.audit.registry import detail_choices, detail_value_label

#: Detail keys that are not fields of the object's model (or read better with another name).
DETAIL_LABELS = {
    "action": gettext_lazy("操作"),
    "after": gettext_lazy("修改后"),
    "before": gettext_lazy("修改前"),
    "bureau": gettext_lazy("执法机构"),
    "changes": gettext_lazy("变更"),
    "channel": gettext_lazy("渠道"),
    "children": gettext_lazy("下级"),
    "complainants": gettext_lazy("投诉人"),
    "count": gettext_lazy("数量"),
    "decision": gettext_lazy("决定"),
    "doc_type": gettext_lazy("文书类型"),
    "employer": gettext_lazy("用人单位"),
    "end": gettext_lazy("结束日期"),
    "field": gettext_lazy("字段"),
    "file": gettext_lazy("文件"),
    "filters": gettext_lazy("筛选条件"),
    "from": gettext_lazy("原"),
    "from_grid": gettext_lazy("原网格"),
    "grid": gettext_lazy("网格"),
    "grids": gettext_lazy("网格"),
    "ground": gettext_lazy("理由"),
    "into": gettext_lazy("并入"),
    "ip": gettext_lazy("IP 地址"),
    "job": gettext_lazy("后台任务"),
    "kind": gettext_lazy("类别"),
    "merge": gettext_lazy("合并"),
    "n": gettext_lazy("数量"),
    "number": gettext_lazy("编号"),
    "on": gettext_lazy("日期"),
    "outcome": gettext_lazy("结果"),
    "pattern": gettext_lazy("规则"),
    "phone": gettext_lazy("电话"),
    "reason": gettext_lazy("原因"),
    "result": gettext_lazy("结果"),
    "role": gettext_lazy("岗位"),
    "round": gettext_lazy("采集轮次"),
    "route": gettext_lazy("分派"),
    "row": gettext_lazy("行"),
    "rows": gettext_lazy("行数"),
    "submission": gettext_lazy("采集记录"),
    "case": gettext_lazy("案件"),
    "snapshot": gettext_lazy("用工快照"),
    "source": gettext_lazy("来源"),
    "stage": gettext_lazy("阶段"),
    "start": gettext_lazy("开始日期"),
    "step": gettext_lazy("步骤"),
    "synthetic": gettext_lazy("演示数据"),
    "target": gettext_lazy("目标"),
    "task": gettext_lazy("采集任务"),
    "to": gettext_lazy("至"),
    "to_grid": gettext_lazy("新网格"),
    "type": gettext_lazy("类型"),
    "user": gettext_lazy("用户"),
    "username": gettext_lazy("用户名"),
}


#: Detail keys whose stored value is a choice of another model's field: (model, field). Apps add
#: their own per object type with ``audit.registry.register_detail_choices``.
DETAIL_CHOICES = {"role": ("accounts.GridAssignment", "role")}


def _choice_label(key: str, value: Any, model: type[Model] | None) -> str | None:
    """The display name of a stored choice value (grid_officer → 网格员), if it is one."""
    registered = detail_value_label(model._meta.label_lower if model else "", key, value)
    if registered is not None:
        return registered
    field = None
    if model is not None:
        try:
            field = model._meta.get_field(key)
        except FieldDoesNotExist:
            field = None
    source = detail_choices(model._meta.label_lower if model else "", key) or DETAIL_CHOICES.get(
        key
    )
    if (field is None or not getattr(field, "choices", None)) and source is not None:
        other = _model(source[0])
        field = other._meta.get_field(source[1]) if other else None
    choices = getattr(field, "choices", None) if field is not None else None
    if not choices:
        return None
    return next((str(label) for v, label in choices if v == value), None)


def _model(object_type: str) -> type[Model] | None:
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except (LookupError, ValueError):
        return None


def object_label(object_type: str, object_id: str) -> str:
    """最低工资标准 #14; an unknown type keeps its stored name."""
    model = _model(object_type)
    name = str(model._meta.verbose_name) if model else object_type
    if not object_id:
        return name
    return f"{name} #{object_id}" if model else f"{name} {object_id}"


def _label(key: str, model: type[Model] | None) -> str:
    if key in DETAIL_LABELS:
        return str(DETAIL_LABELS[key])
    if model is not None:
        try:
            return str(model._meta.get_field(key).verbose_name)  # type: ignore[union-attr]
        except FieldDoesNotExist:
            pass
    return key


def _value(value: Any, model: type[Model] | None) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if isinstance(value, dict):
        return _("；").join(_pair(str(k), v, model) for k, v in value.items())
    if isinstance(value, list | tuple):
        return _("、").join(_value(v, model) for v in value) or "—"
    return str(value)


def _pair(key: str, value: Any, model: type[Model] | None) -> str:
    shown = _choice_label(key, value, model) if isinstance(value, str) else None
    return _("%(label)s：%(value)s") % {
        "label": _label(key, model),
        "value": shown if shown is not None else _value(value, model),
    }


def detail_items(object_type: str, detail: Any) -> list[str]:
    """The detail as "label：value" lines, in stored order."""
    if not isinstance(detail, dict):
        return [_value(detail, None)] if detail else []
    model = _model(object_type)
    return [_pair(str(k), v, model) for k, v in detail.items()]
