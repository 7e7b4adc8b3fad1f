"""Issue 9, item 6: dates in one compact form, with the Gregorian date in the HTML, and stored UTC
moments read in Taipei time (audit details)."""
from datetime import date, datetime, timezone

import pytest
from flask import render_template_string

from app import create_app
from app.labels import audit_details
from app.timefmt import readable_moment, time_span


@pytest.fixture(scope="module")
def app():
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


START, END = datetime(2026, 12, 9, 1, 0, tzinfo=timezone.utc), datetime(2026, 12, 9, 4, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(("lang", "span"), [("zh_Hant_TW", "115/12/09（三）09:00–12:00"),
                                            ("en", "Wed 9 Dec 2026, 09:00–12:00")])
def test_a_meeting_time_is_one_compact_line(app, lang, span):
    with app.test_request_context("/", headers={"Cookie": f"lang={lang}"}):
        assert time_span(START, END) == span
        assert time_span(START, datetime(2026, 12, 10, 4, 0, tzinfo=timezone.utc)).count("–") == 1


def test_in_html_the_date_is_a_time_element_with_the_gregorian_date_that_never_breaks(app):
    with app.test_request_context("/", headers={"Cookie": "lang=zh_Hant_TW"}):
        html = render_template_string("{{ start|when(end) }}|{{ day|day }}", start=START, end=END, day=date(2026, 12, 9))
    assert html == ('<span class="when"><time datetime="2026-12-09T09:00+08:00" title="2026-12-09">115/12/09（三）09:00'
                    '</time>–<time datetime="2026-12-09T12:00+08:00">12:00</time></span>|'
                    '<time class="when" datetime="2026-12-09" title="2026-12-09">115/12/09（三）</time>')


def test_audit_details_show_stored_utc_moments_in_taipei_time(app):
    with app.test_request_context("/", headers={"Cookie": "lang=zh_Hant_TW"}):
        assert readable_moment("2026-12-09T16:30:00+00:00") == "115/12/10（四）00:30"
        assert readable_moment("颱風 2026-12-09") == "颱風 2026-12-09"
        assert ("2026-12-09T16:30:00+00:00" not in str(audit_details({"until": "2026-12-09T16:30:00+00:00"})))
