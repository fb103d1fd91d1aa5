"""Generated demo cases (filled in below)."""

from __future__ import annotations

import random
from datetime import date


def generate_cases(rng: random.Random, *, today: date) -> int:
    return 0
