"""The permission matrix's vocabulary, shared by every app's matrix entries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Spec:
    """How to reach one URL: its kwargs for a 马场镇 object / a 猫场镇 object, and whether it writes."""

    public: bool = False
    other: dict[str, Any] | None = None  # kwargs pointing at 马场镇 (None: no object in the URL)
    own: dict[str, Any] | None = None  # kwargs pointing at something the leader can see
    methods: tuple[str, ...] = ("get",)
    writes: bool = False
    lists: dict[str, str] = field(default_factory=dict)  # query params for list pages
    # Who sees ``other`` instead of the county (a callable answering a username): the employer
    # portal's pages are seen by the object's own employer account only, never by staff.
    owner: Any = None
