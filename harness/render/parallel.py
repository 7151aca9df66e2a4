"""Rendering in several processes: each worker process owns one :class:`BrowserPool` (one browser).

    with ParallelRenderer(workers=2) as renderer:
        snapshots = renderer.render(requests)

Requests are split into contiguous shards (one per worker, batches stay together), rendered, and returned
in the order given. With ``workers=1`` it renders in this process. Whether two processes pay depends on
the machine: bench/bench_render.py measures it.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from harness.render.pool import BrowserPool, PoolOptions
from harness.render.values import Lane, RenderRequest, Snapshot

_WORKER_POOL: list[BrowserPool] = []


def _init(options: PoolOptions) -> None:
    _WORKER_POOL.append(BrowserPool(options))


def _render_shard(requests: list[RenderRequest], lane: Lane) -> list[Snapshot]:
    return _WORKER_POOL[0].render(requests, lane=lane)


class ParallelRenderer:
    def __init__(self, workers: int = 2, options: PoolOptions | None = None) -> None:
        self.workers = max(1, workers)
        self.options = options or PoolOptions()
        self._local: BrowserPool | None = None
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> ParallelRenderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def render(self, requests: Sequence[RenderRequest], *, lane: Lane = "primary") -> list[Snapshot]:
        if self.workers == 1 or len(requests) < 2 * self.options.batch_size:
            if self._local is None:
                self._local = BrowserPool(self.options)
            return self._local.render(requests, lane=lane)
        if self._executor is None:
            # spawn, not fork: a forked child would inherit this process's Playwright connection
            self._executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_init, initargs=(self.options,))
        size = -(-len(requests) // self.workers)
        shards = [list(requests[i:i + size]) for i in range(0, len(requests), size)]
        futures = [self._executor.submit(_render_shard, shard, lane) for shard in shards]
        return [snap for future in futures for snap in future.result()]

    def close(self) -> None:
        if self._local is not None:
            self._local.close()
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
