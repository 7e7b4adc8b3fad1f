"""How an application's place is put into words, on its page and in its e-mails."""
from flask_babel import gettext

from ..labels import LABELS
from ..rules import allocation as rules
from .models import SPEAK
from .placing import holds_place


def case_title(request) -> str:
    """The case a speaking request is for, or the meeting itself (a hearing has one case)."""
    return request.case.title if request.case is not None else request.application.meeting.title


def _speaker_line(request) -> str:
    title = case_title(request)
    if request.outcome == rules.ALLOCATED:
        if request.reason == rules.BY_PARTY_PRIORITY:
            return gettext("%(case)s: you have speaking place %(n)s. As a party concerned whose claim was "
                           "accepted, you come before other applicants (venue rules, point 3(4)).",
                           case=title, n=request.position)
        if request.application.channel != "online":  # V4: recorded by staff, not confirmed online
            return gettext("%(case)s: you have speaking place %(n)s among the representatives who applied by "
                           "other channels, in order of the time your application was recorded (venue rules, "
                           "point 3(2)).", case=title, n=request.position)
        return gettext("%(case)s: you have speaking place %(n)s, in order of the time your application was "
                       "confirmed (venue rules, point 3(4)).", case=title, n=request.position)
    if request.outcome == rules.WAITLISTED:
        return gettext("%(case)s: all speaking places are taken; you are number %(n)s on the waiting list and "
                       "will be told by e-mail if a place frees up (venue rules, point 3(1) and 3(4)).",
                       case=title, n=request.position)
    if request.outcome == rules.GROUP_TAKEN:
        return gettext("%(case)s: your organisation already has a speaker on this case, and each group has one "
                       "(venue rules, point 3(3)).", case=title)
    return gettext("%(case)s: not yet allocated.", case=title)


def _observer_line(application) -> str:
    meeting = application.meeting
    if application.outcome == rules.GALLERY:
        return gettext("You have gallery seat %(n)s.", n=application.position)
    if application.outcome == rules.OVERFLOW:
        return gettext("The gallery's seats are taken, so you are seated in the overflow room, %(room)s; you "
                       "are number %(n)s there (venue rules, point 3). You will be told if a gallery seat "
                       "frees up.", room=meeting.overflow_room or gettext("as staff direct"), n=application.position)
    if application.outcome == rules.GROUP_FULL:
        return gettext("Your organisation already has %(n)s observers, the number each group may send in "
                       "principle (venue rules, point 3). Contact the secretariat if you need an exception.",
                       n=meeting.observers_per_group)
    if application.outcome == rules.VILLAGE_FULL:
        return gettext("Your village or borough already has %(n)s observers, the number each may send in "
                       "principle (venue rules, point 3). Contact the secretariat if you need an exception.",
                       n=meeting.observers_per_village)
    return gettext("Not yet allocated.")


def place_lines(application) -> list[str]:
    """One sentence per case (speakers) or one for the observer: the place held, and why."""
    if application.kind == SPEAK:
        return [_speaker_line(r) for r in application.requests if r.active]
    return [_observer_line(application)]


def status_label(application) -> str:
    """The status the applicant reads: a confirmed application without a place reads as waiting
    (候補中, with the position), never as 已確認 (issue 9, item 1)."""
    if application.status != "active" or holds_place(application):
        return str(LABELS["application_status"][application.status])
    waiting = sorted(r.position for r in application.requests
                     if r.active and r.outcome == rules.WAITLISTED and r.position is not None)
    if application.kind == SPEAK and waiting:
        return gettext("On the waiting list (number %(n)s)", n=waiting[0]) if len(waiting) == 1 \
            else gettext("On the waiting list")
    return gettext("No place")


def claim_lines(application) -> list[str]:
    """One sentence per party-concerned claim: awaiting the secretariat, accepted or not, with its note (V6)."""
    lines = []
    for request in application.requests:
        if not request.party_concerned:
            continue
        title = case_title(request)
        if request.claim == rules.CLAIM_ACCEPTED:
            line = gettext("%(case)s: the secretariat accepted your claim to be a party concerned.", case=title)
        elif request.claim == rules.CLAIM_REJECTED:
            line = gettext("%(case)s: the secretariat did not accept your claim to be a party concerned; your "
                           "place follows your time of application.", case=title)
        else:
            line = gettext("%(case)s: your claim to be a party concerned awaits the secretariat's decision.",
                           case=title)
        if request.claim_note and request.claim in (rules.CLAIM_ACCEPTED, rules.CLAIM_REJECTED):
            line += " " + gettext("The secretariat's note: %(note)s", note=request.claim_note)
        lines.append(line)
    return lines
