"""``phoenix demo``: the whole pipeline on the bundled demo fleet (fixtures/fleets/demo.jsonl), 2 workers.

    phoenix demo                       # -> ~/.cache/phoenix/runs/demo-20260101-120000 (printed at the end)
    phoenix demo --out /tmp/demo

The run directory defaults to ``$PHOENIX_RUNS_DIR/demo-<timestamp>``, else
``<cache dir>/runs/demo-<timestamp>`` (the cache dir of ``phoenix run``): never inside the source tree.
A second demo reuses the result cache and finishes in a moment; ``--no-cache`` checks everything again.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path

from rich.console import Console

from harness.cli.run import check_out_dir, execute, exit_code, workers_from
from harness.fleet import demo_path
from harness.runner.cache import default_cache_dir
from harness.runner.engine import RunConfig, check_viewports
from harness.runner.translate import DEFAULT_TRANSLATOR

ENV_RUNS_DIR = "PHOENIX_RUNS_DIR"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("demo", help="run the bundled demo fleet end to end and show where the reports are")
    parser.add_argument("--out", type=Path, help=f"run directory (default ${ENV_RUNS_DIR} or "
                        "~/.cache/phoenix/runs, in demo-<timestamp>)")
    parser.add_argument("-n", "--workers", default="2", help="worker processes (default 2)")
    parser.add_argument("--no-cache", action="store_true", help="check every user again")
    parser.add_argument("--browser", help="the Chromium executable to drive")
    parser.add_argument("--viewports", action="append", default=[], metavar="WxH", help=argparse.SUPPRESS)
    parser.add_argument("--translator", default=DEFAULT_TRANSLATOR, help=argparse.SUPPRESS)
    parser.set_defaults(handler=_demo)


def default_out() -> Path:
    root = Path(os.environ[ENV_RUNS_DIR]) if os.environ.get(ENV_RUNS_DIR) else default_cache_dir() / "runs"
    return root / f"demo-{datetime.now().strftime('%Y%m%d-%H%M%S')}"


def _demo(args: argparse.Namespace) -> int:
    console = Console(file=sys.stdout)
    out = check_out_dir(args.out or default_out())
    config = RunConfig(source=str(demo_path()), out=out, use_cache=not args.no_cache, browser=args.browser,
                       viewports=check_viewports([v for value in args.viewports for v in value.split(",") if v]),
                       translator=args.translator, settings_dir=out)
    outcome, outputs = execute(config, workers_from(args.workers), console)
    if outputs is not None:
        where = outputs.dashboard or outputs.results_json
        console.print(f"\n[bold]the dashboard is at {where}[/]" if outputs.dashboard else
                      f"\n[bold]results are in {where}[/] (with junit.xml and plan.json beside it)")
    return exit_code(outcome, console, config)
