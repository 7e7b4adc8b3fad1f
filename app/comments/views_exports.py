"""Downloads: the adoption-status table and the minutes as printable HTML, PDF, ODT, ODS and CSV, and the
adoption status as open data (CSV and JSON with documented columns, P8)."""
from flask import Blueprint, Response, abort, jsonify, render_template, request
from markupsafe import Markup

from ..extensions import db
from ..freshness import conditional_page
from ..meetings.public_pages import public_meeting_or_404
from ..plans.models import Plan
from ..spreadsheets import ODS_MIMETYPE, to_csv, to_ods
from .documents import ODT_MIMETYPE, to_odt, to_pdf
from .exports import COLUMN_NAMES, COLUMNS, adoption_table, minutes_blocks, minutes_rows, open_data_record
from .minutes import latest_version
from .presenting import public_row
from .queries import Filters, adoption_rows

bp = Blueprint("comments_exports", __name__)
FORMATS = {"pdf": "application/pdf", "odt": ODT_MIMETYPE, "ods": ODS_MIMETYPE, "csv": "text/csv; charset=utf-8"}


def _plan_rows(plan_id: int):
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        abort(404)
    rows = [public_row(c, r) for c, r in adoption_rows(plan.id, Filters.from_args(request.args))]
    return plan, rows


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/plans/<int:plan_id>/adoption/print")
def adoption_print(plan_id):
    """The adoption-status table as a printable page."""
    plan, rows = _plan_rows(plan_id)
    return render_template("comments/adoption_print.html", plan=plan, table=adoption_table(rows))


@bp.get("/plans/<int:plan_id>/adoption.<any(pdf, odt, ods):fmt>")
def adoption_document(plan_id, fmt):
    """The adoption-status table as PDF, ODT or ODS: built again only when the table changed (ETag, 304);
    writing a PDF costs far more than reading the rows."""
    plan, rows = _plan_rows(plan_id)
    table = adoption_table(rows)

    def build():
        if fmt == "ods":
            body = to_ods(table, "adoption")
        elif fmt == "odt":
            body = to_odt(plan.name, [("table", table)])
        else:
            body = to_pdf(render_template("comments/adoption_print.html", plan=plan, table=table, for_pdf=True))
        return _download(body, FORMATS[fmt], f"adoption-{plan.id}.{fmt}")
    return conditional_page((plan.name, table), build)


@bp.get("/plans/<int:plan_id>/adoption.csv")
def adoption_csv(plan_id):
    """Open data: the plan's adoption status as CSV with the documented columns (UTF-8 with BOM)."""
    plan, rows = _plan_rows(plan_id)
    records = [open_data_record(r) for r in rows]
    table = [COLUMN_NAMES] + [[record[name] for name in COLUMN_NAMES] for record in records]
    return _download(to_csv(table), FORMATS["csv"], f"adoption-{plan.id}.csv")


@bp.get("/plans/<int:plan_id>/adoption.json")
def adoption_json(plan_id):
    """Open data: the plan's adoption status as JSON with the documented columns."""
    plan, rows = _plan_rows(plan_id)
    return jsonify({"plan_id": plan.id, "plan": plan.name, "columns": COLUMN_NAMES,
                    "records": [open_data_record(r) for r in rows]})


@bp.get("/open-data/comments")
def open_data_columns():
    """What each column of the adoption open data means."""
    return render_template("comments/open_data.html", columns=COLUMNS)


def _published(meeting_id: int):
    meeting = public_meeting_or_404(meeting_id)
    version = latest_version(meeting.id)
    if version is None:
        abort(404)
    return meeting, version


@bp.get("/meetings/<int:meeting_id>/minutes/print")
def minutes_print(meeting_id):
    """The newest minutes as a printable page."""
    meeting, version = _published(meeting_id)
    return render_template("comments/minutes_print.html", meeting=meeting, version=version, rich=Markup)


@bp.get("/meetings/<int:meeting_id>/minutes.<any(pdf, odt, ods, csv):fmt>")
def minutes_document(meeting_id, fmt):
    """The newest minutes as PDF, ODT, ODS or CSV: a published version never changes, so a repeat download
    is a 304 (ETag) and a proxy may keep it, instead of WeasyPrint writing the PDF again for every visitor."""
    meeting, version = _published(meeting_id)

    def build():
        if fmt == "ods":
            body = to_ods(minutes_rows(version), "minutes")
        elif fmt == "csv":
            body = to_csv(minutes_rows(version))
        elif fmt == "odt":
            body = to_odt(meeting.title, minutes_blocks(version))
        else:
            html = render_template("comments/minutes_print.html", meeting=meeting, version=version, rich=Markup,
                                   for_pdf=True)
            body = to_pdf(html)
        return _download(body, FORMATS[fmt], f"minutes-{meeting.id}-v{version.number}.{fmt}")
    return conditional_page((meeting, version), build)
