"""``phoenix translate``: translate one legacy customization (a diff) into a slot config, with its report.

    phoenix translate product-card my-card.diff [--base-version 1.1.0] [--json]

Prints, per hunk of the diff, the changes it made and the slot operations they became (or why none
could), the verification per scenario, then the slot config. Exit code: 0 complete, 1 partial or
failed (including a diff that does not apply), 2 usage (unknown component or version, unreadable file).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from harness.errors import ConfigError, PackError, PatchError, PhoenixError, Where
from harness.model import Customization
from harness.packs import default_packs
from translators import Translation, render_text, translate_customization

EXIT_COMPLETE = 0
EXIT_INCOMPLETE = 1


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("translate", help="translate a customization's diff into a slot config (exit 0 complete)",
                            description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("component", help="the component the diff customizes (e.g. product-card)")
    parser.add_argument("diff", type=Path, help="the unified diff of the customization")
    parser.add_argument("--base-version", help="the version the diff was made against (default: identify it)")
    parser.add_argument("--user", default="cli", help="user id to show in the report (default: cli)")
    parser.add_argument("--json", action="store_true", help="print the report and config as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    packs = default_packs()
    if args.component not in packs:
        raise ConfigError(f"there is no component {args.component!r}", where=Where(component=args.component),
                          fix="use one of " + ", ".join(sorted(packs)), code="config.unknown_component")
    pack = packs[args.component]
    if args.base_version is not None and args.base_version not in pack.versions:
        raise ConfigError(f"{pack.name} has no version {args.base_version!r}", where=Where(component=pack.name),
                          fix="use one of " + ", ".join(pack.versions), code="config.unknown_version")
    try:
        diff = args.diff.read_bytes()
    except OSError as exc:
        raise ConfigError(f"the diff cannot be read: {exc.strerror or exc}", where=Where(file=str(args.diff)),
                          fix="pass the path of a unified diff file", code="config.unreadable") from None
    record = Customization(args.user, pack.name, args.base_version, diff, source=str(args.diff))
    result = translate_customization(record, packs)
    if isinstance(result, PhoenixError):
        return _refused(result, args.json)
    _print(result, args.json)
    return EXIT_COMPLETE if result.report.status == "complete" else EXIT_INCOMPLETE


def _refused(error: PhoenixError, as_json: bool) -> int:
    if isinstance(error, PackError) and not isinstance(error, PatchError):
        raise ConfigError(error.message, where=error.where, fix=error.fix, code=error.code)
    if as_json:
        print(json.dumps({"status": "failed", "error": error.as_dict()}, indent=2))
    else:
        print(f"status: failed: the diff could not be applied [{error.code}]\n  {error}")
    return EXIT_INCOMPLETE


def _print(translation: Translation, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"report": translation.report.as_dict(), "config": translation.config.to_json()}, indent=2))
    else:
        print(render_text(translation.report, translation.config), end="")
