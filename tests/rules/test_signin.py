"""The sign-in desk's pure rules (V2): codes as typed or scanned, badges, the next present waitlisted
person, and a place given at the desk keeping its place in the allocation."""
from datetime import datetime, timedelta, timezone

import pytest

from app.rules import allocation as rules
from app.rules.signin import (
    badge_problems,
    looks_like_code,
    next_badge,
    next_present,
    normalise_badge,
    normalise_code,
)

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("typed, code", [
    ("ACDE3467", "ACDE3467"), (" acde-3467 ", "ACDE3467"), ("ＡＣＤＥ３４６７", "ACDE3467"), ("acde 3467\n", "ACDE3467"),
])
def test_a_code_reads_the_same_however_it_is_typed_or_scanned_V2(typed, code):
    assert normalise_code(typed) == code and looks_like_code(typed)


@pytest.mark.parametrize("typed", ["王小明", "0912345678", "ACDE346", "ACDE34677", ""])
def test_names_phones_and_short_codes_do_not_look_like_a_code(typed):
    assert not looks_like_code(typed)


def test_badges_one_line_and_short_and_the_next_one_suggested():
    assert normalise_badge(" １２ ") == "12" and badge_problems("12") == [] and badge_problems("") == []
    assert badge_problems("1" * 21)[0].code == "badge_invalid"
    assert badge_problems("1\t2")[0].code == "badge_invalid"
    assert next_badge([]) == "1" and next_badge(["3", "A7", "12", ""]) == "13"


def test_next_present_is_the_first_on_the_waiting_list_who_signed_in_V2():
    waiting = [(30, 3), (10, 1), (20, 2)]
    assert next_present(waiting, {20, 30}) == 20
    assert next_present(waiting, set()) is None


def test_a_place_given_at_the_desk_comes_before_the_queue_and_says_why_V2_V6():
    bids = [rules.SpeakerBid(key=n, case=1, at=T0 + timedelta(minutes=n)) for n in range(4)]
    bids[3] = rules.SpeakerBid(key=3, case=1, at=T0 + timedelta(minutes=3), given=True)
    placed = rules.allocate_speakers(bids, speaker_cap=2, representative_cap=5)
    assert placed[3] == rules.Place(rules.ALLOCATED, rules.GIVEN_FOR_ABSENT, 1)
    assert placed[0] == rules.Place(rules.ALLOCATED, rules.BY_TIME, 2)
    assert placed[1].outcome == rules.WAITLISTED and placed[1].position == 1
