"""The site's own pages (issue 9, item 8): the privacy policy and the accessibility statement, as
Taiwan's government sites link them from every footer."""
from flask import Blueprint, render_template

from .freshness import canonical_redirect

bp = Blueprint("site", __name__)


@bp.get("/privacy")
def privacy():
    """What the portal records about visitors, and where the applicants' notice is."""
    return canonical_redirect({}) or render_template("public/privacy.html")


@bp.get("/accessibility")
def accessibility():
    """How the portal is made usable by everyone, what is known not to work, and whom to tell."""
    return canonical_redirect({}) or render_template("public/accessibility.html")
