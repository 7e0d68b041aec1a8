"""Settings files the build reads stop it by name when they cannot work: a display pattern that is
not a regular expression, an event whose dates are not sessions of the snapshot or whose fact is
missing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from build_scripts.display import DISPLAY_FILE, load_display
from build_scripts.errors import DataError
from build_scripts.event import check_event, load_event

SESSIONS = [dt.date(2025, 1, 24), dt.date(2025, 1, 27), dt.date(2025, 1, 28)]


def test_a_display_pattern_that_is_not_a_regular_expression_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "display.yaml"
    text = DISPLAY_FILE.read_text(encoding="utf-8")
    path.write_text(text.replace("patterns:", 'patterns:\n  - {match: "_(pct", kind: pct}', 1), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_display.__wrapped__(path)
    assert str(err.value).startswith("display.yaml: field 'patterns.0.match': '_(pct' is not a regular expression (")
    assert str(err.value).endswith("(see the comments at the top of data/display.yaml)")


def test_the_event_as_it_is_passes() -> None:
    check_event(load_event(), {load_event().event.fact}, SESSIONS)


def test_an_event_on_a_day_without_a_session_is_refused() -> None:
    event = load_event()
    with pytest.raises(DataError, match=r"^event\.yaml: field 'event\.date': 2025-01-27 is not a session in the price "
                                        r"snapshot \(use trading days"):
        check_event(event, {event.event.fact}, [d for d in SESSIONS if d != event.day])


def test_an_event_naming_a_missing_fact_is_refused() -> None:
    with pytest.raises(DataError, match=r"^event\.yaml: field 'event\.fact': no fact 'nvda_move_2025-01-27' in "
                                        r"data/facts"):
        check_event(load_event(), set(), SESSIONS)
