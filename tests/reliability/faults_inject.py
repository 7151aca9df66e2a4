"""Fault injection for the reliability proofs (no tests here): a disk that fills up, a browser that dies.

    with DiskFull(run_dir, "results.json", room=64) as disk:   # ENOSPC once 64 bytes of it reached the disk
        main(["report", str(run_dir)])
    disk.hits                                                  # the files it refused to finish

    killer = BrowserKiller(at_batch=6, run_dir=out)            # SIGKILL the pool's Chromium before batch 6
    with pytest.MonkeyPatch.context() as patch:
        killer.install(patch)
        main(["run", ...])

``DiskFull`` acts where the operating system would: below Python's buffers, on the raw file. Whatever a
writer does (``Path.write_text``, ``open`` and stream, ``ElementTree.write``) the error surfaces where it
would on a real full disk: at a write that overflows the buffer, or at the flush of ``close()``. Only
files opened for writing in the run directory whose name holds the target are affected.
"""

from __future__ import annotations

import builtins
import errno
import io
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest

import harness.render.pool as pool_module
from harness.render.page import render_batch
from harness.render.pool import BrowserPool
from harness.store import StoreReader, store_path

_REAL_OPEN = builtins.open


class _FillingFile(io.RawIOBase):
    """A raw file that takes ``room`` more bytes, then fails as a full disk does (after a short write)."""

    def __init__(self, raw: io.FileIO, room: int) -> None:
        super().__init__()
        self._raw = raw
        self._room = room

    @property
    def name(self) -> Any:
        return self._raw.name

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self._room <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self._raw.name))
        chunk = bytes(memoryview(data)[:self._room])
        written = self._raw.write(chunk) or 0
        self._room -= written
        return written

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


class DiskFull:
    """Patches ``open`` (builtins and ``io``) so a file of ``run_dir`` whose name contains ``target``
    fills the disk after ``room`` bytes. ``hits`` lists the names of the files it was asked to open."""

    def __init__(self, run_dir: Path, target: str, *, room: int = 64) -> None:
        self.run_dir = run_dir.resolve()
        self.target = target
        self.room = room
        self.hits: list[str] = []
        self._patch = pytest.MonkeyPatch()

    def _aimed_at(self, file: Any, mode: str) -> bool:
        if not isinstance(file, str | os.PathLike) or not any(m in mode for m in "wax+"):
            return False
        path = Path(os.fsdecode(file)).resolve()
        return self.target in path.name and self.run_dir in path.parents

    def open(self, file: Any, mode: str = "r", buffering: int = -1, encoding: str | None = None,
             errors: str | None = None, newline: str | None = None, closefd: bool = True,
             opener: Callable[[str, int], int] | None = None) -> Any:
        if not self._aimed_at(file, mode):
            return _REAL_OPEN(file, mode, buffering, encoding, errors, newline, closefd, opener)
        self.hits.append(Path(os.fsdecode(file)).name)
        raw = io.FileIO(file, mode.replace("b", "").replace("t", "").replace("+", "") or "w")
        buffered = io.BufferedWriter(_FillingFile(raw, self.room))
        if "b" in mode:
            return buffered
        return io.TextIOWrapper(buffered, encoding=encoding or "utf-8", errors=errors, newline=newline)

    def __enter__(self) -> DiskFull:
        self._patch.setattr(builtins, "open", self.open)
        self._patch.setattr(io, "open", self.open)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._patch.undo()


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to reap it counts as dead)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def kill_and_wait(pids: set[int], timeout_s: float = 10.0) -> None:
    """SIGKILL every pid, then wait until none is running."""
    for pid in sorted(pids):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue
    deadline = time.monotonic() + timeout_s
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.02)


class BrowserKiller:
    """Kills the browser of the pool that renders, once, right before its ``at_batch``-th batch reaches the
    page: a crash in the middle of a render, not a browser that was already known dead. Records how many
    users the run had stored at that moment, and keeps the pool to read its statistics afterwards."""

    def __init__(self, *, at_batch: int, run_dir: Path) -> None:
        self.at_batch = at_batch
        self.run_dir = run_dir
        self.batches = 0
        self.killed: set[int] = set()
        self.stored_at_kill: int | None = None
        self.pools: list[BrowserPool] = []
        self.current: BrowserPool | None = None

    def install(self, patch: pytest.MonkeyPatch) -> None:
        attempt = BrowserPool._attempt_batch
        killer = self

        def attempt_batch(pool: BrowserPool, requests: Any, lane: Any) -> Any:
            if pool not in killer.pools:
                killer.pools.append(pool)
            killer.current = pool
            return attempt(pool, requests, lane)

        def rendered(*args: Any, **kwargs: Any) -> Any:
            killer.batches += 1
            if killer.batches == killer.at_batch and killer.current is not None:
                killer.kill(killer.current)
            return render_batch(*args, **kwargs)

        patch.setattr(BrowserPool, "_attempt_batch", attempt_batch)
        patch.setattr(pool_module, "render_batch", rendered)  # the name the pool calls

    def kill(self, pool: BrowserPool) -> None:
        # the pool's own record of the Chromium processes it launched (descendant_pids at launch)
        self.killed = set(pool._browser_pids)
        assert self.killed, "the pool knows no browser process to kill"
        self.stored_at_kill = 0
        if store_path(self.run_dir).is_file():
            with StoreReader.open(self.run_dir) as store:
                self.stored_at_kill = len(store)
        kill_and_wait(self.killed)

    def retries(self) -> int:
        return sum(pool.stats.retries for pool in self.pools)

    def launches(self) -> int:
        return sum(pool.stats.launches for pool in self.pools)

