"""Rollout buckets, exactly as Unleash's flexible rollout computes them (identical across its SDKs).

``bucket = murmur3_x86_32("{group_id}:{user_id}", seed=0, unsigned) % 100 + 1`` and a user is in when
``percentage > 0 and bucket <= percentage``: raising the percentage only ever adds users. Python's
``mmh3.hash`` is signed by default, hence ``signed=False``. Never change the group id mid-campaign:
every user would get a new bucket.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import mmh3

from harness.errors import ConfigError, Where


def bucket(group_id: str, user_id: str) -> int:
    """The user's bucket, 1 to 100."""
    return int(mmh3.hash(f"{group_id}:{user_id}", seed=0, signed=False)) % 100 + 1


def is_enabled(percentage: float, user_bucket: int) -> bool:
    return percentage > 0 and user_bucket <= percentage


def flag_percentages(beta_percentage: int, schedule: Sequence[int]) -> tuple[int, ...]:
    """Flag percentages for a schedule given as shares of the users *after* the beta buckets.

    Beta takes buckets ``1..beta_percentage``; "40% of the remaining" is then buckets up to
    ``beta + ceil(40 * (100 - beta) / 100)``. With beta 25, ``(40, 70, 90, 100)`` gives
    ``(55, 78, 93, 100)``.
    """
    check_schedule(beta_percentage, schedule)
    rest = 100 - beta_percentage
    return tuple(beta_percentage + math.ceil(share * rest / 100) for share in schedule)


def check_schedule(beta_percentage: int, schedule: Sequence[int]) -> None:
    where = Where(path="rollout schedule")
    if not 0 <= beta_percentage < 100:
        raise ConfigError(f"the beta share {beta_percentage}% is outside 0-99", where=where,
                          fix="give the beta a share from 0 to 99 percent", code="plan.bad_schedule")
    steps = list(schedule)
    if not steps or steps[-1] != 100 or any(not 0 < s <= 100 for s in steps) or steps != sorted(set(steps)):
        raise ConfigError(f"the schedule {steps} must rise strictly and end at 100", where=where,
                          fix="use increasing percentages of the remaining users ending at 100, "
                              "e.g. [40, 70, 90, 100]", code="plan.bad_schedule")
