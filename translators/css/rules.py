"""Stylesheets as rules, and the rule-level diff of a base and a patched stylesheet (tinycss2).

Rules are flattened out of ``@media`` / ``@supports`` / ``@container`` blocks, keeping those at-rules as
their *context*; other at-rules (``@keyframes``, ``@font-face``, ``@import``) are kept whole. Base and
patched rules are aligned by (context, selector, occurrence): a rule whose key is on both sides and whose
declarations differ is ``rule_changed`` (with the patched declarations of every property whose values
changed, and the properties it no longer sets); a key on one side only is ``rule_added`` /
``rule_removed``; a rule moved elsewhere is removed at its old place and added at its new one.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import tinycss2

from harness.slots.css import flat_tokens
from translators.changes import CssChange, Declaration, Lines, Rule

CONDITIONAL_AT_RULES = frozenset({"media", "supports", "container"})
_SPACE = re.compile(r"\s+")


def collapse(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@functools.lru_cache(maxsize=256)
def parse_rules(css: str) -> tuple[Rule, ...]:
    """Every rule of ``css`` in source order (see the module docstring); cached, as fleets share stylesheets."""
    rules: list[Rule] = []
    _visit(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), (), rules)
    return tuple(rules)


def _visit(nodes: Iterable[Any], context: tuple[str, ...], out: list[Rule]) -> None:
    for node in nodes:
        if node.type == "qualified-rule":
            out.append(_rule(node, context, len(out)))
        elif node.type == "at-rule" and node.lower_at_keyword in CONDITIONAL_AT_RULES and node.content is not None:
            inner = tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True)
            head = f"@{node.lower_at_keyword} {collapse(tinycss2.serialize(node.prelude))}"
            _visit(inner, (*context, head), out)
        elif node.type in ("at-rule", "error"):
            name = "error" if node.type == "error" else node.lower_at_keyword
            prelude = "" if node.type == "error" else collapse(tinycss2.serialize(node.prelude))
            line = getattr(node, "source_line", 0)
            out.append(Rule(context, f"@{name} {prelude}".strip(), (), len(out), Lines(line, _last_line(node, line)),
                            node.serialize(), at_rule=name))


def _rule(node: Any, context: tuple[str, ...], order: int) -> Rule:
    declarations: list[Declaration] = []
    nested = False
    for item in tinycss2.parse_blocks_contents(node.content, skip_comments=True, skip_whitespace=True):
        if item.type == "declaration":
            value = collapse(tinycss2.serialize(item.value))
            declarations.append(Declaration(item.lower_name, value, bool(item.important), item.source_line))
        else:
            nested = True  # CSS nesting or a parse error inside the block: keep the rule whole
    selector = collapse(tinycss2.serialize(node.prelude))
    return Rule(context, selector, tuple(declarations), order, Lines(node.source_line, _last_line(node, node.source_line)),
                node.serialize(), at_rule="nested" if nested else None)


def _last_line(node: Any, default: int) -> int:
    lines = [int(t.source_line) for t in flat_tokens(getattr(node, "content", None) or []) if hasattr(t, "source_line")]
    return max([default, *lines])


def diff_stylesheets(base_css: str, patched_css: str, *, file: str) -> tuple[CssChange, ...]:
    base, patched = parse_rules(base_css), parse_rules(patched_css)
    changes: list[CssChange] = []
    for old, new in align_rules(base, patched):
        if new is None and old is not None:
            changes.append(CssChange("rule_removed", file, f"rule {_name(old)} removed", base=old,
                                     removed=tuple(sorted(old.properties())), base_lines=old.lines))
        elif old is None and new is not None:
            changes.append(_added(new, file))
        elif old is not None and new is not None:
            if old.at_rule is not None or new.at_rule is not None:
                if collapse(old.source) != collapse(new.source):
                    changes.append(CssChange("at_rule_changed", file, f"{_name(new)} changed", base=old, patched=new,
                                             base_lines=old.lines, patched_lines=new.lines))
            elif (found := _changed(old, new, file)) is not None:
                changes.append(found)
    return tuple(replace(c, number=n) for n, c in enumerate(sorted(changes, key=_position), start=1))


def align_rules(base: tuple[Rule, ...], patched: tuple[Rule, ...]) -> list[tuple[Rule | None, Rule | None]]:
    """Pair base and patched rules by (context, selector) in order; a rule moved elsewhere is removed + added."""
    matcher = difflib.SequenceMatcher(None, [r.key for r in base], [r.key for r in patched], autojunk=False)
    pairs: list[tuple[Rule | None, Rule | None]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs += list(zip(base[i1:i2], patched[j1:j2], strict=True))
            continue
        news = list(patched[j1:j2])
        for old in base[i1:i2]:
            new = next((n for n in news if n.key == old.key), None)
            pairs.append((old, new))
            if new is not None:
                news.remove(new)
        pairs += [(None, new) for new in news]
    return pairs


def _added(rule: Rule, file: str) -> CssChange:
    if rule.at_rule is not None:
        return CssChange("at_rule_changed", file, f"{_name(rule)} added", patched=rule, patched_lines=rule.lines)
    return CssChange("rule_added", file, f"rule {_name(rule)} added", patched=rule, changed=rule.declarations,
                     patched_lines=rule.lines)


def _changed(old: Rule, new: Rule, file: str) -> CssChange | None:
    before, after = _values(old), _values(new)
    changed_names = {name for name, values in after.items() if before.get(name) != values}
    removed = tuple(sorted(set(before) - set(after)))
    if not changed_names and not removed:
        return None
    changed = tuple(d for d in new.declarations if d.name in changed_names)
    words = [*(f"{name} set" for name in sorted(changed_names)), *(f"{name} removed" for name in removed)]
    lines = [d.line for d in changed] or [new.lines.start]
    base_lines = [d.line for d in old.declarations if d.name in changed_names or d.name in removed] or [old.lines.start]
    return CssChange("rule_changed", file, f"rule {_name(new)}: {', '.join(words)}", base=old, patched=new,
                     changed=changed, removed=removed, base_lines=Lines(min(base_lines), max(base_lines)),
                     patched_lines=Lines(min(lines), max(lines)))


def _values(rule: Rule) -> dict[str, list[tuple[str, bool]]]:
    values: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for d in rule.declarations:
        values[d.name].append((d.value, d.important))
    return dict(values)


def _name(rule: Rule) -> str:
    inside = f" inside {' '.join(rule.context)}" if rule.context else ""
    selector = rule.selector if len(rule.selector) <= 60 else rule.selector[:59] + "…"
    return f"'{selector}'{inside}"


def _position(change: CssChange) -> tuple[int, int]:
    lines = change.patched_lines or change.base_lines
    return (lines.start if lines else 0, 0 if change.patched_lines else 1)


__all__ = ["CONDITIONAL_AT_RULES", "collapse", "diff_stylesheets", "parse_rules"]
