"""Reference data lives in data/, not in code: adding a ticker, a group or a paper is a change to one
YAML file (plus a price file for a ticker), and it shows on the rendered page in both languages.
Data a page would have to drop (a paper without a family, a hardware claim without words) stops
the build, naming the fact.

Each proof edits a copy of data/ and renders every page in a separate process pointed at the copy
(REPORT_DATA_DIR), as a refresh-then-build would.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from build_scripts.errors import DataError
from build_scripts.facts import load_facts
from build_scripts.hardware_claims import load_claim_words
from build_scripts.paths import DATA, ROOT

# Renders the pages that list tickers, groups and papers, in both languages, from the data folder in
# REPORT_DATA_DIR, and prints them as JSON. The verdict timeline (nineteen month-end analyses, shown
# only on the scorecard) is not what these tests are about, so it is left empty to keep each proof to
# one analysis.
RENDER = """
import json, sys
import pandas as pd
from build_scripts import build
build.timeline_of = lambda inp, cache_dir=None: pd.DataFrame()
pages = build.render_markdown(build.load_inputs(), stems=("overreaction", "efficiency", "methodology"))
json.dump({f"{lang}/{stem}": text for (lang, stem), text in pages.items()}, sys.stdout, ensure_ascii=False)
"""


@pytest.fixture
def data(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


def render(data: Path, tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REPORT_DATA_DIR": str(data),
           "REPORT_BUILD_DIR": str(tmp_path / "build")}
    res = subprocess.run([sys.executable, "-c", RENDER], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(res.stdout)


def table_rows(page: str, table_id: str) -> list[str]:
    """The Markdown rows of one table on a rendered page."""
    start = page.index(f'id="table-{table_id}"')
    block = page[start:page.index("</div>", start)]
    return [line for line in block.splitlines() if line.startswith("| ")][2:]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def add_series(data: Path, symbol: str, like: str) -> None:
    """A price file and a manifest record for `symbol`, from an existing series' rows."""
    src = data / "market" / "prices" / f"{like.lower()}.csv"
    lines = src.read_text().splitlines()
    rows = [lines[0]] + [line.replace(f",{like},", f",{symbol},", 1) for line in lines[1:]]
    dest = data / "market" / "prices" / f"{symbol.lower()}.csv"
    dest.write_text("\n".join(rows) + "\n")
    manifest = data / "market" / "manifest.json"
    doc = json.loads(manifest.read_text())
    doc["series"][symbol] = {**doc["series"][like], "file": f"prices/{dest.name}",
                             "sha256": hashlib.sha256(dest.read_bytes()).hexdigest()}
    manifest.write_text(json.dumps(doc, indent=2))


@pytest.mark.slow
def test_a_new_ticker_is_one_entry_in_tickers_yaml_and_appears_on_the_page(data: Path, tmp_path: Path) -> None:
    add_series(data, "INTC", like="AMD")
    with (data / "tickers.yaml").open("a", encoding="utf-8") as f:
        f.write("  INTC:   {name: Intel Corporation, name_ja: インテル・コーポレーション, group: chips, kind: stock, "
                "currency: USD, calendar: XNYS, short: Intel, short_ja: インテル}\n")
    pages = render(data, tmp_path)
    for lang, name, short in (("en", "Intel Corporation", "Intel"), ("ja", "インテル・コーポレーション", "インテル")):
        page = pages[f"{lang}/overreaction"]
        assert any(row.startswith(f"| {short} |") for row in table_rows(page, "event-study-table")), lang
        assert any(row.startswith(f"| INTC | {name} |") for row in table_rows(page, "recovery-table")), lang
    methodology = pages["en/methodology"]
    assert any(row.startswith("| INTC | Intel Corporation |") for row in table_rows(methodology, "series-table"))


@pytest.mark.slow
def test_a_new_group_is_one_entry_in_tickers_yaml_and_appears_on_the_page(data: Path, tmp_path: Path) -> None:
    path = data / "tickers.yaml"
    edit(path, "  japan:                 {name: Japan",
         "  memory:                {name: Memory chips, name_ja: メモリー半導体, colour: 5}\n"
         "  japan:                 {name: Japan")
    edit(path, "name_ja: マイクロン, group: chips,", "name_ja: マイクロン, group: memory,")
    pages = render(data, tmp_path)
    for lang, group in (("en", "Memory chips"), ("ja", "メモリー半導体")):
        page = pages[f"{lang}/overreaction"]
        groups = table_rows(page, "event-study-groups")
        assert sum(row.startswith(f"| {group} |") for row in groups) == 2, lang  # one row per benchmark
        rows = table_rows(page, "event-study-table")
        micron = next(r for r in rows if r.startswith(("| Micron |", "| マイクロン |")))
        assert micron.split(" | ")[1] == group


@pytest.mark.slow
def test_a_new_paper_is_one_fact_in_techniques_timeline_and_appears_on_the_page(data: Path, tmp_path: Path) -> None:
    with (data / "facts" / "techniques_timeline.yaml").open("a", encoding="utf-8") as f:
        f.write("""
- id: expert_choice_2022
  label: Expert-choice routing for mixture of experts
  value:
    reference: Y. Zhou et al. Mixture-of-Experts with Expert Choice Routing. arXiv:2202.09368.
    cited_by_deepseek: false
  unit: record
  family: moe
  date: '2022-02-18'
  source:
    title: Y. Zhou et al. Mixture-of-Experts with Expert Choice Routing. arXiv:2202.09368.
    publisher: arXiv
    url: https://arxiv.org/abs/2202.09368
  evidence: filing
  seen_in:
    kind: paraphrase
    at: a bibliographic record
""")
    pages = render(data, tmp_path)
    for lang, family, published in (("en", "Mixture of experts", "18 February 2022"),
                                    ("ja", "混合エキスパート（MoE）", "2022年2月18日")):
        rows = table_rows(pages[f"{lang}/efficiency"], "prior-art-table")
        row = next(r for r in rows if "Expert Choice Routing" in r)
        assert row.startswith(f"| {family} |") and published in row, lang
    assert "`expert_choice_2022`" in pages["en/methodology"]


# --- data a page cannot show stops the build, naming the fact -------------------------------------------------


PAPER = """
- id: new_paper_2025
  value:
    reference: A. Author. A New Paper. arXiv:2501.00001.
    cited_by_deepseek: false
  unit: record{family}
  date: '2025-01-02'
  source:
    title: A. Author. A New Paper. arXiv:2501.00001.
    publisher: arXiv
    url: https://arxiv.org/abs/2501.00001
  evidence: filing
  seen_in:
    kind: paraphrase
    at: a bibliographic record
"""


def refusal_of_paper(data: Path, family: str) -> str:
    """The error the facts loader gives for the timeline with one more paper (`family`: its line)."""
    with (data / "facts" / "techniques_timeline.yaml").open("a", encoding="utf-8") as f:
        f.write(PAPER.format(family=family))
    with pytest.raises(DataError) as err:
        load_facts(data / "facts")
    return str(err.value)


@pytest.mark.slow
def test_a_paper_without_a_family_stops_the_build_naming_it(data: Path) -> None:
    assert refusal_of_paper(data, "").startswith(
        "techniques_timeline.yaml: fact 'new_paper_2025': field 'family': missing; "
        "a publication names the technique family it belongs to")


@pytest.mark.slow
def test_a_paper_in_an_undeclared_family_stops_the_build_naming_it(data: Path) -> None:
    assert refusal_of_paper(data, "\n  family: quantum").startswith(
        "techniques_timeline.yaml: fact 'new_paper_2025': field 'family': 'quantum' is "
        "not a technique family (one of: moe, attention, precision,")


@pytest.mark.slow
def test_every_publication_in_the_project_names_a_declared_family() -> None:
    facts = load_facts()
    papers = [f for f in facts.values() if isinstance(f.value, dict) and "reference" in f.value]
    assert len(papers) >= 18 and all(f.family for f in papers)


@pytest.mark.slow
def test_a_hardware_claim_without_words_stops_the_build_naming_it(data: Path) -> None:
    path = data / "facts" / "hardware_claims.yaml"
    with path.open("a", encoding="utf-8") as f:
        f.write("""- id: new_gpu_claim
  value: 100000
  unit: GPUs
  date: '2025-02-01'
  source:
    title: A claim
    publisher: CNBC
    url: https://www.nbcnewyork.com/news/a-claim/
  evidence: estimate
  seen_in:
    kind: copy
    at: nbcnewyork.com
""")
    load_facts(data / "facts")  # the fact itself is fine
    with pytest.raises(DataError) as err:
        load_claim_words(data / "facts")
    assert str(err.value).startswith("hardware_claims.yaml: fact 'new_gpu_claim': has no words for the claims table "
                                     "(add it under 'shown'")


def test_a_shown_claim_needs_words_in_both_languages(data: Path) -> None:
    edit(data / "facts" / "hardware_claims.yaml", "    kind: {en: statement, ja: 声明}", "    kind: {en: statement}")
    with pytest.raises(DataError) as err:
        load_claim_words(data / "facts")
    assert str(err.value).startswith("hardware_claims.yaml: shown 'nvidia_statement_phrases_2025-01-27': "
                                     "field 'kind.ja': Field required")


@pytest.mark.slow
def test_the_claims_table_shows_every_shown_fact_in_order() -> None:
    from build_scripts.analysis.hardware import hardware_claims_table

    table = hardware_claims_table(load_facts())
    assert list(table["fact_id"]) == list(load_claim_words())

