"""Writing a file so that a reader sees the old content or the new, never half: the one way every output,
report and cache entry of the harness is written.

    replace_atomically(path, data)                       # OSError on failure, no temporary left behind
    write_output(path, data, what="the plan", code="store.plan_write")   # the same, failing as StoreError
"""

from __future__ import annotations

import os
import threading
from contextlib import suppress
from pathlib import Path

from harness.errors import StoreError, Where

OUTPUT_FIX = "free disk space, or choose a run directory you can write to"


def replace_atomically(path: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary beside ``path`` and rename it over ``path`` (creating the folder).

    The temporary's name is unique per process and thread (workers and page-writing threads may write the
    same cache entry at once) and holds the final name, so a reader can tell what it was for. On any failure
    (a full disk shows at write or close) the temporary is removed and the OSError raised.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError:
        with suppress(OSError):
            temporary.unlink(missing_ok=True)  # half a file is no use to anyone
        raise
    return path


def write_output(path: Path, data: bytes, *, what: str, code: str) -> Path:
    """:func:`replace_atomically` for a file of a run directory: a failure is a :class:`StoreError` that
    says which file (``what`` names it for people) could not be written, and the fix."""
    try:
        return replace_atomically(path, data)
    except OSError as exc:
        raise StoreError(f"{what} could not be written: {exc.strerror}", where=Where(file=str(path)),
                         fix=OUTPUT_FIX, code=code) from None
