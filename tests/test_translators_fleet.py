"""A generated fleet that uses every recipe at least once: no false ``complete``, no translator error.

The fleet's ground truth (``meta["truth"]``) is read here, by the test, to judge the translator; the
translator itself never sees it. Expected status per customization: the worst translation class of the
recipes it applied (lossless → complete, review → partial, untranslatable → failed).
"""

from __future__ import annotations

from collections import Counter

import pytest

from harness.model import Customization
from translators import Translation, translate_customization

generate = pytest.importorskip("harness.fleet.generate")
catalog = pytest.importorskip("harness.fleet.catalog")
mix = pytest.importorskip("harness.fleet.mix")

EXPECTED = {"lossless": "complete", "review": "partial", "untranslatable": "failed"}
ORDER = ["lossless", "review", "untranslatable"]


def expected_status(record: Customization) -> str | None:
    truth = generate.Fleet.truth(record)
    if truth.get("hostile"):
        return "failed"
    classes = [str(catalog.recipe(recipe_id).translation) for recipe_id in truth.get("recipes", ())]
    return EXPECTED[max(classes, key=ORDER.index)] if classes else None


@pytest.mark.slow
def test_a_covering_fleet_has_no_false_complete_and_agrees_with_its_ground_truth() -> None:
    fleet = generate.generate_fleet(mix.FleetSpec(users=120, cover=True))
    outcomes: Counter[tuple[str | None, str]] = Counter()
    false_complete, errors = [], []
    for record in fleet.records:
        result = translate_customization(record)
        status = result.report.status if isinstance(result, Translation) else "not applied"
        expected = expected_status(record)
        outcomes[(expected, status)] += 1
        if status == "complete" and expected != "complete":
            false_complete.append(record.case_id)
        if isinstance(result, Translation) and any(c.code == "translate.error" for c in result.report.changes):
            errors.append(record.case_id)
    assert not false_complete
    assert not errors
    applied = sum(n for (_, status), n in outcomes.items() if status != "not applied")
    agreed = sum(n for (expected, status), n in outcomes.items() if expected == status)
    assert applied > 100
    assert agreed / applied >= 0.95, dict(outcomes)
