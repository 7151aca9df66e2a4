"""The fleet generator (harness/fleet, docs/fleet.md): determinism, the mix, ground truth, round trips."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from harness.errors import ConfigError, PatchError, Where
from harness.fleet import (
    GROUND_TRUTH_KEY,
    HOSTILE_KINDS,
    KIND_SHARES,
    Fleet,
    FleetSpec,
    generate_fleet,
    kind_sets,
    shares,
    write_fleet,
)
from harness.inputs import open_source
from harness.inputs.records import safe_name_problem
from harness.model import Customization
from harness.packs import default_packs
from harness.patching import apply_to_pack

TRUTH_KEYS = {"kinds", "recipes", "translatable", "expected_verdict", "user_verdict", "patch", "made_against",
              "hostile", "why"}
SEVERITY = {"eligible": 0, "review": 1, "blocked": 2}


@pytest.fixture(scope="module")
def fleet() -> Fleet:
    """The default fleet: 1,250 users, seed 2026 (generated once for this module)."""
    return generate_fleet()


def truth(record: Customization) -> Mapping[str, Any]:
    value = record.meta[GROUND_TRUTH_KEY]
    assert isinstance(value, Mapping)
    return value


def by_user(fleet: Fleet) -> dict[str, list[Customization]]:
    users: dict[str, list[Customization]] = defaultdict(list)
    for record in fleet.records:
        users[record.user_id].append(record)
    return users


# --- determinism ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["fleet.jsonl", "fleet.sqlite", "folder"])
def test_the_same_seed_writes_byte_identical_output(tmp_path: Path, name: str) -> None:
    spec = FleetSpec(users=60, seed=11)
    first, second = tmp_path / "a" / name, tmp_path / "b" / name
    for target in (first, second):
        target.parent.mkdir()
        write_fleet(generate_fleet(spec).records, target)
    assert _bytes_of(first) == _bytes_of(second)
    assert _bytes_of(first)


def _bytes_of(path: Path) -> dict[str, bytes]:
    if path.is_dir():
        return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}
    return {path.name: path.read_bytes()}


def test_another_seed_gives_another_fleet() -> None:
    one, other = generate_fleet(FleetSpec(users=30, seed=1)), generate_fleet(FleetSpec(users=30, seed=2))
    assert [r.diff for r in one.records] != [r.diff for r in other.records]


def test_a_bigger_fleet_starts_with_the_smaller_one() -> None:
    small, big = generate_fleet(FleetSpec(users=20, seed=3)), generate_fleet(FleetSpec(users=25, seed=3))
    first_users = {r.user_id for r in small.records}
    prefix = [r for r in big.records if r.user_id in first_users]
    assert [(r.case_id, r.diff) for r in prefix] == [(r.case_id, r.diff) for r in small.records]


# --- the mix -------------------------------------------------------------------------------------------

def test_the_default_fleet_has_1250_users_with_safe_ids(fleet: Fleet) -> None:
    users = by_user(fleet)
    assert len(users) == 1250
    assert all(safe_name_problem("user_id", user) is None for user in users)
    assert sorted(users) == [f"u{n:05d}" for n in range(1, 1251)]
    assert list(fleet.records) == sorted(fleet.records, key=lambda r: (r.user_id, r.component))


def test_most_users_customize_one_component_and_power_users_two_to_five(fleet: Fleet) -> None:
    counts = Counter(len(records) for records in by_user(fleet).values())
    assert set(counts) <= {1, 2, 3, 4, 5}
    assert all(counts[n] > 0 for n in (2, 3, 4, 5))
    power = sum(count for n, count in counts.items() if n > 1) / 1250
    assert 0.21 <= power <= 0.29, f"{power:.1%} power users"


@pytest.mark.parametrize("kind", sorted(KIND_SHARES))
def test_kind_shares_are_close_to_the_study(fleet: Fleet, kind: str) -> None:
    realized = shares(kind_sets(fleet.records))[kind]
    assert abs(realized - KIND_SHARES[kind]) <= 0.02, f"{kind}: {realized:.3f} vs {KIND_SHARES[kind]:.2f}"


def test_hostile_older_base_and_baseless_records_have_their_shares(fleet: Fleet) -> None:
    total = len(fleet.records)
    hostile = Counter(truth(r)["hostile"] for r in fleet.records if truth(r)["hostile"])
    patches = Counter(truth(r)["patch"] for r in fleet.records)
    assert 0.02 <= sum(hostile.values()) / total <= 0.045
    assert set(hostile) == set(HOSTILE_KINDS)
    assert 0.08 <= (patches["rebased"] + patches["patch.conflict"]) / total <= 0.2
    assert 5 <= patches["patch.conflict"] <= 0.1 * patches["rebased"] + 20  # a few rebases conflict
    assert sum(1 for r in fleet.records if r.base_version is None) == patches["identified_base"] > 20


def test_every_outcome_occurs_for_users(fleet: Fleet) -> None:
    verdicts = Counter(fleet.user_verdicts().values())
    assert set(verdicts) == {"eligible", "review", "blocked"}
    assert all(count >= 100 for count in verdicts.values()), verdicts


# --- ground truth -----------------------------------------------------------------------------------

def test_every_record_carries_its_ground_truth(fleet: Fleet) -> None:
    for record in fleet.records:
        t = truth(record)
        assert set(t) == TRUTH_KEYS, record.case_id
        assert t["expected_verdict"] in SEVERITY
        assert t["user_verdict"] in SEVERITY
        assert GROUND_TRUTH_KEY not in record.decision_meta()
        if t["hostile"]:
            assert (t["kinds"], t["recipes"], t["translatable"], t["expected_verdict"]) == ([], [], False, "blocked")
        else:
            assert t["kinds"]
            assert t["recipes"]
            assert t["why"]
            assert all(recipe.startswith(f"{record.component}/") for recipe in t["recipes"])
        if not t["translatable"] or t["patch"] not in ("exact", "rebased", "identified_base"):
            assert t["expected_verdict"] == "blocked", record.case_id
        if t["patch"] in ("rebased", "identified_base"):
            assert t["expected_verdict"] != "eligible", record.case_id


def test_a_users_verdict_is_the_worst_of_their_customizations(fleet: Fleet) -> None:
    for user, records in by_user(fleet).items():
        worst = max((truth(r)["expected_verdict"] for r in records), key=SEVERITY.__getitem__)
        assert {truth(r)["user_verdict"] for r in records} == {worst}, user


def test_recipes_touching_the_same_region_are_never_combined(fleet: Fleet) -> None:
    from harness.fleet.catalog import recipe

    for record in fleet.records:
        regions = [region for name in truth(record)["recipes"] for region in recipe(name).touches]
        assert len(regions) == len(set(regions)), record.case_id


def test_metadata_uses_the_keys_the_planner_reads(fleet: Fleet) -> None:
    users = by_user(fleet)
    internal = {user for user, records in users.items() if "internal" in records[0].meta["tags"]}
    assert len(internal) == 10
    for records in users.values():
        profiles = {tuple((k, str(v)) for k, v in r.meta.items() if k in ("views_30d", "plan", "region", "tags"))
                    for r in records}
        assert len(profiles) == 1  # one user, one profile
        for record in records:
            meta = record.decision_meta()
            assert isinstance(meta["views_30d"], int)
            assert meta["views_30d"] >= 0
            assert date(2024, 1, 1) <= date.fromisoformat(meta["updated_at"]) <= date(2025, 6, 30)
            assert meta["plan"] in {"starter", "growth", "pro", "enterprise"}


def test_an_edit_is_dated_after_its_base_version_was_released(fleet: Fleet) -> None:
    packs = default_packs()
    for record in fleet.records:
        t = truth(record)
        if t["hostile"] is None:
            released = date.fromisoformat(str(packs.get_pack(record.component).version(t["made_against"]).released))
            assert date.fromisoformat(record.meta["updated_at"]) > released, record.case_id


# --- round trips --------------------------------------------------------------------------------------

def test_jsonl_sqlite_and_folder_load_as_identical_case_lists(fleet: Fleet, tmp_path: Path) -> None:
    loaded = {}
    for name in ("fleet.jsonl", "fleet.sqlite", "folder"):
        write_fleet(fleet.records, tmp_path / name)
        loaded[name] = open_source(tmp_path / name).records()
    for name, records in loaded.items():
        assert all(isinstance(r, Customization) for r in records), name
        assert [r.identity() for r in records] == [r.identity() for r in fleet.records], name  # type: ignore[union-attr]
        assert records == list(fleet.records), name


def test_every_record_does_in_the_patch_engine_what_its_truth_says(fleet: Fleet, tmp_path: Path) -> None:
    write_fleet(fleet.records, tmp_path / "fleet.jsonl")
    for record in open_source(tmp_path / "fleet.jsonl").records():
        assert isinstance(record, Customization)
        expected = truth(record)["patch"]
        got = engine_result(record)
        assert got == expected or (expected == "template.unsafe" and got == "exact"), record.case_id


def engine_result(record: Customization) -> str:
    """What the patch engine does with a record: exact, rebased, identified_base, or the error code."""
    packs = default_packs()
    if record.component not in packs:
        return "pack.unknown_component"
    try:
        outcome = apply_to_pack(record.diff, pack=packs.get_pack(record.component),
                                base_version=record.base_version, where=Where(user=record.user_id))
    except PatchError as exc:
        return exc.code
    if outcome.events_of("identified_base"):
        return "identified_base"
    return "rebased" if outcome.rebased else "exact"


# --- writing ------------------------------------------------------------------------------------------

def test_writing_refuses_to_replace_output_unless_forced(tmp_path: Path) -> None:
    records = generate_fleet(FleetSpec(users=3, seed=1)).records
    target = tmp_path / "fleet.jsonl"
    assert write_fleet(records, target) == len(records)
    with pytest.raises(ConfigError, match="already exists") as caught:
        write_fleet(records, target)
    assert caught.value.fix
    assert write_fleet(records, target, overwrite=True) == len(records)
    write_fleet(records, tmp_path / "folder")
    with pytest.raises(ConfigError, match="already exists"):
        write_fleet(records, tmp_path / "folder", overwrite=True)
    with pytest.raises(ConfigError, match="does not exist"):
        write_fleet(records, tmp_path / "missing" / "fleet.db")


@pytest.mark.parametrize(("field", "value"), [("users", 0), ("hostile_share", 1.5), ("power_share", -0.1)])
def test_a_bad_spec_is_a_configuration_error(field: str, value: float) -> None:
    with pytest.raises(ConfigError) as caught:
        FleetSpec(**{field: value})  # type: ignore[arg-type]
    assert field in caught.value.message or "user" in caught.value.message
    assert caught.value.fix
