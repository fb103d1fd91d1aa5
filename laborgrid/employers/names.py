"""Employer names reduced for matching: the key (normalised) and the core (its distinctive part)."""

from __future__ import annotations

import re

_NAME_SUFFIXES = re.compile(
    r"(股份有限公司|有限责任公司|有限公司|分公司|合作社|经营部|门市部|工作室|公司|商行|商店|"
    r"超市|餐馆|饭店|酒店|宾馆|加工厂|厂|店|部|中心|学校|幼儿园)$"
)
_PREFIXES = ("贵州省", "贵州", "毕节市", "毕节", "大方县", "大方")


def name_core(name_key: str) -> str:
    """The distinctive part of a normalised name: without the county prefix and the legal or
    trade suffix, so that 大方县猫场镇鑫兴商行 and 猫场镇鑫兴商店 meet (a probable duplicate,
    for a person to confirm).

    >>> name_core("大方县猫场镇鑫兴商行")
    '猫场镇鑫兴'
    >>> name_core("猫场镇鑫兴有限责任公司")
    '猫场镇鑫兴'
    """
    core = _NAME_SUFFIXES.sub("", name_key)
    for prefix in _PREFIXES:
        if core.startswith(prefix) and len(core) > len(prefix) + 1:
            core = core[len(prefix) :]
            break
    return core or name_key
