"""Verification (not optional): the translated config must render what the patched legacy template rendered.

For every scenario of the pack: the SlotRenderer output of the merged config (defaults < preset <
migrated) against the legacy render of the patched files, compared with ``normalize_html`` (``<style>``
elements aside: their rules are CSS, compared with the stylesheets). When the markup agrees and the
translation has custom CSS, the winning declarations of the touched properties are compared per element
(:mod:`translators.css.cascade`). A difference names the scenario and shows the first differing region.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from harness.errors import PhoenixError, Where
from harness.htmlnorm import normalize_html
from harness.legacy import render_legacy
from harness.packs import ComponentPack
from harness.slots import SlotConfig, SlotRegistry, SlotRenderer
from translators.css.cascade import DEFAULT_WIDTHS, compare

_STYLE = re.compile(r"<style\b[^>]*>.*?</style\s*>", re.IGNORECASE | re.DOTALL)
EXCERPT = 90


@dataclass(frozen=True)
class ScenarioCheck:
    scenario: str
    ok: bool
    problem: str = ""
    legacy: str = ""  # the first differing region, legacy side
    new: str = ""     # the same region after migration

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"scenario": self.scenario, "ok": self.ok}
        if not self.ok:
            data.update(problem=self.problem, legacy=self.legacy, new=self.new)
        return data


def verify(pack: ComponentPack, registry: SlotRegistry, config: SlotConfig, patched_files: Mapping[str, bytes], *,
           style_css: Sequence[str] = (), families: frozenset[str] = frozenset(),
           widths: Sequence[int] = DEFAULT_WIDTHS, where: Where | None = None) -> tuple[ScenarioCheck, ...]:
    version = config.version or pack.current
    merged = registry.merger().merge(*registry.layers(version, migrated=config))
    renderer = SlotRenderer(pack, registry=registry)
    checks: list[ScenarioCheck] = []
    for number, scenario in enumerate(pack.scenarios):
        at = Where(scenario=scenario.name).merged(where or Where())
        try:
            legacy = render_legacy(pack, patched_files, scenario.data, where=at)
        except PhoenixError as exc:
            checks.append(ScenarioCheck(scenario.name, False, f"the edited legacy template does not render: {exc.message}"))
            if exc.code == "template.limit":  # a runaway template spends its whole budget in every scenario
                checks += [ScenarioCheck(rest.name, False, f"not checked: the edited legacy template already ran "
                                         f"out of its budget in scenario {scenario.name!r}")
                           for rest in pack.scenarios[number + 1:]]
                break
            continue
        try:
            new = renderer.render(merged, scenario.data, version=version, where=at)
        except PhoenixError as exc:
            checks.append(ScenarioCheck(scenario.name, False, f"the translated config does not render: {exc.message}"))
            continue
        old_html, new_html = normalize_html(_STYLE.sub("", legacy.html)), normalize_html(_STYLE.sub("", new.html))
        if old_html != new_html:
            left, right = first_difference(old_html, new_html)
            checks.append(ScenarioCheck(scenario.name, False, "the markup differs", left, right))
            continue
        problem = None
        if families:
            custom = [css for css in config.custom_css.values() if css is not None]
            problem = compare(legacy.html, [legacy.css, *style_css], new.html, legacy_stylesheet(pack, version),
                              custom, pack.root_selector, families, widths)
        checks.append(ScenarioCheck(scenario.name, problem is None, problem or ""))
    return tuple(checks)


def legacy_stylesheet(pack: ComponentPack, version: str) -> str:
    return pack.version(version).files[pack.stylesheet].decode("utf-8")


def first_difference(a: str, b: str) -> tuple[str, str]:
    """The region around the first character where ``a`` and ``b`` differ, from the tag it starts in."""
    at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    tag = a.rfind("<", 0, at + 1)
    start = tag if 0 <= at - tag <= EXCERPT else max(0, at - EXCERPT // 2)

    def excerpt(text: str) -> str:
        end = start + EXCERPT * 2
        return ("…" if start else "") + text[start:end] + ("…" if len(text) > end else "")

    return excerpt(a), excerpt(b)


__all__ = ["ScenarioCheck", "first_difference", "verify"]
