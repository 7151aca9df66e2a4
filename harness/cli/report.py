"""``phoenix report RUN_DIR``: regenerate results.json, JUnit XML, the plan and the HTML reports from the
store alone (nothing is rendered again). Use it after changing report templates, or on a merged run."""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.cli import EXIT_OK
from harness.runner.outputs import write_outputs
from harness.store import StoreReader


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("report", help="regenerate a run directory's reports from its store")
    parser.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    parser.add_argument("--no-html", action="store_true", help="skip the HTML reports")
    parser.set_defaults(handler=_report)


def _report(args: argparse.Namespace) -> int:
    with StoreReader.open(args.run_dir) as store:
        info, users = store.run(), len(store)
    outputs = write_outputs(args.run_dir, html=not args.no_html)
    print(f"{users} users ({info.status} run): {outputs.results_json}, {outputs.junit}, "
          + (", ".join(str(p) for p in outputs.plan) if outputs.plan else "no plan"))
    if outputs.dashboard is not None:
        print(f"dashboard: {outputs.dashboard}")
    return EXIT_OK
