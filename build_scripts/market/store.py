"""Atomic storage of the snapshot: the manifest and the price files change as one unit, or not at all.

The manifest records the sha256 of every price file, so the two must never be seen out of step. A
change is therefore written into a complete copy of the folder in a staging area outside `data/`
(on the same file system), and the copy is swapped in with one rename: `renameat2(RENAME_EXCHANGE)`
on Linux, which exchanges the two folders atomically. A process killed at any moment leaves the old
folder or the new one, never a mix, and never a temporary file inside `data/`.

Where the exchange is not available, the swap takes two renames (old folder out, new folder in).
A crash between them leaves no folder at all, but a journal in the staging area says so: the build
then reports an interrupted refresh, and the next refresh finishes the swap.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import DataError

JOURNAL = "swap.json"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


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


def staging_for(data_root: Path) -> Path:
    """The staging area of a data folder: `build/.staging` beside it, outside it."""
    return data_root.resolve().parent / "build" / ".staging"


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _stage(data: bytes, name: str, staging: Path) -> Path:
    staging.mkdir(parents=True, exist_ok=True)
    tmp = staging / f"{name}.{os.getpid()}.tmp"
    _write(tmp, data)
    return tmp


def replace_files(files: Mapping[Path, bytes], staging: Path) -> list[Path]:
    """Replace single files atomically (each old or new); unchanged files are not touched.

    For files that stand alone (the EDGAR facts file). The snapshot, whose files must agree with
    each other, goes through `swap_folder` instead.
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


# --- the folder swap ---------------------------------------------------------------------------


def _libc_exchange(a: Path, b: Path) -> bool:
    """Exchange two paths atomically; False where the system cannot (then the caller falls back)."""
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a))


# Seams for the crash tests: each step of a swap is one call they can stall in.
exchange = _libc_exchange
rename = os.rename


def _copy_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, copy_function=shutil.copy2)


def _clear(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


@contextlib.contextmanager
def locked(staging: Path) -> Iterator[None]:
    """One writer at a time: a second refresh or import stops instead of mixing its files in."""
    staging.mkdir(parents=True, exist_ok=True)
    with open(staging / "lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DataError("build/.staging", "lock", "another refresh or import is writing the snapshot",
                            hint="wait for it to finish, then run again") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def read_journal(staging: Path) -> dict[str, Any] | None:
    """The journal of a swap in flight, if a process died during one."""
    try:
        doc = json.loads((staging / JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) and isinstance(doc.get("files"), list) else None


def swap_folder(folder: Path, changes: Mapping[Path, bytes], staging: Path) -> list[Path]:
    """Apply `changes` (path inside `folder` -> bytes) so that `folder` moves as one unit.

    Returns the paths whose bytes changed; with none, nothing is written at all.
    """
    folder = folder.resolve()
    changed = {p: b for p, b in changes.items() if not (p.exists() and p.read_bytes() == b)}
    if not changed:
        return []
    rel = {p: p.resolve().relative_to(folder) for p in changed}  # ValueError: a path outside the unit
    new, old = staging / f"{folder.name}.new", staging / f"{folder.name}.old"
    staging.mkdir(parents=True, exist_ok=True)
    _clear(new)
    _clear(old)
    if folder.exists():
        _copy_tree(folder, new)
    else:
        new.mkdir(parents=True)
    for dest, data in changed.items():
        target = new / rel[dest]
        target.parent.mkdir(parents=True, exist_ok=True)
        _write(target, data)
    for d in [new, *(p for p in new.rglob("*") if p.is_dir())]:
        _fsync_dir(d)
    journal = {"folder": folder.name, "files": sorted(r.as_posix() for r in rel.values())}
    _write(staging / JOURNAL, json.dumps(journal, indent=2).encode("utf-8"))
    folder.parent.mkdir(parents=True, exist_ok=True)
    if folder.exists() and exchange(folder, new):
        pass  # `new` now holds the old folder
    else:
        if folder.exists():
            rename(folder, old)
        rename(new, folder)
    _fsync_dir(folder.parent)
    (staging / JOURNAL).unlink()
    _clear(new)
    _clear(old)
    return list(changed)


def finish_interrupted(folder: Path, staging: Path) -> int:
    """Complete or clear a swap that a killed process left behind; the number of files it finished.

    With the folder in place, the swap either completed or never began: both are whole states, so
    only the leftovers are cleared. With the folder missing, the complete new copy is moved in.
    """
    folder = folder.resolve()
    journal = read_journal(staging)
    new, old = staging / f"{folder.name}.new", staging / f"{folder.name}.old"
    finished = 0
    if journal is not None and not folder.exists() and new.is_dir():
        rename(new, folder)
        _fsync_dir(folder.parent)
        finished = len(journal["files"])
    (staging / JOURNAL).unlink(missing_ok=True)
    _clear(new)
    _clear(old)
    return finished


def interrupted(folder: Path, staging: Path) -> int | None:
    """How many files an interrupted swap of `folder` left in staging, or None if there is none."""
    journal = read_journal(staging)
    if journal is None or journal.get("folder") != folder.name:
        return None
    return len(journal["files"])
