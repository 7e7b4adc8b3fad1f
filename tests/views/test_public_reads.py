"""Public pages read outside a transaction (autocommit, as the bare benchmark baseline does), and the
pooled connection goes back to its default isolation for the next request."""
import pytest
from sqlalchemy import event

from app.extensions import db


@pytest.fixture
def meeting(make):
    organizer = make.organizer("taichung", county_code="taichung")
    plan = make.plan(organizer, name="臺中市國土計畫")
    found = make.meeting(organizer, plan, kind="hearing", title="臺中公聽會")
    make.commit()
    return found


@pytest.mark.parametrize("path", ["/", "/meetings", "/meetings/{id}", "/plans", "/plans/{plan}"])
def test_a_public_page_reads_in_autocommit_and_the_pool_gets_its_default_back(app, client, meeting, path):
    requested = []

    def record(connection, options):
        requested.append(options.get("isolation_level"))

    with app.app_context():
        event.listen(db.engine, "set_connection_execution_options", record)
        try:
            response = client.get(path.format(id=meeting.id, plan=meeting.plan_id))
        finally:
            event.remove(db.engine, "set_connection_execution_options", record)
        assert response.status_code == 200
        assert requested == ["AUTOCOMMIT"]
        db.session.remove()
        assert db.session.connection().get_isolation_level() != "AUTOCOMMIT"
        db.session.remove()
