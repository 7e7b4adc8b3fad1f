"""The baseline for the registration burst: a bare Flask route that stores one posted form with one INSERT.

No extensions, no ORM, no templates, no CSRF, no locks: one psycopg 3 connection per server thread
(autocommit), one INSERT of the same fields an application form posts, 201 and the new id as text.

    BARE_DATABASE_URL=postgresql://portal@127.0.0.1:55432/portal_burst \
        gunicorn --chdir benchmarks bare_insert_app:app
"""
from bare_db import connection
from flask import Flask, request

FIELDS = ("kind", "name", "organisation", "township", "village", "email", "phone")
CREATE_TABLE = ("CREATE TABLE IF NOT EXISTS bare_inserts (id bigserial PRIMARY KEY, kind text, name text,"
                " organisation text, township text, village text, email text, phone text, case_ids text,"
                " created_at timestamptz NOT NULL DEFAULT now())")

app = Flask(__name__)


@app.get("/health")
def health():
    """200 once the server answers and the database is reachable."""
    connection().execute("SELECT 1")
    return "ok\n", 200, {"Content-Type": "text/plain"}


@app.post("/insert")
def insert():
    """Store the posted fields in one row; answer its id."""
    values = [request.form.get(name, "") for name in FIELDS] + [",".join(request.form.getlist("case_ids"))]
    row = connection().execute(
        "INSERT INTO bare_inserts (kind, name, organisation, township, village, email, phone, case_ids)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id", values).fetchone()
    return f"{row[0]}\n", 201, {"Content-Type": "text/plain"}
