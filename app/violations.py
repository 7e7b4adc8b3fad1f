"""Domain errors raised by services, the words people read for each rule problem, and which
database constraint an IntegrityError broke (by the constraint's name, never the message's words)."""
import re
import sqlite3

from flask_babel import lazy_gettext as _l
from sqlalchemy import UniqueConstraint

from .extensions import db
from .rules import Problem

MESSAGES = {
    "notice_meeting_draft": _l("A notice can be sent only about a published meeting; publish this one first."),
    "end_not_after_start": _l("The meeting must end after it starts."),
    "window_needs_both_ends": _l("Give both the opening and the deadline of registration, or neither."),
    "deadline_not_after_opening": _l("The registration deadline must come after registration opens."),
    "deadline_after_start": _l("The registration deadline must not be later than the start of the meeting "
                               "(a deadline is a date and a time before the meeting)."),
    "period_needs_both_ends": _l("Give both the first and the last day of the period, or neither."),
    "period_ends_before_start": _l("The last day cannot come before the first day."),
    "exhibition_too_short": _l("A public exhibition lasts at least %(minimum)s days; this one has %(days)s."),
    "announcement_needs_approval": _l("Enter the date of the approval letter first."),
    "announced_before_approval": _l("The plan cannot be announced before its approval letter."),
    "announced_too_late": _l("An approved plan must be announced within %(maximum)s days of the approval "
                             "letter; this date is %(days)s days after it."),
    "exhibition_needs_announcement": _l("Enter the announcement date first."),
    "announced_exhibition_too_short": _l("An approved plan is exhibited for at least %(minimum)s days; "
                                         "this period has %(days)s."),
    "speaker_cap_out_of_range": _l("Online speakers: between %(low)s and %(high)s (5 in principle, at most 10 "
                                   "when necessary, under point 3 of the venue rules)."),
    "gallery_seats_out_of_range": _l("Gallery seats: between %(low)s and %(high)s."),
    "observers_per_group_out_of_range": _l("Observers per group: between %(low)s and %(high)s."),
    "observers_per_village_out_of_range": _l("Observers per village or borough: between %(low)s and %(high)s."),
    "minutes_per_speaker_out_of_range": _l("Minutes per speaker: between %(low)s and %(high)s."),
    "comment_minutes_per_case_out_of_range": _l("Public comment per case: between %(low)s and %(high)s minutes "
                                                "(30 in principle, at most 60, under point 5 of the venue rules)."),
    "transition_not_allowed": _l("This meeting cannot be changed that way in its current status."),
    "reason_required": _l("Give the reason; it is shown to the public."),
    "departure_reason_required": _l("These settings differ from your organizer's rule profile; give the reason, "
                                    "which is recorded and shown on the meeting page."),
    "stale_form": _l("Someone else changed this record while you were editing. Your changes were not saved; "
                     "reload the page to see the latest version and make them again."),
    "time_change_needs_postponement": _l("A published meeting's time is changed by postponing it, so that "
                                         "everyone is told; use “Postpone” instead."),
    "new_time_in_past": _l("The new time must be in the future."),
    "new_time_required": _l("Give the new start and end, or choose “New time to be announced”."),
    "online_link_required": _l("Give the link where people join the meeting online."),
    "deadline_needs_new_time": _l("Set a new registration deadline when you announce the new time; until then "
                                  "the current deadline stays."),
    "deadline_without_window": _l("This meeting takes no applications online, so it has no deadline to move; "
                                  "set a registration window with “Edit details”."),
    "deadline_in_past": _l("The new registration deadline must be in the future."),
    "agenda_outside_meeting": _l("Agenda items must fall within the meeting's own start and end."),
    "plan_not_found": _l("Choose a plan from the list."),
    "file_too_large": _l("The file is %(size)s; the largest accepted is %(limit)s."),
    "file_type_not_allowed": _l("Only PDF, OpenDocument, Office, PNG, JPEG and ZIP files are accepted."),
    "file_content_mismatch": _l("The file's content does not match its extension (%(ext)s)."),
    "file_or_link_required": _l("Upload a file or give a link (one of the two)."),
    "file_empty": _l("The file is empty."),
    "link_not_http": _l("A link must start with https:// or http://."),
    "plan_of_another_organizer": _l("A city or county holds meetings on its own plans only; this plan belongs to "
                                    "another organizer."),
    "password_wrong": _l("That is not your current password."),
    "password_too_short": _l("The new password needs at least %(minimum)s characters."),
    "password_unchanged": _l("The new password must differ from the current one."),
    "totp_code_wrong": _l("That code is not right, or was used already. Enter the six digits your "
                          "authenticator app shows now."),
    "totp_required_for_admins": _l("Administrators must keep two-factor sign-in on."),
    "role_unknown": _l("Choose a role from the list."),
    "organizer_required": _l("Secretariat and planner accounts belong to an organizer; choose one."),
    "last_admin": _l("This is the last active administrator; make another account an administrator first."),
    "account_exists": _l("A staff account with this e-mail address exists already."),
    "meeting_cancelled": _l("This meeting has been cancelled, so it takes no applications."),
    "meeting_not_public": _l("This meeting is not open to the public."),
    "no_online_registration": _l("This meeting takes no applications online; see the meeting page for how to "
                                 "take part."),
    "registration_not_open": _l("Registration for this meeting has not opened yet."),
    "registration_closed": _l("The registration deadline for this meeting has passed (an application counts "
                              "only if its e-mail address was confirmed before the deadline)."),
    "suspended": _l("We cannot take an application from you for this meeting online. Please contact the "
                    "secretariat: %(contact)s."),
    "already_applied": _l("You already have an application for this meeting: each person applies once "
                          "(point 3(3) of the venue rules). Use the link in your confirmation e-mail to see or "
                          "cancel it."),
    "already_applied_staff": _l("This person already has an active application for this meeting (the same "
                                "e-mail address): one each (point 3(3) of the venue rules)."),
    "already_applied_phone_staff": _l("Another active application for this meeting has the same name and phone "
                                      "number: one each (point 3(3) of the venue rules). If that one is not this "
                                      "person's, reject it first, then record this one."),
    "suspended_phone_staff": _l("This phone number (with this name) belongs to a person suspended from this "
                                "organizer's meetings (point 5 of the venue rules): the application cannot be "
                                "recorded. See Suspensions."),
    "email_not_ascii": _l("We can only send mail to an address written in Latin letters, digits and symbols "
                          "(such as name@example.tw); this one contains other characters. Please give another "
                          "address."),
    "group_name_required": _l("Enter the group's name."),
    "already_one_group": _l("These names already count as one group."),
    "group_alias_changed": _l("Someone marked one of these names at the same moment. Look at the list below and "
                              "mark them again if they still need it."),
    "group_has_speaker": _l("Your organisation already has a speaker on %(cases)s: each group has one speaker "
                            "per case in principle (point 3(3) of the venue rules). Apply to observe instead, "
                            "or agree among yourselves who speaks."),
    "case_required": _l("Choose at least one case you want to speak on."),
    "case_unknown": _l("Choose the cases from the list."),
    "consent_required": _l("Please read and agree to the personal-data notice; without it we cannot take your "
                           "application."),
    "party_statement_required": _l("Say briefly how the case concerns you (for example, you own or live on land "
                                   "it covers)."),
    "name_required": _l("Enter your name."),
    "township_required": _l("Give the township or district of your village or borough."),
    "not_active": _l("This application is no longer active (it was cancelled or not accepted)."),
    "meeting_over": _l("The meeting is over; the application can no longer be changed."),
    "channel_required": _l("Choose how the application came in (telephone, fax, paper, e-mail or on site)."),
    "contact_required": _l("Give an e-mail address or a phone number."),
    "no_claim": _l("This speaker did not claim to be a party concerned."),
    "pool_unknown": _l("Choose online places or other channels."),
    "representative_cap_out_of_range": _l("Representatives from other channels: between %(low)s and %(high)s "
                                          "(1 to 5, at most 10 when necessary, under point 3(2) of the venue "
                                          "rules)."),
    "note_required": _l("Give the reason for not accepting the claim; the applicant is told."),
    "rejection_reason_required": _l("Give the reason for not accepting the application; the applicant is told."),
    "meeting_closed_for_records": _l("This meeting is cancelled or over; no more applications can be recorded."),
    "pool_for_speakers": _l("Only speakers have pools; observers are seated by time of application."),
    "too_long_normalised": _l("This is too long once written in standard form; please shorten it."),
    "case_has_applications": _l("Open applications to speak on this case: %(count)s. Reject or cancel them "
                                "(the applicants are told why) before removing the case."),
    "cap_below_places_held": _l("Speakers who would lose the place they hold: %(count)s. Tick the box to go ahead; "
                                "they are told by e-mail and keep their turn at the head of the waiting list."),
    "until_in_past": _l("Give a date from today onwards."),
    "phase_only_for_planning": _l("Planning phases (initial, middle, final) apply only to symposia and workshops."),
    # The sign-in desk on the day of the meeting (app/dayof, V2).
    "code_required": _l("Type or scan a check-in code."),
    "code_unknown": _l("No application has the check-in code %(typed)s. Check the code, or search by name or phone."),
    "code_other_meeting": _l("The check-in code %(typed)s belongs to another meeting, not this one. Nothing "
                             "was changed."),
    "refused_at_desk": _l("%(name)s's application was not accepted: %(reason)s. They cannot be signed in."),
    "cancelled_at_desk": _l("%(name)s's application was cancelled, so they hold no place. They may apply on "
                            "site as a walk-in."),
    "unconfirmed_at_desk": _l("%(name)s never confirmed the application's e-mail address, so it holds no "
                              "place. They may apply on site as a walk-in."),
    "already_signed_in": _l("%(name)s is already signed in (at %(time)s, badge %(badge)s). Nothing was changed."),
    "already_signed_in_now": _l("%(name)s was signed in a moment ago at another desk. Nothing was changed."),
    "badge_invalid": _l("A badge number has at most %(limit)s characters, on one line."),
    "badge_taken": _l("Badge %(badge)s is held by %(name)s. Give another badge, or undo that sign-in first."),
    "sign_in_unknown": _l("That sign-in is not one of this meeting's."),
    "sign_in_already_undone": _l("%(name)s's sign-in was already undone. Nothing was changed."),
    "speaker_unknown": _l("That speaker is not one of this meeting's."),
    "not_holding_place": _l("%(name)s no longer holds a speaking place here (passed over already, or the "
                            "place moved). Nothing was changed."),

    # The applicant's own changes (issue 9, item 2)
    "already_observing": _l("You already apply to observe."),
    "cases_not_chosen_here": _l("This meeting has no cases to choose from."),
    "last_case": _l("Keep at least one case. To give up speaking altogether, switch to observing or cancel "
                    "your application."),
}


class RuleViolation(Exception):
    """A rule or a check said no; carries problems that views show next to fields."""

    def __init__(self, problems: list[Problem]):
        super().__init__(", ".join(p.code for p in problems))
        self.problems = problems

    @classmethod
    def one(cls, field: str, code: str, **params):
        """A violation with a single problem."""
        return cls([Problem(field, code, params)])


def message_for(problem: Problem) -> str:
    """The translated, human sentence for one problem."""
    template = MESSAGES.get(problem.code)
    if template is None:
        return str(problem.code)
    return str(template) % problem.params if problem.params else str(template)


def apply_to_form(form, violation: RuleViolation) -> list[str]:
    """Attach each problem to its form field; return the messages that fit no field."""
    leftovers = []
    for problem in violation.problems:
        field = getattr(form, problem.field, None) if form is not None else None
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + [message_for(problem)]
        else:
            leftovers.append(message_for(problem))
    return leftovers



# SQLite names no unique index in its error, only the columns ("table.a, table.b"), which map to it.
_SQLITE_COLUMNS = re.compile(r":\s*([\w.]+(?:,\s*[\w.]+)*)\s*$")
_SQLITE_UNIQUE = (sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)


def constraint_name(error: Exception) -> str | None:
    """The name of the constraint or unique index an IntegrityError broke, as the driver reports it:
    psycopg's `diag.constraint_name`; for SQLite, a CHECK's own name, or the unique index (or unique
    constraint) whose columns its extended code SQLITE_CONSTRAINT_UNIQUE names. None if unknown."""
    orig = getattr(error, "orig", error)
    diag = getattr(orig, "diag", None)
    if diag is not None:
        return diag.constraint_name
    code = getattr(orig, "sqlite_errorcode", None)
    found = _SQLITE_COLUMNS.search(str(orig.args[0]) if getattr(orig, "args", None) else "")
    if code is None or found is None:
        return None
    if code == sqlite3.SQLITE_CONSTRAINT_CHECK:
        return found.group(1)
    if code in _SQLITE_UNIQUE:
        return _unique_named_by(found.group(1).replace(" ", "").split(","))
    return None


def _unique_named_by(qualified_columns: list[str]) -> str | None:
    table_name = qualified_columns[0].split(".")[0]
    columns = [c.split(".", 1)[-1] for c in qualified_columns]
    table = db.metadata.tables.get(table_name)
    if table is None:
        return None
    candidates = [i for i in table.indexes if i.unique] + [
        c for c in table.constraints if isinstance(c, UniqueConstraint)]
    return next((c.name for c in candidates if [col.name for col in c.columns] == columns), None)
