"""Translations per second over the fixture corpus and a generated fleet, against a baseline on the same machine.

The baseline is what any check of a customization pays anyway: applying the diff and rendering the
patched legacy template for every scenario of its pack. The translation adds the tree and CSS diffs,
the translators, validation and the verification (every scenario rendered through the SlotRenderer and
compared), so its cost is reported as a multiple of that baseline, with and without the verification.

Run: ``.venv/bin/python bench/bench_translate.py [FLEET_RECORDS]`` (default 300; 0 skips the fleet).
"""

from __future__ import annotations

import collections
import sys
import time
from collections.abc import Callable, Sequence

from harness.errors import PhoenixError, Where
from harness.legacy import render_legacy
from harness.model import Customization
from harness.packs import default_packs
from harness.patching import apply_to_pack
from harness.slots import SlotRegistry
from tests.translations.corpus import load_cases
from translators import Translation, translate, translate_customization

PACKS = default_packs()


def baseline(record: Customization) -> None:
    pack = PACKS.get(record.component)
    if pack is None:  # a hostile record naming no component
        return
    try:
        outcome = apply_to_pack(record.diff, pack=pack, base_version=record.base_version, where=Where())
        for scenario in pack.scenarios:
            render_legacy(pack, outcome.patched_files, scenario.data)
    except PhoenixError:
        return


def unverified(record: Customization) -> None:
    pack = PACKS.get(record.component)
    if pack is None:
        return
    try:
        outcome = apply_to_pack(record.diff, pack=pack, base_version=record.base_version, where=Where())
    except PhoenixError:
        return
    translate(pack, SlotRegistry.for_pack(pack), outcome, user=record.user_id, check=False)


def verified(record: Customization) -> None:
    translate_customization(record, PACKS)


def rate(work: Callable[[Customization], None], records: Sequence[Customization]) -> float:
    for record in records[:3]:  # warm caches (compiled templates, parsed stylesheets) outside the clock
        work(record)
    start = time.perf_counter()
    for record in records:
        work(record)
    return len(records) / (time.perf_counter() - start)


def report(name: str, records: Sequence[Customization]) -> None:
    base = rate(baseline, records)
    fast = rate(unverified, records)
    full = rate(verified, records)
    print(f"{name}: {len(records)} customizations")
    print(f"  baseline (apply + legacy render of every scenario) {base:8.1f} /s   1.00x")
    print(f"  translate without verification                     {fast:8.1f} /s   {base / fast:.2f}x the baseline's time")
    print(f"  translate with verification (the default)          {full:8.1f} /s   {base / full:.2f}x the baseline's time")


def statuses(records: Sequence[Customization]) -> str:
    found: collections.Counter[str] = collections.Counter()
    for record in records:
        result = translate_customization(record, PACKS)
        found[result.report.status if isinstance(result, Translation) else f"not applied ({result.code})"] += 1
    return ", ".join(f"{name} {count}" for name, count in sorted(found.items()))


def main(fleet_records: int) -> None:
    corpus = [case.customization() for case in load_cases()]
    report("fixture corpus (tests/translations)", corpus)
    if fleet_records <= 0:
        return
    try:
        from harness.fleet.generate import generate_fleet
    except ImportError:  # the fleet generator is optional
        print("fleet: harness.fleet is not available")
        return
    fleet = list(generate_fleet().records[:fleet_records])
    report(f"generated fleet (first {len(fleet)} records)", fleet)
    print(f"  outcomes: {statuses(fleet)}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
