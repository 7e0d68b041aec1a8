"""A refresh killed with SIGKILL in the middle of writing leaves no stray file in data/.

Each file is then either its old or its new version, and the next refresh repairs the manifest.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from build_scripts import refresh
from build_scripts.market.snapshot import load_prices

from .conftest import YAHOO_PATH, tree, yahoo_doc

SCRIPT = Path(__file__).with_name("slow_swap.py")


@pytest.mark.parametrize("point", ["stage", "move"])
def test_kill_mid_write_leaves_old_or_new_files_only(
    point: str, data_dir: Path, env: HTTPServer, tmp_path: Path
) -> None:
    env.expect_request(YAHOO_PATH).respond_with_json(yahoo_doc())
    # The expected "new" state: the same refresh run to completion on a copy.
    twin = tmp_path / "twin" / "data"
    shutil.copytree(data_dir, twin)
    old = tree(data_dir)
    assert refresh.run(["--data-dir", str(twin), "--only", "NVDA"]) == 0
    new = tree(twin)
    assert new != old

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

    now = tree(data_dir)
    assert set(now) == set(old)  # no temporary or partial file inside data/
    for name, digest in now.items():
        assert digest in (old[name], new.get(name)), name
    if point == "stage":
        assert now == old
    else:
        assert now["market/prices/nvda.csv"] == new["market/prices/nvda.csv"]
        assert now["market/manifest.json"] == old["market/manifest.json"]
    # Staged leftovers live outside data/, and a rerun brings the manifest back in line.
    assert (data_dir.parent / "build" / ".staging").is_dir()
    assert refresh.run(["--data-dir", str(data_dir), "--only", "NVDA"]) == 0
    assert tree(data_dir)["market/prices/nvda.csv"] == new["market/prices/nvda.csv"]
    assert load_prices(data_dir / "market" / "manifest.json")["date"].max().day == 27
