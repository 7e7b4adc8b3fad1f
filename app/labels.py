"""The names people read for the domain's codes (kinds, phases, statuses, stages …)."""
from wtforms.fields.choices import SelectChoice

from .audit import readable_details
from .i18n import gettext
from .i18n import lazy_gettext as _l  # Flask-Babel's, through a faster gettext (pages show many labels)
from .timefmt import readable_moment

LABELS = {
    "kind": {
        "symposium": _l("Symposium"),
        "workshop": _l("Workshop"),
        "hearing": _l("Public hearing"),
        "committee": _l("Deliberation committee meeting"),
        "subgroup": _l("Project sub-group meeting"),
    },
    "phase": {
        "initial": _l("Initial phase"),
        "middle": _l("Middle phase"),
        "final": _l("Final phase"),
    },
    "status": {
        "draft": _l("Draft"),
        "published": _l("Published"),
        "postponed": _l("Postponed"),
        "cancelled": _l("Cancelled"),
    },
    "stage": {
        "planning": _l("Planning"),
        "exhibition": _l("Public exhibition"),
        "deliberation": _l("Deliberation"),
        "approval": _l("Approval"),
        "announced": _l("Announced"),
    },
    "category": {
        "agenda": _l("Agenda"),
        "briefing": _l("Briefing material"),
        "draft_plan": _l("Draft plan"),
        "minutes": _l("Minutes"),
        "other": _l("Other"),
    },
    "role": {
        "admin": _l("Administrator"),
        "secretariat": _l("Secretariat"),
        "planner": _l("Planner"),
    },
    "setting": {
        "speaker_cap": _l("Online speakers per case"),
        "gallery_seats": _l("Gallery seats"),
        "observers_per_group": _l("Observers per group"),
        "observers_per_village": _l("Observers per village or borough"),
        "minutes_per_speaker": _l("Minutes per speaker"),
        "comment_minutes_per_case": _l("Minutes of public comment per case"),
        "representative_cap": _l("Representatives per shared interest and case (other channels)"),
    },
    "registration": {
        "none": _l("No online registration for this meeting"),
        "not_open": _l("Registration has not opened yet"),
        "open": _l("Registration is open"),
        "closed": _l("Registration has closed"),
    },
    "language": {"zh_Hant_TW": _l("Traditional Chinese"), "en": _l("English")},  # of e-mails to an applicant
    "application_kind": {"speak": _l("speak"), "observe": _l("observe")},
    "application_status": {
        "unconfirmed": _l("Waiting for e-mail confirmation"),
        "active": _l("Confirmed"),
        "cancelled": _l("Cancelled"),
        "rejected": _l("Not accepted"),
    },
    "channel": {
        "online": _l("Online"),
        "phone": _l("Telephone"),
        "fax": _l("Fax"),
        "paper": _l("Paper form"),
        "email": _l("E-mail"),
        "onsite": _l("On site"),
    },
    "pool": {"online": _l("Online places (point 3(1))"), "other": _l("Other channels (point 3(2))")},
    "claim": {
        "none": _l("No claim"),
        "pending": _l("Claim awaiting decision"),
        "accepted": _l("Claim accepted"),
        "rejected": _l("Claim not accepted"),
    },
    "outcome": {
        "allocated": _l("Speaking place"),
        "waitlisted": _l("Waiting list"),
        "group_taken": _l("Group already has a speaker"),
        "gallery": _l("Gallery seat"),
        "overflow": _l("Overflow room"),
        "group_full": _l("Group's observers full"),
        "village_full": _l("Village's observers full"),
    },
    "mail_topic": {
        "registration.confirm_email": _l("Confirm the e-mail address"),
        "registration.received": _l("Application received"),
        "registration.promoted": _l("A place"),
        "registration.waitlisted": _l("Place lost: waiting list"),
        "registration.overflow": _l("Moved to the overflow room"),
        "registration.cancelled": _l("Cancellation"),
        "registration.rejected": _l("Not accepted"),
        "registration.claim_decided": _l("Party-concerned claim decided"),
        "registration.changed": _l("Changed by the applicant"),
        "registration.links": _l("Application links sent again"),
        "meeting.changed": _l("Meeting changed"),
        "account.invitation": _l("Staff invitation"),
    },
    "speaking_reason": {  # why the sign-in desk changed a speaking place (app/dayof, V2)
        "passed_over_absent": _l("Absent when the case was called"),
        "given_for_absent_speaker": _l("Given the place of an absent speaker"),
    },
    "session_end": {  # why a sign-in session ended
        "signed_out": _l("Signed out"),
        "password_changed": _l("The password was changed"),
        "account_disabled": _l("The account was disabled"),
        "ended_by_user": _l("Ended from another session"),
        "idle_timeout": _l("Unused for too long"),
        "lifetime_over": _l("Signed in for too long"),
    },
    "decision": {  # a response's decision on a comment (app/comments)
        "adopted": _l("Adopted"), "partly": _l("Partly adopted"), "not_adopted": _l("Not adopted"),
        "elsewhere": _l("Handled separately"), "out_of_scope": _l("Outside this plan"),
    },
    "action": {  # what the audit log and a meeting's history say for each recorded action
        "meeting.created": _l("Created the meeting"),
        "meeting.updated": _l("Changed the meeting's details"),
        "meeting.published": _l("Published the meeting"),
        "meeting.postponed": _l("Postponed the meeting"),
        "meeting.cancelled": _l("Cancelled the meeting"),
        "meeting.agenda_item_added": _l("Added an agenda item"),
        "meeting.agenda_item_changed": _l("Changed an agenda item"),
        "meeting.case_added": _l("Added a case"),
        "meeting.case_changed": _l("Changed a case"),
        "meeting.attendance_suggested": _l("Added suggested attendance"),
        "meeting.attendance_changed": _l("Changed suggested attendance"),
        "meeting.part_removed": _l("Removed an agenda item, case or attendance row"),
        "material.attached": _l("Added a material"),
        "material.changed": _l("Changed a material"),
        "material.removed": _l("Removed a material"),
        "plan.created": _l("Created the plan"),
        "plan.updated": _l("Changed the plan"),
        "rule_profile.updated": _l("Changed the rule profile"),
        "staff.created": _l("Created a staff account"),
        "staff.signed_in": _l("Signed in"),
        "staff.password_changed": _l("Changed their password"),
        "session.ended": _l("Ended sign-in sessions"),
        "totp.enabled": _l("Turned on two-factor sign-in"),
        "totp.disabled": _l("Turned off two-factor sign-in"),
        "totp.reset": _l("Reset an account's two-factor sign-in"),
        "account.invited": _l("Invited a staff member"),
        "account.invitation_accepted": _l("Accepted an invitation and set a password"),
        "account.invitation_withdrawn": _l("Withdrew an invitation"),
        "account.role_changed": _l("Changed an account's role"),
        "account.disabled": _l("Disabled an account"),
        "account.enabled": _l("Enabled an account"),
        "registration.submitted": _l("Application submitted, awaiting e-mail confirmation"),
        "registration.confirmed": _l("Application confirmed"),
        "registration.recorded": _l("Recorded an application from another channel"),
        "registration.cancelled": _l("Application cancelled"),
        "registration.rejected": _l("Rejected an application"),
        "registration.claim_decided": _l("Decided a party-concerned claim"),
        "registration.pool_moved": _l("Moved an application to another pool"),
        "registration.exported": _l("Downloaded the list of applications"),
        "registration.purged": _l("Deleted applicants' personal data a year after the meeting"),
        "registration.reallocated": _l("Places allocated again"),
        "meeting.caps_changed": _l("Changed the number of speaking places"),
        "suspension.created": _l("Suspended a person from applying"),
        "suspension.lifted": _l("Lifted a suspension"),
        "registration.resubmitted": _l("Applied again before confirming; the confirmation link re-sent if due"),
        "registration.flagged": _l("Marked for staff to check who the applicant is"),
        "registration.details_changed": _l("The applicant corrected their name or organisation"),
        "registration.switched_to_observing": _l("The applicant switched from speaking to observing"),
        "registration.cases_changed": _l("The applicant added or dropped cases"),
        "registration.links_resent": _l("The application's links were sent again on request"),
        "group.aliased": _l("Marked two names as one group"),
        "group.alias_removed": _l("Undid two names marked as one group"),
        "dayof.signed_in": _l("Signed a person in at the desk"),
        "dayof.sign_in_undone": _l("Undid a sign-in at the desk"),
        "dayof.passed_over": _l("Passed over a speaker absent when their case was called"),
        "dayof.place_given": _l("Gave an absent speaker's place to a waitlisted person who is present"),
        "dayof.course.call_case": _l("Called the next case"),
        "dayof.course.open_comment": _l("Opened public comment"),
        "dayof.course.deliberate": _l("Began the committee's deliberation"),
        "dayof.course.adjourn": _l("Adjourned the meeting"),
        "dayof.settings.changed": _l("Changed the day's speaking settings"),
        "dayof.comment.extended": _l("Extended the time for public comment"),
        "dayof.recording.noted": _l("Noted someone recording the meeting"),
        "dayof.turn.call_next": _l("Called a speaker to the microphone"),
        "dayof.turn.start": _l("Started a speaker's time"),
        "dayof.turn.pause": _l("Paused a speaker's time"),
        "dayof.turn.resume": _l("Resumed a speaker's time"),
        "dayof.turn.stop": _l("Ended a speech"),
        "dayof.turn.absent": _l("Marked a speaker absent when called"),
        "dayof.turn.skip": _l("Skipped a speaker in the queue"),
        "dayof.turn.requeue": _l("Put a speaker back in the queue"),

        # comments and their answers (issue 11)
        "comment.opinion_received": _l("Received a written opinion"),
        "comment.oral_recorded": _l("Logged an oral comment"),
        "comment.statement_recorded": _l("Logged a statement handed in"),
        "comment.split": _l("Split a comment into several"),
        "comment.redacted": _l("Removed personal data from a comment's public text"),
        "comment.changed": _l("Changed a comment's topic or confidentiality"),
        "comment.deadline_set": _l("Set the response deadline"),
        "response.drafted": _l("Drafted a response"),
        "response.approved": _l("Approved a response"),
        "response.returned": _l("Returned a response to draft"),
        "response.published": _l("Published a response"),
        "response.template_saved": _l("Saved a response template"),
        "minutes.resolution_set": _l("Recorded a resolution"),
        "minutes.published": _l("Published the minutes"),
        "minutes.corrected": _l("Published a correction of the minutes"),
        "discussion.created": _l("Created a discussion item"),
        "discussion.resolved": _l("Recorded a discussion item's resolution"),

        # Issue 12 (stream notices): the directory, subscriptions and notices.
        "notice.written": _l("Sent a notice about the meeting"),
        "directory.created": _l("Added an organisation to the directory"),
        "directory.updated": _l("Changed an organisation in the directory"),
        "directory.imported": _l("Imported an organisation into the directory"),
        "directory.merged": _l("Merged a duplicate organisation"),
        "directory.attendance_linked": _l("Linked suggested attendance to the directory"),
        "subscription.confirmed": _l("Confirmed a subscription to notices"),
        "subscription.changed": _l("Changed a subscription to notices"),
        "subscription.unsubscribed": _l("Unsubscribed from notices"),
        "outbox.sent_again": _l("Sent an undelivered message again"),
    },
}


# Each audit entry as a sentence in the reader's language, naming its record in words (issue 9, item 13).
AUDIT_SENTENCES = {
    "meeting.created": _l("The meeting “%(name)s” was created"),
    "meeting.updated": _l("The details of the meeting “%(name)s” were changed"),
    "meeting.published": _l("The meeting “%(name)s” was published"),
    "meeting.postponed": _l("The meeting “%(name)s” was postponed"),
    "meeting.cancelled": _l("The meeting “%(name)s” was cancelled"),
    "meeting.agenda_item_added": _l("An agenda item was added to the meeting “%(name)s”"),
    "meeting.agenda_item_changed": _l("An agenda item of the meeting “%(name)s” was changed"),
    "meeting.case_added": _l("A case was added to the meeting “%(name)s”"),
    "meeting.case_changed": _l("A case of the meeting “%(name)s” was changed"),
    "meeting.attendance_suggested": _l("Suggested attendance was added to the meeting “%(name)s”"),
    "meeting.attendance_changed": _l("Suggested attendance at the meeting “%(name)s” was changed"),
    "meeting.part_removed": _l("An agenda item, case or attendance row was removed from the meeting “%(name)s”"),
    "meeting.caps_changed": _l("The number of speaking places at the meeting “%(name)s” was changed"),
    "material.attached": _l("The material “%(name)s” was added"),
    "material.changed": _l("The material “%(name)s” was changed"),
    "material.removed": _l("The material “%(name)s” was removed"),
    "plan.created": _l("The plan “%(name)s” was created"),
    "plan.updated": _l("The plan “%(name)s” was changed"),
    "rule_profile.updated": _l("The rule profile was changed"),
    "staff.created": _l("The staff account of %(name)s was created"),
    "staff.signed_in": _l("%(name)s signed in"),
    "staff.password_changed": _l("%(name)s changed their password"),
    "session.ended": _l("Sign-in sessions of %(name)s were ended"),
    "totp.enabled": _l("%(name)s turned on two-factor sign-in"),
    "totp.disabled": _l("%(name)s turned off two-factor sign-in"),
    "totp.reset": _l("The two-factor sign-in of %(name)s was reset"),
    "account.invited": _l("%(name)s was invited to a staff account"),
    "account.invitation_accepted": _l("%(name)s accepted the invitation and set a password"),
    "account.invitation_withdrawn": _l("The invitation of %(name)s was withdrawn"),
    "account.role_changed": _l("The role of %(name)s was changed"),
    "account.disabled": _l("The account of %(name)s was disabled"),
    "account.enabled": _l("The account of %(name)s was enabled"),
    "registration.submitted": _l("%(name)s applied; the e-mail confirmation is awaited"),
    "registration.resubmitted": _l("%(name)s applied again before confirming"),
    "registration.confirmed": _l("The application of %(name)s was confirmed"),
    "registration.recorded": _l("The application of %(name)s was recorded from another channel"),
    "registration.cancelled": _l("The application of %(name)s was cancelled"),
    "registration.rejected": _l("The application of %(name)s was rejected"),
    "registration.claim_decided": _l("The party-concerned claim of %(name)s was decided"),
    "registration.pool_moved": _l("The application of %(name)s was moved to another pool"),
    "registration.flagged": _l("The application of %(name)s was marked for staff to check who the applicant is"),
    "registration.exported": _l("The list of applications to the meeting “%(name)s” was downloaded"),
    "registration.purged": _l("Applicants' personal data for the meeting “%(name)s” were deleted a year after it"),
    "registration.reallocated": _l("Places at the meeting “%(name)s” were allocated again"),
    "registration.details_changed": _l("%(name)s corrected the name or organisation of their application"),
    "registration.switched_to_observing": _l("%(name)s switched from speaking to observing"),
    "registration.cases_changed": _l("%(name)s changed the cases they speak on"),
    "registration.links_resent": _l("The links of the application of %(name)s were sent again on request"),
    "suspension.created": _l("%(name)s was suspended from applying"),
    "suspension.lifted": _l("The suspension of %(name)s was lifted"),
    "group.aliased": _l("“%(name)s” was marked as the same group as another name"),
    "group.alias_removed": _l("“%(name)s” is no longer marked as the same group as another name"),
    "dayof.signed_in": _l("%(name)s was signed in at the desk"),
    "dayof.sign_in_undone": _l("%(name)s's sign-in at the desk was undone"),
    "dayof.passed_over": _l("%(name)s was passed over, absent when their case was called"),
    "dayof.place_given": _l("%(name)s was given the place of an absent speaker"),
    "dayof.course.call_case": _l("At the meeting “%(name)s” the next case was called"),
    "dayof.course.open_comment": _l("At the meeting “%(name)s” public comment was opened"),
    "dayof.course.deliberate": _l("At the meeting “%(name)s” the committee began its deliberation"),
    "dayof.course.adjourn": _l("The meeting “%(name)s” was adjourned"),
    "dayof.settings.changed": _l("The speaking settings of the meeting “%(name)s” were changed for the day"),
    "dayof.comment.extended": _l("At the meeting “%(name)s” the time for public comment was extended"),
    "dayof.recording.noted": _l("At the meeting “%(name)s” someone recording was noted"),
    "dayof.turn.call_next": _l("%(name)s was called to the microphone"),
    "dayof.turn.start": _l("%(name)s began to speak"),
    "dayof.turn.pause": _l("The time of %(name)s was paused"),
    "dayof.turn.resume": _l("The time of %(name)s resumed"),
    "dayof.turn.stop": _l("The speech of %(name)s ended"),
    "dayof.turn.absent": _l("%(name)s was absent when called to speak"),
    "dayof.turn.skip": _l("%(name)s was skipped in the speaking queue"),
    "dayof.turn.requeue": _l("%(name)s was put back in the speaking queue"),

    # comments and their answers (issue 11)
    "comment.opinion_received": _l("A written opinion was received: %(name)s"),
    "comment.oral_recorded": _l("An oral comment was logged: %(name)s"),
    "comment.statement_recorded": _l("A statement handed in was logged: %(name)s"),
    "comment.split": _l("The comment %(name)s was split into several"),
    "comment.redacted": _l("Personal data was removed from the public text of the comment %(name)s"),
    "comment.changed": _l("The topic or confidentiality of the comment %(name)s was changed"),
    "comment.deadline_set": _l("The response deadline was set (%(name)s)"),
    "response.drafted": _l("A response to %(name)s was drafted"),
    "response.approved": _l("A response to %(name)s was approved"),
    "response.returned": _l("A response to %(name)s was returned to draft"),
    "response.published": _l("A response to %(name)s was published"),
    "response.template_saved": _l("The response template “%(name)s” was saved"),
    "minutes.resolution_set": _l("A resolution was recorded (%(name)s)"),
    "minutes.published": _l("Minutes were published (%(name)s)"),
    "minutes.corrected": _l("A correction of the minutes was published (%(name)s)"),
    "discussion.created": _l("The discussion item %(name)s was created"),
    "discussion.resolved": _l("The resolution on the discussion item %(name)s was recorded"),

    # Issue 12 (stream notices)
    "notice.written": _l("A notice was sent: “%(name)s”"),
    "directory.created": _l("“%(name)s” was added to the directory"),
    "directory.updated": _l("“%(name)s” was changed in the directory"),
    "directory.imported": _l("“%(name)s” was imported into the directory"),
    "directory.merged": _l("A duplicate was merged into “%(name)s”"),
    "directory.attendance_linked": _l("Suggested attendance of the meeting “%(name)s” was linked to the directory"),
    "subscription.confirmed": _l("The subscription of %(name)s was confirmed"),
    "subscription.changed": _l("The subscription of %(name)s was changed"),
    "subscription.unsubscribed": _l("%(name)s unsubscribed from notices"),
    "outbox.sent_again": _l("An undelivered message about the meeting “%(name)s” was sent again"),
}
UNKNOWN_AUDIT_SENTENCE = _l("A change to “%(name)s” was recorded")
UNNAMED_RECORD = _l("a record no longer on file")
PURGED_APPLICANT = _l("an applicant whose personal data were deleted")
# What the names of an audit entry's details read as (codes become words); others are shown with spaces.
DETAIL_NAMES = {
    "kind": _l("Kind"), "claim": _l("Claim"), "channel": _l("Channel"), "from": _l("From"), "to": _l("To"),
    "role": _l("Role"), "reason": _l("Reason"), "title": _l("Title"), "email": _l("E-mail"), "name": _l("Name"),
    "recipient": _l("Recipient"), "subject": _l("Subject"),
    "count": _l("Number"), "fields": _l("Fields"), "until": _l("Until"), "before": _l("Before"),
    "after": _l("After"), "stage": _l("Stage"), "table": _l("Part"), "seats": _l("Seats"),
    "agency": _l("Agency"), "format": _l("Format"), "late": _l("Late"), "by_staff": _l("By staff"),
    "mail_sent": _l("E-mail sent"), "sent_by": _l("Sent by"), "rows": _l("Rows"), "owner": _l("Belongs to"),
    "same_name_and_phone_as": _l("Same name and phone as the application of"),
    "comment_minutes": _l("Minutes of public comment"), "case_ids": _l("Cases"), "status": _l("Status"),
    "pool": _l("Pool"), "party_concerned": _l("Party concerned"),
    # postponements and publication (issue 9, item 12)
    "previous_starts_at": _l("Original start"), "new_starts_at": _l("New start"),
    "to_be_announced": _l("New time to be announced"), "moved_online": _l("Moved online"),
    "online_link": _l("Link to join online"), "registration_closes_at": _l("Registration deadline"),
    "previous_registration_closes_at": _l("Previous registration deadline"), "missing": _l("Published without"),

    "badge": _l("Badge number"), "signed_in_at": _l("Signed in at the desk"),
    "place_given_to": _l("Place given to (application number)"), "in_place_of": _l("In place of (application number)"),

    "added": _l("Added"), "dropped": _l("Dropped"), "cases": _l("Cases"), "organisation": _l("Organisation"),
    "places_given_up": _l("Places given up"),
    # comments and their answers (issue 11)
    "meeting_id": _l("Meeting number"), "comment_id": _l("Comment number"), "case_id": _l("Case number"),
    "number": _l("Version"), "decision": _l("Decision"), "topic": _l("Topic"), "resolution": _l("Resolution"),
    "receipt": _l("Receipt number"), "parts": _l("Parts"), "ids": _l("Comments"), "comments": _l("Comments"),
    "days": _l("Days"),
}


def audit_sentence(action: str, name: str) -> str:
    """An audit entry as a sentence naming its record; an unknown action still reads as words."""
    return str(AUDIT_SENTENCES.get(action, UNKNOWN_AUDIT_SENTENCE) % {"name": name})


def _detail_name(name: str) -> str:
    parts = [str(DETAIL_NAMES.get(part, part.replace("_", " "))) for part in name.split(".")]
    return " · ".join(parts)

# The label groups that name the values of an audit entry's details, tried in order (codes become words).
DETAIL_LABELS = {"kind": ("application_kind", "kind"), "claim": ("claim",), "channel": ("channel",),
                 "from": ("pool", "status"), "to": ("pool", "status"), "role": ("role",),
                 "reason": ("session_end", "speaking_reason"), "decision": ("decision",)}


def audit_details(details: dict) -> list[tuple[str, str]]:
    """An audit entry's details for people (audit.readable_details), with coded values in words:
    labels for kinds, claims, channels, pools and statuses, yes or no for flags."""
    pairs = []
    for name, value in readable_details(details):
        value = readable_moment(value)  # a stored UTC moment in Taipei time (issue 9, item 6)
        if value in ("True", "False"):
            value = gettext("yes") if value == "True" else gettext("no")
        else:
            groups = DETAIL_LABELS.get(name.rsplit(".", 1)[-1], ())
            value = next((str(LABELS[g][value]) for g in groups if value in LABELS[g]), value)
        pairs.append((_detail_name(name), value))
    return pairs


def choices(group: str) -> list[SelectChoice]:
    """The options of a select field: each code with its label."""
    return [SelectChoice(code, label) for code, label in LABELS[group].items()]
