"""Links the public will follow must be web addresses."""
import pytest

from app.rules import Problem, web_link_problems


@pytest.mark.parametrize("url", ["https://example.tw/a.pdf", "HTTP://example.tw", ""])
def test_web_addresses_and_no_link_pass(url):
    assert web_link_problems("link_url", url) == []


@pytest.mark.parametrize("url", ["javascript:alert(1)", " data:text/html,x", "ftp://example.tw", "example.tw"])
def test_anything_else_is_refused(url):
    assert web_link_problems("livestream_url", url) == [Problem("livestream_url", "link_not_http")]
