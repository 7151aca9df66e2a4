"""``compare(old, new)``: match, score each channel, explain every difference, cancel the noise.

Formula and defaults: docs/scoring.md. A pure function of snapshots: same inputs, same score, on any
worker; symmetric in ``old`` and ``new`` (the trees are matched in a canonical order and summed in it).
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from dataclasses import dataclass, field

from harness.errors import ScoringError
from harness.render.values import ElementSnap, Snapshot
from harness.score.channels import (
    USER_FACING_ATTRS,
    attribute_diffs,
    movement_words,
    quote,
    size_words,
    style_diffs,
    style_similarity,
)
from harness.score.match import iou, match, text_similarity
from harness.score.pixels import Mask, pixel_diff
from harness.score.tree import Node, Tree, prepare
from harness.score.values import (
    SUBSCORES,
    CaseScore,
    IgnoreRules,
    Mismatch,
    MismatchKind,
    Tolerances,
    Weights,
)

NoiseKey = tuple[str, object, str, str]  # ("old", index, kind, property) or ("path", path, "extra", "")


@dataclass
class _Pending:
    """A mismatch before its weight is known (the channel's denominator is known only at the end)."""

    channel: str
    loss: float
    selector: str
    kind: MismatchKind
    prop: str
    old: str
    new: str
    noticeable: bool
    message: str


@dataclass
class _Channel:
    num: float = 0.0
    den: float = 0.0

    def add(self, weight: float, similarity: float) -> None:
        self.num += weight * similarity
        self.den += weight

    def value(self) -> float:
        return 1.0 if self.den == 0 else self.num / self.den


@dataclass
class _Run:
    old: Tree
    new: Tree
    rules: IgnoreRules
    tol: Tolerances
    noise: frozenset[NoiseKey]
    channels: dict[str, _Channel] = field(default_factory=lambda: {k: _Channel() for k in SUBSCORES[:4]})
    pending: list[_Pending] = field(default_factory=list)
    ignored: Counter[str] = field(default_factory=Counter)
    keys: set[NoiseKey] = field(default_factory=set)  # every difference seen (the noise of a twin run)
    old_to_new: dict[int, int] = field(default_factory=dict)  # matched positions, old tree → new tree
    structure_total: float = 0.0

    def quiet(self, key: NoiseKey) -> bool:
        """Record the difference; True when the twin showed it too (then it does not count)."""
        self.keys.add(key)
        if key in self.noise:
            self.ignored[f"noise:{key[2]}"] += 1
            return True
        return False


def compare(old: Snapshot, new: Snapshot, *, twin: Snapshot | None = None, rules: IgnoreRules | None = None,
            weights: Weights | None = None, tolerances: Tolerances | None = None) -> CaseScore:
    """Score how alike ``new`` renders to ``old`` in [0, 1]; ``twin`` is ``old`` rendered again in a
    separate context: what differs between ``old`` and ``twin`` is noise and is ignored."""
    rules, weights, tol = rules or IgnoreRules(), weights or Weights(), tolerances or Tolerances()
    for name, snap in (("old", old), ("new", new), ("twin", twin)):
        if snap is not None and snap.error is not None:
            raise ScoringError(f"the {name} render of {snap.key} failed ({snap.error.code}): nothing to score",
                               fix=snap.error.fix, code="score.no_data")
    if twin is None:
        return _score(old, new, rules, weights, tol, frozenset(), None)[0]
    twin_score, twin_keys, twin_mask = _score(old, twin, rules, weights, tol, frozenset(), None)
    result, _, _ = _score(old, new, rules, weights, tol, frozenset(twin_keys), twin_mask)
    noisy = twin_score.score < tol.noise_score or bool(twin_score.noticeable)
    return CaseScore(result.score, result.subscores, result.mismatches, noisy, twin_score.mismatches,
                     result.ignored_counts)


def _score(old: Snapshot, new: Snapshot, rules: IgnoreRules, weights: Weights, tol: Tolerances,
           noise: frozenset[NoiseKey], noise_mask: Mask | None) -> tuple[CaseScore, set[NoiseKey], Mask | None]:
    run = _Run(_prepared(old, rules.selectors), _prepared(new, rules.selectors), rules, tol, noise)
    run.ignored.update(run.old.ignored + run.new.ignored)
    if old.elements is new.elements or old.elements == new.elements:
        # Equal elements (old and its twin, most of the time): every pair matches itself and nothing
        # differs, so every element channel is exactly 1.0 (each channel's sum is its weight sum) and there
        # is no mismatch. Only the pixels (below) can still differ.
        subscores = dict.fromkeys(run.channels, 1.0)
    else:
        subscores = _elements(run)
    mask = None
    if old.screenshot is not None and new.screenshot is not None:
        diff = pixel_diff(old.screenshot, new.screenshot, threshold=tol.pixel_threshold, ignore=noise_mask)
        subscores["pixels"] = round(diff.score, 9)
        mask = diff.mask
        if diff.count >= tol.noticeable_pixels and diff.box is not None:
            x, y, w, h = diff.box
            run.pending.append(_Pending("pixels", 1.0 - diff.score, "", "pixels", "pixels", "", f"{diff.count}",
                                        True,
                                        f"{diff.count} pixels differ in a {w}×{h} px area at ({x}, {y})"))
    total = sum(weights.of(k) for k in subscores)
    score = sum(weights.of(k) * v for k, v in subscores.items()) / total if total else 1.0
    mismatches = _finish(run, weights, total)
    for snap, side in ((old, "old"), (new, "new")):
        if snap.truncated:
            mismatches.append(Mismatch.make("", "truncated", "elements", "", side, weight=0.0, noticeable=True,
                              message=f"the {side} snapshot was cut at {len(snap.elements)} elements: "
                                      "the rest was not compared"))
    return (CaseScore(round(score, 9), subscores, tuple(mismatches), ignored_counts=dict(run.ignored)),
            run.keys, mask)


def _elements(run: _Run) -> dict[str, float]:
    """Match the two trees, compare every pair and charge what is unmatched: the element channels."""
    swapped = run.old.digest > run.new.digest  # canonical order: the same matching both ways round
    first, second = (run.new, run.old) if swapped else (run.old, run.new)
    matching = match(first, second)
    run.old_to_new = {j: i for i, j in matching.pairs} if swapped else dict(matching.pairs)
    for i, j in matching.pairs:
        o, n = (run.old.nodes[j], run.new.nodes[i]) if swapped else (run.old.nodes[i], run.new.nodes[j])
        _pair(run, o, n)
    only_old = matching.only_b if swapped else matching.only_a
    only_new = matching.only_a if swapped else matching.only_b
    _unmatched(run, [run.old.nodes[i] for i in only_old], [run.new.nodes[j] for j in only_new])
    return {k: round(c.value(), 9) for k, c in run.channels.items()}


_PREPARED: OrderedDict[tuple[int, tuple[str, ...]], tuple[tuple[ElementSnap, ...], Tree]] = OrderedDict()
_PREPARED_MAX = 16


def _prepared(snap: Snapshot, selectors: tuple[str, ...]) -> Tree:
    """``prepare`` once per element tuple: a case prepares ``old`` for its twin and again for ``new``, and
    the renderer's memo hands out the same elements for the same document. Trees are never modified by
    scoring, so sharing one is safe; the entry holds the elements, so their ``id`` cannot be reused."""
    key = (id(snap.elements), selectors)
    found = _PREPARED.get(key)
    if found is not None and found[0] is snap.elements:
        _PREPARED.move_to_end(key)
        return found[1]
    tree = prepare(snap, selectors)
    _PREPARED[key] = (snap.elements, tree)
    while len(_PREPARED) > _PREPARED_MAX:
        _PREPARED.popitem(last=False)
    return tree


def _pair(run: _Run, o: Node, n: Node) -> None:
    weight = max(o.weight, n.weight)
    key_base = o.snap.index
    for name, a, b in attribute_diffs(o, n, frozenset(run.rules.attributes)):
        if not run.quiet(("old", key_base, "attribute", name)):
            run.pending.append(_Pending("style", 0.0, o.path, "attribute", name, a or "", b or "",
                                        name in USER_FACING_ATTRS or name.startswith("aria-"),
                                        f"{o.label} attribute {name} {quote(a)} → {quote(b)}"))
    for name in run.rules.attributes:
        if o.attrs.get(name) != n.attrs.get(name):
            run.ignored[f"attribute:{name}"] += 1
    if not (o.snap.visible or n.snap.visible):
        return
    if o.snap.text or n.snap.text:
        same = o.snap.text == n.snap.text or run.quiet(("old", key_base, "text", "text"))
        sim = 1.0 if same else text_similarity(o.snap.text, n.snap.text)
        run.channels["text"].add(weight, sim)
        if not same:
            run.pending.append(_Pending("text", weight * (1 - sim), o.path, "text", "text", o.snap.text, n.snap.text,
                                        True, f"{o.label} text {quote(o.snap.text)} → {quote(n.snap.text)}"))
    _style(run, o, n, weight)
    _layout(run, o, n, weight)


def _style(run: _Run, o: Node, n: Node, weight: float) -> None:
    skip = frozenset(run.rules.properties)
    for prop in run.rules.properties:
        if o.styles.get(prop) != n.styles.get(prop):
            run.ignored[f"property:{prop}"] += 1
    diffs = [d for d in style_diffs(o, n, run.tol, skip) if not run.quiet(("old", o.snap.index, "style", d.prop))]
    run.channels["style"].add(weight, style_similarity(diffs))
    for d in diffs:
        run.pending.append(_Pending("style", weight * d.importance * (1 - d.similarity), o.path, "style", d.prop,
                                    d.old, d.new, d.noticeable, d.message(o.label)))


def _reference(run: _Run, o: Node) -> tuple[float, float]:
    """How far the element's frame of reference moved. In normal flow that is the nearest matched
    preceding sibling (its bottom edge when the element sits below it, its right edge when beside it), so
    a removed or taller sibling moves the next element once, not every element after it; otherwise the
    parent."""
    siblings = run.old.nodes[o.parent].children if o.parent >= 0 else run.old.roots
    if _in_flow(o):
        for pos in reversed(siblings[: siblings.index(o.pos)]):
            partner = run.old_to_new.get(pos)
            prev = run.old.nodes[pos]
            if partner is None or not prev.snap.visible or not _in_flow(prev):
                continue
            a, b = prev.snap.box, run.new.nodes[partner].snap.box
            if o.snap.box.y >= a.y + a.h - 0.5:
                return b.x - a.x, (b.y + b.h) - (a.y + a.h)
            return (b.x + b.w) - (a.x + a.w), b.y - a.y
    partner = run.old_to_new.get(o.parent) if o.parent >= 0 else None
    if partner is None:
        return 0.0, 0.0
    a, b = run.old.nodes[o.parent].snap.box, run.new.nodes[partner].snap.box
    return b.x - a.x, b.y - a.y


def _in_flow(node: Node) -> bool:
    return node.styles.get("position", "static") in ("static", "relative") and node.styles.get(
        "float", "none") == "none"


def _layout(run: _Run, o: Node, n: Node, weight: float) -> None:
    shift_x, shift_y = _reference(run, o)
    a, b = o.snap.box, n.snap.box
    dx, dy = (b.x - shift_x) - a.x, (b.y - shift_y) - a.y
    dw, dh = b.w - a.w, b.h - a.h
    tol = run.tol.position_px
    moved = (abs(dx) >= tol or abs(dy) >= tol) and not run.quiet(("old", o.snap.index, "moved", "position"))
    resized = (abs(dw) >= tol or abs(dh) >= tol) and not run.quiet(("old", o.snap.index, "resized", "size"))
    sim = 1.0 if not (moved or resized) else iou(a, b, shift_x, shift_y) if moved else iou(a, b, b.x - a.x,
                                                                                             b.y - a.y)
    run.channels["layout"].add(weight, sim)
    if moved:
        run.pending.append(_Pending("layout", weight * (1 - sim), o.path, "moved", "position", f"{a.x:g},{a.y:g}",
                                    f"{b.x:g},{b.y:g}", True,
                                    f"{o.label} moved {movement_words(dx, dy, tol)}"))
    if resized:
        run.pending.append(_Pending("layout", 0.0 if moved else weight * (1 - sim), o.path, "resized", "size",
                                    size_words(a.w, a.h), size_words(b.w, b.h), True,
                                    f"{o.label} resized {size_words(a.w, a.h)} → {size_words(b.w, b.h)} px"))


def _unmatched(run: _Run, only_old: list[Node], only_new: list[Node]) -> None:
    total = run.old.total_area() + run.new.total_area()
    lost = 0.0
    shown_old = {n.pos for n in only_old}
    shown_new = {n.pos for n in only_new}
    sides: tuple[tuple[list[Node], MismatchKind, set[int]], ...] = (
        (only_old, "missing", shown_old), (only_new, "extra", shown_new))
    for nodes, side, shown in sides:
        for node in nodes:
            key: NoiseKey = ("old", node.snap.index, "missing", "") if side == "missing" else (
                "path", node.path, "extra", "")
            if run.quiet(key):
                continue
            lost += node.area
            if node.parent in shown:
                continue  # its unmatched ancestor speaks for the whole subtree
            where = "missing in new" if side == "missing" else "added in new"
            size = f"{size_words(node.snap.box.w, node.snap.box.h)} px" if node.area else "hidden"
            run.pending.append(_Pending("structure", node.area, node.path, side, "element",
                                        node.label if side == "missing" else "", "" if side == "missing"
                                        else node.label, node.area > 0, f"element {node.label} {where} ({size})"))
    count = len(run.old.nodes) + len(run.new.nodes)
    sim = 1.0 - lost / total if total > 0 else (1.0 - (len(only_old) + len(only_new)) / count if count else 1.0)
    run.channels["structure"].num = max(0.0, sim)
    run.channels["structure"].den = 1.0
    run.structure_total = total


def _finish(run: _Run, weights: Weights, total_weight: float) -> list[Mismatch]:
    out = []
    for p in run.pending:
        if p.channel == "structure":
            den = run.structure_total or 1.0
        elif p.channel == "pixels":
            den = 1.0
        else:
            den = run.channels[p.channel].den or 1.0
        share = weights.of(p.channel) / total_weight if total_weight else 0.0
        out.append(Mismatch.make(p.selector, p.kind, p.prop, p.old, p.new, weight=share * p.loss / den,
                                 noticeable=p.noticeable, message=p.message))
    out.sort(key=lambda m: (-m.weight, m.selector, m.kind, m.property))
    return out
