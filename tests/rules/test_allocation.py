"""Who gets a speaking place, a gallery seat or the overflow room (V3–V7)."""
from collections import Counter, defaultdict
from datetime import datetime, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.rules.allocation import (
    ALLOCATED,
    BEYOND_CAP,
    BEYOND_SEATS,
    BY_PARTY_PRIORITY,
    BY_TIME,
    CLAIM_ACCEPTED,
    CLAIM_NONE,
    CLAIM_PENDING,
    CLAIM_REJECTED,
    CLAIMS,
    GALLERY,
    GROUP_FULL,
    GROUP_TAKEN,
    OBSERVERS_PER_GROUP,
    OBSERVERS_PER_VILLAGE,
    ONE_SPEAKER_PER_GROUP,
    ONLINE,
    OTHER,
    OVERFLOW,
    POOLS,
    SEATED,
    VILLAGE_FULL,
    WAITLISTED,
    ObserverBid,
    Place,
    Promotion,
    SpeakerBid,
    allocate_observers,
    allocate_speakers,
    changes,
)

T0 = datetime(2024, 5, 1, 9, 0)


def t(minutes):
    return T0 + timedelta(minutes=minutes)


def speak(key, minutes, case="c1", group="", pool=ONLINE, claim=CLAIM_NONE):
    return SpeakerBid(key=key, case=case, at=t(minutes), group=group, pool=pool, claim=claim)


def observe(key, minutes, group="", village=""):
    return ObserverBid(key=key, at=t(minutes), group=group, village=village)


def outcomes(places):
    return {key: place.outcome for key, place in places.items()}


def by_time(bid):
    return (bid.at, str(bid.key))


def v6_order(bid):
    return (bid.claim != CLAIM_ACCEPTED, bid.at, str(bid.key))


def queue_order(places, bids, case, pool):
    """The allocated then the waitlisted bids of one (case, pool), each by their position."""
    mine = [b for b in bids if b.case == case and b.pool == pool]
    allocated = sorted((b for b in mine if places[b.key].outcome == ALLOCATED), key=lambda b: places[b.key].position)
    waiting = sorted((b for b in mine if places[b.key].outcome == WAITLISTED), key=lambda b: places[b.key].position)
    return [b.key for b in allocated], [b.key for b in waiting]


# --- V3 / V4: caps per pool --------------------------------------------------------------


@pytest.mark.parametrize("cap, allocated, waitlisted", [
    (5, [0, 1, 2, 3, 4], [5, 6]),  # V3: 5 in principle
    (10, [0, 1, 2, 3, 4, 5, 6], []),  # V3: raised to at most 10
    (1, [0], [1, 2, 3, 4, 5, 6]),
])
def test_online_speakers_are_capped_at_speaker_cap_V3(cap, allocated, waitlisted):
    bids = [speak(i, i) for i in range(7)]
    places = allocate_speakers(bids, speaker_cap=cap, representative_cap=1)
    assert queue_order(places, bids, "c1", ONLINE) == (allocated, waitlisted)


def test_other_channels_have_their_own_representative_cap_V4():
    bids = [speak(i, i) for i in range(4)] + [speak(10 + i, i, pool=OTHER) for i in range(4)]
    places = allocate_speakers(bids, speaker_cap=3, representative_cap=2)
    assert queue_order(places, bids, "c1", ONLINE) == ([0, 1, 2], [3])  # V3
    assert queue_order(places, bids, "c1", OTHER) == ([10, 11], [12, 13])  # V4


def test_each_shared_interest_chooses_its_own_representatives_from_other_channels_V4():
    residents = [SpeakerBid(key=f"r{i}", case="c1", at=t(i), pool=OTHER, interest="reclaimed-land-owners")
                 for i in range(3)]
    farmers = [SpeakerBid(key=f"f{i}", case="c1", at=t(i), pool=OTHER, interest="irrigation-association")
               for i in range(3)]
    online = [SpeakerBid(key=f"o{i}", case="c1", at=t(i), interest="ignored-online") for i in range(3)]
    places = allocate_speakers(residents + farmers + online, speaker_cap=2, representative_cap=2)
    assert {k for k, p in places.items() if p.outcome == ALLOCATED} == {"r0", "r1", "f0", "f1", "o0", "o1"}
    assert (places["r2"].outcome, places["r2"].position) == (WAITLISTED, 1)
    assert (places["f2"].outcome, places["f2"].position) == (WAITLISTED, 1)
    assert places["o2"].outcome == WAITLISTED  # V3: online places ignore interests


def test_caps_apply_per_case_V3():
    bids = [speak(i, i, case="c1") for i in range(3)] + [speak(10 + i, i, case="c2") for i in range(3)]
    places = allocate_speakers(bids, speaker_cap=2, representative_cap=2)
    assert queue_order(places, bids, "c1", ONLINE) == ([0, 1], [2])
    assert queue_order(places, bids, "c2", ONLINE) == ([10, 11], [12])


def test_places_carry_position_and_reason_V3_V6():
    bids = [speak("a", 0), speak("b", 1, claim=CLAIM_ACCEPTED), speak("c", 2), speak("d", 3)]
    places = allocate_speakers(bids, speaker_cap=2, representative_cap=1)
    assert places == {
        "b": Place(ALLOCATED, BY_PARTY_PRIORITY, 1),
        "a": Place(ALLOCATED, BY_TIME, 2),
        "c": Place(WAITLISTED, BEYOND_CAP, 1),
        "d": Place(WAITLISTED, BEYOND_CAP, 2),
    }
    assert [p.seated for p in (places["a"], places["c"])] == [True, False]


def test_no_bids_no_places_V3():
    assert allocate_speakers([], speaker_cap=5, representative_cap=5) == {}
    assert allocate_observers([], gallery_seats=20, per_group=2, per_village=2) == {}


# --- V6: parties concerned first, then by time -------------------------------------------


def test_party_concerned_outranks_earlier_applicant_V6():
    bids = [speak("early", 0), speak("party", 30, claim=CLAIM_ACCEPTED)]
    places = allocate_speakers(bids, speaker_cap=1, representative_cap=1)
    assert places["party"] == Place(ALLOCATED, BY_PARTY_PRIORITY, 1)
    assert places["early"] == Place(WAITLISTED, BEYOND_CAP, 1)


@pytest.mark.parametrize("claim", [CLAIM_NONE, CLAIM_PENDING, CLAIM_REJECTED])
def test_only_an_accepted_claim_gives_priority_V6(claim):
    bids = [speak("early", 0), speak("claimant", 30, claim=claim)]
    places = allocate_speakers(bids, speaker_cap=1, representative_cap=1)
    assert outcomes(places) == {"early": ALLOCATED, "claimant": WAITLISTED}


def test_parties_concerned_among_themselves_go_by_time_V6():
    bids = [speak("p2", 20, claim=CLAIM_ACCEPTED), speak("p1", 10, claim=CLAIM_ACCEPTED), speak("x", 0)]
    places = allocate_speakers(bids, speaker_cap=3, representative_cap=1)
    assert queue_order(places, bids, "c1", ONLINE) == (["p1", "p2", "x"], [])


@pytest.mark.parametrize("keys, order", [
    (["b", "a", "c"], ["a", "b", "c"]),
    ([9, 10, 2], [10, 2, 9]),  # ties broken by str(key): "10" < "2" < "9"
])
def test_ties_in_time_are_broken_by_key_V6(keys, order):
    bids = [speak(k, 5) for k in keys]
    places = allocate_speakers(bids, speaker_cap=1, representative_cap=1)
    allocated, waiting = queue_order(places, bids, "c1", ONLINE)
    assert allocated + waiting == order


@pytest.mark.parametrize("pool", POOLS)
def test_party_priority_applies_in_both_pools_V6(pool):
    bids = [speak("early", 0, pool=pool), speak("party", 9, pool=pool, claim=CLAIM_ACCEPTED)]
    places = allocate_speakers(bids, speaker_cap=1, representative_cap=1)
    assert outcomes(places) == {"party": ALLOCATED, "early": WAITLISTED}


# --- V5: one speaker per group per case --------------------------------------------------


def test_a_second_bid_of_a_group_on_a_case_gets_group_taken_V5():
    bids = [speak("first", 0, group="g"), speak("second", 1, group="g")]
    places = allocate_speakers(bids, speaker_cap=5, representative_cap=5)
    assert places["first"] == Place(ALLOCATED, BY_TIME, 1)
    assert places["second"] == Place(GROUP_TAKEN, ONE_SPEAKER_PER_GROUP)
    assert not places["second"].seated


@pytest.mark.parametrize("second, outcome", [
    (speak("second", 1, group="g", case="c2"), ALLOCATED),  # another case: fine
    (speak("second", 1, group="h"), ALLOCATED),  # another group: fine
    (speak("second", 1, group=""), ALLOCATED),  # no group: not limited
    (speak("second", 1, group="g", pool=OTHER), GROUP_TAKEN),  # another pool of the same case: still one
    (speak("second", 1, group="g", claim=CLAIM_ACCEPTED), GROUP_TAKEN),
])
def test_one_speaker_per_group_is_per_case_V5(second, outcome):
    places = allocate_speakers([speak("first", 0, group="g"), second], speaker_cap=5, representative_cap=5)
    assert places["first"].outcome == ALLOCATED
    assert places["second"].outcome == outcome


def test_many_individuals_without_a_group_may_all_speak_V5():
    bids = [speak(i, i) for i in range(5)]
    assert set(outcomes(allocate_speakers(bids, speaker_cap=5, representative_cap=1)).values()) == {ALLOCATED}


def test_group_taken_bids_do_not_hold_a_waitlist_position_V5():
    bids = [speak("a", 0, group="g"), speak("b", 1, group="g"), speak("c", 2), speak("d", 3)]
    places = allocate_speakers(bids, speaker_cap=1, representative_cap=1)
    assert places["b"].position is None
    assert places["c"] == Place(WAITLISTED, BEYOND_CAP, 1)
    assert places["d"] == Place(WAITLISTED, BEYOND_CAP, 2)


# --- V7: observers -----------------------------------------------------------------------


def test_observers_per_group_V7():
    bids = [observe(i, i, group="g") for i in range(4)]
    places = allocate_observers(bids, gallery_seats=20, per_group=2, per_village=2)
    assert outcomes(places) == {0: GALLERY, 1: GALLERY, 2: GROUP_FULL, 3: GROUP_FULL}
    assert places[2] == Place(GROUP_FULL, OBSERVERS_PER_GROUP)


def test_observers_per_village_V7():
    bids = [observe(i, i, village="v") for i in range(3)]
    places = allocate_observers(bids, gallery_seats=20, per_group=2, per_village=2)
    assert outcomes(places) == {0: GALLERY, 1: GALLERY, 2: VILLAGE_FULL}
    assert places[2] == Place(VILLAGE_FULL, OBSERVERS_PER_VILLAGE)


@pytest.mark.parametrize("bids, expected", [
    # A bid refused for its village does not use up a place of its group, and vice versa.
    ([observe("a", 0, village="v"), observe("b", 1, village="v"), observe("c", 2, group="g", village="v"),
      observe("d", 3, group="g"), observe("e", 4, group="g")],
     {"a": GALLERY, "b": GALLERY, "c": VILLAGE_FULL, "d": GALLERY, "e": GALLERY}),
    ([observe("a", 0, group="g"), observe("b", 1, group="g"), observe("c", 2, group="g", village="v"),
      observe("d", 3, village="v"), observe("e", 4, village="v")],
     {"a": GALLERY, "b": GALLERY, "c": GROUP_FULL, "d": GALLERY, "e": GALLERY}),
    # A group's and a village's limits counted together.
    ([observe("a", 0, group="g", village="v"), observe("b", 1, group="g", village="w"),
      observe("c", 2, group="h", village="v"), observe("d", 3, group="h", village="v")],
     {"a": GALLERY, "b": GALLERY, "c": GALLERY, "d": VILLAGE_FULL}),
])
def test_group_and_village_limits_V7(bids, expected):
    assert outcomes(allocate_observers(bids, gallery_seats=20, per_group=2, per_village=2)) == expected


def test_beyond_twenty_observers_go_to_the_overflow_room_not_away_V7():
    bids = [observe(i, i) for i in range(25)]
    places = allocate_observers(bids, gallery_seats=20, per_group=2, per_village=2)
    assert [places[i] for i in range(20)] == [Place(GALLERY, BY_TIME, i + 1) for i in range(20)]
    assert [places[i] for i in range(20, 25)] == [Place(OVERFLOW, BEYOND_SEATS, i + 1) for i in range(5)]
    assert all(p.seated for p in places.values())


def test_no_gallery_seats_means_everyone_in_the_overflow_room_V7():
    places = allocate_observers([observe(i, i) for i in range(3)], gallery_seats=0, per_group=2, per_village=2)
    assert set(outcomes(places).values()) == {OVERFLOW}


def test_gallery_goes_by_time_of_application_V7():
    bids = [observe("late", 10), observe("early", 0), observe("tie-b", 5), observe("tie-a", 5)]
    places = allocate_observers(bids, gallery_seats=2, per_group=2, per_village=2)
    assert outcomes(places) == {"early": GALLERY, "tie-a": GALLERY, "tie-b": OVERFLOW, "late": OVERFLOW}


# --- re-running after a change; changes() -------------------------------------------------


def test_cancellation_promotes_the_first_waitlisted_V3_V6():
    bids = [speak("a", 0), speak("b", 1), speak("c", 2), speak("d", 3)]
    before = allocate_speakers(bids, speaker_cap=2, representative_cap=1)
    after = allocate_speakers([b for b in bids if b.key != "a"], speaker_cap=2, representative_cap=1)
    assert after == {"b": Place(ALLOCATED, BY_TIME, 1), "c": Place(ALLOCATED, BY_TIME, 2),
                     "d": Place(WAITLISTED, BEYOND_CAP, 1)}
    assert changes(before, after) == [Promotion("c", Place(WAITLISTED, BEYOND_CAP, 1), Place(ALLOCATED, BY_TIME, 2))]


def test_rejected_claim_loses_priority_on_rerun_V6():
    bids = [speak("early", 0), speak("party", 9, claim=CLAIM_ACCEPTED)]
    before = allocate_speakers(bids, speaker_cap=1, representative_cap=1)
    bids[1] = speak("party", 9, claim=CLAIM_REJECTED)
    after = allocate_speakers(bids, speaker_cap=1, representative_cap=1)
    assert outcomes(after) == {"early": ALLOCATED, "party": WAITLISTED}
    assert {p.key: (p.before.outcome, p.after.outcome) for p in changes(before, after)} == {
        "early": (WAITLISTED, ALLOCATED), "party": (ALLOCATED, WAITLISTED)}


def test_changes_reports_new_bids_and_ignores_position_only_moves():
    before = {"a": Place(WAITLISTED, BEYOND_CAP, 2), "b": Place(GALLERY, BY_TIME, 3), "gone": Place(ALLOCATED, BY_TIME, 1)}
    after = {"a": Place(WAITLISTED, BEYOND_CAP, 1), "b": Place(GALLERY, BY_TIME, 2), "new": Place(OVERFLOW, BEYOND_SEATS, 1)}
    assert changes(before, after) == [Promotion("new", None, Place(OVERFLOW, BEYOND_SEATS, 1))]
    assert changes(after, after) == []


def test_observer_cancellation_moves_the_first_in_the_overflow_room_into_the_gallery_V7():
    bids = [observe(i, i) for i in range(4)]
    before = allocate_observers(bids, gallery_seats=2, per_group=2, per_village=2)
    after = allocate_observers(bids[1:], gallery_seats=2, per_group=2, per_village=2)
    assert outcomes(after) == {1: GALLERY, 2: GALLERY, 3: OVERFLOW}
    assert [p.key for p in changes(before, after)] == [2]


# --- hypothesis: random streams of bids --------------------------------------------------

CASES = ("c1", "c2")
GROUPS = ("", "", "g1", "g2", "g3", "g4")
VILLAGES = ("", "", "v1", "v2", "v3", "v4")
_times = st.integers(0, 6)  # few distinct minutes, so ties are common
_caps = st.integers(1, 10)
_per = st.integers(1, 3)
_seats = st.integers(0, 30)
PROPERTY = settings(max_examples=250, deadline=None)


@st.composite
def speaker_bids(draw, max_size=40):
    keys = draw(st.lists(st.integers(0, 150), max_size=max_size, unique=True))
    return [SpeakerBid(key=k, case=draw(st.sampled_from(CASES)), at=t(draw(_times)),
                       group=draw(st.sampled_from(GROUPS)), pool=draw(st.sampled_from(POOLS)),
                       claim=draw(st.sampled_from(CLAIMS))) for k in keys]


INTERESTS = ("", "owners", "farmers")


@st.composite
def representative_bids(draw, max_size=40):
    keys = draw(st.lists(st.integers(0, 150), max_size=max_size, unique=True))
    return [SpeakerBid(key=k, case=draw(st.sampled_from(CASES)), at=t(draw(_times)), pool=draw(st.sampled_from(POOLS)),
                       claim=draw(st.sampled_from(CLAIMS)), interest=draw(st.sampled_from(INTERESTS))) for k in keys]


@st.composite
def observer_bids(draw, max_size=50):
    keys = draw(st.lists(st.integers(0, 150), max_size=max_size, unique=True))
    return [ObserverBid(key=k, at=t(draw(_times)), group=draw(st.sampled_from(GROUPS)),
                        village=draw(st.sampled_from(VILLAGES))) for k in keys]


def expected_speakers(bids):
    """The model: the first bid by time of each (case, group) competes, the others are GROUP_TAKEN (V5);
    each (case, pool) queue in V6 order."""
    seen, taken, queues = set(), set(), defaultdict(list)
    for bid in sorted(bids, key=by_time):
        if bid.group and (bid.case, bid.group) in seen:
            taken.add(bid.key)
            continue
        if bid.group:
            seen.add((bid.case, bid.group))
        queues[(bid.case, bid.pool)].append(bid)
    return taken, {q: [b.key for b in sorted(v, key=v6_order)] for q, v in queues.items()}


def check_speakers(bids, places, caps):
    assert set(places) == {b.key for b in bids}
    taken, queues = expected_speakers(bids)
    for bid in bids:
        place = places[bid.key]
        assert place.outcome in (ALLOCATED, WAITLISTED, GROUP_TAKEN)
        if bid.key in taken:  # V5
            assert place == Place(GROUP_TAKEN, ONE_SPEAKER_PER_GROUP)
        elif place.outcome == ALLOCATED:  # V6 reason
            assert place.reason == (BY_PARTY_PRIORITY if bid.claim == CLAIM_ACCEPTED else BY_TIME)
        elif place.outcome == WAITLISTED:
            assert place.reason == BEYOND_CAP
    seated_groups = Counter((b.case, b.group) for b in bids if b.group and places[b.key].seated)
    assert all(n == 1 for n in seated_groups.values())  # V5: never two seated speakers of one group per case
    for (case, pool), order in queues.items():
        cap = caps[pool]
        allocated, waiting = queue_order(places, bids, case, pool)
        assert len(allocated) <= cap  # V3, V4
        assert len(allocated) == min(cap, len(order))  # fills the cap; no place left empty while someone waits
        assert allocated + waiting == order  # V6 order
        assert [places[k].position for k in allocated] == list(range(1, len(allocated) + 1))
        assert [places[k].position for k in waiting] == list(range(1, len(waiting) + 1))


@given(speaker_bids(), _caps, _caps)
@PROPERTY
def test_speaker_allocation_caps_groups_and_order_V3_V4_V5_V6(bids, speaker_cap, representative_cap):
    places = allocate_speakers(bids, speaker_cap=speaker_cap, representative_cap=representative_cap)
    check_speakers(bids, places, {ONLINE: speaker_cap, OTHER: representative_cap})


@given(speaker_bids(), _caps, _caps)
@PROPERTY
def test_speaker_allocation_never_exceeds_the_cap_per_case_and_pool_V3_V4(bids, speaker_cap, representative_cap):
    places = allocate_speakers(bids, speaker_cap=speaker_cap, representative_cap=representative_cap)
    held = Counter((b.case, b.pool) for b in bids if places[b.key].outcome == ALLOCATED)
    for (_case, pool), n in held.items():
        assert n <= (speaker_cap if pool == ONLINE else representative_cap)
    waiting = {(b.case, b.pool) for b in bids if places[b.key].outcome == WAITLISTED}
    for case, pool in waiting:  # nobody waits while a place is free
        assert held[(case, pool)] == (speaker_cap if pool == ONLINE else representative_cap)


@given(st.data(), speaker_bids(), _caps, _caps)
@PROPERTY
def test_speaker_allocation_does_not_depend_on_input_order_V6(data, bids, speaker_cap, representative_cap):
    shuffled = data.draw(st.permutations(bids))
    kw = {"speaker_cap": speaker_cap, "representative_cap": representative_cap}
    assert allocate_speakers(shuffled, **kw) == allocate_speakers(bids, **kw)


def _alone_in_its_group(bid, bids):
    return not bid.group or not any(o.key != bid.key and o.case == bid.case and o.group == bid.group for o in bids)


@given(st.data(), speaker_bids(), _caps, _caps)
@PROPERTY
def test_cancellation_promotes_exactly_the_first_waitlisted_V3_V4_V6(data, bids, speaker_cap, representative_cap):
    kw = {"speaker_cap": speaker_cap, "representative_cap": representative_cap}
    before = allocate_speakers(bids, **kw)
    # Only bids alone in their group and case: the database allows no second active bid of a group (V5),
    # and allocate_speakers treats one that arrives anyway as a guard, not a queue (see its docstring).
    candidates = [b for b in bids if before[b.key].outcome == ALLOCATED and _alone_in_its_group(b, bids)]
    assume(candidates)
    gone = data.draw(st.sampled_from(candidates))
    remaining = [b for b in bids if b.key != gone.key]
    after = allocate_speakers(remaining, **kw)

    allocated, waiting = queue_order(before, bids, gone.case, gone.pool)
    new_allocated, new_waiting = queue_order(after, remaining, gone.case, gone.pool)
    expected = [k for k in allocated if k != gone.key] + waiting[:1]
    assert (new_allocated, new_waiting) == (expected, waiting[1:])
    for key in waiting[1:]:
        assert after[key].position == before[key].position - 1
    for bid in remaining:  # nobody else moves
        if (bid.case, bid.pool) != (gone.case, gone.pool) or before[bid.key].outcome == GROUP_TAKEN:
            assert after[bid.key] == before[bid.key]
    assert changes(before, after) == [Promotion(k, before[k], after[k]) for k in waiting[:1]]


@given(st.data(), speaker_bids(), _caps, _caps, st.integers(1, 5))
@PROPERTY
def test_raising_a_cap_by_k_promotes_the_first_k_waitlisted_V3_V4(data, bids, speaker_cap, representative_cap, k):
    pool = data.draw(st.sampled_from(POOLS))
    kw = {"speaker_cap": speaker_cap, "representative_cap": representative_cap}
    before = allocate_speakers(bids, **kw)
    name = "speaker_cap" if pool == ONLINE else "representative_cap"
    raised = dict(kw, **{name: kw[name] + k})
    after = allocate_speakers(bids, **raised)
    promoted = set()
    for case in CASES:
        allocated, waiting = queue_order(before, bids, case, pool)
        assert queue_order(after, bids, case, pool) == (allocated + waiting[:k], waiting[k:])
        promoted |= set(waiting[:k])
    for bid in bids:
        if bid.pool != pool or before[bid.key].outcome == GROUP_TAKEN:
            assert after[bid.key] == before[bid.key]
    reported = changes(before, after)
    assert {p.key for p in reported} == promoted
    assert all(p.before.outcome == WAITLISTED and p.after.outcome == ALLOCATED for p in reported)


def check_observers(bids, places, seats, per_group, per_village):
    assert set(places) == {b.key for b in bids}
    seated_in = defaultdict(Counter)
    gallery, overflow = [], []
    for bid in sorted(bids, key=by_time):
        place = places[bid.key]
        if bid.group and seated_in["group"][bid.group] >= per_group:
            assert place == Place(GROUP_FULL, OBSERVERS_PER_GROUP)
        elif bid.village and seated_in["village"][bid.village] >= per_village:
            assert place == Place(VILLAGE_FULL, OBSERVERS_PER_VILLAGE)
        else:  # nobody refused for lack of seats
            assert place.outcome in (GALLERY, OVERFLOW)
            (gallery if place.outcome == GALLERY else overflow).append(bid.key)
            seated_in["group"][bid.group] += 1
            seated_in["village"][bid.village] += 1
    for bid in bids:
        assert (places[bid.key].outcome in SEATED) == (bid.key in gallery or bid.key in overflow)
    seated = [b for b in bids if places[b.key].seated]
    assert all(n <= per_group for g, n in Counter(b.group for b in seated).items() if g)
    assert all(n <= per_village for v, n in Counter(b.village for b in seated).items() if v)
    assert len(gallery) <= seats
    if overflow:  # the overflow room only once the gallery is full
        assert len(gallery) == seats
    # In time order: the first seated go to the gallery, the rest to the overflow room.
    assert len(gallery) == min(seats, len(gallery) + len(overflow))
    assert [places[k] for k in gallery] == [Place(GALLERY, BY_TIME, i + 1) for i in range(len(gallery))]
    assert [places[k] for k in overflow] == [Place(OVERFLOW, BEYOND_SEATS, i + 1) for i in range(len(overflow))]


@given(observer_bids(), _seats, _per, _per)
@PROPERTY
def test_observer_allocation_limits_and_seating_V7(bids, seats, per_group, per_village):
    places = allocate_observers(bids, gallery_seats=seats, per_group=per_group, per_village=per_village)
    check_observers(bids, places, seats, per_group, per_village)


@given(st.data(), observer_bids(), _seats, _per, _per)
@PROPERTY
def test_observer_allocation_does_not_depend_on_input_order_V7(data, bids, seats, per_group, per_village):
    shuffled = data.draw(st.permutations(bids))
    kw = {"gallery_seats": seats, "per_group": per_group, "per_village": per_village}
    assert allocate_observers(shuffled, **kw) == allocate_observers(bids, **kw)


@given(st.data(), observer_bids(), _seats, _per, _per)
@PROPERTY
def test_observer_cancellation_moves_the_first_overflow_into_the_gallery_V7(data, bids, seats, per_group, per_village):
    kw = {"gallery_seats": seats, "per_group": per_group, "per_village": per_village}
    before = allocate_observers(bids, **kw)

    def unblocks_nobody(bid):  # no one was refused for this bid's group or village
        return not any((before[o.key].outcome == GROUP_FULL and bid.group and o.group == bid.group)
                       or (before[o.key].outcome == VILLAGE_FULL and bid.village and o.village == bid.village)
                       for o in bids)

    candidates = [b for b in bids if before[b.key].outcome == GALLERY and unblocks_nobody(b)]
    assume(candidates)
    gone = data.draw(st.sampled_from(candidates))
    after = allocate_observers([b for b in bids if b.key != gone.key], **kw)
    overflow = sorted((k for k, p in before.items() if p.outcome == OVERFLOW), key=lambda k: before[k].position)
    assert changes(before, after) == [Promotion(k, before[k], after[k]) for k in overflow[:1]]
    if overflow:
        assert after[overflow[0]] == Place(GALLERY, BY_TIME, seats)
    for key in overflow[1:]:
        assert after[key] == Place(OVERFLOW, BEYOND_SEATS, before[key].position - 1)


@settings(max_examples=250, deadline=None)
@given(bids=representative_bids(), speaker_cap=st.integers(1, 10), representative_cap=st.integers(1, 10))
def test_representatives_are_capped_per_case_and_shared_interest_and_fill_their_places_V4(
        bids, speaker_cap, representative_cap):
    places = allocate_speakers(bids, speaker_cap=speaker_cap, representative_cap=representative_cap)
    held, waiting = Counter(), set()
    for bid in bids:
        queue = (bid.case, bid.pool, bid.interest if bid.pool == OTHER else "")
        if places[bid.key].outcome == ALLOCATED:
            held[queue] += 1
        elif places[bid.key].outcome == WAITLISTED:
            waiting.add(queue)
    cap = {ONLINE: speaker_cap, OTHER: representative_cap}
    assert all(n <= cap[pool] for (_case, pool, _interest), n in held.items())
    assert all(held[queue] == cap[queue[1]] for queue in waiting)  # nobody waits while a place is free
