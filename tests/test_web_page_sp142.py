"""The classroom page takes an SP142 level (IC0, IC2+) typed in its number box as the CLI does: the real
`icitrace serve` in Debian's Chromium, as in test_web_page.py (whose fixtures these are)."""

import json
from urllib.parse import quote

import pytest
from selenium.webdriver.common.by import By
from test_web_page import _cards, _set, _wait, browser, server  # noqa: F401

pytestmark = pytest.mark.cli  # a real server and a real browser, each a process
FIELD = "pd_l1_ic_sp142"


def test_the_page_takes_a_level_typed_in_the_box(server, browser):  # noqa: F811
    browser.get(server + "#profile=" + quote(json.dumps({"id": "ic"})))
    _wait(browser, lambda d: "profile ic" in d.find_element(By.ID, "versions").text)
    _set(browser, FIELD, "IC0")
    _wait(browser, lambda d: "pdl1_negative_on_immune_cells" in _cards(d, "finding"))
    _set(browser, FIELD, "IC2+")
    _wait(browser, lambda d: "pdl1_immune_cells_imvigor210" in _cards(d, "finding"))
    assert "pdl1_negative_on_immune_cells" not in _cards(browser, "finding")
    _set(browser, FIELD, "IC9")  # not a level: refused in the page's words, beside the box
    _wait(browser, lambda d: "IC9" in d.find_element(By.ID, f"field-{FIELD}-message").text)
