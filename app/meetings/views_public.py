"""Public pages: the meeting list with shareable filters, and one meeting's page."""
import threading
from collections import OrderedDict

from flask import Blueprint, Response, abort, current_app, render_template, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select

from ..counties import COUNTIES
from ..dbtypes import utcnow
from ..extensions import db
from ..materials.models import Material
from ..plans.models import Plan
from ..rules.names import mask_name
from ..rules.periods import cancellation_notice_by, registration_state
from .models import Meeting
from .queries import allocated_speakers, list_fingerprint, meeting_fingerprint, paginate, parse_filters, public_meetings

bp = Blueprint("meetings", __name__)


class PageCache:
    """Rendered public pages of this process, each kept with the fingerprint of the data it shows.

    A page is served from here only while one cheap query returns the same fingerprint (see
    queries.list_fingerprint and meeting_fingerprint), so an edit shows at once in every worker.
    Only anonymous visitors without flashed messages get cached pages: the page also depends on
    the locale and the address (the language switch links back to it), which make up the key.
    The least recently used pages are dropped beyond `size`.
    """

    def __init__(self, size: int = 512):
        self.size, self._pages, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, key, fingerprint) -> bytes | None:
        """The page stored under `key` if it was rendered from data with this fingerprint."""
        with self._lock:
            entry = self._pages.get(key)
            if entry is None or entry[0] != fingerprint:
                return None
            self._pages.move_to_end(key)
            return entry[1]

    def put(self, key, fingerprint, body: bytes) -> None:
        """Keep `body`, rendered from data with `fingerprint`."""
        with self._lock:
            self._pages[key] = (fingerprint, body)
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)


def _page_cache() -> PageCache:
    """The application's page cache (one per app, so tests never share one)."""
    cache = current_app.extensions.get("public_page_cache")
    if cache is None:
        cache = current_app.extensions.setdefault("public_page_cache", PageCache())
    return cache


def _cache_key():
    """The key of this request's page, or None when it must be rendered for this visitor alone."""
    if "_flashes" in session or current_user.is_authenticated:
        return None
    return request.endpoint, str(get_locale()), request.full_path


def _cached_render(fingerprint, render):
    """This request's page: from the cache while `fingerprint()` is unchanged, else `render()` (kept).

    `fingerprint()` returning None means there is no such public page: 404.
    """
    key = _cache_key()
    if key is None:
        return render()
    current = fingerprint()
    if current is None:
        abort(404)
    cache = _page_cache()
    body = cache.get(key, current)
    if body is None:
        body = render().encode()
        cache.put(key, current, body)
    return Response(body, mimetype="text/html")


@bp.get("/meetings")
def index():
    """Meetings filtered by county, plan, kind and time, a page of 20 at a time."""
    filters, ignored = parse_filters(request.args)
    now = utcnow()

    def render():
        page = paginate(public_meetings(filters, now), filters.page, current_app.config["MEETINGS_PER_PAGE"])
        plans = db.session.execute(select(Plan.id, Plan.name, Plan.name_en).order_by(Plan.name)).all()
        return render_template("public/meetings.html", page=page, filters=filters, ignored=ignored,
                               plans=plans, counties=COUNTIES, now=now)
    return _cached_render(lambda: list_fingerprint(filters, now), render)


def public_meeting_or_404(meeting_id: int) -> Meeting:
    """The meeting if the public may see it (drafts are 404)."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not meeting.is_public:
        abort(404)
    return meeting


@bp.get("/meetings/<int:meeting_id>")
def show(meeting_id):
    """One meeting: status, time, venue, registration window, agenda, cases, materials."""
    now = utcnow()

    def fingerprint():
        row = meeting_fingerprint(meeting_id)
        # The page depends on the clock only through the registration window and whether the
        # meeting has started (the cancellation reminder is for meetings still ahead) or ended.
        return None if row is None else (*row, registration_state(now, *row[3:5]), now >= row[-2], now >= row[-1])
    return _cached_render(fingerprint, lambda: _render_meeting(meeting_id, now))


def _render_meeting(meeting_id: int, now) -> str:
    meeting = public_meeting_or_404(meeting_id)
    materials = db.session.scalars(select(Material).where(Material.meeting_id == meeting.id)
                                   .order_by(Material.category, Material.id)).all()
    return render_template(
        "public/meeting.html", meeting=meeting, materials=materials, now=now,
        registration=meeting.registration_at(now),
        cancel_by=cancellation_notice_by(meeting.starts_at), started=now >= meeting.starts_at,
        ended=now >= meeting.ends_at,
        departures=_current_departures(meeting), speakers=public_speakers(meeting),
    )


def public_speakers(meeting) -> list[tuple[str, list]]:
    """Each case's allocated speakers as the public sees them: (case title, [(position, masked name,
    organisation)]), in the cases' order. Never an e-mail address, phone or village."""
    by_case = {}
    for row in allocated_speakers(meeting.id):
        by_case.setdefault(row.case_key, []).append((row.position, mask_name(row.name), row.organisation))
    cases = [(case.id, case.title) for case in meeting.cases] or [(0, meeting.title)]
    return [(title, by_case[key]) for key, title in cases if key in by_case]


def _current_departures(meeting):
    """Settings that still differ from the profile, each with its latest recorded reason."""
    latest = {d.setting: d for d in meeting.departures}
    profile = meeting.organizer.profile.settings().as_dict()
    return [latest[name] for name, value in meeting.settings().as_dict().items()
            if name in latest and value != profile[name]]
