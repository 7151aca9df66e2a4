"""Rendering the two kinds of page: one user's report and the fleet dashboard."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from harness.runner.result import UserResult
from harness.store.values import RunInfo
from reports.caseview import Thresholds
from reports.env import render_page, run_meta
from reports.escape import frame_head, style_text
from reports.fleet import FleetView
from reports.pagecache import CACHE_MARK, FROM_CACHE_FACT, RUN_MARK
from reports.userview import user_view


def thresholds_of(run: RunInfo) -> Thresholds:
    settings = run.settings
    return Thresholds(float(settings.get("pass_threshold", 0.95)), float(settings.get("block_threshold", 0.80)))


def user_page(result: UserResult, run: RunInfo, *, shared: Mapping[str, int],
              dashboard_fingerprints: Collection[str], from_cache: bool = False) -> str:
    """The HTML of ``users/<name>.html``. ``result`` must carry its documents (``attach_documents``).

    ``shared``: fingerprint → users showing it; ``dashboard_fingerprints``: those with an entry on the
    dashboard (a mismatch links there only when the entry exists).
    """
    frame = user_frame(result, thresholds_of(run), shared=shared, dashboard_fingerprints=dashboard_fingerprints)
    return frame.replace(RUN_MARK, run_meta(run), 1).replace(CACHE_MARK, FROM_CACHE_FACT if from_cache else "", 1)


def user_frame(result: UserResult, thresholds: Thresholds, *, shared: Mapping[str, int],
               dashboard_fingerprints: Collection[str]) -> str:
    """The page of ``result`` with marks where the run's line and the cache fact go (:mod:`reports.pagecache`):
    what the page cache keeps. :func:`reports.pagecache.fill_frame` makes it the page."""
    view = user_view(result, thresholds=thresholds, shared=shared)
    docs = {"head": frame_head(), "docs": view.documents, "styles": view.styles,
            "highlights": [style_text(h) for h in view.highlights]}
    return render_page("user.html.j2", script="user.js", u=view, run_meta=RUN_MARK, cache_fact=CACHE_MARK,
                       thresholds=thresholds, docs=docs, dashboard_fingerprints=frozenset(dashboard_fingerprints))


def dashboard_page(fleet: FleetView, run: RunInfo, *, extra_links: Sequence[tuple[str, str]] = ()) -> str:
    """The HTML of ``index.html``; ``extra_links``: (file name, label) of other outputs in the run directory."""
    return render_page("index.html.j2", script="dashboard.js", f=fleet, run=run, thresholds=thresholds_of(run),
                       table=fleet.table_data(), extra_links=list(extra_links))
