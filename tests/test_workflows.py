"""The GitHub workflows: zizmor finds nothing, and the publishing rules hold.

zizmor runs offline (its online audits need GitHub's API). Its default persona must report no
finding. The stricter "auditor" persona may report only the findings kept below, each with its
reason.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from build_scripts.paths import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
ZIZMOR = Path(sys.executable).parent / "zizmor"
KEPT = {
    # The Tiingo key is a read-only market-data key, passed to the one step that fetches prices.
    # A deployment environment would add a deployment record to every scheduled run for no
    # protection the step-level secret does not already give.
    "secrets-outside-env": "refresh.yml",
}
PIN = re.compile(r"^\s*(?:-\s*)?uses:\s*([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+\s*$")


def zizmor(*args: str) -> list[dict]:
    res = subprocess.run([str(ZIZMOR), "--offline", "--format=json", *args, str(WORKFLOWS)],
                         capture_output=True, text=True, cwd=ROOT)
    assert res.returncode in (0, 10, 11, 12, 13, 14), res.stderr  # 1x: findings of a severity
    return json.loads(res.stdout or "[]")


@pytest.mark.slow
def test_zizmor_finds_nothing() -> None:
    findings = zizmor()
    assert not findings, [f["ident"] for f in findings]


@pytest.mark.slow
def test_the_stricter_audit_finds_only_what_is_kept_for_a_reason() -> None:
    found = {(f["ident"], Path(loc["symbolic"]["key"]["Local"]["verbatim_path"]).name)
             for f in zizmor("--persona=auditor") for loc in f["locations"][:1]}
    assert found <= set(KEPT.items()), found - set(KEPT.items())


def load(name: str) -> dict:
    return yaml.load((WORKFLOWS / name).read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


@pytest.mark.parametrize("name", ["test.yml", "refresh.yml"])
def test_least_privilege_and_pinned_actions(name: str) -> None:
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    wf = load(name)
    assert wf["permissions"] == {"contents": "read"}
    for line in text.splitlines():
        if re.match(r"^\s*(-\s*)?uses:", line):
            assert PIN.match(line), f"not pinned by full commit SHA with a version comment: {line.strip()}"
    for job_id, job in wf["jobs"].items():
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] == "false", job_id
        # Secrets and tokens reach only the step that uses them.
        assert "secrets." not in json.dumps(job.get("env", {})) and "token" not in json.dumps(job.get("env", {}))
        writes = {k for k, v in job.get("permissions", {}).items() if v == "write"}
        pushes = "git push" in json.dumps(job) or "make deploy" in json.dumps(job)
        assert not pushes or writes, f"{job_id} pushes without write permission"
        for step in job["steps"]:
            run = step.get("run", "")
            assert "${{" not in run, f"{job_id}: expressions go through env, not into scripts"
            if "secrets." in json.dumps(step.get("env", {})) or "github.token" in json.dumps(step.get("env", {})):
                assert step.get("run") or step.get("uses"), job_id


def test_test_workflow_runs_make_test_on_pushes_and_pull_requests() -> None:
    wf = load("test.yml")
    assert set(wf["on"]) == {"push", "pull_request"}
    runs = [s["run"] for s in wf["jobs"]["test"]["steps"] if "run" in s]
    # System packages first, then the suite exactly as a developer runs it.
    assert runs[-1] == "make test" and all(r.startswith("sudo apt-get install ") for r in runs[:-1])
    assert any(s.get("with", {}).get("cache") == "pip" for s in wf["jobs"]["test"]["steps"])


def test_refresh_proposes_a_pull_request_and_publishes_only_after_merge() -> None:
    wf = load("refresh.yml")
    jobs = wf["jobs"]
    minute, _, _, _, weekdays = wf["on"]["schedule"][0]["cron"].split()
    assert minute not in ("0", "00", "30") and weekdays in ("1-5", "2-6")
    assert set(wf["on"]) == {"schedule", "workflow_dispatch", "push"}
    assert wf["on"]["push"]["branches"] == ["main"]
    refresh = json.dumps(jobs["refresh"])
    assert "make refresh" in refresh and "make test" in refresh and "permissions" not in jobs["refresh"]
    assert jobs["propose"]["needs"] == "refresh"
    propose = json.dumps(jobs["propose"])
    assert "gh pr create" in propose and "HEAD:refs/heads/$branch" in propose
    pushes = [ln for job in jobs.values() for st in job["steps"] for ln in st.get("run", "").splitlines()
              if "git push" in ln]
    assert pushes and not any(re.search(r"\bmain\b", ln) for ln in pushes), pushes  # main only by review
    assert "github.event_name == 'push'" in jobs["publish"]["if"]
    publish = json.dumps(jobs["publish"])
    assert "make editions" in publish and "make deploy" in publish
    assert jobs["publish"]["concurrency"]["cancel-in-progress"] == "false"
    assert not any("cache" in s.get("with", {}) for s in jobs["publish"]["steps"])
    assert jobs["keepalive"]["permissions"] == {"actions": "write"} and "/enable" in json.dumps(jobs["keepalive"])
    assert jobs["alert"]["if"] == "failure()" and set(jobs["alert"]["needs"]) >= {"refresh", "propose", "publish"}
    for job in jobs.values():  # a failing step stops its job: nothing may carry on past one
        assert all("continue-on-error" not in s and "always()" not in s.get("if", "") for s in job["steps"])
