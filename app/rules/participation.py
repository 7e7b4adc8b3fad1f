"""How far a plan's public participation has come against the stage rules (P1, P3, P6).

Framework-free: takes plain facts about a plan's meetings and returns counts and verdicts.
"""
from collections.abc import Iterable
from dataclasses import dataclass, field

from .publication import CANCELLED

INITIAL, MIDDLE, FINAL = "initial", "middle", "final"  # P1: 期初, 期中, 期末
PHASES = (INITIAL, MIDDLE, FINAL)
SYMPOSIUM, WORKSHOP, HEARING, COMMITTEE, SUBGROUP = "symposium", "workshop", "hearing", "committee", "subgroup"
PLANNING_KINDS = (SYMPOSIUM, WORKSHOP)  # P1
MIN_PLANNING_MEETINGS = 3  # P1: at least three symposia or workshops, more allowed
HEARING_KINDS = (HEARING,)  # P3
DELIBERATION_KINDS = (COMMITTEE, SUBGROUP)  # P6
MEETING_KINDS = (*PLANNING_KINDS, *HEARING_KINDS, *DELIBERATION_KINDS)


@dataclass(frozen=True)
class MeetingFact:
    """What the participation count needs to know of one meeting."""

    kind: str
    phase: str | None
    status: str


@dataclass(frozen=True)
class Participation:
    """Meetings held or scheduled (cancelled ones do not count) per participation rule."""

    planning_by_phase: dict = field(default_factory=dict)
    planning_total: int = 0
    hearings: int = 0
    deliberations: int = 0

    @property
    def phases_missing(self) -> list[str]:
        """P1: the planning phases without a symposium or workshop yet."""
        return [phase for phase in PHASES if not self.planning_by_phase.get(phase)]

    @property
    def planning_met(self) -> bool:
        """P1: every phase has its meeting and there are at least three in all."""
        return not self.phases_missing and self.planning_total >= MIN_PLANNING_MEETINGS

    @property
    def hearing_met(self) -> bool:
        """P3: the exhibition has at least one public hearing."""
        return self.hearings >= 1


def participation(meetings: Iterable[MeetingFact]) -> Participation:
    """Count a plan's meetings per rule; cancelled meetings took no one's views and do not count."""
    by_phase = dict.fromkeys(PHASES, 0)
    planning = hearings = deliberations = 0
    for meeting in meetings:
        if meeting.status == CANCELLED:
            continue
        if meeting.kind in PLANNING_KINDS:
            planning += 1
            if meeting.phase in by_phase:
                by_phase[meeting.phase] += 1
        elif meeting.kind in HEARING_KINDS:
            hearings += 1
        elif meeting.kind in DELIBERATION_KINDS:
            deliberations += 1
    return Participation(planning_by_phase=by_phase, planning_total=planning, hearings=hearings,
                         deliberations=deliberations)


def may_hold_meetings_on(organizer_id: int, organizer_county: str | None, plan_organizer_id: int) -> bool:
    """Whether an organizer may file meetings under a plan: a city or county under its own plans;
    the Ministry (the organizer without a county) under any, as its committee reviews them (P6)."""
    return organizer_county is None or organizer_id == plan_organizer_id
