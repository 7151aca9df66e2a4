"""The controller's side of a run: the one writer of the store and the cache, and the running counts.

    recorder = Recorder.begin(loaded, workers=2)     # opens RUN_DIR/results.sqlite, records run metadata
    skip = recorder.resumed                          # users already stored with the same input key
    recorder.record(result, from_cache=False)        # one committed transaction per user
    recorder.finish(interrupted=False)               # complete / interrupted, totals, worker statistics
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from harness.runner.cache import ResultCache, default_cache_dir
from harness.runner.engine import LoadedRun
from harness.runner.keys import code_digest
from harness.runner.result import UserResult
from harness.store import RunInfo, RunStatus, StoreWriter
from harness.store.entries import StoredEntry

Listener = Callable[[str, str, bool], None]  # (user id, status, from the cache)


def harness_version() -> str:
    try:
        return version("phoenix-harness")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "0+unknown"


def run_info(loaded: LoadedRun, *, workers: int) -> RunInfo:
    config, selection = loaded.config, loaded.selection
    return RunInfo(source=selection.source, source_spec=config.source, source_digest=selection.source_digest,
                   settings=loaded.settings.model_dump(mode="json"), settings_hash=loaded.settings.settings_hash(),
                   harness_version=harness_version(), code_digest=code_digest(),
                   shard=str(config.shard) if config.shard else None, workers=workers,
                   source_users=selection.total_users, expected_users=len(selection.users),
                   filters=config.describe_filters(),
                   cache_dir=str(config.cache_dir or default_cache_dir()) if config.use_cache else None)


@dataclass
class Recorder:
    loaded: LoadedRun
    store: StoreWriter | None
    cache: ResultCache | None
    resumed: frozenset[str] = frozenset()
    counts: Counter[str] = field(default_factory=Counter)
    recorded: set[str] = field(default_factory=set)
    cached: int = 0
    listeners: list[Listener] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    worker_stats: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def begin(cls, loaded: LoadedRun, *, workers: int, cache: ResultCache | None = None) -> Recorder:
        config = loaded.config
        store = StoreWriter.create(config.out) if config.out is not None else None
        resumed: frozenset[str] = frozenset()
        if store is not None:
            if config.resume:
                stored = store.stored_keys()
                resumed = frozenset(u.user_id for u in loaded.selection.users if stored.get(u.user_id) == u.key)
            store.start(run_info(loaded, workers=workers), resume=config.resume)
        recorder = cls(loaded, store, cache, resumed)
        statuses = store.statuses() if store is not None and resumed else {}
        for user in resumed:
            recorder.counts[statuses[user]] += 1
            recorder.recorded.add(user)
        return recorder

    @property
    def expected(self) -> int:
        return len(self.loaded.selection.users)

    @property
    def done(self) -> int:
        return len(self.recorded)

    def record(self, result: UserResult, *, from_cache: bool) -> None:
        if self.store is not None:
            self.store.put(result, from_cache=from_cache)
        if self.cache is not None and not from_cache:
            self.cache.put(result)
        self._count(result.user_id, result.status, from_cache)

    def record_entry(self, entry: StoredEntry) -> None:
        """A cache hit kept as bytes (the warm path): stored as it is, never written back to the cache."""
        if self.store is not None:
            self.store.put_entry(entry, from_cache=True)
        self._count(entry.user_id, entry.status, True)

    def _count(self, user_id: str, status: str, from_cache: bool) -> None:
        if user_id not in self.recorded:
            self.counts[status] += 1
            self.recorded.add(user_id)
        self.cached += from_cache
        for listener in self.listeners:
            listener(user_id, status, from_cache)

    def add_worker_stats(self, worker: str, stats: Mapping[str, Any]) -> None:
        self.worker_stats[worker] = dict(stats)

    def status(self, *, interrupted: bool, failed: bool = False) -> RunStatus:
        if failed:
            return "failed"
        if interrupted or self.done < self.expected:
            return "interrupted"
        return "complete"

    def finish(self, *, interrupted: bool, failed: bool = False) -> RunStatus:
        status = self.status(interrupted=interrupted, failed=failed)
        if self.store is not None:
            self.store.finish(status, worker_stats=self.worker_stats, problems=tuple(self.problems))
            self.store.close()
            self.store = None
        return status

