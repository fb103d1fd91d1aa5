"""The rectification part of the 大方县 demo: orders in 猫场镇 in every state (issue 16 §7), and
one in 马场镇. Written through the real services (numbered PDFs, deadlines, audit, the case an
escalation opens), each step on its own past day. Idempotent: nothing is added once 猫场镇 has
orders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.cases.demo import assign_two_handlers
from laborgrid.employers.models import Employer
from laborgrid.rectifications import clock, services
from laborgrid.rectifications.models import RectificationOrder
from laborgrid.rectifications.services import ItemFinding, OrderItemInput

MAOCHANG = "520521102"
MACHANG = "520521103"
REPORT = b"%PDF-1.4\n% demo: the employer's written report of its correction\n%%EOF\n"

ITEMS = {
    "contracts": OrderItemInput("与全部在岗劳动者订立书面劳动合同", "no_written_contract", 10),
    "wages": OrderItemInput("足额支付拖欠劳动者的工资", "wage_arrears", 10),
    "roster": OrderItemInput("建立职工名册并备查", "no_staff_roster", 5),
    "hours": OrderItemInput("将延长工作时间控制在法定限度内", "excess_overtime", 10),
}


def _employers(code: str, n: int) -> list[Employer]:
    return list(
        Employer.objects.current()
        .filter(grid_path__contains=f"/{code}/")
        .exclude(uscc__isnull=True)
        .select_related("grid")
        .order_by("id")[:n]
    )


def _days_back_for_due_in(today: dt.date, low: int, high: int, working_days: int) -> dt.date:
    """An issue day whose period of ``working_days`` ends ``low``..``high`` days from today."""
    from laborgrid.deadlines.choices import Unit
    from laborgrid.deadlines.services import compute

    for back in range(1, 60):
        start = today - dt.timedelta(days=back)
        due = compute(start, working_days, Unit.WORKING).due
        if due is not None and today + dt.timedelta(days=low) <= due <= today + dt.timedelta(
            days=high
        ):
            return start
    return today


def _report(name: str = "整改情况报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, REPORT, content_type="application/pdf")


def seed_orders(log: Callable[[str], None] = print) -> None:
    if RectificationOrder.objects.filter(grid_path__contains=f"/{MAOCHANG}/").exists():
        return
    inspector = User.objects.filter(username="county").first()
    second = User.objects.filter(username="brigade-1").first()
    assistant = User.objects.filter(username="maochang-a1").first()
    employers = _employers(MAOCHANG, 8)
    if inspector is None or second is None or assistant is None or len(employers) < 8:
        return
    today = timezone.localdate()

    def issue(employer: Employer, day: dt.date, *keys: str) -> RectificationOrder:
        with clock.on(day):
            return services.issue_order(
                actor=inspector, employer=employer, items=[ITEMS[k] for k in keys]
            )

    def respond(order: RectificationOrder, day: dt.date, note: str) -> RectificationOrder:
        with clock.on(day):
            return services.respond_order(
                actor=assistant, order=order, note=note, responded_on=day, files=[_report()]
            )

    def recheck(order: RectificationOrder, day: dt.date, corrected: bool) -> RectificationOrder:
        findings = [
            ItemFinding(i.pk, corrected, "" if corrected else "现场核查仍未改正")
            for i in order.items.all()
        ]
        with clock.on(day):
            return services.recheck_order(
                actor=inspector,
                order=order,
                inspector_2=second,
                findings=findings,
                note="两名监察员到场复查，核对劳动合同、工资发放记录。",
                rechecked_on=day,
            )

    e = iter(employers)
    # Open, its period running.
    issue(next(e), today - dt.timedelta(days=2), "contracts", "roster")
    # Due within the board's "due soon" window.
    issue(next(e), _days_back_for_due_in(today, 1, 3, 10), "wages")
    # Overdue: the period lapsed without an answer.
    issue(next(e), today - dt.timedelta(days=30), "contracts")
    # Answered, waiting for the re-inspection.
    order = issue(next(e), today - dt.timedelta(days=9), "hours")
    respond(order, today - dt.timedelta(days=2), "已调整排班，每日加班不超过一小时。")
    # Re-inspected and found corrected, waiting to be closed.
    order = issue(next(e), today - dt.timedelta(days=25), "roster")
    order = respond(order, today - dt.timedelta(days=20), "已建立职工名册。")
    recheck(order, today - dt.timedelta(days=3), True)
    # Closed (销号).
    order = issue(next(e), today - dt.timedelta(days=45), "contracts", "roster")
    order = respond(order, today - dt.timedelta(days=35), "已补签劳动合同，建立职工名册。")
    order = recheck(order, today - dt.timedelta(days=32), True)
    with clock.on(today - dt.timedelta(days=31)):
        services.close_order(actor=inspector, order=order, note="复查合格，予以销号。")
    # Re-inspected after the period and not corrected, waiting to be escalated.
    order = issue(next(e), today - dt.timedelta(days=35), "wages")
    recheck(order, today - dt.timedelta(days=4), False)
    # Not corrected and escalated to a case (立案, today) carrying the evidence.
    order = issue(next(e), today - dt.timedelta(days=50), "wages", "contracts")
    order = respond(order, today - dt.timedelta(days=30), "称资金紧张，正在筹措。")
    order = recheck(order, today - dt.timedelta(days=20), False)
    order = services.escalate_order(
        actor=inspector, order=order, reason="逾期未改正，依法立案查处。"
    )
    assign_two_handlers(inspector, order.case)
    # 马场镇: one open order (the other township's).
    others = _employers(MACHANG, 1)
    if others:
        issue(others[0], today - dt.timedelta(days=3), "contracts")
    # The daily run: the overdue order's staff are told.
    from laborgrid.deadlines.services import escalate_overdue

    escalate_overdue(today=today, model=RectificationOrder)
    log(f"责令改正：模拟 {RectificationOrder.objects.count()} 份指令书")
