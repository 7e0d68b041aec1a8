"""A refresh killed with SIGKILL at any step of its swap leaves the old snapshot or the new one.

The price files and the manifest move as one folder, so the build never sees new prices with an
old manifest. On a system without an atomic exchange a kill between the two renames leaves no
folder; the build then names the interrupted refresh, and the next refresh finishes it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from build_scripts import refresh
from build_scripts.errors import DataError
from build_scripts.market.snapshot import load_prices

from .conftest import YAHOO_PATH, tree, yahoo_doc

SCRIPT = Path(__file__).with_name("slow_swap.py")


def state(data_dir: Path) -> dict[str, object]:
    """Every file's sha256, with the manifest compared without its retrieval times (they differ per run)."""
    out: dict[str, object] = dict(tree(data_dir))
    manifest = data_dir / "market" / "manifest.json"
    if manifest.exists():
        doc = json.loads(manifest.read_text())
        for entry in doc["series"].values():
            entry.pop("retrieved_at")
        out["market/manifest.json"] = doc
    return out


def kill_at(point: str, data_dir: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, str(SCRIPT), point, "--data-dir", str(data_dir), "--only", "NVDA"],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "STALLED"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL


@pytest.fixture
def old_and_new(data_dir: Path, env: HTTPServer, tmp_path: Path) -> tuple[dict[str, object], dict[str, object]]:
    """The state before, and the state the same refresh reaches when it runs to the end (on a copy)."""
    env.expect_request(YAHOO_PATH).respond_with_json(yahoo_doc())
    twin = tmp_path / "twin" / "data"
    shutil.copytree(data_dir, twin)
    old = state(data_dir)
    assert refresh.run(["--data-dir", str(twin), "--only", "NVDA"]) == 0
    new = state(twin)
    assert new["market/prices/nvda.csv"] != old["market/prices/nvda.csv"]
    assert new["market/manifest.json"] != old["market/manifest.json"]
    return old, new


@pytest.mark.slow
@pytest.mark.parametrize(("point", "expected"), [("copied", "old"), ("journal", "old"), ("exchanged", "new")])
def test_a_kill_at_any_step_leaves_the_whole_old_or_the_whole_new_snapshot(
    point: str, expected: str, data_dir: Path, old_and_new: tuple[dict, dict]
) -> None:
    old, new = old_and_new
    kill_at(point, data_dir)
    assert state(data_dir) == (old if expected == "old" else new)  # no mix, no stray file in data/
    assert load_prices(data_dir / "market" / "manifest.json")["date"].max().day == (20 if expected == "old" else 27)
    # Leftovers live outside data/, and the next refresh clears them and reaches the new state.
    assert (data_dir.parent / "build" / ".staging").is_dir()
    assert refresh.run(["--data-dir", str(data_dir), "--only", "NVDA"]) == 0
    assert state(data_dir) == new
    assert not any(p.name.startswith("market.") for p in (data_dir.parent / "build" / ".staging").iterdir())


@pytest.mark.slow
def test_a_kill_between_two_renames_is_named_by_the_build_and_finished_by_the_refresh(
    data_dir: Path, old_and_new: tuple[dict, dict], capsys: pytest.CaptureFixture[str]
) -> None:
    _, new = old_and_new
    kill_at("between-renames", data_dir)
    assert not (data_dir / "market").exists()
    assert set(tree(data_dir)) == {"sources.yaml", "tickers.yaml"}  # nothing half-written inside data/
    with pytest.raises(DataError) as err:
        load_prices(data_dir / "market" / "manifest.json")
    assert str(err.value) == (
        "data/market/: folder: an interrupted refresh left 2 file(s) in build/.staging (run `make refresh` to finish)"
    )
    capsys.readouterr()
    assert refresh.run(["--data-dir", str(data_dir), "--only", "NVDA"]) == 0
    assert "notice: finished an interrupted refresh (2 file(s) moved in)" in capsys.readouterr().out
    assert state(data_dir) == new
