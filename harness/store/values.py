"""Values the results store hands out: run metadata, one row per user, fingerprint counts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import TypeAdapter

RunStatus = Literal["running", "complete", "interrupted", "failed", "partial"]
# running: a process is writing (or died without saying so); complete: every selected user is stored;
# interrupted: Ctrl-C or a stop, what finished is kept (`--resume` completes it); failed: the run stopped on an
# infrastructure error; partial: a merge of shards that do not cover the fleet.


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class RunInfo:
    """Metadata of one run directory (one row of the ``meta`` table, key ``run``)."""

    source: str                       # what was read, for people
    source_spec: str                  # what was passed on the command line
    source_digest: str                # of every record of the source: shards must agree on it
    settings: Mapping[str, Any]       # Settings.model_dump(mode="json")
    settings_hash: str
    harness_version: str
    code_digest: str
    started_at: str = field(default_factory=now)
    finished_at: str | None = None
    status: RunStatus = "running"
    shard: str | None = None          # "2/4" when this run is one shard
    shards: tuple[str, ...] = ()      # the shards a merged run was made of
    workers: int = 0                  # xdist workers (0: in-process)
    source_users: int = 0             # users in the source, before filters
    expected_users: int = 0           # users this run selected
    filters: Mapping[str, Any] = field(default_factory=dict)
    totals: Mapping[str, int] = field(default_factory=dict)        # per status, plus "cached"
    worker_stats: Mapping[str, Any] = field(default_factory=dict)  # per worker: users, renders, launches...
    problems: tuple[str, ...] = ()    # infrastructure problems seen (crashed workers, no browser)
    cache_dir: str | None = None      # the result cache the run used (None: --no-cache); reports cache pages there

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = _run_adapter().dump_python(self, mode="json")
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunInfo:
        return _run_adapter().validate_python(dict(data))

    def with_(self, **changes: Any) -> RunInfo:
        return replace(self, **changes)

    @property
    def finished(self) -> bool:
        return self.status == "complete"


_ADAPTER: list[TypeAdapter[RunInfo]] = []


def _run_adapter() -> TypeAdapter[RunInfo]:
    if not _ADAPTER:
        _ADAPTER.append(TypeAdapter(RunInfo))
    return _ADAPTER[0]


@dataclass(frozen=True)
class UserRow:
    """One user's summary, without decompressing the full result."""

    user_id: str
    status: str
    rule: str
    headline: str
    reasons: tuple[str, ...]
    lowest_score: float | None
    complexity: str
    components: tuple[str, ...]
    input_key: str
    from_cache: bool


@dataclass(frozen=True)
class FingerprintCount:
    """One difference (same selector, channel, property and values) and how many users show it."""

    fingerprint: str
    users: int
    cases: int
    kind: str
    selector: str
    message: str          # one example message


@dataclass(frozen=True)
class FingerprintHit:
    user_id: str
    component: str
    scenario: str
    viewport: str
    message: str
