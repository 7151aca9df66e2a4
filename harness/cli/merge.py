"""``phoenix merge SHARD_DIR... --out RUN_DIR``: combine the run directories of a sharded run.

    phoenix run fleet.jsonl --out shard-1 --shard 1/3     # one CI job per shard
    phoenix merge shard-1 shard-2 shard-3 --out all       # then one job that merges and gates

Refuses shards made with different settings, source or harness (exit 2) and users whose results differ
between overlapping shards (exit 3). A merge that lacks a shard, or holds an unfinished one, is marked
``partial`` (``phoenix gate`` then exits 3).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.cli import EXIT_OK
from harness.cli.run import check_out_dir
from harness.runner.outputs import write_outputs
from harness.store import merge_stores


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("merge", help="combine shard run directories into one run directory")
    parser.add_argument("shards", nargs="+", type=Path, metavar="SHARD_DIR", help="run directories of shards")
    parser.add_argument("--out", type=Path, required=True, help="the merged run directory (created)")
    parser.add_argument("--no-report", action="store_true", help="write only the store")
    parser.set_defaults(handler=_merge)


def _merge(args: argparse.Namespace) -> int:
    out = check_out_dir(args.out)
    summary = merge_stores(list(args.shards), out)
    print(f"merged {len(args.shards)} run(s) ({', '.join(summary.shards)}): {summary.users} users, "
          f"{summary.duplicates} found in two shards with the same result; status {summary.status}")
    if not args.no_report:
        outputs = write_outputs(out)
        print(f"wrote {outputs.results_json.name}, {outputs.junit.name}, plan.json/plan.csv"
              + (f" and {outputs.dashboard}" if outputs.dashboard else ""))
    if summary.status != "complete":
        print("the merged run is partial: a shard is missing or did not finish (phoenix gate will exit 3)")
    print(f"run directory: {out}")
    return EXIT_OK
