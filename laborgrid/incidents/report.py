"""The closing report of an incident (群体性事件处置情况报告) as PDF, drawn by the documents
app (``documents.services.render_report``: its font, line breaking and plain-text rule). Chinese
whatever the UI language: it is a document of the bureau, like the 文书."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from laborgrid.incidents.choices import Act, Department, LevelReason, UpdateKind
from laborgrid.incidents.models import Incident, IncidentUpdate

KIND_NAMES: dict[str, str] = {
    UpdateKind.INITIAL_REPORT: "首报",
    UpdateKind.CONTINUING_REPORT: "续报",
    UpdateKind.FINAL_REPORT: "终报",
    UpdateKind.ARRIVAL: "人员到场",
    UpdateKind.DEPARTMENTS: "部门联动",
    UpdateKind.SITUATION: "现场情况",
    UpdateKind.WAGES_PAID: "现场支付工资",
    UpdateKind.NOTE: "其他记录",
}
STATUS_NAMES: dict[str, str] = {"active": "处置中", "settled": "已平息", "closed": "已办结"}
ACT_NAMES: dict[str, str] = {
    Act.BLOCKING_SITE: "围堵工地或单位大门",
    Act.BLOCKING_ROADS: "堵塞道路交通",
    Act.GATHERING_GOVERNMENT: "聚集党政机关",
    Act.EXTREME: "扬言或实施极端行为",
    Act.VIOLENCE: "肢体冲突或打砸",
    Act.ONLINE: "网络发帖炒作",
}
DEPARTMENT_NAMES: dict[str, str] = {
    Department.TOWNSHIP: "乡镇人民政府",
    Department.PUBLIC_SECURITY: "公安",
    Department.HOUSING: "住房城乡建设",
    Department.TRANSPORT: "交通运输",
    Department.WATER: "水利",
    Department.PETITION: "信访",
    Department.JUSTICE: "司法",
    Department.UNION: "工会",
    Department.OTHER: "其他部门",
}
REASON_NAMES: dict[str, str] = {
    LevelReason.PEOPLE: "人数",
    LevelReason.AMOUNT: "涉及金额",
    LevelReason.ACTS: "行为",
    LevelReason.BASE: "起报",
}


def _when(value: object) -> str:
    if value is None:
        return "—"
    local = timezone.localtime(value)  # type: ignore[arg-type]
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def _money(value: object) -> str:
    return f"{value:,.2f} 元" if value is not None else "—"


def _entry(u: IncidentUpdate) -> str:
    parts = [f"{_when(u.at)} {KIND_NAMES.get(u.kind, u.kind)}"]
    if u.text:
        parts.append(u.text)
    staff = [s.display_name for s in u.staff.all()]
    if staff:
        parts.append("到场人员：" + "、".join(staff))
    if u.departments:
        parts.append("联动部门：" + "、".join(DEPARTMENT_NAMES.get(d, d) for d in u.departments))
    if u.people_present is not None:
        parts.append(f"现场人数：{u.people_present} 人")
    if u.amount_paid:
        parts.append(f"支付工资：{_money(u.amount_paid)}（{u.workers_paid or 0} 人）")
    return "；".join(parts)


def closing_report_pdf(incident: Incident) -> bytes:
    from laborgrid.documents.services import render_report

    updates = list(
        IncidentUpdate.objects.filter(incident=incident)
        .prefetch_related("staff")
        .order_by("at", "id")
    )
    acts = "、".join(ACT_NAMES.get(a, a) for a in incident.acts) or "—"
    reasons = "、".join(REASON_NAMES.get(r, r) for r in incident.level_reasons)
    rows = [
        ("事件编号", incident.reference),
        ("等级", f"{incident.level.name}（定级依据：{reasons or '—'}）"),
        ("状态", STATUS_NAMES.get(incident.status, incident.status)),
        ("发生时间", _when(incident.occurred_at)),
        ("地点", f"{incident.grid.name} {incident.place}".strip()),
        (
            "用人单位或项目",
            incident.employer_name
            + (
                f"（{incident.project_name}）"
                if incident.project_name and incident.project_name != incident.employer_name
                else ""
            ),
        ),
        ("人数", f"{incident.people} 人"),
        ("诉求金额", _money(incident.amount_claimed)),
        ("现场情况", acts),
        ("报告人", f"{incident.reported_by.display_name}（{_when(incident.reported_at)}）"),
        ("现场支付工资", f"{_money(incident.wages_paid)}（{incident.workers_paid} 人）"),
        ("平息时间", _when(incident.settled_at)),
        ("办结时间", _when(incident.closed_at)),
    ]
    if incident.case_id:
        rows.append(("关联案件", incident.case.reference if incident.case else ""))
    sections = [
        ("一、主要诉求", incident.demands),
        ("二、先期处置措施", incident.actions_taken),
        ("三、处置经过", "\n".join(_entry(u) for u in updates)),
        ("四、处置结果", incident.outcome),
    ]
    return render_report(
        title="群体性事件处置情况报告",
        authority=str(getattr(settings, "LABORGRID_BUREAU_NAME", "大方县人力资源和社会保障局")),
        rows=rows,
        sections=sections,
        number=incident.reference,
        date=timezone.localdate(incident.closed_at) if incident.closed_at else timezone.localdate(),
    )
