"""``phoenix fleet generate|demo``: synthetic fleets of customizations with their ground truth.

    phoenix fleet generate --users 1250 --seed 2026 --out fleet.jsonl   # or fleet.sqlite, or a folder
    phoenix fleet demo [--write | --check]     # fixtures/fleets/demo.jsonl (print, refresh, or verify)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from harness.errors import ConfigError
from harness.fleet import (
    DEMO_SPEC,
    Fleet,
    FleetSpec,
    demo_fleet_bytes,
    demo_path,
    generate_fleet,
    write_fleet,
)
from harness.fleet.generate import kind_sets, verdict_counts
from harness.fleet.mix import shares
from harness.fleet.output import output_kind


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("fleet", help="generate synthetic fleets of customizations with ground truth")
    actions = parser.add_subparsers(dest="fleet_command", metavar="ACTION", required=True)

    generate = actions.add_parser("generate", help="write a fleet as JSONL, SQLite or a folder (by the path's form)")
    generate.add_argument("--users", type=_positive, default=FleetSpec.users, help="number of users (default 1250)")
    generate.add_argument("--seed", type=int, default=FleetSpec.seed, help="random seed (default 2026)")
    generate.add_argument("--out", type=Path, required=True,
                          help="*.jsonl, *.sqlite / *.db, or a new folder of <user>/<component>.diff")
    generate.add_argument("--force", action="store_true", help="replace an existing .jsonl or .sqlite file")
    generate.set_defaults(handler=_generate)

    demo = actions.add_parser("demo", help="the bundled demo fleet (about 40 users covering every recipe)")
    mode = demo.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="refresh fixtures/fleets/demo.jsonl in the source checkout")
    mode.add_argument("--check", action="store_true", help="exit 1 when fixtures/fleets/demo.jsonl is out of date")
    demo.set_defaults(handler=_demo)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value


def _generate(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    fleet = generate_fleet(FleetSpec(users=args.users, seed=args.seed))
    written = write_fleet(fleet.records, args.out, overwrite=args.force)
    seconds = time.perf_counter() - started
    print(f"wrote {args.users:,} users ({written:,} customizations) to {args.out} "
          f"({output_kind(args.out)}) in {seconds:.1f} s")
    print(summary(fleet))
    return 0


def summary(fleet: Fleet) -> str:
    """Expected verdicts per user and the kinds' shares, for a person checking the mix."""
    verdicts = ", ".join(f"{name} {count:,}" for name, count in verdict_counts(fleet).items())
    kinds = ", ".join(f"{kind} {share:.0%}" for kind, share in shares(kind_sets(fleet.records)).items())
    return f"expected verdicts per user: {verdicts}\nkinds of change: {kinds}"


def _demo(args: argparse.Namespace) -> int:
    data = demo_fleet_bytes()
    target = demo_path()
    if args.write:
        if not target.parent.is_dir():
            raise ConfigError(f"{target.parent} does not exist", fix="run --write from a source checkout")
        target.write_bytes(data)
        print(f"wrote {target} ({DEMO_SPEC.users} users, seed {DEMO_SPEC.seed})")
        return 0
    if args.check:
        if not target.is_file() or target.read_bytes() != data:
            print(f"{target} is out of date; run: phoenix fleet demo --write", file=sys.stderr)
            return 1
        print(f"{target} is up to date")
        return 0
    sys.stdout.buffer.write(data)
    return 0
