"""Dates and times as staff type them: ROC or Gregorian years (issue 9, item 6)."""
from datetime import datetime

import pytest

from app.rules.dates import parse_date_time, roc_input

NINE = datetime(2026, 12, 9, 9, 0)


@pytest.mark.parametrize("typed", ["115/12/09 09:00", "115/12/9 9:00", "115-12-09 09:00", "115.12.09 09:00",
                                   "115年12月9日 9:00", "115年12月9日9時", "民國115年12月9日 09:00",
                                   "115/12/09（三）09:00", "１１５/１２/０９　０９：００", "2026-12-09T09:00",
                                   "2026-12-09 09:00", "2026/12/09 09:00", " 115/12/09  09:00 "])
def test_roc_and_gregorian_dates_give_the_same_wall_clock_time(typed):
    assert parse_date_time(typed) == NINE


def test_an_afternoon_written_in_chinese_is_after_noon():
    assert parse_date_time("115年12月9日下午2時30分") == datetime(2026, 12, 9, 14, 30)


def test_a_two_digit_roc_year_is_before_2011():
    assert parse_date_time("99/01/02 08:05") == datetime(2010, 1, 2, 8, 5)


@pytest.mark.parametrize("typed", ["", "115/12/09", "明天早上", "115/13/09 09:00", "115/02/30 09:00",
                                   "20255-01-01T09:00", "115/12/09 25:00"])
def test_what_is_not_a_date_and_time_is_refused(typed):
    with pytest.raises(ValueError):
        parse_date_time(typed)


def test_a_time_is_shown_back_with_the_roc_year():
    assert roc_input(NINE) == "115/12/09 09:00" and roc_input(None) == ""
    assert parse_date_time(roc_input(NINE)) == NINE
