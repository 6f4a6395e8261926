"""The classroom page for everyone in the room (issue 21): axe-core finds nothing, best practice included,
at 1366x900 and on a 390x844 phone; the keyboard reaches every control; state is said in words, not by
colour alone; the graph's text is at least 12 px at 1366 wide with no label cut and no label over
another, on the most crowded shipped profile. The real `icitrace serve` in Debian's Chromium.

axe-core comes from the test's own copy (the axe-core-python package bundles axe.min.js, 4.x), injected
into the page by the driver: never fetched from the network, and never served by the page itself."""

import json
import os
from importlib import resources
from urllib.parse import quote

import pytest
from conftest import ROOT
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from test_web_page import _click, _set, _shot, _wait, browser, server  # noqa: F401
from test_web_page_state import _current, _load, _open

pytestmark = pytest.mark.cli  # a real server and a real browser, each a process

WIDE, PHONE = (1366, 900, False), (390, 844, True)
COLD = ROOT / "profiles" / "cold-desert.json"


@pytest.fixture
def size(browser):  # noqa: F811
    """Set the viewport exactly (a headless window has a minimum width), as a phone for PHONE."""
    def viewport(width: int, height: int, mobile: bool) -> None:
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
    yield viewport
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def _axe_source() -> str:
    try:
        return resources.files("axe_core_python").joinpath("axe.min.js").read_text(encoding="utf-8")
    except ModuleNotFoundError:
        if os.environ.get("ICITRACE_REQUIRE_BROWSER") == "1":
            pytest.fail("axe-core is needed: pip install -e '.[test]' (axe-core-python)")
        pytest.skip("no axe-core here: pip install -e '.[test]'")


def _axe(driver) -> list[dict]:  # noqa: ANN001
    """axe-core's violations on the page as it is: every rule it runs by default (WCAG A and AA and
    best practice) plus the best-practice tag asked for by name."""
    driver.execute_script(_axe_source())
    assert driver.execute_script("return axe.version").startswith("4.")
    driver.set_script_timeout(60)
    found = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations), e => done([{id: String(e)}]))")
    return [{"id": v["id"], "nodes": [n.get("target") for n in v.get("nodes", [])][:5]} for v in found]


def test_axe_core_finds_nothing_on_the_loaded_page_wide_and_on_a_phone(server, browser, size):
    for name, (width, height, mobile) in (("wide", WIDE), ("phone", PHONE)):
        size(width, height, mobile)
        _open(browser, server)
        assert _axe(browser) == [], name  # the first screen
        _load(browser, "cold-desert")
        _click(browser, browser.find_element(By.CSS_SELECTOR, '#catalogue [data-id="high_tmb"]'))
        _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-why="high_tmb"]'))
        _click(browser, browser.find_element(By.ID, "sweep-run"))
        _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-sweep="tmb"]'))
        _click(browser, browser.find_element(By.ID, "pin"))
        _set(browser, "tmb", "12")
        _wait(browser, lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, "[data-compare]") if "1.2 -> 12" in e.text]
              and _current(d))
        assert _axe(browser) == [], name
        _set(browser, "tmb", "20000")  # a refused value and the results out of date
        _wait(browser, lambda d: d.find_element(By.ID, "field-tmb").get_attribute("aria-invalid") == "true")
        assert _axe(browser) == [], name
        _set(browser, "tmb", "12")
        _wait(browser, lambda d: _current(d))


def test_a_phone_stacks_the_page_and_says_the_graph_scrolls(server, browser, size):
    size(*PHONE)
    _open(browser, server)
    _load(browser, "many-mechanisms")
    layout = browser.execute_script("""
        const box = (id) => document.getElementById(id).getBoundingClientRect();
        return {page: document.scrollingElement.scrollWidth, editor: box('editor'), results: box('results'),
                graph: document.getElementById('graph').scrollWidth > document.getElementById('graph').clientWidth};""")
    assert layout["page"] <= 390  # nothing off to the right of the page itself
    assert layout["results"]["top"] >= layout["editor"]["bottom"] - 1  # stacked
    if layout["graph"]:  # a graph wider than the phone says it scrolls
        hint = browser.find_element(By.ID, "graph-hint")
        assert hint.is_displayed() and "scroll" in hint.text.lower()
    browser.execute_script("window.scrollTo(0, 0)")
    _shot(browser, "31-phone-first-screen")


def test_the_keyboard_alone_reaches_every_control(server, browser, size):
    size(*WIDE)
    case = server + "#profile=" + quote(json.dumps({"id": "cold-desert", **json.loads(COLD.read_text())}))
    _open(browser, case)  # a fresh page: the first Tab starts at its top
    _wait(browser, lambda d: "profile cold-desert" in d.find_element(By.ID, "versions").text and _current(d))
    browser.execute_script("document.querySelector('#paste').closest('details').open = true")
    controls = browser.execute_script("""
        const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
        return [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [role=button]')]
          .filter((e) => shown(e) && !e.disabled);""")
    reached, presses, to_sweep = [], 0, None
    while presses < 200:
        _press(browser, Keys.TAB)
        presses += 1
        now = browser.switch_to.active_element
        if reached and now == reached[0]:
            break
        reached.append(now)
        if to_sweep is None and now.get_attribute("id") == "sweep-run":
            to_sweep = presses
        if now.find_elements(By.XPATH, "ancestor::*[@data-keys='arrows']"):  # a group walked with the arrows
            for _ in range(80):
                _press(browser, Keys.ARROW_RIGHT)
                step = browser.switch_to.active_element
                if step in reached or not step.find_elements(By.XPATH, "ancestor::*[@data-keys='arrows']"):
                    break
                reached.append(step)
    missing = [c.get_attribute("id") or c.get_attribute("data-id") or c.text for c in controls if c not in reached]
    assert missing == []
    assert to_sweep is not None and to_sweep <= 45, to_sweep
    # the skip links: one press to the part named
    browser.refresh()
    _wait(browser, lambda d: "profile cold-desert" in d.find_element(By.ID, "versions").text and _current(d))
    skip = browser.find_element(By.CSS_SELECTOR, 'a[href="#what-if"]')
    for _ in range(6):
        _press(browser, Keys.TAB)
        if browser.switch_to.active_element == skip:
            break
    assert browser.switch_to.active_element == skip
    _press(browser, Keys.ENTER)
    for _ in range(8):
        _press(browser, Keys.TAB)
        if browser.switch_to.active_element.get_attribute("id") == "sweep-run":
            break
    else:
        pytest.fail("the sweep is not within eight presses past its skip link")
    # a graph box is a button: Space asks why
    box = browser.find_element(By.CSS_SELECTOR, '#graph [data-id="immune_desert"]')
    assert box.get_attribute("role") == "button"
    browser.execute_script("arguments[0].focus()", box)
    _press(browser, Keys.SPACE)
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-why="immune_desert"]'))


def _press(driver, key: str) -> None:  # noqa: ANN001
    """A key as the keyboard sends it: to whatever has the focus."""
    ActionChains(driver).send_keys(key).perform()


def test_state_is_said_in_words_and_fields_in_words_with_units(server, browser, size):
    size(*WIDE)
    _open(browser, server)
    _load(browser, "cold-desert")
    chips = browser.execute_script(
        "return [...document.querySelectorAll('#catalogue [data-id]')].map(b => [b.dataset.id, b.textContent])")
    words = {"reached": 0, "undecided": 0, "not reached": 0}
    for _, text in chips:
        said = [w for w in ("not reached", "undecided", "reached") if w in text]
        assert said, text
        words[said[0]] += 1
    assert all(words.values()), words  # cold-desert has all three
    label = browser.find_element(By.CSS_SELECTOR, 'label[for="field-tmb"]')
    assert "mutational burden" in label.text.lower() and "mut/Mb" in label.text
    assert "tmb" in (label.get_attribute("title") or "")  # the id, in a tooltip
    heading = browser.find_elements(By.TAG_NAME, "h1")
    assert len(heading) == 1 and heading[0].text


def test_graph_text_is_at_least_12_px_with_no_label_cut_on_the_most_crowded_profile(server, browser, size):
    size(*WIDE)
    _open(browser, server)
    _load(browser, "many-mechanisms")
    svg = browser.find_element(By.CSS_SELECTOR, "#graph svg")
    measured = browser.execute_script("""
        const svg = arguments[0], scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        const texts = [...svg.querySelectorAll('text')];
        const px = texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
        const inside = (a, b) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5
          && a.bottom <= b.bottom + 0.5;
        const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        const nodes = [...svg.querySelectorAll('g.node')].map((g) => ({
          rect: g.querySelector('rect').getBoundingClientRect(),
          texts: [...g.querySelectorAll('text')].map((t) => [t.textContent, t.getBoundingClientRect()])}));
        const cut = nodes.flatMap((n) => n.texts.filter(([s, r]) => !inside(r, n.rect) || s.includes('\u2026'))
          .map(([s]) => s));
        const labels = [...svg.querySelectorAll('g.edge-label text, g.edge text')].map((t) => t.getBoundingClientRect());
        let overlaps = 0;
        labels.forEach((a, i) => labels.slice(i + 1).forEach((b) => { if (meet(a, b)) overlaps += 1; }));
        nodes.forEach((n) => labels.forEach((l) => { if (meet(l, n.rect)) overlaps += 1; }));
        const frame = document.getElementById('graph');
        return {smallest: Math.min(...px), texts: texts.length, boxes: nodes.length, cut, overlaps,
                labels: labels.length, fits: frame.scrollWidth <= frame.clientWidth};""", svg)
    _shot(browser, "32-many-mechanisms-graph", svg)
    assert measured["boxes"] == 29 and measured["labels"] > 0
    assert measured["smallest"] >= 12, measured
    assert measured["cut"] == [], measured
    assert measured["overlaps"] == 0, measured
    assert measured["fits"], measured  # no sideways scrolling at 1366 wide
