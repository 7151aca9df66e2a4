"""Which users a run checks: read the source, group records by user, filter, shard. Deterministic.

The same source and options give the same users in the same order in every process (every xdist
worker collects exactly this list). ``--shard k/n`` keeps the users whose stable hash of ``user_id``
(SHA-256, not Python's randomized ``hash``) falls in bucket ``k``; the n shards partition the fleet.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby

from harness.errors import ConfigError, Where
from harness.inputs import open_source
from harness.model import Record
from harness.packs import ComponentPack
from harness.runner.keys import input_key, source_digest

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True, order=True)
class Shard:
    index: int  # 1-based
    count: int

    @classmethod
    def parse(cls, text: str, *, option: str = "--shard") -> Shard:
        match = _SHARD.match(text)
        if not match or not 1 <= int(match[1]) <= int(match[2]):
            raise ConfigError(f"{option} {text!r} is not k/n with 1 <= k <= n", where=Where(source="command line"),
                              fix=f"write it like {option} 2/4 (the second of four shards)", code="config.shard")
        return cls(int(match[1]), int(match[2]))

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, user_id: str) -> bool:
        return shard_of(user_id, self.count) == self.index


def shard_of(user_id: str, count: int) -> int:
    """The 1-based shard of ``user_id`` among ``count`` shards (stable across machines and runs)."""
    value = int.from_bytes(hashlib.sha256(user_id.encode("utf-8", "surrogateescape")).digest()[:8], "big")
    return value % count + 1


@dataclass(frozen=True)
class UserWork:
    """One user to check: its records (sorted by component) and its input key."""

    user_id: str
    records: tuple[Record, ...]
    key: str


@dataclass(frozen=True)
class Selection:
    """The users of a run, in user-id order, and facts about the whole source (for run metadata)."""

    source: str             # what was read, for people ("fleet.jsonl (JSON Lines)")
    source_digest: str      # of every record of the source, before any filter
    total_users: int        # in the source, before any filter
    users: tuple[UserWork, ...]

    def by_id(self) -> dict[str, UserWork]:
        return {u.user_id: u for u in self.users}


@dataclass(frozen=True)
class Filters:
    components: frozenset[str] = frozenset()
    users: frozenset[str] = frozenset()
    shard: Shard | None = None

    def keeps_user(self, user_id: str) -> bool:
        return (not self.users or user_id in self.users) and (self.shard is None or self.shard.holds(user_id))

    def keeps_record(self, record: Record) -> bool:
        return not self.components or record.component in self.components


def group_by_user(records: Iterable[Record]) -> list[tuple[str, tuple[Record, ...]]]:
    ordered = sorted(records, key=lambda r: (r.user_id, r.component or ""))
    return [(user, tuple(group)) for user, group in groupby(ordered, key=lambda r: r.user_id)]


def select(records: Sequence[Record], filters: Filters, packs: Mapping[str, ComponentPack], settings_hash: str,
           *, source: str = "") -> Selection:
    """Group, filter and key the users of ``records`` (see the module docstring)."""
    grouped = group_by_user(records)
    users = []
    for user_id, user_records in grouped:
        if not filters.keeps_user(user_id):
            continue
        kept = tuple(r for r in user_records if filters.keeps_record(r))
        if kept:
            users.append(UserWork(user_id, kept, input_key(kept, packs, settings_hash)))
    missing = sorted(filters.users - {user for user, _ in grouped})
    if missing:
        raise ConfigError(f"--user {missing[0]} is not in the source" + (f" (nor {len(missing) - 1} other(s))"
                          if len(missing) > 1 else ""), where=Where(user=missing[0], source=source or None),
                          fix="check the user id (ids are case-sensitive)", code="config.user")
    return Selection(source, source_digest(r for _, rs in grouped for r in rs), len(grouped), tuple(users))


def load_selection(spec: str, filters: Filters, packs: Mapping[str, ComponentPack], settings_hash: str) -> Selection:
    """Read the source ``spec`` names (``harness.inputs.open_source``) and :func:`select` from it."""
    source = open_source(spec)
    _check_filters(filters, packs)
    return select(source.records(), filters, packs, settings_hash, source=source.describe())


def _check_filters(filters: Filters, packs: Mapping[str, ComponentPack]) -> None:
    unknown = sorted(filters.components - set(packs))
    if unknown:
        raise ConfigError(f"--component {unknown[0]} is not a known component", where=Where(component=unknown[0]),
                          fix=f"use one of: {', '.join(sorted(packs))}", code="config.component")
