"""The venue-rule settings of a meeting and their bounds (V3, V4, V7, V11)."""
from dataclasses import asdict, dataclass, fields

from . import Problem

SPEAKER_CAP_MAX = 10  # V3: online speakers 5 in principle, at most 10 when necessary
REPRESENTATIVES_IN_PRINCIPLE = 5  # V4: parties sharing an interest choose 1 to 5 representatives per case
REPRESENTATIVE_CAP_MAX = 10  # V4: at most 10 when necessary
COMMENT_MINUTES_MAX = 60  # V11: 30 minutes per case in principle, at most 60


@dataclass(frozen=True)
class VenueSettings:
    """The numbers the venue rules leave to each organizer and meeting."""

    speaker_cap: int
    gallery_seats: int
    observers_per_group: int
    observers_per_village: int
    minutes_per_speaker: int
    comment_minutes_per_case: int

    def as_dict(self) -> dict:
        """The settings as a plain dict, keyed by field name."""
        return asdict(self)


SETTING_NAMES = tuple(f.name for f in fields(VenueSettings))

# The Ministry's rules as RULES.md states them: V3 5 speakers, V7 20 seats and 2 per group
# or village, V11 3 minutes a speaker and 30 minutes a case.
MINISTRY_DEFAULTS = VenueSettings(
    speaker_cap=5,
    gallery_seats=20,
    observers_per_group=2,
    observers_per_village=2,
    minutes_per_speaker=3,
    comment_minutes_per_case=30,
)

# (low, high) for each setting; the V3 and V11 ceilings come from the rules, the others are
# sanity bounds against typing mistakes.
BOUNDS = {
    "speaker_cap": (1, SPEAKER_CAP_MAX),
    "gallery_seats": (0, 500),
    "observers_per_group": (1, 50),
    "observers_per_village": (1, 50),
    "minutes_per_speaker": (1, 30),
    "comment_minutes_per_case": (1, COMMENT_MINUTES_MAX),
}


def settings_problems(settings: VenueSettings) -> list[Problem]:
    """Which settings fall outside what the rules allow (V3, V11) or are implausible."""
    problems = []
    for name in SETTING_NAMES:
        value = getattr(settings, name)
        low, high = BOUNDS[name]
        if value is None or not low <= value <= high:
            problems.append(Problem(name, f"{name}_out_of_range", {"low": low, "high": high}))
    return problems


# The places per case the secretariat may set at the desk: online speakers (V3), representatives of
# each shared interest who applied by other channels (V4).
CAP_BOUNDS = {"speaker_cap": BOUNDS["speaker_cap"], "representative_cap": (1, REPRESENTATIVE_CAP_MAX)}


def cap_problems(speaker_cap: int | None, representative_cap: int | None) -> list[Problem]:
    """Which places per case fall outside V3's and V4's bounds (1 to 10 each)."""
    problems = []
    for name, value in (("speaker_cap", speaker_cap), ("representative_cap", representative_cap)):
        low, high = CAP_BOUNDS[name]
        if value is None or not low <= value <= high:
            problems.append(Problem(name, f"{name}_out_of_range", {"low": low, "high": high}))
    return problems


def case_budget_problems(minutes: int | None) -> list[Problem]:
    """Whether one case's public-comment budget is within V11's 60-minute ceiling."""
    if minutes is None:
        return []
    if not 1 <= minutes <= COMMENT_MINUTES_MAX:  # V11
        return [Problem("comment_minutes", "comment_minutes_per_case_out_of_range",
                        {"low": 1, "high": COMMENT_MINUTES_MAX})]
    return []


def comment_minutes_over_budget(speakers: int, minutes_per_speaker: int, budget: int) -> int | None:
    """V11: the minutes `speakers` need at `minutes_per_speaker` each when that is more than the case's
    public-comment `budget` (which the chair may extend, with the members' consent, up to 60); else None."""
    needed = speakers * minutes_per_speaker
    return needed if needed > budget else None


def departures(settings: VenueSettings, profile: VenueSettings) -> dict[str, tuple[int, int]]:
    """The settings where a meeting departs from its organizer's profile: name -> (profile, meeting)."""
    return {
        name: (getattr(profile, name), getattr(settings, name))
        for name in SETTING_NAMES
        if getattr(profile, name) != getattr(settings, name)
    }
