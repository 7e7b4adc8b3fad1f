"""axe-core in the browser: the WCAG 2.1 A/AA checks, and the language switch the visitor uses."""
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = ("serious", "critical")
_axe = Axe()


def axe_violations(page: Page) -> list[dict]:
    """Every WCAG 2.1 A/AA violation axe-core finds on the page once it and its stylesheet have loaded.

    A click that follows a link returns when the new page is committed, before its CSS has arrived;
    colour-contrast read then would judge the browser's default styles."""
    page.wait_for_load_state("load")
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA},
                                      "resultTypes": ["violations"]})
    return results.response["violations"]


def describe(violations: list[dict]) -> str:
    """One readable line per violated rule and per offending element, for assertion messages."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines += [f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}" for node in violation["nodes"]]
    return "\n".join(lines)


def assert_no_serious_axe_violations(page: Page):
    """Fail with a readable report if axe-core finds a serious or critical WCAG 2.1 violation."""
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe-core on {page.url}:\n{describe(blocking)}"


def switch_to_english(page: Page):
    """Follow the page's own "English" link and wait until the same page is back, in English."""
    before = _path_and_query(page.url)
    page.locator('a[href^="/language/en?"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert _path_and_query(page.url) == before, "the language switch should return to the page it was used on"


def _path_and_query(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.path, parts.query
