"""``phoenix compare OLD.html NEW.html``: render both in Chromium and explain how alike they look.

Each file is a fragment (a whole document works too); ``--css`` adds a stylesheet to both sides,
``--old-css`` / ``--new-css`` to one. OLD is rendered twice (a separate context) so noise is cancelled.
Exit codes: 0 scored (and at or above ``--fail-under``), 1 below ``--fail-under``, 2 usage, 3 render failed.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from harness.errors import ConfigError, RenderError
from harness.render.values import RenderRequest, Viewport
from harness.score import CaseScore, compare


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("compare", help="render two HTML fragments and score how alike they look")
    parser.add_argument("old", type=Path, help="the old (legacy) HTML")
    parser.add_argument("new", type=Path, help="the new (slot) HTML")
    parser.add_argument("--viewport", default="390x844", help="WIDTHxHEIGHT (default 390x844)")
    parser.add_argument("--css", type=Path, help="a stylesheet for both sides")
    parser.add_argument("--old-css", type=Path, help="a stylesheet for OLD only")
    parser.add_argument("--new-css", type=Path, help="a stylesheet for NEW only")
    parser.add_argument("--screenshots", action="store_true", help="also compare pixels (slower)")
    parser.add_argument("--fail-under", type=float, help="exit 1 when the score is below this")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument("--browser", help="the Chromium executable to use")
    parser.set_defaults(handler=_run)


def _read(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}", fix="pass a readable UTF-8 file") from exc


def _run(args: argparse.Namespace) -> int:
    try:
        viewport = Viewport.parse(args.viewport)
    except RenderError as exc:
        raise ConfigError(exc.message, fix=exc.fix, code="config.viewport") from exc
    shared = _read(args.css)
    old = RenderRequest("old", _read(args.old), shared + _read(args.old_css), viewport, args.screenshots)
    new = RenderRequest("new", _read(args.new), shared + _read(args.new_css), viewport, args.screenshots)
    from harness.render.pool import BrowserPool, PoolOptions  # Playwright only for this command

    with BrowserPool(PoolOptions(executable=args.browser)) as pool:
        old_snap, new_snap = pool.render([old, new])
        twin = pool.render_one(old, lane="twin")
    for snap in (old_snap, new_snap, twin):
        if snap.error is not None:
            raise RenderError(snap.error.message, fix=snap.error.fix, code=snap.error.code)
    result = compare(old_snap, new_snap, twin=twin)
    print(json.dumps(_as_json(result), indent=2) if args.json else _as_text(result))
    return 1 if args.fail_under is not None and result.score < args.fail_under else 0


def _as_json(result: CaseScore) -> dict[str, object]:
    return {"score": result.score, "subscores": dict(result.subscores), "noisy": result.noisy,
            "mismatches": [vars(m) for m in result.mismatches], "noise": [vars(m) for m in result.noise],
            "ignored_counts": dict(result.ignored_counts)}


def _as_text(result: CaseScore) -> str:
    lines = [f"score {result.score:.4f}" + ("  (NOISY: old differs from its own re-render)" if result.noisy else ""),
             "  " + "  ".join(f"{k} {v:.4f}" for k, v in result.subscores.items())]
    if not result.mismatches:
        lines.append("no differences")
    for m in result.mismatches:
        lines.append(f"{'!' if m.noticeable else ' '} {m.message}  [{m.weight:.4f}]")
    return "\n".join(lines)
