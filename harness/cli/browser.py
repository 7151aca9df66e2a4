"""``phoenix browser find|ensure``: where is the Chromium the harness drives (and get one if missing)."""

from __future__ import annotations

import argparse

from harness.render.browser import find_browser


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("browser", help="find (or install) the Chromium the harness drives")
    parser.add_argument("action", choices=["find", "ensure"],
                        help="find: print where it is; ensure: install one when none is found")
    parser.add_argument("--browser", help="use this executable (overrides PHOENIX_BROWSER)")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    location = find_browser(args.browser, install=args.action == "ensure")
    print(location.describe())
    return 0
