"""Writing a file whole or not at all.

Evidence and summaries are written where a disk can fill up: a reader must never see half
a file (a torn ``summary.json``, a trace half scrubbed), and a failed write must not leave
a temporary file that nothing would ever remove.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomically(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Call ``write`` with a temporary file beside ``path``, then put it in ``path``'s place.
    On any failure (``OSError`` on a full disk included) ``path`` is as it was, the
    temporary file is gone and the error is raised."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix,
                                         dir=path.parent)  # fmt: skip
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
