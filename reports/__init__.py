"""Reports of a run, written from its results store alone (``phoenix report RUN_DIR`` regenerates them).

    from reports import write_reports
    index = write_reports(run_dir)      # index.html, users/<name>.html, manifest.json, manifest.csv

``harness.runner.outputs.write_outputs`` (``phoenix run``, ``phoenix report``) calls it after writing
results.json, junit.xml and the plan; it may also be given an open store: ``write_reports(store, run_dir)``.

See docs/reports.md for what each file holds and the manifests' shape.
"""

from reports.build import write_reports
from reports.paths import user_file_names

__all__ = ["user_file_names", "write_reports"]
