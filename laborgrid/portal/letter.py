"""The activation letter (用人单位网上申报账号激活通知书) as a printable PDF.

Drawn with the documents app's PDF primitives and its embedded Noto Serif SC subset, so it prints
the same everywhere. The one-time code exists only in this PDF: the database keeps its hash, so the
letter is produced once, when issued (a lost letter is revoked and a new one issued).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.documents.layouts import cn_date
from laborgrid.documents.render import (
    DocumentPDF,
    _heading,
    _para,
    _signature,
    missing_glyphs,
)
from laborgrid.portal.models import PortalInvite
from laborgrid.portal.services import INVITE_DAYS, format_code

TITLE = "用人单位网上申报账号激活通知书"


def letter_pdf(invite: PortalInvite, code: str, portal_url: str) -> bytes:
    from laborgrid.cases.documents import authority

    employer = invite.employer
    expires = timezone.localtime(invite.expires_at).date()
    lines = [
        f"{employer.name}：",
        "根据《劳动保障监察条例》第十四条和年度书面审查工作安排，本局为你单位开通劳动保障监察"
        "网上申报账号，用于报送年度书面审查材料、查看和答复责令改正指令书。",
    ]
    facts = [
        f"单位名称：{employer.name}",
        f"统一社会信用代码：{employer.uscc}",
        f"经办人：{invite.person_name}"
        + (f"（{invite.person_position}）" if invite.person_position else ""),
        f"登录名：{invite.username}",
        f"一次性激活码：{format_code(code)}",
        f"激活期限：{cn_date(expires)}前（{INVITE_DAYS}日内）",
        f"激活网址：{portal_url}",
    ]
    steps = [
        "激活方法：打开激活网址，输入统一社会信用代码和激活码，设置登录密码"
        "（至少10位，包含大写字母、小写字母、数字、符号中的三类）。激活后使用登录名和密码登录。",
        "激活码只能使用一次，请妥善保管本通知书，不得转交他人。账号仅限经办人本人使用；"
        "经办人变动的，请联系所属劳动保障监察中队停用原账号并另行开通。",
        "激活码遗失或过期的，请联系所属劳动保障监察中队作废本通知书并重新签发。",
    ]
    text = "".join([*lines, *facts, *steps, invite.person_name, employer.name])
    missing = missing_glyphs(text)
    if missing:
        raise ValidationError(
            _("以下字符无法打印，请核对单位名称或经办人姓名：%(c)s") % {"c": missing}
        )
    pdf = DocumentPDF()
    pdf.set_title(TITLE)
    pdf.add_page()
    _heading(pdf, authority(), TITLE, "")
    _para(pdf, lines[0], indent=False)
    _para(pdf, lines[1])
    pdf.ln(2)
    for line in facts:
        _para(pdf, line)
    pdf.ln(2)
    for n, step in enumerate(steps, start=1):
        _para(pdf, f"{n}. {step}")
    _signature(pdf, authority(), timezone.localdate())
    return bytes(pdf.output())
