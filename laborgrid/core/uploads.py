"""Uploaded Excel workbooks checked for decompression bombs before any reader opens them.

The check itself is framework-free (:mod:`laborgrid.lib.zipguard`); this module words the refusal
for a person, in Chinese, with what to do about it.
"""

from __future__ import annotations

from typing import IO

from django.utils.translation import gettext as _

from laborgrid.lib.zipguard import MiB, ZipBombError, ZipLimits, ZipReport, inspect_zip


def zip_refusal(exc: ZipBombError, limits: ZipLimits) -> str:
    """The message shown for a refused workbook."""
    if exc.code == "ratio":
        return _(
            "文件中的“%(member)s”压缩比异常（%(ratio)d 倍，上限 %(max)d 倍），可能是“压缩炸弹”，"
            "已拒绝读取。请用 Excel 打开后另存为 .xlsx 再上传。"
        ) % {"member": exc.member, "ratio": int(exc.ratio), "max": int(limits.max_ratio)}
    if exc.code in ("member_too_large", "too_large"):
        return _("文件解压后过大（%(size)s MB，超过上限），已拒绝读取。请拆分后分批导入。") % {
            "size": exc.declared // MiB
        }
    if exc.code == "too_many_members":
        return _("文件内部的部件过多（%(n)s 个），不是正常的 Excel 工作簿，已拒绝读取。") % {
            "n": exc.declared
        }
    return _(
        "文件的压缩结构异常（声明的大小与内容不符，或使用了 Excel 不用的压缩方式），已拒绝读取。"
        "请用 Excel 打开后另存为 .xlsx 再上传。"
    )


def check_workbook(file: IO[bytes], limits: ZipLimits, *, verify: bool) -> ZipReport:
    """Inspect an XLSX (a ZIP); raises :class:`UnsafeWorkbook` with the message on refusal."""
    try:
        return inspect_zip(file, limits, verify=verify)
    except ZipBombError as exc:
        raise UnsafeWorkbook(zip_refusal(exc, limits), code=exc.code) from None


class UnsafeWorkbook(ValueError):
    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
