"""Frozen data: each edition is rebuilt from the data it was first published with.

The record is a digest: the git tree id that `data/` has without `editions.yaml` (the edition
list itself is left out, so adding an edition to the list does not change the digest of the data
it records). Git stores every committed state of `data/`, so the digest is also the way back to
the data: search the history for a commit whose `data/` has that digest and export it. A digest,
unlike a commit id, survives a rebase or a squash merge, because it names content.

The rule for later changes to the data's format (a new fact field, say): the current code must
still read every recorded snapshot, so a new field is optional or has a default. A change that
cannot keep old snapshots readable re-records the affected editions (`editions record VERSION`),
in a commit of its own whose message says why, and re-publishes them (`make editions
ARGS=--rebuild`): the edition then changes once, on the record, and never silently.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

LEFT_OUT = b"editions.yaml"
DATA_DIR = "data"


class NotFound(Exception):
    pass


def _git(repo: Path, *args: str, input_: bytes | None = None, env: dict[str, str] | None = None) -> bytes:
    res = subprocess.run(["git", *args], cwd=repo, input=input_, capture_output=True, env=env)
    if res.returncode != 0:
        raise NotFound(f"git {' '.join(args)}: {res.stderr.decode(errors='replace').strip()}")
    return res.stdout


def _entries(raw: bytes) -> list[tuple[bytes, bytes, bytes]]:
    """A raw git tree object as (mode, name, 20-byte id) entries."""
    out, i = [], 0
    while i < len(raw):
        space = raw.index(b" ", i)
        nul = raw.index(b"\0", space)
        out.append((raw[i:space], raw[space + 1:nul], raw[nul + 1:nul + 21]))
        i = nul + 21
    return out


def digest_of_tree(raw: bytes) -> str:
    """The id of the same tree without `editions.yaml` (entries keep git's order)."""
    body = b"".join(m + b" " + n + b"\0" + s for m, n, s in _entries(raw) if n != LEFT_OUT)
    return hashlib.sha1(b"tree %d\0" % len(body) + body).hexdigest()


@dataclass(frozen=True)
class Snapshot:
    """Where an edition's data is: a tree of `data/` in the repository, and a commit holding it
    (None when the data is in the working tree and not yet committed)."""

    tree: str
    commit: str | None


def working_tree(repo: Path) -> tuple[str, str]:
    """(digest, tree id) of `data/` as it is on disk now, through a throwaway index (the real
    index is not touched; .gitignore applies, as it would for a commit)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(tmp) / "index")}
        has_head = subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=repo,
                                  capture_output=True).returncode == 0
        if has_head:
            _git(repo, "read-tree", "HEAD", env=env)
        _git(repo, "add", "-A", "--", DATA_DIR, env=env)
        tree = _git(repo, "write-tree", f"--prefix={DATA_DIR}/", env=env).decode().strip()
    raw = _git(repo, "cat-file", "tree", tree)
    return digest_of_tree(raw), tree


def find(repo: Path, digest: str) -> Snapshot:
    """The data recorded by `digest`: in the working tree, or in any commit reachable from HEAD."""
    now, tree = working_tree(repo)
    if now == digest:
        head = subprocess.run(["git", "rev-parse", "-q", "--verify", f"HEAD:{DATA_DIR}"], cwd=repo,
                              capture_output=True, text=True).stdout.strip()
        commit = _git(repo, "rev-parse", "HEAD").decode().strip() if head == tree else None
        return Snapshot(tree, commit)
    commits = _git(repo, "rev-list", "HEAD").decode().split()
    if commits:
        checks = _git(repo, "cat-file", "--batch-check=%(objectname) %(objecttype)",
                      input_="".join(f"{c}:{DATA_DIR}\n" for c in commits).encode()).decode().splitlines()
        first: dict[str, str] = {}
        for commit, line in zip(commits, checks, strict=True):
            oid, _, kind = line.partition(" ")
            if kind == "tree":
                first.setdefault(oid, commit)
        trees = list(first)
        raw = _git(repo, "cat-file", "--batch", input_="".join(f"{t}\n" for t in trees).encode())
        pos = 0
        for oid in trees:
            header_end = raw.index(b"\n", pos)
            size = int(raw[pos:header_end].split()[2])
            body = raw[header_end + 1:header_end + 1 + size]
            pos = header_end + 1 + size + 1
            if digest_of_tree(body) == digest:
                return Snapshot(oid, first[oid])
    shallow = _git(repo, "rev-parse", "--is-shallow-repository").decode().strip() == "true"
    raise NotFound(f"no commit of this clone holds the data with digest {digest}"
                   + (" (this clone is shallow: run `git fetch --unshallow`)" if shallow else ""))


def export(repo: Path, snap: Snapshot, dest: Path) -> Path:
    """Write the snapshot's files to `dest`/data and return that folder."""
    archive = _git(repo, "archive", "--format=tar", snap.tree)
    out = dest / DATA_DIR
    out.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(out, filter="data")
    return out
