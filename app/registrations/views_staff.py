"""Staff: the secretariat's desk for a meeting's applications."""
from flask import Blueprint

bp = Blueprint("desk", __name__, url_prefix="/staff")
