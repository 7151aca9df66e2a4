"""``phoenix``: the command line. Each subcommand lives in its own module of this package.

A subcommand module defines ``register(subparsers)``, which adds its parser and sets ``handler`` to a
function ``(args) -> int``. Modules are discovered, so adding a command means adding a module.

Exit codes (documented in the README): 0 passed, 1 gate failed, 2 usage or configuration error,
3 harness or infrastructure error (no browser, crashed workers, unwritable store).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from harness.errors import BrowserNotFoundError, ConfigError, PhoenixError, StoreError

EXIT_OK = 0
EXIT_GATE_FAILED = 1
EXIT_USAGE = 2
EXIT_INFRA = 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="phoenix",
        description="Check whether legacy template customizations can migrate to the slot system unchanged.",
    )
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"phoenix {version('phoenix-harness')}"
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "phoenix (not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        code: int = handler(args)
    except ConfigError as exc:
        print(f"phoenix: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (BrowserNotFoundError, StoreError) as exc:
        print(f"phoenix: {exc}", file=sys.stderr)
        return EXIT_INFRA
    except PhoenixError as exc:
        print(f"phoenix: {exc}", file=sys.stderr)
        return EXIT_INFRA
    except KeyboardInterrupt:
        print("phoenix: interrupted; finished users are kept in the run directory (use --resume)",
              file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
