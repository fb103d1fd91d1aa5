"""Sample contexts, one per document type: the preview page shows the layouts with them, and the
tests render every type with them. The names are invented (样例) and the number says so."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from laborgrid.documents.choices import DocumentType
from laborgrid.documents.layouts import SPECS

CST = zoneinfo.ZoneInfo("Asia/Shanghai")
AUTHORITY = "大方县人力资源和社会保障局"
TODAY = datetime.date(2026, 10, 13)
PARTY = {
    "name": "大方县样例建筑劳务有限公司",
    "code": "91520521MA6XXXXXX0",
    "legal_rep": "张样例",
    "address": "贵州省毕节市大方县猫场镇样例路1号",
    "phone": "0857-0000000",
}
INSPECTORS = [
    {"name": "王监察", "certificate": "520521000001"},
    {"name": "李监察", "certificate": "520521000002"},
]
RIGHTS = {"reconsideration_body": "大方县人民政府", "court": "大方县人民法院"}
FACTS = [
    "2026年9月30日，本局接到投诉，反映你单位拖欠猫场镇某工地12名劳动者2026年6月至8月工资，"
    "共计人民币186,000.00元。",
    "经调查核实，你单位确未按劳动合同约定的日期足额支付上述劳动者工资。以上事实有投诉人陈述、"
    "调查询问笔录、工资发放记录等证据证实。",
]

_SAMPLES: dict[DocumentType, dict[str, Any]] = {
    DocumentType.ACCEPTANCE_NOTICE: {
        "addressee": "赵投诉",
        "received_on": datetime.date(2026, 9, 30),
        "respondent": PARTY["name"],
        "contact": "王监察 0857-0000001",
    },
    DocumentType.REJECTION_NOTICE: {
        "addressee": "赵投诉",
        "received_on": datetime.date(2026, 9, 30),
        "respondent": PARTY["name"],
        "paragraphs": ["你反映的事项属于劳动争议，不属于劳动保障监察的受理范围。"],
        "referral": "你可以向大方县劳动人事争议仲裁委员会申请仲裁。",
        **RIGHTS,
    },
    DocumentType.CORRECTION_REQUEST: {
        "addressee": "赵投诉",
        "received_on": datetime.date(2026, 9, 30),
        "respondent": PARTY["name"],
        "items": ["被投诉单位的准确名称和地址", "拖欠工资的月份和金额"],
        "deadline": datetime.date(2026, 10, 27),
    },
    DocumentType.FILING_APPROVAL: {
        "case_title": "涉嫌拖欠劳动者工资",
        "case_number": "样例-2026-0001",
        "source": "投诉",
        "party": PARTY,
        "summary": FACTS[0],
        "handlers": ["王监察", "李监察"],
    },
    DocumentType.INQUIRY_NOTICE: {
        "addressee": PARTY["name"],
        "appear_at": datetime.datetime(2026, 10, 16, 9, 30, tzinfo=CST),
        "place": "大方县劳动保障监察大队（大方县人社局三楼）",
        "items": ["营业执照副本复印件", "2026年6月至8月工资发放记录", "劳动合同及职工名册"],
        "contact": "王监察 0857-0000001",
    },
    DocumentType.INTERVIEW_RECORD: {
        "case_title": "涉嫌拖欠劳动者工资",
        "started_at": datetime.datetime(2026, 10, 16, 9, 35, tzinfo=CST),
        "ended_at": datetime.datetime(2026, 10, 16, 10, 20, tzinfo=CST),
        "place": "大方县劳动保障监察大队询问室",
        "inspectors": INSPECTORS,
        "recorder": "李监察",
        "subject": {
            "name": "张样例",
            "code": "520521198001010000",
            "position": "法定代表人",
            "phone": "13800000000",
        },
        "qa": [
            (
                "我们是大方县人社局的劳动保障监察员，这是我们的执法证件。你听清楚了吗？",
                "听清楚了。",
            ),
            ("你单位是否拖欠猫场镇工地劳动者6月至8月的工资？", "是的，因为工程款没有到位。"),
            ("拖欠多少人、多少金额？", "12个人，一共18万6千元。"),
        ],
    },
    DocumentType.INSPECTION_RECORD: {
        "case_title": "涉嫌拖欠劳动者工资",
        "started_at": datetime.datetime(2026, 10, 15, 14, 0, tzinfo=CST),
        "ended_at": datetime.datetime(2026, 10, 15, 15, 10, tzinfo=CST),
        "place": "大方县猫场镇样例工地",
        "inspectors": INSPECTORS,
        "recorder": "李监察",
        "subject": PARTY,
        "present": "项目经理 孙样例",
        "findings": [
            "工地现场在岗劳动者约30人，未设置维权信息告示牌。",
            "项目部未能出示2026年6月至8月经劳动者本人签字确认的工资支付表。",
        ],
    },
    DocumentType.EXTENSION_APPROVAL: {
        "case_title": "涉嫌拖欠劳动者工资",
        "case_number": "样例-2026-0001",
        "party": PARTY,
        "reason": "案情复杂，涉及劳务分包，需调取总承包单位的工程款支付记录。",
        "period": "自2026年12月29日起延长30个工作日",
    },
    DocumentType.SUSPENSION_APPROVAL: {
        "case_title": "涉嫌拖欠劳动者工资",
        "case_number": "样例-2026-0001",
        "reason": "案件处理须以相关劳动争议的仲裁结果为依据。",
        "period": "至仲裁裁决生效之日",
    },
    DocumentType.CORRECTION_ORDER: {
        "addressee": PARTY["name"],
        "paragraphs": [
            "你单位未按时足额支付12名劳动者2026年6月至8月工资，共计人民币186,000.00元。"
        ],
        "legal_basis": "《中华人民共和国劳动法》第五十条、《保障农民工工资支付条例》第十一条",
        "items": ["足额支付拖欠的劳动者工资人民币186,000.00元", "在施工现场设置维权信息告示牌"],
        "deadline": datetime.date(2026, 10, 23),
        "contact": "王监察 0857-0000001",
    },
    DocumentType.HANDLING_DECISION: {
        "party": PARTY,
        "paragraphs": FACTS,
        "legal_basis": "《劳动保障监察条例》第二十六条",
        "items": [
            "支付拖欠的劳动者工资人民币186,000.00元",
            "按应付金额的50%加付赔偿金人民币93,000.00元",
        ],
        "deadline": datetime.date(2026, 11, 3),
        **RIGHTS,
    },
    DocumentType.PENALTY_PRIOR_NOTICE: {
        "party": PARTY,
        "paragraphs": FACTS,
        "legal_basis": "《保障农民工工资支付条例》第五十五条",
        "items": ["罚款人民币50,000.00元"],
        "hearing": True,
    },
    DocumentType.PENALTY_DECISION: {
        "party": PARTY,
        "paragraphs": FACTS,
        "legal_basis": "《保障农民工工资支付条例》第五十五条",
        "items": ["罚款人民币50,000.00元"],
        "payment": "中国农业银行大方县支行（非税收入代收账户）",
        **RIGHTS,
    },
    DocumentType.SERVICE_RECEIPT: {
        "document_title": "劳动保障监察责令改正指令书",
        "document_number": "大人社监〔2026〕责改字第1号（样例）",
        "addressee": PARTY["name"],
        "address": PARTY["address"],
        "method": "直接送达",
        "servers": ["王监察", "李监察"],
    },
    DocumentType.CLOSURE_APPROVAL: {
        "case_title": "涉嫌拖欠劳动者工资",
        "case_number": "样例-2026-0001",
        "source": "投诉",
        "party": PARTY,
        "summary": "经调查，被投诉单位拖欠12名劳动者工资186,000.00元属实。",
        "outcome": "已责令改正；被投诉单位已于2026年10月22日足额支付，12名劳动者已确认领取。",
        "handlers": ["王监察", "李监察"],
    },
}


def sample_context(doc_type: DocumentType) -> dict[str, Any]:
    """The sample for a type, with the common keys the type reads (number, authority, date)."""
    doc_type = DocumentType(doc_type)
    context = dict(_SAMPLES[doc_type])
    keys = SPECS[doc_type].keys
    if "number" in keys:
        context["number"] = f"大人社监〔2026〕{SPECS[doc_type].abbr}字第1号（样例）"
    context["authority"] = AUTHORITY
    if "date" in keys:
        context["date"] = TODAY
    return context
