"""Content digests of the build's inputs and code, for caches that must never serve stale results.

A cached result is keyed by everything it was computed from: the data (prices, facts, the claims
and the event definition) and the source of the code that computed it. Change any of them and the
key changes, so a cache can only be skipped, never wrong.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from .facts import Fact

PACKAGE = Path(__file__).resolve().parent


def code_digest(parts: Iterable[str]) -> str:
    """sha256 of the source files under the named package folders or modules, in a fixed order."""
    h = hashlib.sha256()
    for part in sorted(parts):
        target = PACKAGE / part
        files = sorted(target.rglob("*.py")) if target.is_dir() else [target]
        for f in files:
            h.update(f.relative_to(PACKAGE).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def frame_digest(df: pd.DataFrame) -> str:
    return hashlib.sha256(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes()
                          + ",".join(map(str, df.columns)).encode()).hexdigest()


def facts_digest(facts: Mapping[str, Fact]) -> str:
    doc = [facts[k].model_dump(mode="json") for k in sorted(facts)]
    return hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def combine(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()
