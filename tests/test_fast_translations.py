"""app/i18n.py and the memoised formatting in app/timefmt.py give exactly what Flask-Babel gives
unmemoised, in each language, and follow force_locale (e-mails go out in the applicant's language)."""
from datetime import date, datetime, time, timedelta, timezone

import pytest
from flask import render_template_string
from flask_babel import force_locale, format_date, get_locale, gettext

from app import create_app, i18n, timefmt
from app.labels import LABELS


@pytest.fixture(scope="module")
def app():
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def babel_roc_date(day: date) -> str:
    """roc_date computed the slow way: the ROC year with the Chinese weekday, or Flask-Babel's
    English date (issue 9, item 6)."""
    if str(get_locale()).startswith("en"):
        return format_date(day, "EEE d MMM y")
    return f"{day.year - 1911}/{day.month:02d}/{day.day:02d}（{'一二三四五六日'[day.weekday()]}）"


@pytest.mark.parametrize("code", ["zh_Hant_TW", "en"])
def test_memoised_dates_match_babel_on_every_day_of_a_year(app, code):
    with app.test_request_context("/", headers={"Cookie": f"lang={code}"}):
        for n in range(366):
            day = date(2027, 1, 1) + timedelta(days=n)
            moment = datetime.combine(day, time(15, 30), tzinfo=timezone.utc)  # 23:30 the same day in Taipei
            assert timefmt.roc_date(day) == babel_roc_date(day)
            comma = ", " if code == "en" else ""
            assert timefmt.roc_datetime(moment) == f"{babel_roc_date(day)}{comma}23:30"
            assert timefmt.roc_date(moment + timedelta(hours=1)) == babel_roc_date(day + timedelta(days=1))
            assert timefmt.clock(moment) == "23:30" and timefmt.iso(moment) == f"{day.isoformat()}T23:30+08:00"


def test_fast_gettext_and_labels_follow_force_locale_inside_a_request(app):
    with app.test_request_context("/", headers={"Cookie": "lang=zh_Hant_TW"}):
        zh = (i18n.gettext("Upcoming meetings"), str(LABELS["kind"]["hearing"]), timefmt.roc_date(date(2026, 11, 24)))
        assert zh == (gettext("Upcoming meetings"), "公聽會", babel_roc_date(date(2026, 11, 24)))
        with force_locale("en"):
            assert i18n.gettext("Upcoming meetings") == "Upcoming meetings"
            assert str(LABELS["kind"]["hearing"]) == "Public hearing"
            assert timefmt.roc_date(date(2026, 11, 24)) == "Tue 24 Nov 2026"
        assert i18n.gettext("Upcoming meetings") == zh[0]


def test_templates_translate_in_the_language_of_their_render(app):
    page = "{{ _('Upcoming meetings') }}|{{ labels.kind['hearing'] }}|{{ day|roc_date }}|{{ _('%(count)s meetings found.', count=3) }}"
    with app.test_request_context("/", headers={"Cookie": "lang=zh_Hant_TW"}):
        zh = render_template_string(page, day=date(2026, 11, 24))
        with force_locale("en"):
            en = render_template_string(page, day=date(2026, 11, 24))
    assert zh == "近期會議|公聽會|115/11/24（二）|共找到 3 場會議。"
    assert en == "Upcoming meetings|Public hearing|Tue 24 Nov 2026|3 meetings found."


def test_a_template_escapes_what_it_fills_into_a_translation(app):
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        shown = render_template_string("{{ _('Reason: %(reason)s', reason=why) }}", why="<b>storm</b>")
    assert shown == "Reason: &lt;b&gt;storm&lt;/b&gt;"
