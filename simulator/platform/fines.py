"""Traffic-fine decisions (公安交通管理简易程序处罚决定书) and residents' pension grades.

A decision number is 15 digits: a 6-digit area code (5301xx), an 8-digit serial and a
check digit (weighted sum mod 10). Any well-formed number stands for one deterministic
decision (offence, plate, date, fine) so the terminal can be exercised with numbers minted
by :func:`sample_decisions`. A fine not paid within 15 days of the decision carries a late
fee of 3% a day, never more than the fine itself (《行政处罚法》第七十二条).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass

from simulator.platform.population import VIOLATIONS

AREAS = ("530102", "530103", "530111", "530112", "530113", "530114")
WEIGHTS = (3, 7, 9, 1, 3, 7, 9, 1, 3, 7, 9, 1, 3, 7)
LATE_DAYS = 15
# 城乡居民基本养老保险 contribution grades in Yunnan (yuan a year), in fen.
PENSION_GRADES_FEN = tuple(y * 100 for y in (100, 200, 300, 400, 500, 600, 700, 800, 900,
                                             1000, 1500, 2000))


def check_digit(first14: str) -> str:
    """The 15th digit of a decision number."""
    return str(sum(int(c) * w for c, w in zip(first14, WEIGHTS, strict=True)) % 10)


def is_valid(number: str) -> bool:
    """True for a well-formed decision number."""
    return (len(number) == 15 and number.isdigit() and number[:4] == "5301"
            and number[14] == check_digit(number[:14]))


@dataclass(frozen=True)
class Decision:
    """One penalty decision: what, where, when and how much (fen)."""

    number: str
    offence_code: str
    offence: str
    plate: str
    decided_on: dt.date
    fine_fen: int
    points: int

    def late_fee_fen(self, today: dt.date) -> int:
        """滞纳金 on ``today``: 3% of the fine a day after 15 days, capped at the fine."""
        days = (today - self.decided_on).days - LATE_DAYS
        return 0 if days <= 0 else min(self.fine_fen, self.fine_fen * 3 * days // 100)

    def amount_fen(self, today: dt.date) -> int:
        """What has to be paid on ``today``."""
        return self.fine_fen + self.late_fee_fen(today)


def decision(number: str, today: dt.date) -> Decision:
    """The decision a valid number stands for (decided 1-40 days before ``today``)."""
    rng = random.Random(int(hashlib.sha256(f"fine:{number}".encode()).hexdigest(), 16))
    code, text, fine, points = rng.choice(VIOLATIONS)
    return Decision(number, code, text, f"云A{rng.randint(10000, 99999)}",
                    today - dt.timedelta(days=rng.randint(1, 40)), fine * 100, points)


def sample_decisions(seed: int, count: int = 5) -> list[str]:
    """Well-formed decision numbers for demos and tests (deterministic per seed)."""
    rng = random.Random(seed * 7919 + 17)
    numbers = []
    for _ in range(count):
        first = rng.choice(AREAS) + f"{rng.randint(0, 10**8 - 1):08d}"
        numbers.append(first + check_digit(first))
    return numbers
