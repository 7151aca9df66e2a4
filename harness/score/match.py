"""Match the elements of two prepared trees: stable keys and sequence alignment first, similarity last.

1. Identical digests: every element matches its twin (the common case, linear).
2. Top-down: the children of each matched pair (the two root lists first) are aligned with difflib on
   their signatures (tag, id, classes); unequal runs of the same length pair up when similar enough.
3. Stable keys over what is left, each key used only when it is unique on both sides: ``id``, slot
   marker, role + accessible name, selector path.
4. Similo-style weighted similarity (tag, id, classes, text, accessible name, box IoU, path) with an
   optimal assignment per tag (scipy's Hungarian solver; greedy past ``MAX_ASSIGNMENT`` cells).
Steps 2-4 repeat on the children of new pairs. Exact tree edit distance (APTED) is cubic; this is
near-linear on near-identical trees (see bench/bench_score.py).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from harness.render.values import Box
from harness.score.tree import Node, Tree

MIN_SIMILARITY = 0.5
MAX_ASSIGNMENT = 40_000  # cells of one tag's cost matrix before falling back to greedy
WEIGHTS = {"tag": 1.5, "id": 1.5, "classes": 1.0, "text": 1.5, "name": 1.0, "box": 1.0, "path": 0.5}


@dataclass(frozen=True)
class Matching:
    pairs: tuple[tuple[int, int], ...]  # (position in a, position in b), in a's order
    only_a: tuple[int, ...]
    only_b: tuple[int, ...]


def match(a: Tree, b: Tree) -> Matching:
    if a.digest == b.digest:
        return Matching(tuple((i, i) for i in range(len(a.nodes))), (), ())
    state = _State(a, b)
    state.align_lists(a.roots, b.roots)
    for _ in range(4):
        before = len(state.a_to_b)
        for key in (_id_key, _slot_key, _role_key, _path_key):
            state.pair_unique(key)
        state.assign_by_similarity()
        if len(state.a_to_b) == before:
            break
    pairs = tuple(sorted(state.a_to_b.items()))
    only_a = tuple(i for i in range(len(a.nodes)) if i not in state.a_to_b)
    only_b = tuple(j for j in range(len(b.nodes)) if j not in state.b_to_a)
    return Matching(pairs, only_a, only_b)


class _State:
    def __init__(self, a: Tree, b: Tree) -> None:
        self.a, self.b = a, b
        self.a_to_b: dict[int, int] = {}
        self.b_to_a: dict[int, int] = {}

    def pair(self, i: int, j: int) -> None:
        self.a_to_b[i] = j
        self.b_to_a[j] = i
        self.align_lists(self.a.nodes[i].children, self.b.nodes[j].children)

    def align_lists(self, left: list[int], right: list[int]) -> None:
        """Align two sibling lists; recurse into each new pair (iteratively, deep trees are fine)."""
        todo = [(left, right)]
        while todo:
            xs, ys = todo.pop()
            xs = [i for i in xs if i not in self.a_to_b]
            ys = [j for j in ys if j not in self.b_to_a]
            sig_a = [self.a.nodes[i].signature for i in xs]
            sig_b = [self.b.nodes[j].signature for j in ys]
            matcher = difflib.SequenceMatcher(None, sig_a, sig_b, autojunk=False)
            for op, a0, a1, b0, b1 in matcher.get_opcodes():
                if op == "equal" or (op == "replace" and a1 - a0 == b1 - b0):
                    for i, j in zip(xs[a0:a1], ys[b0:b1], strict=True):
                        if op == "equal" or similarity(self.a.nodes[i], self.b.nodes[j]) >= MIN_SIMILARITY:
                            self.a_to_b[i] = j
                            self.b_to_a[j] = i
                            todo.append((self.a.nodes[i].children, self.b.nodes[j].children))

    def pair_unique(self, key: Callable[[Node], str | None]) -> None:
        left = _unique(key, (n for n in self.a.nodes if n.pos not in self.a_to_b))
        right = _unique(key, (n for n in self.b.nodes if n.pos not in self.b_to_a))
        for k in sorted(left.keys() & right.keys()):
            i, j = left[k], right[k]
            if self.a.nodes[i].snap.tag == self.b.nodes[j].snap.tag and i not in self.a_to_b \
                    and j not in self.b_to_a:
                self.pair(i, j)

    def assign_by_similarity(self) -> None:
        groups: dict[str, tuple[list[int], list[int]]] = {}
        for n in self.a.nodes:
            if n.pos not in self.a_to_b:
                groups.setdefault(n.snap.tag, ([], []))[0].append(n.pos)
        for n in self.b.nodes:
            if n.pos not in self.b_to_a and n.snap.tag in groups:
                groups[n.snap.tag][1].append(n.pos)
        for tag in sorted(groups):
            xs, ys = groups[tag]
            if not xs or not ys:
                continue
            for i, j in self._assign(xs, ys):
                if i not in self.a_to_b and j not in self.b_to_a:
                    self.pair(i, j)

    def _assign(self, xs: list[int], ys: list[int]) -> list[tuple[int, int]]:
        if len(xs) * len(ys) <= MAX_ASSIGNMENT:
            sims = np.array([[similarity(self.a.nodes[i], self.b.nodes[j]) for j in ys] for i in xs])
            from scipy.optimize import linear_sum_assignment  # here: importing scipy costs ~0.4 s per process

            rows, cols = linear_sum_assignment(-sims)
            chosen = [(xs[r], ys[c]) for r, c in zip(rows, cols, strict=True) if sims[r, c] >= MIN_SIMILARITY]
            return sorted(chosen)
        out: list[tuple[int, int]] = []
        taken: set[int] = set()
        for i in xs:  # greedy: each element takes its best free candidate among a bounded window
            best, best_sim = -1, MIN_SIMILARITY
            for j in ys[:200]:
                if j not in taken:
                    sim = similarity(self.a.nodes[i], self.b.nodes[j])
                    if sim >= best_sim:
                        best, best_sim = j, sim
            if best >= 0:
                taken.add(best)
                out.append((i, best))
        return out


def similarity(x: Node, y: Node) -> float:
    """Similo-style weighted similarity in [0, 1] of two elements from different trees."""
    score = total = 0.0

    def add(weight: float, value: float) -> None:
        nonlocal score, total
        score += weight * value
        total += weight

    add(WEIGHTS["tag"], float(x.snap.tag == y.snap.tag))
    id_x, id_y = x.snap.attr("id"), y.snap.attr("id")
    if id_x or id_y:
        add(WEIGHTS["id"], float(id_x == id_y))
    if x.snap.classes or y.snap.classes:
        cx, cy = set(x.snap.classes), set(y.snap.classes)
        add(WEIGHTS["classes"], len(cx & cy) / len(cx | cy))
    if x.snap.text or y.snap.text:
        add(WEIGHTS["text"], text_similarity(x.snap.text, y.snap.text))
    if x.snap.name or y.snap.name:
        add(WEIGHTS["name"], float(x.snap.name == y.snap.name))
    add(WEIGHTS["box"], iou(x.snap.box, y.snap.box))
    add(WEIGHTS["path"], float(x.path.split(" > ")[-2:] == y.path.split(" > ")[-2:]))
    return score / total


def text_similarity(x: str, y: str) -> float:
    if x == y:
        return 1.0
    first, second = sorted((x, y))
    return difflib.SequenceMatcher(None, first, second, autojunk=False).ratio()


def iou(p: Box, q: Box, dx: float = 0.0, dy: float = 0.0) -> float:
    """Intersection over union, boxes grown by 1 px so empty boxes compare by position; ``q`` shifted back
    by (dx, dy) first (the movement of its parent)."""
    px0, py0, px1, py1 = p.x, p.y, p.x + max(p.w, 0) + 1, p.y + max(p.h, 0) + 1
    qx0, qy0 = q.x - dx, q.y - dy
    qx1, qy1 = qx0 + max(q.w, 0) + 1, qy0 + max(q.h, 0) + 1
    w = max(0.0, min(px1, qx1) - max(px0, qx0))
    h = max(0.0, min(py1, qy1) - max(py0, qy0))
    inter = w * h
    union = (px1 - px0) * (py1 - py0) + (qx1 - qx0) * (qy1 - qy0) - inter
    return inter / union if union > 0 else 1.0


def _unique(key: Callable[[Node], str | None], nodes: object) -> dict[str, int]:
    seen: dict[str, int] = {}
    dup: set[str] = set()
    for n in nodes:  # type: ignore[attr-defined]
        k = key(n)
        if k is None:
            continue
        if k in seen:
            dup.add(k)
        seen[k] = n.pos
    return {k: v for k, v in seen.items() if k not in dup}


def _id_key(n: Node) -> str | None:
    ident = n.snap.attr("id")
    return f"id:{ident}" if ident else None


def _slot_key(n: Node) -> str | None:
    return f"slot:{n.snap.slot}" if n.snap.slot else None


def _role_key(n: Node) -> str | None:
    return f"role:{n.snap.role}:{n.snap.name}" if n.snap.role and n.snap.name else None


def _path_key(n: Node) -> str | None:
    return f"path:{n.path}"
