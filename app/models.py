"""Imports every model so that SQLAlchemy's metadata (and Alembic) see all tables."""
from .accounts.models import User  # noqa: F401
from .audit import AuditEntry  # noqa: F401
from .comments import models as comments_models  # noqa: F401  (opinions, comments, responses, minutes)
from .dayof.models import CommentExtension, MeetingCourse, RecordingNotice, SpeakingTurn  # noqa: F401
from .dayof.signin_models import SignIn  # noqa: F401
from .materials.models import Material  # noqa: F401
from .meetings.models import AgendaItem, Meeting, MeetingStatusChange, ReviewCase, RuleDeparture, SuggestedAttendance  # noqa: F401
from .outbox.models import OutboxMessage, SuppressedAddress  # noqa: F401
from .plans.models import Organizer, Plan, RuleProfile, StandingInvitee  # noqa: F401
from .registrations.models import Application, SpeakingRequest, Suspension  # noqa: F401
from .stakeholders.models import AttendanceLink, Contact, Follow, Notice, Organisation, Subscriber  # noqa: F401
