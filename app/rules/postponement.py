"""What a postponement must say (W5): when the meeting now takes place, or that the new time is still
to be announced; where, when it moves online; and a registration deadline that fits the new time (W1)."""
from datetime import datetime

from . import Problem, web_link_problems
from .periods import schedule_problems


def postponement_problems(*, now: datetime, starts_at: datetime | None, ends_at: datetime | None,
                          to_be_announced: bool, moved_online: bool, online_link: str,
                          opens_at: datetime | None, closes_at: datetime | None,
                          new_closes_at: datetime | None) -> list[Problem]:
    """What is wrong with a postponement (W5): a new time in the future, or "to be announced"; a link
    when the meeting moves online; a new registration deadline that fits the new time (W1)."""
    problems = web_link_problems("online_link", online_link) if online_link else []
    if moved_online and not online_link:
        problems.append(Problem("online_link", "online_link_required"))
    if to_be_announced:
        if new_closes_at is not None:  # the deadline must come before a start that nobody knows yet
            problems.append(Problem("registration_closes_at", "deadline_needs_new_time"))
        return problems
    if starts_at is None or ends_at is None:
        return problems + [Problem("starts_at" if starts_at is None else "ends_at", "new_time_required")]
    if starts_at <= now:
        problems.append(Problem("starts_at", "new_time_in_past"))
    deadline = new_closes_at or closes_at  # W1: the deadline that will hold, the new one or the kept one
    for problem in schedule_problems(starts_at, ends_at, opens_at, deadline if opens_at else None):
        problems.append(Problem("registration_closes_at", problem.code, problem.params)
                        if problem.field.startswith("registration_") else problem)
    if new_closes_at is not None and opens_at is None:
        problems.append(Problem("registration_closes_at", "deadline_without_window"))
    elif new_closes_at is not None and new_closes_at <= now:
        problems.append(Problem("registration_closes_at", "deadline_in_past"))
    return problems
