"""The publishing features, in parts: glossary marks, citation text, corrections log, feed, share
images, PDF time stamps and CITATION.cff. Tests on the built site and on published editions are
in test_publishing_site.py."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import markdown
import pytest
import yaml
from PIL import Image

from build_scripts import catalog, citation, corrections, feed, glossary, pdf, share_image
from build_scripts.errors import DataError
from build_scripts.glossary_markup import GlossaryMarkupExtension
from build_scripts.paths import DOCS, LANGS, ROOT

ATOM = "{http://www.w3.org/2005/Atom}"
# The terms every language's glossary defines (by id).
REQUIRED_TERMS = {"moe", "mla", "kv_cache", "fp8", "bf16", "gpu_hour", "flops", "mfu", "h800", "distillation",
                  "rl", "grpo", "abnormal_return", "car", "beta", "drawdown", "capex", "jevons", "etf"}


# ------------------------------------------------------------------ glossary

def test_both_glossaries_define_every_required_term_in_the_same_order() -> None:
    glossary.check_parity()
    for lang in LANGS:
        ids = [t.id for t in glossary.load(lang)]
        assert set(ids) >= REQUIRED_TERMS, (lang, REQUIRED_TERMS - set(ids))


def test_japanese_terms_follow_the_style_guides_glossary() -> None:
    terms = {t.id: t for t in glossary.load("ja")}
    assert terms["moe"].term == "混合エキスパート（MoE）" and "専門家の混成" not in terms["moe"].marked
    assert terms["mla"].term == "マルチヘッド潜在アテンション（MLA）"
    assert {"KVキャッシュ"} <= set(terms["kv_cache"].marked) and "GPU時間" in terms["gpu_hour"].marked
    assert terms["abnormal_return"].term == "異常リターン（AR）" and terms["car"].term == "累積異常リターン（CAR）"
    assert terms["beta"].term == "ベータ（β）" and "設備投資" in terms["capex"].marked


def test_a_spelling_claimed_by_two_terms_names_the_file_and_the_term(tmp_path: Path) -> None:
    (tmp_path / "en.yaml").write_text(
        "terms:\n- {id: a, term: AR, definition: one}\n- {id: b, term: B, forms: [AR], definition: two}\n",
        encoding="utf-8")
    glossary.load.cache_clear()
    try:
        with pytest.raises(DataError, match=r"docs/glossary/en.yaml: term 'b': form 'AR' is also a form of 'a'"):
            glossary.load("en", tmp_path)
    finally:
        glossary.load.cache_clear()


def render(text: str) -> str:
    return markdown.markdown(text, extensions=["abbr", "tables", "toc", GlossaryMarkupExtension()])


DEFS = "\n\n*[MoE]: Mixture of experts.\n*[RL]: Reinforcement learning.\n*[KVキャッシュ]: キーとバリュー。\n"


def test_a_term_is_marked_once_per_section_in_running_text_only() -> None:
    html = render("# MoE title\n\nMoE here and MoE again, `MoE` in code, [MoE](x.md).\n\n"
                  "| MoE |\n|---|\n| MoE |\n\n## Next\n\nA second MoE, and RL but not URL." + DEFS)
    marks = re.findall(r"<abbr[^>]*>([^<]+)</abbr>", html)
    assert marks == ["MoE", "MoE", "RL"], html  # first in each section; not in the title, code, link or table
    assert 'title="Mixture of experts."' in html and 'tabindex="0"' in html
    assert "<h1" in html and "<abbr" not in html.split("</h1>")[0]
    assert "<td>MoE</td>" in html and "<code>MoE</code>" in html


def test_a_japanese_term_is_found_between_japanese_characters() -> None:
    html = render("トークンごとのKVキャッシュを小さくし、MoEの層で" + DEFS)
    assert re.findall(r"<abbr[^>]*>([^<]+)</abbr>", html) == ["KVキャッシュ", "MoE"]


# ------------------------------------------------------------------ citation

def test_an_editions_address_is_its_dated_one_in_both_languages() -> None:
    assert citation.edition_url("https://example.org/report/", "en", "2026-01") == "https://example.org/report/2026-01/"
    assert citation.edition_url("https://example.org/report", "ja", "2026-01") == "https://example.org/report/ja/2026-01/"
    assert citation.edition_url("https://example.org/report/", "ja", "") == "https://example.org/report/ja/"


def test_bibtex_escapes_tex_and_the_address_is_filled_escaped() -> None:
    entry = citation.bibtex("en", key="2026-01", author="A & B", title='T_1 "x"', version="2026-01",
                            as_of=dt.date(2026, 1, 27), note="50% {of} it")
    assert entry.startswith("@misc{deepseek-shock-checked-2026-01-en,")
    assert r'"{A \& B}"' in entry and r'"{T\_1 {"}x{"}}"' in entry and r'"50\% \{of\} it"' in entry
    assert "month    = jan" in entry and "{{" not in entry
    filled = citation.fill(entry, 'https://x.org/?a=1&b="2"', "feed.xml")
    assert 'https://x.org/?a=1&amp;b=&quot;2&quot;' in filled and citation.EDITION_URL not in filled


# ------------------------------------------------------------------ corrections

def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "corrections.yaml"
    path.write_text(body, encoding="utf-8")
    return path


ENTRY = "- date: {date}\n  page: {page}\n  what: {{en: Was wrong., ja: 誤りでした。}}\n"


def test_the_project_log_is_valid_dated_and_names_real_facts_and_claims() -> None:
    from build_scripts.claims.schema import load_claims
    from build_scripts.facts import load_facts

    log = corrections.load()
    assert len(log) >= 4 and all(c.date <= dt.date(2026, 12, 1) for c in log)
    corrections.check_refs(log, set(load_facts()) | {c.id for c in load_claims().claims})
    assert {"h20_licence_2025-04-09", "nvda_q3fy24_data_center", "llama4_maverick_gpu_hours"} <= {
        r for c in log for r in c.refs}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("corrections:\n" + ENTRY.format(date="'2026-12-01'", page="headline"),
         "correction #1: field 'date': '2026-12-01' is quoted text"),
        ("corrections:\n" + ENTRY.format(date="2026-13-01", page="headline"), "line 2"),
        ("corrections:\n" + ENTRY.format(date="2026-12-01", page="nowhere"), "correction #1: field 'page'"),
        ("corrections:\n- date: 2026-12-01\n  page: headline\n  what: {en: x}\n", "correction #1: field 'what.ja'"),
        ("corrections: 3\n", "file: must hold a list named 'corrections'"),
    ],
    ids=["quoted-date", "impossible-date", "unknown-page", "one-language", "not-a-list"],
)
def test_a_bad_correction_names_the_file_the_entry_and_the_field(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(DataError, match=re.escape(message)) as err:
        corrections.load(write(tmp_path, body))
    assert str(err.value).startswith("data/corrections.yaml: ")


def test_an_edition_shows_only_the_corrections_made_by_its_date(tmp_path: Path) -> None:
    path = write(tmp_path, "corrections:\n" + ENTRY.format(date="2025-03-01", page="headline")
                 + ENTRY.format(date="2026-12-01", page="scorecard"))
    log = corrections.load(path)
    assert [c.date.isoformat() for c in log] == ["2026-12-01", "2025-03-01"]  # newest first
    assert [c.page for c in corrections.by_date(log, dt.date(2025, 7, 28))] == ["headline"]
    assert len(corrections.by_date(log, None)) == 2  # the working edition shows them all
    assert corrections.load(tmp_path / "missing.yaml") == []  # data from before the log existed


# ------------------------------------------------------------------ feed

RECORDS = [
    {"version": "2025-01", "as_of": "2025-01-31", "title": {"en": "First <week> & more", "ja": "最初"},
     "prices_to": "2025-01-31", "newest_fact": {"id": "f", "date": "2025-01-30"}, "previous": None,
     "moved": [], "judged": []},
    {"version": "2025-07", "as_of": "2025-07-28", "title": {"en": "Six months", "ja": "半年"},
     "prices_to": "2025-07-28", "newest_fact": {"id": "g", "date": "2025-07-19"},
     "previous": {"version": "2025-01", "as_of": "2025-01-31", "prices_to": "2025-01-31"},
     "moved": [{"claim": "C3.1", "before": "partly", "after": "supported",
                "before_label": {"en": "Partly supported", "ja": "一部裏付けあり"},
                "after_label": {"en": "Supported", "ja": "裏付けあり"}}], "judged": []},
]


@pytest.mark.parametrize("lang", LANGS)
def test_the_feed_is_atom_with_one_entry_per_edition_newest_first(lang: str) -> None:
    data = feed.atom(RECORDS, lang, "https://example.org/report/")
    root = ET.fromstring(data)
    assert root.tag == f"{ATOM}feed" and root.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
    for tag in ("title", "id", "updated", "author"):
        assert root.find(f"{ATOM}{tag}") is not None, tag
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}id").text for e in entries] == [
        f"https://example.org/report/{citation.PREFIX[lang]}{v}/" for v in ("2025-07", "2025-01")]
    assert root.find(f"{ATOM}updated").text == "2025-07-28T00:00:00Z"
    summary = entries[0].find(f"{ATOM}summary").text
    assert "C3.1" in summary and ("Supported" in summary if lang == "en" else "裏付けあり" in summary)
    if lang == "en":
        assert entries[1].find(f"{ATOM}title").text == "Edition 2025-01: First <week> & more"
        assert b"First &lt;week&gt; &amp; more" in data  # escaped where it enters the XML


def test_published_records_take_each_editions_own_entry() -> None:
    files = {"2025-07/generated/data/editions.json": '{"this": {"version": "2025-07", "as_of": "2025-07-28"}}',
             "2025-01/generated/data/editions.json": ""}
    got = feed.published_records(lambda p: files.get(p, ""), ["2025-07", "2025-01"], "en")
    assert list(got) == ["2025-07"]


# ------------------------------------------------------------------ share images

CARD = share_image.Card("ja", "DeepSeekショックを検証する", "見出しの訂正", "558万ドル",
                        "DeepSeek-V3の最終学習一回分をGPUレンタル料金で換算した額",
                        "作業中の版・2026年8月20日までのデータ")


def test_a_share_image_is_1200_by_630_png_the_same_bytes_each_time() -> None:
    a, b = share_image.draw(CARD), share_image.draw(CARD)
    assert a == b
    img = Image.open(io.BytesIO(a))
    assert img.format == "PNG" and img.size == (1200, 630)
    assert "Software" not in img.info and b"tEXt" not in a  # no tool or time stamp in the file
    assert share_image.draw(share_image.Card(**{**CARD.__dict__, "figure": "559万ドル"})) != a


def test_a_share_image_is_drawn_once_and_then_copied_from_the_cache(tmp_path: Path) -> None:
    assert share_image.write(CARD, tmp_path / "a.png", tmp_path / "cache") is True
    assert share_image.write(CARD, tmp_path / "b.png", tmp_path / "cache") is False
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()


def test_long_japanese_text_wraps_without_starting_a_line_with_closing_punctuation() -> None:
    lines = share_image.wrap("あ" * 16 + "。" + "い" * 20, 17, "ja", 3)
    assert all(not line.startswith("。") for line in lines) and len(lines) == 3


# ------------------------------------------------------------------ PDF

def test_the_pdf_time_stamps_become_the_editions_date_without_moving_any_offset() -> None:
    raw = b"<</Creator (x)\n/CreationDate (D:20261201142304+00'00')\n/ModDate (D:20261201142304+00'00')>>"
    out = pdf.stable_dates(raw, "2026-01-27")
    assert len(out) == len(raw)
    assert out.count(b"D:20260127000000+00'00'") == 2


# ------------------------------------------------------------------ CITATION.cff

def cffconvert(path: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "cffconvert"
    return subprocess.run([str(exe), "--validate", "-i", str(path)], capture_output=True, text=True)


@pytest.mark.slow
def test_citation_cff_is_valid_cff_1_2_0_and_never_names_latest(tmp_path: Path) -> None:
    path = ROOT / "CITATION.cff"
    res = cffconvert(path)
    assert res.returncode == 0, res.stdout + res.stderr
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["cff-version"] == "1.2.0" and data["title"] == catalog.word("en", "publishing.report.title")
    assert "latest/" not in path.read_text(encoding="utf-8")
    broken = tmp_path / "CITATION.cff"
    broken.write_text(path.read_text(encoding="utf-8").replace("cff-version: 1.2.0\n", ""), encoding="utf-8")
    assert cffconvert(broken).returncode != 0  # the check can fail


# ------------------------------------------------------------------ words and page settings

def test_the_reports_title_in_the_catalog_is_the_sites_name() -> None:
    for lang, cfg in (("en", "mkdocs.yml"), ("ja", "mkdocs.ja.yml")):
        name = re.search(r"^site_name: (.+)$", (ROOT / cfg).read_text(encoding="utf-8"), re.M)[1]
        assert catalog.word(lang, "publishing.report.title") == name


def test_each_page_shares_the_same_headline_figure_in_both_languages() -> None:
    def meta(lang: str, stem: str) -> dict:
        text = (DOCS / lang / f"{stem}.md").read_text(encoding="utf-8")
        return yaml.safe_load(text.split("---\n", 2)[1])

    for md in sorted((DOCS / "en").glob("*.md")):
        en, ja = meta("en", md.stem), meta("ja", md.stem)
        assert en.get("share_figure") == ja.get("share_figure"), md.stem
        assert catalog.word("en", f"publishing.share.pages.{md.stem}")  # a label for its image


def test_two_prints_that_differ_only_in_structure_ids_and_time_become_the_same_bytes() -> None:
    from build_scripts.pdf import stable_dates

    def printed(first: int, when: str) -> bytes:
        return (f"/CreationDate (D:{when}+00'00')\n<</ID (node{first:08d})>> <</ID (node{first + 1:08d})>>\n"
                f"/Names [(node{first:08d}) 1 0 R (node{first + 1:08d}) 2 0 R]").encode()

    a, b = printed(220, "20261201165851"), printed(301, "20261201170102")
    assert a != b and stable_dates(a, "2025-01-31") == stable_dates(b, "2025-01-31")
    assert len(stable_dates(a, "2025-01-31")) == len(a)  # same length: no offset in the file moves
