"""The results store of a run directory: SQLite (``RUN_DIR/results.sqlite``), written only by the controller.

Reading (reports, gate): :class:`StoreReader`; writing (the runner): :class:`StoreWriter`; combining
shard runs: :func:`merge_stores`. The API is documented in docs/running.md ("The results store").
"""

from harness.store.merge import MergeSummary, merge_stores
from harness.store.reader import StoreReader
from harness.store.schema import STORE_FILE, store_path
from harness.store.values import FingerprintCount, FingerprintHit, RunInfo, RunStatus, UserRow
from harness.store.writer import StoreWriter

__all__ = [
    "STORE_FILE", "FingerprintCount", "FingerprintHit", "MergeSummary", "RunInfo", "RunStatus", "StoreReader",
    "StoreWriter", "UserRow", "merge_stores", "store_path",
]
