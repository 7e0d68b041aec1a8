"""A refresh from (local, mimicked) providers, then a build: the site shows the new last date."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from build_scripts import fmt
from build_scripts.paths import DATA, ROOT

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError("mimic server did not start")


def test_refresh_then_build_shows_the_new_last_date(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    before = json.loads((data / "market" / "manifest.json").read_text())["series"]["NVDA"]["last_date"]
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "YAHOO_BASE_URL": f"http://127.0.0.1:{port}",
           "TIINGO_BASE_URL": f"http://127.0.0.1:{port}", "EDGAR_BASE_URL": f"http://127.0.0.1:{port}"}
    env.pop("TIINGO_API_KEY", None)
    mimic = subprocess.Popen([sys.executable, "-m", "build_scripts.fetch.mimic", "--port", str(port),
                              "--data-dir", str(data), "--extend", "2"], cwd=ROOT, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(port)
        res = subprocess.run([sys.executable, "-m", "build_scripts", "refresh", "--data-dir", str(data),
                              "--only", "NVDA", "SPY"], cwd=ROOT, env=env, capture_output=True, text=True,
                             timeout=300)
        assert res.returncode == 0, res.stdout + res.stderr
    finally:
        mimic.terminate()
        mimic.wait(timeout=10)
    after = json.loads((data / "market" / "manifest.json").read_text())["series"]["NVDA"]["last_date"]
    assert after > before

    site = tmp_path / "site"
    res = subprocess.run([sys.executable, "-m", "build_scripts", "site", "--site-dir", str(site)], cwd=ROOT,
                         env={**env, "REPORT_DATA_DIR": str(data), "REPORT_BUILD_DIR": str(tmp_path / "build")},
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout + res.stderr
    import datetime as dt

    new_last = dt.date.fromisoformat(after)
    assert fmt.date(new_last, "en") in (site / "methodology" / "index.html").read_text(encoding="utf-8")
    assert fmt.date(new_last, "ja") in (site / "ja" / "methodology" / "index.html").read_text(encoding="utf-8")
