"""Grades: their order, the weakest of several, who gets a marker, and what readers see."""

from __future__ import annotations

import pytest

from build_scripts import grades, vocab


def test_the_vocabulary_is_ordered_strongest_first() -> None:
    assert grades.evidence_codes(facts_only=True) == ["filing", "company", "quote", "news", "estimate",
                                                      "recollection"]
    assert grades.seen_codes() == ["original", "outlet", "copy", "paraphrase", "not_seen"]
    assert grades.rank("filing/original") == (1, 0)  # the snapshot comes first


def test_weakest_is_taken_axis_by_axis() -> None:
    assert grades.weakest(["filing/copy", "news/original"]) == "news/copy"
    assert grades.weakest(["company/outlet", "company/original"]) == "company/outlet"
    assert grades.weakest([]) == grades.SNAPSHOT
    assert grades.weakest([grades.SNAPSHOT, "quote/outlet"]) == "quote/outlet"
    with pytest.raises(ValueError, match="not a grade"):
        grades.weakest(["primary-verified"])


@pytest.mark.parametrize(("grade", "marked"), [
    ("filing/original", False), ("company/outlet", False), ("quote/outlet", False),
    (grades.SNAPSHOT, False), ("news/original", True), ("estimate/original", True),
    ("recollection/original", True), ("filing/copy", True), ("company/paraphrase", True),
])
def test_news_estimates_recollections_and_copies_get_a_marker(grade: str, marked: bool) -> None:
    assert grades.marked(grade) is marked
    html = grades.marker_html(grade, "en")
    assert (html != "") is marked
    if marked:
        assert f'title="{grades.label(grade, "en")}"' in html
        assert 'tabindex="0"' in html  # a tap or the keyboard reaches it, not only a mouse


def test_weak_spots_are_recollections_and_copies_only() -> None:
    assert grades.weak("recollection/original")
    assert grades.weak("filing/copy") and grades.weak("news/paraphrase")
    assert not grades.weak("news/original") and not grades.weak("estimate/outlet")


def test_japanese_labels_never_show_a_code() -> None:
    codes = grades.evidence_codes() + grades.seen_codes()
    for e in grades.evidence_codes():
        for s in grades.seen_codes():
            ja = grades.label(f"{e}/{s}", "ja")
            assert not any(c in ja for c in codes), ja
            assert ja.isascii() is False
    for kind in vocab.grades().seen_in:
        assert not any(c in kind.phrase_ja for c in codes)


@pytest.mark.slow
def test_the_page_phrase_names_the_outlet_and_the_copy(facts) -> None:
    ives = facts["ives_golden_buying_opportunity_2025-01-27"]
    assert grades.seen_phrase(ives, "en") == "on-record quote, seen in a copy of Forbes (keymantermlife.com)"
    assert grades.seen_phrase(ives, "ja") == "本人の発言（記録あり）、Forbesの転載で確認（keymantermlife.com）"
    andreessen = facts["andreessen_sputnik_moment"]
    assert grades.seen_phrase(andreessen, "en") == "on-record quote, seen in Fortune's own page (fortune.com)"


def test_attribution_is_verified_only_in_the_original_or_the_outlet(facts) -> None:
    assert grades.attribution(facts["andreessen_sputnik_moment"]) == "verified"
    assert grades.attribution(facts["nadella_jevons_paradox"]) == "verified"
    assert grades.attribution(facts["ives_golden_buying_opportunity_2025-01-27"]) == "reported"
    assert grades.attribution(facts["ives_nvidia_only_game_in_town"]) == "reported"
    moved = facts["andreessen_sputnik_moment"].model_copy(update={"evidence": "recollection"})
    assert grades.attribution(moved) == "reported"


def test_a_news_report_of_a_company_number_is_graded_as_news(facts) -> None:
    # Nvidia's exact data-centre figures that were never seen are recollections,
    # and a copy of Forbes is a copy, whatever it quotes.
    assert facts["nvda_q3fy25_data_center"].evidence == "recollection"
    assert facts["nvda_q1fy26_data_center"].evidence == "recollection"
    assert facts["nvda_q2fy26_data_center"].evidence == "recollection"
    assert facts["nvda_q4fy26_revenue"].evidence == "news"
    assert facts["ives_golden_buying_opportunity_2025-01-27"].seen_in.kind == "copy"


def test_source_corrections_are_in_the_facts(facts) -> None:
    # The 8-K expected "up to approximately $5.5 billion"; the charge booked was $4.5 billion.
    assert "$4.5B" in facts["h20_licence_2025-04-09"].value
    assert facts["h20_licence_2025-04-09"].source.url.host == "www.sec.gov"
    assert facts["nvda_q3fy24_data_center"].value == 14514
    # Microsoft's own plan, not an article about Alphabet.
    assert "Alphabet" not in facts["microsoft_capex_fy2025_plan"].source.title
    assert facts["microsoft_capex_fy2025_plan"].evidence == "company"


def test_a_mark_inside_a_link_takes_no_focus_of_its_own() -> None:
    mark = grades.marker_html("news/original", "en")
    html = f'<p>a{mark} <a href="x">source{mark}</a> b{mark}</p>'
    out = grades.unfocus_marks_in_links(html)
    assert out.count('tabindex="0"') == 2
    assert '<a href="x">source<sup class="grade"><abbr title="' in out
    assert 'tabindex' not in out.split('<a href="x">')[1].split("</a>")[0]
