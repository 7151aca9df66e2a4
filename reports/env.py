"""The Jinja environment of the reports, their assets, and number formatting.

``Environment(autoescape=True)`` (not ``select_autoescape``, which misses ``.html.j2``) with
``StrictUndefined``: a template that names a missing value fails loudly instead of printing nothing. The
report templates are ours; user content only ever arrives as data (a ``{{ 7*7 }}`` in a diff is text).
"""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from harness.store.values import RunInfo
from reports.escape import page_csp, script_json

TEMPLATES = Path(__file__).parent / "templates"
ASSETS = Path(__file__).parent / "assets"


@cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(script_json=script_json, score=fmt_score, pct=fmt_pct, num=fmt_num)
    return env


@cache
def asset(name: str) -> str:
    """An asset's text; stylesheets with comments and runs of whitespace removed (every page inlines it)."""
    text = (ASSETS / name).read_text(encoding="utf-8")
    if name.endswith(".css"):
        text = re.sub(r"\s+", " ", re.sub(r"/\*.*?\*/", "", text, flags=re.S))
        text = re.sub(r" ?([{};,]) ?", r"\1", text).strip()
    return text


def render_page(template: str, *, script: str, **context: Any) -> str:
    """Render one page with the shared stylesheet, its one inline script and the page's CSP.

    The header's run line is ``run_meta`` when given (a user page's frame passes a mark, see
    :mod:`reports.pagecache`), else :func:`run_meta` of ``run``."""
    source = asset(script)
    if "run_meta" not in context:
        context["run_meta"] = run_meta(context["run"])
    return environment().get_template(template).render(
        css=Markup(asset("report.css")), script=Markup(source), csp=page_csp([source]), **context)


def run_meta(run: RunInfo) -> Markup:
    """The header's run line: source, status, start and finish (every value escaped)."""
    line = Markup("{} · run {} · started {}").format(run.source, run.status, run.started_at)
    if run.finished_at:
        line += Markup(" · finished {}").format(run.finished_at)
    return line


def fmt_score(value: float | None, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no score"
    return f"{value:.{digits}f}"


def fmt_pct(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "n/a"
    return f"{value * 100:.{digits}f}%"


def fmt_num(value: int | float) -> str:
    return f"{value:,}"
