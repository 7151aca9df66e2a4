"""The run as both shells (the pytest plugin and ``phoenix run``) see it: options, loading, checking.

    config = RunConfig(source="fleet.jsonl", out=Path("runs/today"))
    loaded = load_run(config)                      # settings, packs, the selected users and their keys
    checker = Checker(loaded.context_parts(), cache)   # one per process; the browser starts on first use
    result, from_cache = checker.check(work)
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.errors import ConfigError, RenderError, Where
from harness.packs import ComponentPack, default_packs
from harness.render.memo import SnapshotMemo
from harness.render.values import Lane, RenderRequest, Snapshot, Viewport
from harness.runner.cache import ResultCache, default_cache_dir
from harness.runner.pipeline import PipelineContext, check_user
from harness.runner.result import UserResult
from harness.runner.selection import Filters, Selection, Shard, UserWork, load_selection
from harness.runner.translate import DEFAULT_TRANSLATOR, Translator, load_translator
from harness.settings import Settings, load_settings

if TYPE_CHECKING:
    from harness.render.pool import BrowserPool, PoolOptions


@dataclass(frozen=True)
class RunConfig:
    """Every option of a run; the plugin's ``--phoenix-*`` options and ``phoenix run`` map onto it."""

    source: str
    out: Path | None = None
    shard: Shard | None = None
    components: frozenset[str] = frozenset()
    users: frozenset[str] = frozenset()
    cache_dir: Path | None = None           # None: default_cache_dir()
    use_cache: bool = True
    resume: bool = False
    browser: str | None = None
    viewports: tuple[str, ...] = ()          # overrides settings.viewports when given
    translator: str = DEFAULT_TRANSLATOR
    settings_dir: Path | None = None         # where the settings search starts (default: cwd)
    write_reports: bool = True

    @property
    def filters(self) -> Filters:
        return Filters(self.components, self.users, self.shard)

    def overrides(self) -> dict[str, Any]:
        return {"viewports": list(self.viewports)} if self.viewports else {}

    def cache(self) -> ResultCache | None:
        return ResultCache.at(self.cache_dir or default_cache_dir()) if self.use_cache else None

    def describe_filters(self) -> dict[str, Any]:
        return {"components": sorted(self.components), "users": sorted(self.users),
                "shard": str(self.shard) if self.shard else None, "viewports": list(self.viewports)}


@dataclass(frozen=True)
class LoadedRun:
    config: RunConfig
    settings: Settings
    packs: Mapping[str, ComponentPack]
    selection: Selection


def load_settings_for(config: RunConfig) -> Settings:
    return load_settings(config.settings_dir, config.overrides())


def load_run(config: RunConfig, settings: Settings | None = None) -> LoadedRun:
    """Settings (nearest settings file + overrides), the packs and the selected users with their keys."""
    settings = settings or load_settings_for(config)
    packs = default_packs()
    selection = load_selection(config.source, config.filters, packs, settings.settings_hash())
    return LoadedRun(config, settings, packs, selection)


RECYCLE_EVERY = 100  # users per browser: a long-lived renderer grows (measured in bench/bench_fleet.py)


class LazyRenderer:
    """A :class:`BrowserPool` that launches on the first render (a process whose users all hit the cache
    never starts a browser) and is replaced after every ``recycle_every`` users, so a worker's memory
    stays flat over a fleet. A document seen before in this process is not rendered again
    (:class:`SnapshotMemo`, which outlives the browsers). Counts the renders it was asked for, the ones the
    browser did, and the browsers it started."""

    def __init__(self, options: PoolOptions, recycle_every: int = RECYCLE_EVERY,
                 memo: SnapshotMemo | None = None) -> None:
        self.options = options
        self.recycle_every = recycle_every
        self.pool: BrowserPool | None = None
        self.memo = memo if memo is not None else SnapshotMemo()
        self.renders = 0
        self.users = 0
        self._launches_before = 0

    def user_done(self) -> None:
        self.users += 1
        if self.recycle_every and self.users % self.recycle_every == 0:
            self.close()

    def render(self, requests: Sequence[RenderRequest], *, lane: Lane = "primary") -> list[Snapshot]:
        self.renders += len(requests)
        return self.memo.render(requests, lane=lane, render=self._render)

    def _render(self, requests: Sequence[RenderRequest], lane: Lane) -> list[Snapshot]:
        if self.pool is None:
            from harness.render.pool import BrowserPool  # Playwright only where something is rendered

            self.pool = BrowserPool(self.options)
        return self.pool.render(requests, lane=lane)

    @property
    def browser_renders(self) -> int:
        """Renders the browser actually did (the rest came from the memo)."""
        return self.memo.stats.rendered

    @property
    def launches(self) -> int:
        return self._launches_before + (self.pool.stats.launches if self.pool is not None else 0)

    def close(self) -> None:
        if self.pool is not None:
            self._launches_before += self.pool.stats.launches
            self.pool.close()
            self.pool = None


def pool_options(settings: Settings, browser: str | None) -> PoolOptions:
    from harness.render.pool import PoolOptions

    return PoolOptions(timeout_s=settings.timeouts.render_ms / 1000, executable=browser)


@dataclass
class WorkerStats:
    users: int = 0
    cached: int = 0
    checked: int = 0
    errors: int = 0
    busy_s: float = 0.0
    renders: int = 0
    browser_renders: int = 0
    launches: int = 0

    def as_dict(self) -> dict[str, float | int]:
        return dict(vars(self))


@dataclass
class Checker:
    """Checks users in one process: cache first, then the pipeline with this process's one browser."""

    settings: Settings
    packs: Mapping[str, ComponentPack]
    translator_spec: str
    cache: ResultCache | None
    browser: str | None = None
    stats: WorkerStats = field(default_factory=WorkerStats)
    _renderer: LazyRenderer | None = None
    _translator: Translator | None = None

    def check(self, work: UserWork) -> tuple[UserResult, bool]:
        start = time.perf_counter()
        try:
            hit = self.cache.get(work.key) if self.cache is not None else None
            if hit is not None:
                self.stats.cached += 1
                return hit.rebound(work.records, work.key), True
            result = check_user(work.records, self._context(), input_key=work.key)
            assert self._renderer is not None
            self._renderer.user_done()
            self.stats.checked += 1
            self.stats.errors += result.error is not None
            return result, False
        finally:
            self.stats.users += 1
            self.stats.busy_s += time.perf_counter() - start
            if self._renderer is not None:
                self.stats.renders, self.stats.launches = self._renderer.renders, self._renderer.launches
                self.stats.browser_renders = self._renderer.browser_renders

    def _context(self) -> PipelineContext:
        if self._translator is None:
            self._translator = load_translator(self.translator_spec)
        if self._renderer is None:
            self._renderer = LazyRenderer(pool_options(self.settings, self.browser))
        return PipelineContext(self.packs, self.settings, self._renderer, self._translator)

    def close(self) -> None:
        if self._renderer is not None:
            self._renderer.close()


def check_viewports(values: Sequence[str]) -> tuple[str, ...]:
    """``--viewports`` values as settings labels, refusing malformed ones with the fix."""
    labels = []
    for value in values:
        try:
            labels.append(Viewport.parse(value).label)
        except RenderError as exc:
            raise ConfigError(exc.message, where=Where(source="command line", path="viewports"), fix=exc.fix,
                              code="config.viewport") from None
    return tuple(labels)
