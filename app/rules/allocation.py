"""Who gets a speaking place, a gallery seat or the overflow room (V3–V7).

Pure: bids in, places out. The caller passes every active, confirmed application of a meeting (or of
one part of it: the observers, or the speakers of some cases, which never move each other); the result
is the whole allocation of what was passed, so re-running it after any change (a cancellation, a
rejected claim, a raised cap) is how places free up and waitlisted people are promoted. Bids and places
are named tuples, not frozen dataclasses: a meeting of 1,500 applications makes 2,500 of them under
the meeting's lock, and a tuple is made in half the time.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Hashable, NamedTuple

ONLINE, OTHER = "online", "other"  # V3 online pool; V4 other channels, with their own cap
POOLS = (ONLINE, OTHER)
CLAIM_NONE, CLAIM_PENDING, CLAIM_ACCEPTED, CLAIM_REJECTED = "none", "pending", "accepted", "rejected"
CLAIMS = (CLAIM_NONE, CLAIM_PENDING, CLAIM_ACCEPTED, CLAIM_REJECTED)

# Outcomes
ALLOCATED, WAITLISTED, GROUP_TAKEN = "allocated", "waitlisted", "group_taken"
GALLERY, OVERFLOW, GROUP_FULL, VILLAGE_FULL = "gallery", "overflow", "group_full", "village_full"
SPEAKER_OUTCOMES = (ALLOCATED, WAITLISTED, GROUP_TAKEN)
OBSERVER_OUTCOMES = (GALLERY, OVERFLOW, GROUP_FULL, VILLAGE_FULL)
SEATED = (ALLOCATED, GALLERY, OVERFLOW)

# Reasons, shown to the applicant
BY_PARTY_PRIORITY = "party_concerned_first"  # V6
BY_TIME = "time_of_application"  # V6, V7
BEYOND_CAP = "beyond_cap"  # V3, V4
BEYOND_SEATS = "beyond_gallery_seats"  # V7
ONE_SPEAKER_PER_GROUP = "one_speaker_per_group"  # V5
OBSERVERS_PER_GROUP = "observers_per_group"  # V7
OBSERVERS_PER_VILLAGE = "observers_per_village"  # V7
# The sign-in desk on the day (V2): a speaker absent when their case was called is passed over, and
# their place given to the next waitlisted person who is present; the given place comes first.
PASSED_OVER_ABSENT = "passed_over_absent"
GIVEN_FOR_ABSENT = "given_for_absent_speaker"


class SpeakerBid(NamedTuple):
    """One confirmed request to speak on one case. `group` is a normalised organisation name or '';
    `interest` (other channels only) the normalised name of the shared-interest parties whose
    representative the speaker is, or ''."""

    key: Hashable
    case: Hashable
    at: datetime
    group: str = ""
    pool: str = ONLINE
    claim: str = CLAIM_NONE
    interest: str = ""
    given: bool = False  # given the place of a speaker passed over at the desk (V2)

    @property
    def queue(self) -> tuple:
        """The queue the bid waits in (queue_key)."""
        return queue_key(self.case, self.pool, self.interest)


def queue_key(case, pool: str, interest: str = "") -> tuple:
    """A speaking queue: per case, the online places (V3); per case and shared interest, the
    representatives from other channels (V4)."""
    return (case, pool, interest if pool == OTHER else "")


class ObserverBid(NamedTuple):
    """One confirmed request to observe. `group` and `village` are normalised keys or ''."""

    key: Hashable
    at: datetime
    group: str = ""
    village: str = ""


class Place(NamedTuple):
    """The outcome for one bid: what it got, its 1-based position in its queue, and why."""

    outcome: str
    reason: str
    position: int | None = None

    @property
    def seated(self) -> bool:
        """Whether the bid holds a place (a speaking place, a gallery seat or the overflow room)."""
        return self.outcome in SEATED


def _priority(bid: SpeakerBid):
    # A place given at the desk for an absent speaker stays given (V2); then V6: accepted parties
    # concerned first, then everyone by time of application; key breaks ties.
    return (0 if bid.given else 1 if bid.claim == CLAIM_ACCEPTED else 2, bid.at, str(bid.key))


def _allocated_reason(bid: SpeakerBid) -> str:
    if bid.given:
        return GIVEN_FOR_ABSENT
    return BY_PARTY_PRIORITY if bid.claim == CLAIM_ACCEPTED else BY_TIME


def allocate_speakers(bids, *, speaker_cap: int, representative_cap: int) -> dict:
    """Places for every speaker bid: per queue (SpeakerBid.queue) the first `cap` in V6 order are
    allocated, the rest waitlisted in that order — `speaker_cap` online places per case (V3), and
    `representative_cap` representatives per case for each group of parties sharing an interest
    who applied by other channels (V4; those with no shared interest recorded form one such group).

    V5 allows one active bid per group and case; the database's partial unique index already
    refuses a second, so callers never pass one. Should one arrive, the earlier bid counts and the
    later gets GROUP_TAKEN — a guard, not a queue: a cancellation then lets it back in by V6 order."""
    caps = {ONLINE: speaker_cap, OTHER: representative_cap}  # V3, V4
    places = {}
    queues = defaultdict(list)
    groups_seen = set()
    for bid in sorted(bids, key=lambda b: (b.at, str(b.key))):
        if bid.group and (bid.case, bid.group) in groups_seen:  # V5: one speaker per group per case
            places[bid.key] = Place(GROUP_TAKEN, ONE_SPEAKER_PER_GROUP)
            continue
        if bid.group:
            groups_seen.add((bid.case, bid.group))
        queues[bid.queue].append(bid)
    for (_case, pool, _interest), queue in queues.items():
        waiting = 0
        for rank, bid in enumerate(sorted(queue, key=_priority)):
            if rank < caps[pool]:
                places[bid.key] = Place(ALLOCATED, _allocated_reason(bid), rank + 1)
            else:
                waiting += 1
                places[bid.key] = Place(WAITLISTED, BEYOND_CAP, waiting)
    return places


def allocate_observers(bids, *, gallery_seats: int, per_group: int, per_village: int) -> dict:
    """Places for every observer bid, by time of application (V7): at most `per_group` of a group
    and `per_village` of a village; the first `gallery_seats` in the gallery, the rest in the
    overflow room — nobody is turned away for want of gallery seats."""
    places = {}
    by_group, by_village = defaultdict(int), defaultdict(int)
    seated = overflow = 0
    for bid in sorted(bids, key=lambda b: (b.at, str(b.key))):
        if bid.group and by_group[bid.group] >= per_group:
            places[bid.key] = Place(GROUP_FULL, OBSERVERS_PER_GROUP)
            continue
        if bid.village and by_village[bid.village] >= per_village:
            places[bid.key] = Place(VILLAGE_FULL, OBSERVERS_PER_VILLAGE)
            continue
        if bid.group:
            by_group[bid.group] += 1
        if bid.village:
            by_village[bid.village] += 1
        if seated < gallery_seats:
            seated += 1
            places[bid.key] = Place(GALLERY, BY_TIME, seated)
        else:
            overflow += 1
            places[bid.key] = Place(OVERFLOW, BEYOND_SEATS, overflow)
    return places


@dataclass(frozen=True)
class Promotion:
    """A bid whose place changed between two allocations."""

    key: Hashable
    before: Place | None
    after: Place


def changes(before: dict, after: dict) -> list[Promotion]:
    """Bids whose outcome changed (a waitlisted speaker allocated, an observer moved to the gallery)."""
    return [Promotion(key, before.get(key), place) for key, place in after.items()
            if before.get(key) is None or before[key].outcome != place.outcome]
