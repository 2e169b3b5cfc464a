"""Pause CPython's cyclic garbage collector while a scan builds and reads large object graphs.

A scan allocates millions of objects that live until it ends (trees, facts, the stored model and result cache decoded
from JSON, semgrep's report), and almost none of them form cycles: reference counting frees them. The collector
still runs every 700 allocations, and each older-generation pass walks everything that survived, so its share grows
faster than the project: `json.loads` of a 10 MB stored model costs 2.0 CPU s with it and 0.2 s without, of 53 MB
14.1 s and 0.95 s; building the model of 10,000 files 22.7 s and 13.6 s, same peak memory (bench/README.md,
"Growth"). Paused, the cost stays linear; the few cycles a scan leaves (160 objects at 1,000 files, 2,928 at 50,000) are collected when the
collector is enabled again, or by any explicit `gc.collect()` meanwhile.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off inside, back as it was after (also on an error); nested pauses leave it to the outermost."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
