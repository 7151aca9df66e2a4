"""Scoring time vs APTED (exact tree edit distance) on generated near-identical trees of 50-2,000 nodes.

Run: ``.venv/bin/python bench/bench_score.py``. Prints times and ratios measured in the same run.
"""

from __future__ import annotations

import random
import time

from apted import APTED, Config

from harness.render.values import Box, ElementSnap, Snapshot, Viewport
from harness.score import compare

TAGS = ("div", "span", "p", "a", "li", "img", "h3", "button")


def tree(size: int, seed: int) -> Snapshot:
    rng = random.Random(seed)
    elements = []
    for i in range(size):
        parent = -1 if i == 0 else rng.randrange(max(0, i - 8), i)
        elements.append(ElementSnap(
            index=i, parent=parent, tag=rng.choice(TAGS), attrs=(), classes=(f"c{i % 17}",), text=f"t{i % 5}",
            styles=(("color", "rgb(0, 0, 0)"), ("display", "block"), ("font-size", "16px")),
            box=Box(float(i % 30), float(i * 3), 100.0, 18.0), visible=True))
    # the extraction emits pre-order; re-order so parents precede children in document order
    return Snapshot(key=f"t{size}", viewport=Viewport(390, 844), elements=tuple(_preorder(elements)))


def _preorder(elements: list[ElementSnap]) -> list[ElementSnap]:
    children: dict[int, list[int]] = {}
    for e in elements:
        children.setdefault(e.parent, []).append(e.index)
    order: list[int] = []
    stack = list(reversed(children.get(-1, [])))
    while stack:
        i = stack.pop()
        order.append(i)
        stack.extend(reversed(children.get(i, [])))
    remap = {old: new for new, old in enumerate(order)}
    return [ElementSnap(index=remap[i], parent=remap.get(elements[i].parent, -1), tag=elements[i].tag,
                        attrs=(), classes=elements[i].classes, text=elements[i].text, styles=elements[i].styles,
                        box=elements[i].box, visible=True) for i in order]


def near_copy(snap: Snapshot, changes: int, seed: int) -> Snapshot:
    rng = random.Random(seed)
    elements = list(snap.elements)
    for i in rng.sample(range(1, len(elements)), changes):
        e = elements[i]
        elements[i] = ElementSnap(index=e.index, parent=e.parent, tag=e.tag, attrs=(), classes=e.classes,
                                  text=e.text + " changed", styles=(("color", "rgb(200, 0, 0)"), *e.styles[1:]),
                                  box=e.box, visible=True)
    return Snapshot(key=snap.key + "'", viewport=snap.viewport, elements=tuple(elements))


class _Node:
    def __init__(self, label: str) -> None:
        self.label = label
        self.children: list[_Node] = []


def apted_tree(snap: Snapshot) -> _Node:
    nodes = [_Node(f"{e.tag}|{e.text}") for e in snap.elements]
    root = _Node("root")
    for e in snap.elements:
        (root if e.parent < 0 else nodes[e.parent]).children.append(nodes[e.index])
    return root


class _Config(Config):  # type: ignore[misc]
    def rename(self, a: _Node, b: _Node) -> int:
        return int(a.label != b.label)

    def children(self, node: _Node) -> list[_Node]:
        return node.children


def clock(fn: object, repeat: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()  # type: ignore[operator]
    return (time.perf_counter() - start) / repeat


def main() -> None:
    print(f"{'nodes':>6} {'compare (identical)':>20} {'compare (5 changed)':>20} {'APTED':>10} {'APTED / compare':>16}")
    for size in (50, 200, 600, 1000, 2000):
        old = tree(size, seed=size)
        new = near_copy(old, 5, seed=size + 1)
        same = clock(lambda o=old: compare(o, o), repeat=3)
        changed = clock(lambda o=old, n=new: compare(o, n), repeat=3)
        if size <= 200:  # APTED took 119 s at 600 nodes here; prior-art.md: 7.9 s at 1,000
            exact = clock(lambda o=old, n=new: APTED(apted_tree(o), apted_tree(n), _Config()).compute_edit_distance())
            ratio = f"{exact / changed:15.0f}x"
            exact_text = f"{exact * 1000:8.0f}ms"
        else:
            exact_text, ratio = "  (skipped)", "    (too slow)"
        print(f"{size:>6} {same * 1000:18.1f}ms {changed * 1000:18.1f}ms {exact_text:>10} {ratio:>16}")


if __name__ == "__main__":
    main()
