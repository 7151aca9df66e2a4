"""``phoenix run SOURCE --out RUN_DIR``: check a fleet in parallel, store every verdict, write the reports.

    phoenix run fleet.jsonl --out runs/today -n 4
    phoenix run fleet.jsonl --out runs/today --resume          # finish a run that was cut short
    phoenix run fleet.jsonl --out runs/shard-2 --shard 2/4     # one job of a CI matrix (then phoenix merge)

Exit codes: 0 every selected user was checked; 2 usage or configuration error; 3 harness or
infrastructure error (no browser, a user the harness failed on, crashed workers); 130 interrupted (what
finished is kept: run again with --resume). Verdicts never fail a run: ``phoenix gate`` does.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from rich.console import Console

from harness.cli import EXIT_INFRA, EXIT_OK
from harness.errors import ConfigError, Where
from harness.packs import fixtures_root
from harness.runner.drive import DriveOutcome, drive
from harness.runner.engine import RunConfig, check_viewports, load_run
from harness.runner.outputs import Outputs, write_outputs
from harness.runner.progress import ProgressWatcher, summary
from harness.runner.selection import Shard
from harness.runner.translate import DEFAULT_TRANSLATOR

EXIT_INTERRUPTED = 130


def add_run_options(parser: argparse.ArgumentParser, *, workers_default: int | str) -> None:
    parser.add_argument("-n", "--workers", default=workers_default, metavar="N",
                        help=f"parallel worker processes, each with one browser; 0 runs in this process, "
                             f"'auto' one per CPU (default {workers_default})")
    parser.add_argument("--shard", help="check only shard K/N of the users (stable hash of the user id)")
    parser.add_argument("--component", action="append", default=[], help="check only this component (repeatable)")
    parser.add_argument("--user", action="append", default=[], help="check only this user (repeatable)")
    parser.add_argument("--resume", action="store_true", help="keep users already stored in RUN_DIR with the "
                        "same inputs and check the rest")
    cache = parser.add_mutually_exclusive_group()
    cache.add_argument("--cache-dir", type=Path, help="result cache (default $PHOENIX_CACHE_DIR, "
                       "$XDG_CACHE_HOME/phoenix or ~/.cache/phoenix)")
    cache.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    parser.add_argument("--no-report", action="store_true", help="write only the store (no results.json, "
                        "JUnit, plan or HTML)")
    parser.add_argument("--browser", help="the Chromium executable to drive")
    parser.add_argument("--viewports", action="append", default=[], metavar="WxH",
                        help="render at these viewports instead of the settings' (repeatable or comma-separated)")
    parser.add_argument("--translator", default=DEFAULT_TRANSLATOR, help=argparse.SUPPRESS)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("run", help="check a fleet of customizations and write the run directory")
    parser.add_argument("source", help="fleet.jsonl, a folder of <user>/<component>.diff, a .sqlite file or a "
                        "database URL")
    parser.add_argument("--out", type=Path, required=True, help="the run directory (created if needed)")
    add_run_options(parser, workers_default="auto")
    parser.set_defaults(handler=_run)


def workers_from(value: str | int) -> int:
    if str(value) == "auto":
        return max(1, os.cpu_count() or 1)
    try:
        workers = int(value)
    except ValueError:
        raise ConfigError(f"-n {value!r} is not a number of workers", where=Where(source="command line"),
                          fix="pass -n 0 (in this process), -n 4, or -n auto", code="config.workers") from None
    if workers < 0:
        raise ConfigError("-n must be 0 or more", where=Where(source="command line"), fix="pass -n 0 or more",
                          code="config.workers")
    return workers


def check_out_dir(out: Path) -> Path:
    """The run directory, refused when it lies inside the harness's own source tree."""
    out = out.expanduser().resolve()
    checkout = fixtures_root().parent.resolve()
    if (checkout / "pyproject.toml").is_file() and (out == checkout or checkout in out.parents):
        raise ConfigError(f"{out} is inside the harness's source tree ({checkout})", where=Where(path=str(out)),
                          fix="write runs elsewhere, e.g. --out ~/.cache/phoenix/runs/today", code="config.out")
    return out


def config_from(args: argparse.Namespace, out: Path) -> RunConfig:
    return RunConfig(
        source=args.source, out=check_out_dir(out), shard=Shard.parse(args.shard) if args.shard else None,
        components=frozenset(args.component), users=frozenset(args.user), cache_dir=args.cache_dir,
        use_cache=not args.no_cache, resume=args.resume, browser=args.browser,
        viewports=check_viewports([v for value in args.viewports for v in value.split(",") if v]),
        translator=args.translator, settings_dir=Path.cwd(), write_reports=not args.no_report)


def execute(config: RunConfig, workers: int, console: Console) -> tuple[DriveOutcome, Outputs | None]:
    """Load, drive with a live progress bar, print the summary, write the outputs."""
    assert config.out is not None
    started = time.perf_counter()
    loaded = load_run(config)
    console.print(f"[bold]phoenix run[/]: {loaded.selection.source}, {len(loaded.selection.users)} of "
                  f"{loaded.selection.total_users} users selected -> {config.out}")
    with ProgressWatcher(console) as watcher:
        outcome = drive(config, loaded, workers, watcher)
    outputs = write_outputs(config.out) if config.write_reports and outcome.status != "failed" else None
    summary(console, config.out, outcome, time.perf_counter() - started)
    return outcome, outputs


def exit_code(outcome: DriveOutcome, console: Console, config: RunConfig) -> int:
    if outcome.status == "interrupted":
        console.print(f"[yellow]interrupted[/]: {outcome.done} of {outcome.expected} users are stored; run the "
                      "same command with --resume to check the rest")
        return EXIT_INTERRUPTED
    if outcome.status == "failed" or outcome.problems or outcome.counts.get("error", 0):
        console.print("[red]the harness could not check every user[/] (see the problems above and "
                      f"{config.out}/pytest.log)")
        return EXIT_INFRA
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    console = Console(file=sys.stdout)
    config = config_from(args, args.out)
    outcome, outputs = execute(config, workers_from(args.workers), console)
    if outputs is not None and outputs.dashboard is not None:
        console.print(f"dashboard: [bold]{outputs.dashboard}[/]")
    console.print(f"next: phoenix gate {config.out}")
    return exit_code(outcome, console, config)
