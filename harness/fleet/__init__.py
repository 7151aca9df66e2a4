"""The fleet generator: synthetic users whose customizations carry their ground truth (issue 2).

    from harness.fleet import FleetSpec, generate_fleet, write_fleet

    fleet = generate_fleet(FleetSpec(users=1250, seed=2026))
    write_fleet(fleet.records, "fleet.jsonl")        # or fleet.sqlite, or a directory

See docs/fleet.md for the mix, the recipe catalog and the truth each record carries.
"""

from harness.fleet.build import FleetSelfCheckError, Truth
from harness.fleet.catalog import all_recipes, recipes_by_component
from harness.fleet.generate import Fleet, generate_fleet, kind_sets, verdict_counts
from harness.fleet.hostile import HOSTILE_KINDS
from harness.fleet.mix import FleetSpec, shares
from harness.fleet.output import DEMO_SPEC, demo_fleet_bytes, demo_path, write_fleet
from harness.fleet.recipes import KIND_SHARES, NotApplicable, Recipe, Translation, Verdict
from harness.model import GROUND_TRUTH_KEY

__all__ = [
    "DEMO_SPEC",
    "GROUND_TRUTH_KEY",
    "HOSTILE_KINDS",
    "KIND_SHARES",
    "Fleet",
    "FleetSelfCheckError",
    "FleetSpec",
    "NotApplicable",
    "Recipe",
    "Translation",
    "Truth",
    "Verdict",
    "all_recipes",
    "demo_fleet_bytes",
    "demo_path",
    "generate_fleet",
    "kind_sets",
    "recipes_by_component",
    "shares",
    "verdict_counts",
    "write_fleet",
]
