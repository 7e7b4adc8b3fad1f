"""Staff pages of the directory (P10, P11): search, edit, history, merge, import and export."""
import base64

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from ..accounts.access import require, scoped_or_404
from ..audit import AuditEntry
from ..audit_sentences import audit_detail_pairs, audit_sentences
from ..dbtypes import utcnow
from ..extensions import db
from ..params import MAX_ID, page_number
from ..plans.models import Organizer, Plan
from ..spreadsheets import ODS_MIMETYPE, to_csv, to_ods
from . import directory, links
from .forms_staff import ImportForm, OrganisationForm, parse_contacts
from .models import COUNTY, KIND, PLAN, TOPIC, Contact, Follow, Organisation
from .spreadsheets import UnreadableFile, read_rows
from .wording import IMPORT_ACTIONS, IMPORT_REASONS, ORGANISATION_KIND_LABELS

bp = Blueprint("directory", __name__, url_prefix="/staff/directory")
bp.before_request(login_required(lambda: None))
PAGE_SIZE = 50


def organizer_id() -> int:
    """The directory the staff member works on: their organizer's (admins choose with ?organizer=)."""
    if not current_user.is_admin:
        require("meeting.manage", current_user.organizer_id)
        return current_user.organizer_id
    chosen = request.values.get("organizer", type=int)
    found = db.session.get(Organizer, chosen) if chosen and 0 < chosen <= MAX_ID else None
    found = found or db.session.scalars(select(Organizer).order_by(Organizer.id)).first()
    if found is None:
        abort(404)
    return found.id


def _organisation(organisation_id: int) -> Organisation:
    """The organisation, if the staff member may manage its organizer's directory (any, for an admin)."""
    organisation = scoped_or_404(db.session.get(Organisation, organisation_id))
    require("meeting.manage", organisation.organizer_id)
    return organisation


@bp.get("/")
def index():
    """Search and filter the directory."""
    scope = organizer_id()
    query = directory.live_organisations(scope).order_by(Organisation.name)
    q, kind, county = (request.args.get(k, "").strip()[:100] for k in ("q", "kind", "county"))
    if q:
        like = f"%{q}%"
        query = query.where(or_(Organisation.name.ilike(like), Organisation.id.in_(
            select(Contact.organisation_id).where(or_(Contact.email.ilike(like), Contact.name.ilike(like))))))
    if kind in ORGANISATION_KIND_LABELS:
        query = query.where(Organisation.kind == kind)
    if request.args.get("standing") == "1":
        query = query.where(Organisation.standing)
    if county:
        query = query.where(Organisation.id.in_(select(Follow.organisation_id).where(Follow.kind == COUNTY,
                                                                                     Follow.value == county)))
    page = db.paginate(query, page=page_number(request.args), per_page=PAGE_SIZE, error_out=False)
    return render_template("directory/index.html", page=page, q=q, kind=kind, county=county, scope=scope,
                           kinds=ORGANISATION_KIND_LABELS)


def _plans():
    return db.session.scalars(select(Plan).order_by(Plan.name)).all()


def _fill(form, organisation):
    """The form's checkboxes, and, on a first view, the organisation's values."""
    form.fill_choices(_plans(), str(get_locale()))
    if organisation is not None and not form.is_submitted():
        follows = {kind: [f.value for f in organisation.follows if f.kind == kind]
                   for kind in (COUNTY, KIND, PLAN, TOPIC)}
        form.counties.data, form.kinds.data, form.plans.data = follows[COUNTY], follows[KIND], follows[PLAN]
        form.topics.data = ", ".join(follows[TOPIC])
        form.contacts.data = "\n".join(", ".join((c.name, c.role, c.email, c.phone)) for c in organisation.contacts)
    return form


def _save(form, organisation):
    values = {"name": form.name.data, "kind": form.kind.data, "standing": form.standing.data, "note": form.note.data,
              "contacts": parse_contacts(form.contacts.data),
              "follows": [(COUNTY, v) for v in form.counties.data or []] + [(KIND, v) for v in form.kinds.data or []]
              + [(PLAN, v) for v in form.plans.data or []]
              + [(TOPIC, v.strip()) for v in (form.topics.data or "").replace("，", ",").split(",") if v.strip()]}
    return directory.save_organisation(organisation, organizer_id(), values, actor=current_user, now=utcnow())


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Add an organisation."""
    form = _fill(OrganisationForm(), None)
    if form.validate_on_submit():
        organisation = _save(form, None)
        db.session.commit()
        flash(gettext("Organisation saved."), "success")
        return redirect(url_for(".show", organisation_id=organisation.id))
    return render_template("directory/form.html", form=form, organisation=None), 400 if form.errors else 200


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
def edit(organisation_id):
    """Edit an organisation, its contacts and what it follows."""
    organisation = _organisation(organisation_id)
    form = _fill(OrganisationForm(obj=organisation if request.method == "GET" else None), organisation)
    if form.validate_on_submit():
        _save(form, organisation)
        db.session.commit()
        flash(gettext("Organisation saved."), "success")
        return redirect(url_for(".show", organisation_id=organisation.id))
    return render_template("directory/form.html", form=form, organisation=organisation), 400 if form.errors else 200


@bp.get("/<int:organisation_id>")
def show(organisation_id):
    """An organisation: contacts, follows, possible duplicates, history of changes, its record link."""
    organisation = _organisation(organisation_id)
    history = db.session.scalars(select(AuditEntry).where(AuditEntry.target_type == "organisations",
                                                          AuditEntry.target_id == organisation.id)
                                 .order_by(AuditEntry.id.desc()).options(joinedload(AuditEntry.actor))
                                 .limit(100)).all()
    return render_template("directory/show.html", organisation=organisation, history=history,
                           sentences=audit_sentences(history), details=audit_detail_pairs(history),
                           duplicates=directory.duplicates_of(organisation), kinds=ORGANISATION_KIND_LABELS,
                           record_url=url_for("subscriptions.record", token=links.record_token(organisation),
                                              _external=True))


@bp.post("/<int:organisation_id>/merge/<int:duplicate_id>")
def merge(organisation_id, duplicate_id):
    """Merge a duplicate (same name once normalised) into this organisation."""
    kept, duplicate = _organisation(organisation_id), _organisation(duplicate_id)
    if duplicate not in directory.duplicates_of(kept):
        abort(404)
    directory.merge_organisations(duplicate, kept, actor=current_user, now=utcnow())
    db.session.commit()
    flash(gettext("Merged: %(name)s.", name=duplicate.name), "success")
    return redirect(url_for(".show", organisation_id=kept.id))


@bp.get("/export.<any(csv, ods):extension>")
def export(extension):
    """The directory in the import's columns, as CSV or ODS."""
    rows = directory.export_rows(organizer_id())
    data, mimetype = (to_csv(rows), "text/csv; charset=utf-8") if extension == "csv" else \
        (to_ods(rows, "directory"), ODS_MIMETYPE)
    return data, 200, {"Content-Type": mimetype,
                       "Content-Disposition": f'attachment; filename="directory.{extension}"'}


@bp.route("/import", methods=["GET", "POST"])
def import_file():
    """Upload a CSV or ODS file: a dry run reports every row; a second button applies it."""
    scope, form, rows, encoded, filename = organizer_id(), ImportForm(), None, "", ""
    if request.method == "POST" and request.form.get("apply") and request.form.get("data"):
        filename, encoded = request.form.get("filename", "import.csv")[:100], request.form["data"]
    elif form.validate_on_submit():
        filename, encoded = form.file.data.filename or "import.csv", base64.b64encode(form.file.data.read()).decode()
    if encoded:
        try:
            rows = directory.plan_import(read_rows(filename, base64.b64decode(encoded, validate=True)), scope)
        except (UnreadableFile, ValueError):
            form.file.errors = [gettext("The file could not be read: save it as CSV (UTF-8) or ODS and try again.")]
            rows = None
    if rows is not None and request.form.get("apply"):
        counts = directory.apply_import(rows, scope, actor=current_user, now=utcnow())
        db.session.commit()
        flash(gettext("Imported: %(create)s created, %(update)s updated, %(unchanged)s unchanged, %(merge)s merged, "
                      "%(reject)s rejected.", **counts), "success")
        return redirect(url_for(".index"))
    return render_template("directory/import.html", form=form, rows=rows, data=encoded, filename=filename,
                           import_actions=IMPORT_ACTIONS, import_reasons=IMPORT_REASONS), \
        400 if form.errors else 200
