"""``generate_fleet(spec)``: a deterministic fleet of users with customizations and their ground truth.

Same spec (seed included) → the same records, byte for byte once written. Each user draws from its own
random stream (seeded by the fleet seed and the user id); the only state carried between users is the
kind steering (:class:`~harness.fleet.mix.KindSteering`) and, for demo fleets, what is still uncovered.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from harness.errors import Where
from harness.fleet.build import Built, FleetSelfCheckError, PackFiles, Plan, find_conflict, honest, hostile
from harness.fleet.catalog import recipes_by_component
from harness.fleet.cover import Coverage
from harness.fleet.hostile import HOSTILE_KINDS
from harness.fleet.mix import FleetSpec, KindSteering, choose_components, component_count
from harness.fleet.recipes import Recipe, Verdict, worst
from harness.model import GROUND_TRUTH_KEY, Customization
from harness.packs import PackRegistry, default_packs

LAST_EDIT = date(2025, 6, 30)  # the newest edit date a generated record carries
PLANS = {"starter": 0.45, "growth": 0.30, "pro": 0.18, "enterprise": 0.07}
POWER_PLANS = {"starter": 0.15, "growth": 0.35, "pro": 0.32, "enterprise": 0.18}
REGIONS = {"na": 0.45, "eu": 0.30, "apac": 0.17, "latam": 0.08}
OTHER_TAGS = {"beta": 0.06, "agency-built": 0.10, "high-volume": 0.05}
INTERNAL_TAG = "internal"


@dataclass(frozen=True)
class Fleet:
    """The generated records (sorted by user and component) and the spec they came from."""

    spec: FleetSpec
    records: tuple[Customization, ...]

    @staticmethod
    def truth(record: Customization) -> Mapping[str, object]:
        """The ground truth of a record (empty for a record that has none)."""
        value = record.meta.get(GROUND_TRUTH_KEY)
        return value if isinstance(value, Mapping) else {}

    def user_verdicts(self) -> dict[str, str]:
        return {r.user_id: str(self.truth(r)["user_verdict"]) for r in self.records}


class _State:
    """What generation carries from one user to the next."""

    def __init__(self, spec: FleetSpec, registry: PackRegistry) -> None:
        self.spec = spec
        self.known = tuple(registry)
        self.packs = {name: PackFiles.of(registry.get_pack(name)) for name in spec.component_weights}
        catalogs = recipes_by_component()
        self.catalogs: dict[str, tuple[Recipe, ...]] = {name: catalogs.get(name, ()) for name in self.packs}
        self.steering = KindSteering()
        self.coverage = Coverage(self.catalogs, HOSTILE_KINDS) if spec.cover else None
        self._conflicts: dict[str, tuple[Recipe, str] | None] = {}

    def conflict(self, component: str, where: Where) -> tuple[Recipe, str] | None:
        """A recipe and older version that conflict on rebase for ``component`` (found once, then kept)."""
        if component not in self._conflicts:
            self._conflicts[component] = find_conflict(self.packs[component], self.catalogs[component], where)
        return self._conflicts[component]


def generate_fleet(spec: FleetSpec | None = None, *, registry: PackRegistry | None = None) -> Fleet:
    """Generate the fleet ``spec`` describes (default: 1,250 users, seed 2026) over the shipped packs."""
    spec = spec or FleetSpec()
    state = _State(spec, registry or default_packs())
    fleet_rng = random.Random(f"phoenix-fleet:{spec.seed}")
    internal = set(fleet_rng.sample(range(spec.users), min(spec.internal_users, spec.users)))
    width = max(5, len(str(spec.users)))
    records: list[Customization] = []
    for number in range(spec.users):
        user_id = f"u{number + 1:0{width}d}"
        rng = random.Random(f"phoenix-fleet:{spec.seed}:{user_id}")
        records.extend(_user(state, rng, user_id, internal=number in internal))
    if state.coverage is not None:
        state.coverage.check()
    return Fleet(spec, tuple(sorted(records, key=lambda r: (r.user_id, r.component))))


def _user(state: _State, rng: random.Random, user_id: str, *, internal: bool) -> list[Customization]:
    weights = state.spec.component_weights
    if state.coverage is not None:
        weights = state.coverage.weights(weights)
    count = component_count(rng, state.spec, len(weights))
    power = count > 1
    built: list[Built] = []
    for component in choose_components(rng, weights, count):
        taken = [b.component for b in built]
        built.append(_customization(state, rng, component, Where(user=user_id, component=component), taken))
    user_verdict = worst(b.truth.expected_verdict for b in built)
    profile = _profile(rng, power=power, internal=internal)
    return [Customization(user_id=user_id, component=b.component, base_version=b.base_version, diff=b.diff,
                          meta={**_dated(rng, state, b), **profile,
                                GROUND_TRUTH_KEY: b.truth.as_meta(user_verdict)})
            for b in built]


def _customization(state: _State, rng: random.Random, component: str, where: Where,
                   taken: Sequence[str]) -> Built:
    pack, catalog = state.packs[component], state.catalogs[component]
    task = state.coverage.next_task() if state.coverage else _random_task(rng, state.spec)
    if task in HOSTILE_KINDS:
        if state.coverage is not None:
            state.coverage.record_hostile(task)
        return hostile(rng, pack, catalog, task, known_components=state.known, taken=taken, where=where)
    if task == "conflict":
        conflict = state.conflict(component, where)
        if conflict is None and state.coverage is not None:
            state.coverage.defer(task)
            task = None
    for _ in range(8):
        plan = _plan(rng, state, pack, task)
        built = honest(rng, pack, catalog, plan, where)
        if built is not None and (task != "conflict" or built.truth.patch == "patch.conflict"):
            state.steering.record(built.truth.kinds)
            if state.coverage is not None:
                state.coverage.record(built)
            return built
    raise FleetSelfCheckError(f"no recipe of {component} fits a {task or 'plain'} customization", where=where,
                              fix="add recipes that apply to every version of the pack")


def _random_task(rng: random.Random, spec: FleetSpec) -> str | None:
    if rng.random() < spec.hostile_share:
        return rng.choice(HOSTILE_KINDS)
    if rng.random() < spec.older_base_share:
        return "older"
    return None


def _plan(rng: random.Random, state: _State, pack: PackFiles, task: str | None) -> Plan:
    older = pack.older(pack.current)
    made_against = rng.choice(older) if older and task == "older" else pack.current
    if task == "conflict":
        recipe, made_against = state.conflict(pack.name, Where()) or (None, made_against)
        return Plan(pack.name, made_against, index=rng.random() < state.spec.index_share,
                    preferred=(recipe,) if recipe else ())
    no_base = task in ("no-base-index", "no-base-content") or (
        task is None and rng.random() < state.spec.no_base_share)
    index = task == "no-base-index" or (task != "no-base-content" and rng.random() < state.spec.index_share)
    preferred: tuple[Recipe, ...] = ()
    if state.coverage is not None:
        preferred = state.coverage.preferred(pack.name)
    kinds = frozenset() if preferred else frozenset(state.steering.draw(rng))
    return Plan(pack.name, made_against, record_base=not no_base, index=index, preferred=preferred,
                kinds=kinds)


def _dated(rng: random.Random, state: _State, built: Built) -> dict[str, object]:
    """``updated_at``: a day after the version the diff was made against came out (and before the next)."""
    pack = state.packs[built.origin]
    versions = list(pack.versions)
    made = built.truth.made_against or pack.current
    start = pack.released[made] + timedelta(days=1)
    following = versions.index(made) + 1
    end = pack.released[versions[following]] if following < len(versions) else LAST_EDIT
    day = start + timedelta(days=rng.randrange(max((end - start).days, 1)))
    return {"updated_at": day.isoformat()}


def _profile(rng: random.Random, *, power: bool, internal: bool) -> dict[str, object]:
    """Who the user is: plan, region, storefront views and tags (the planner reads these names)."""
    plans = POWER_PLANS if power else PLANS
    tags = [INTERNAL_TAG] if internal else []
    tags += [tag for tag, share in OTHER_TAGS.items() if rng.random() < share]
    return {"views_30d": int(rng.lognormvariate(7.5, 1.4)) * (3 if power else 1),
            "plan": _weighted(rng, plans), "region": _weighted(rng, REGIONS), "tags": tags}


def _weighted(rng: random.Random, weights: Mapping[str, float]) -> str:
    names = list(weights)
    return rng.choices(names, weights=[weights[n] for n in names])[0]


def verdict_counts(fleet: Fleet) -> dict[str, int]:
    """How many users are expected to end eligible, review and blocked."""
    counts = {v.value: 0 for v in Verdict}
    for verdict in fleet.user_verdicts().values():
        counts[verdict] += 1
    return counts


def kind_sets(records: Sequence[Customization]) -> list[list[str]]:
    """The truth's kinds of every honest record (hostile ones have none)."""
    sets = []
    for record in records:
        truth = Fleet.truth(record)
        if truth and truth.get("hostile") is None:
            kinds = truth.get("kinds")
            sets.append([str(k) for k in kinds] if isinstance(kinds, list) else [])
    return sets
