"""``phoenix gate RUN_DIR``: pass or fail a CI build on a run's verdicts.

    phoenix gate runs/today --min-eligible-rate 0.6 --max-blocked 40
    phoenix gate runs/today --baseline runs/main        # no user may lose `eligible`

Exit codes: 0 passed; 1 gate failed (each failing rule and every regressed user is printed);
2 usage or configuration error (no such run directory, a bad option); 3 the run cannot be trusted
(not complete, harness errors, crashed workers, no browser).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from harness.errors import ConfigError, StoreError, Where
from harness.runner.gate import GateResult, GateRules, decide_gate
from harness.store import StoreReader, UserRow


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("gate", help="exit 0/1/3 on a run's verdicts (for CI)")
    parser.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    parser.add_argument("--baseline", type=Path, metavar="RUN_DIR",
                        help="an earlier run: every user eligible there must still be eligible")
    parser.add_argument("--min-eligible-rate", type=float, metavar="R", help="fail below this share (0 to 1)")
    parser.add_argument("--max-blocked", type=int, metavar="N", help="fail with more than N blocked users")
    parser.add_argument("--json", action="store_true", help="print the decision as JSON")
    parser.set_defaults(handler=_gate)


def _rules(args: argparse.Namespace) -> GateRules:
    rate = args.min_eligible_rate
    if rate is not None and not 0.0 <= rate <= 1.0:
        raise ConfigError(f"--min-eligible-rate {rate} is not a share", where=Where(source="command line"),
                          fix="pass a number from 0 to 1, e.g. 0.6 for 60%", code="config.gate")
    if args.max_blocked is not None and args.max_blocked < 0:
        raise ConfigError("--max-blocked must be 0 or more", where=Where(source="command line"),
                          fix="pass a whole number, e.g. --max-blocked 0", code="config.gate")
    return GateRules(rate, args.max_blocked)


def _rows(run_dir: Path, what: str) -> tuple[StoreReader, list[UserRow]]:
    try:
        store = StoreReader.open(run_dir)
    except StoreError as exc:
        if exc.code == "store.missing":
            raise ConfigError(f"{run_dir} is not a run directory ({what})", where=Where(path=str(run_dir)),
                              fix="pass the directory `phoenix run --out` wrote", code="config.run_dir") from None
        raise
    return store, list(store.users())


def _gate(args: argparse.Namespace) -> int:
    rules = _rules(args)
    store, rows = _rows(args.run_dir, "RUN_DIR")
    with store:
        info = store.run()
    baseline = None
    if args.baseline is not None:
        base_store, baseline = _rows(args.baseline, "--baseline")
        base_store.close()
    result = decide_gate(info, rows, rules, baseline)
    print(json.dumps(asdict(result), indent=2) if args.json else _text(result, args.run_dir))
    return result.code


def _text(result: GateResult, run_dir: Path) -> str:
    counts = ", ".join(f"{n} {s}" for s, n in result.counts.items())
    verdict = {0: "PASSED", 1: "FAILED", 3: "CANNOT DECIDE"}[result.code]
    lines = [f"phoenix gate {run_dir}: {verdict} ({counts})"]
    lines += [f"  run problem: {p}" for p in result.problems]
    lines += [f"  failed: {f}" for f in result.failures]
    lines += [f"  no longer eligible: {r.user_id} is now {r.now} ({r.rule}): {r.headline}"
              for r in result.regressions]
    lines += [f"  note: {n}" for n in result.notes]
    return "\n".join(lines)
