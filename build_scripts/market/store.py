"""Atomic storage of the snapshot: a write is complete or it never happened.

New files are written and flushed in a staging folder outside `data/` (on the same file system),
then moved into place with `os.replace`. A process killed at any moment leaves either the old
file or the new one in `data/`, and never a temporary file there.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..paths import BUILD

STAGING = BUILD / ".staging"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    return sha256_bytes(path.read_bytes())


def csv_bytes(df: pd.DataFrame) -> bytes:
    """The canonical CSV text of a price table: fixed column order, 4 decimals, LF endings."""
    out = df.copy()
    if "volume" in out.columns:
        out["volume"] = out["volume"].round().astype("Int64")
    return out.to_csv(index=False, float_format="%.4f", lineterminator="\n").encode("utf-8")


def json_bytes(obj: Mapping[str, Any]) -> bytes:
    return (json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _stage(data: bytes, name: str, staging: Path) -> Path:
    staging.mkdir(parents=True, exist_ok=True)
    tmp = staging / f"{name}.{os.getpid()}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return tmp


def replace_files(files: Mapping[Path, bytes], staging: Path = STAGING) -> list[Path]:
    """Write every file atomically; files whose bytes are unchanged are not touched.

    Returns the paths that changed. All new contents are staged before the first one moves in,
    so a failure while staging leaves `data/` exactly as it was.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for dest, data in files.items():
            if dest.exists() and dest.read_bytes() == data:
                continue
            staged.append((_stage(data, dest.name, staging), dest))
        for tmp, dest in staged:
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, dest)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
    return [dest for _, dest in staged]
