"""Render each distinct document once per process: a bounded memo of snapshots in front of a renderer.

    memo = SnapshotMemo(max_entries=6_000)
    snapshots = memo.render(requests, lane="primary", render=pool.render)

Across a fleet most documents repeat: a scenario the customization does not touch renders the same legacy
card for many users, and equal slot configs render the same new card. A request is identified by what
decides its snapshot: the fragment, the stylesheet, the viewport, the lane and whether a screenshot is
taken (:func:`memo_key`). A repeat gets the stored snapshot under its own key; equal requests within one
call are rendered once. Failed renders are never kept (a retry must render again), and the twin lane is
its own key space, so old and twin still come from two renders in two contexts.

Snapshots are deterministic (the parity and determinism tests check that rendering the same document
twice gives equal snapshots), so a repeat served from the memo is the snapshot a new render would give.
Least recently used entries leave first: memory stays bounded however long the worker runs.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from harness.render.values import Lane, RenderRequest, Snapshot

MAX_ENTRIES = 6_000  # ~20 KB per product-card snapshot: ~120 MB at most (measured in bench/bench_fleet.py)

RenderCall = Callable[[Sequence[RenderRequest], Lane], list[Snapshot]]


def memo_key(request: RenderRequest, lane: Lane) -> tuple[str, str, bool, str]:
    """What decides a snapshot (never the request's key, which only names the case)."""
    digest = hashlib.blake2b(request.body_html.encode("utf-8", "surrogatepass"), digest_size=16)
    digest.update(b"\x00")
    digest.update(request.css.encode("utf-8", "surrogatepass"))
    return digest.hexdigest(), request.viewport.label, request.screenshot, lane


@dataclass
class MemoStats:
    requests: int = 0
    hits: int = 0       # served from an earlier call
    shared: int = 0     # equal to another request of the same call
    rendered: int = 0   # sent to the browser


class SnapshotMemo:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self.stats = MemoStats()
        self._entries: OrderedDict[tuple[str, str, bool, str], Snapshot] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def render(self, requests: Sequence[RenderRequest], *, lane: Lane, render: RenderCall) -> list[Snapshot]:
        """Snapshots in the order of ``requests``; only the distinct documents not seen before are rendered."""
        self.stats.requests += len(requests)
        keys = [memo_key(r, lane) for r in requests]
        found: dict[tuple[str, str, bool, str], Snapshot] = {}
        missing: dict[tuple[str, str, bool, str], RenderRequest] = {}
        for key, request in zip(keys, requests, strict=True):
            if key in found or key in missing:
                self.stats.shared += 1
            elif (snap := self._entries.get(key)) is not None:
                self._entries.move_to_end(key)
                found[key] = snap
                self.stats.hits += 1
            else:
                missing[key] = request
        if missing:
            self.stats.rendered += len(missing)
            for key, snap in zip(missing, render(list(missing.values()), lane), strict=True):
                found[key] = snap
                if snap.error is None:
                    self._keep(key, snap)
        return [_named(found[key], request.key) for key, request in zip(keys, requests, strict=True)]

    def clear(self) -> None:
        self._entries.clear()

    def _keep(self, key: tuple[str, str, bool, str], snap: Snapshot) -> None:
        if self.max_entries <= 0:
            return
        self._entries[key] = snap
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)


def _named(snap: Snapshot, key: str) -> Snapshot:
    return snap if snap.key == key else replace(snap, key=key)
