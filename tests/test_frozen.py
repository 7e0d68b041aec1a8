"""Frozen data on small temporary repositories: the digest, finding it again, re-recording."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from build_scripts import deploy, frozen
from build_scripts.editions import load


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    r = tmp_path / "repo"
    (r / "data" / "facts").mkdir(parents=True)
    for args in (["init", "-q", "-b", "main"], ["config", "user.email", "ci@example.org"],
                 ["config", "user.name", "CI"]):
        git(r, *args)
    (r / "data" / "facts" / "a.yaml").write_text("facts: []\n")
    (r / "data" / "editions.yaml").write_text("editions: []\n")
    git(r, "add", "-A")
    git(r, "commit", "-qm", "one")
    return r


def test_the_digest_leaves_out_the_edition_list_and_names_the_rest(repo: Path) -> None:
    before, tree = frozen.working_tree(repo)
    assert tree == git(repo, "rev-parse", "HEAD:data")  # the working tree is what HEAD holds
    (repo / "data" / "editions.yaml").write_text("editions: [changed]\n")
    assert frozen.working_tree(repo)[0] == before
    (repo / "data" / "facts" / "a.yaml").write_text("facts: [1]\n")
    assert frozen.working_tree(repo)[0] != before
    git(repo, "checkout", "-q", "--", "data")
    # Without an edition list, the digest is the tree id git itself gives data/.
    git(repo, "rm", "-q", "data/editions.yaml")
    git(repo, "commit", "-qm", "no list")
    assert frozen.working_tree(repo)[0] == git(repo, "rev-parse", "HEAD:data") == before


def test_recorded_data_is_found_after_a_squash_merge_and_exported_whole(repo: Path, tmp_path: Path) -> None:
    git(repo, "switch", "-qc", "refresh")
    (repo / "data" / "facts" / "a.yaml").write_text("facts: [new]\n")
    git(repo, "commit", "-qam", "refresh data")
    digest, _ = frozen.working_tree(repo)
    (repo / "data" / "editions.yaml").write_text("editions: [new]\n")
    git(repo, "commit", "-qam", "record the edition")
    # Squash-merge into main, then move on: the branch's commits are gone, the content is not.
    git(repo, "switch", "-q", "main")
    git(repo, "merge", "-q", "--squash", "refresh")
    git(repo, "commit", "-qm", "squashed refresh")
    git(repo, "branch", "-qD", "refresh")
    (repo / "data" / "facts" / "a.yaml").write_text("facts: [newer]\n")
    git(repo, "commit", "-qam", "later data")
    snap = frozen.find(repo, digest)
    assert snap.commit == git(repo, "rev-parse", "HEAD~1")
    out = frozen.export(repo, snap, tmp_path / "x")
    assert (out / "facts" / "a.yaml").read_text() == "facts: [new]\n"
    with pytest.raises(frozen.NotFound, match="no commit of this clone holds"):
        frozen.find(repo, "ab" * 20)


def test_uncommitted_data_is_found_in_the_working_tree(repo: Path) -> None:
    (repo / "data" / "facts" / "b.yaml").write_text("facts: []\n")
    digest, tree = frozen.working_tree(repo)
    assert frozen.find(repo, digest) == frozen.Snapshot(tree, None)
    assert git(repo, "status", "--porcelain") == "?? data/facts/b.yaml"  # the real index is untouched


def test_re_recording_changes_only_the_named_edition(repo: Path) -> None:
    old, _ = frozen.working_tree(repo)
    text = ('dated_title: {en: "Data to {date}", ja: "{date}までのデータ"}\neditions:\n'
            + "".join(f'  - version: "{v}"\n    as_of: {d}\n    title: {{en: "E", ja: "版"}}\n'
                      f'    data: "{old}"  # first published\n' for v, d in (("2025-01", "2025-01-31"),
                                                                           ("2025-07", "2025-07-28"))))
    path = repo / "data" / "editions.yaml"
    path.write_text(text, encoding="utf-8")
    (repo / "data" / "facts" / "a.yaml").write_text("facts: [reformatted]\n")
    new = deploy.record(["2025-07"], repo, path)
    eds, _ = load(path)
    assert [e.data for e in eds] == [old, new] and new != old
    first, rest = text.split(f'"{old}"', 1)
    assert path.read_text(encoding="utf-8") == first + f'"{old}"' + rest.replace(f'"{old}"', f'"{new}"')
