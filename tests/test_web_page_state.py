"""The classroom page never shows an answer that is not the profile's (issue 21): one state drawn whole,
every answer dropped when an edit has overtaken it, a refused value marking its field and the results,
errors beside what caused them, why-not down to the deciding value, and everything the CLI teaches.
The real `icitrace serve` in Debian's Chromium, as in test_web_page.py (whose fixtures these are)."""

import json
import time
from urllib.parse import quote, unquote

import pytest
from conftest import ROOT, invoke
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from test_web_page import _cards, _click, _set, _shot, _wait, browser, server  # noqa: F401

from icitrace.reasoning.borderline import ASSAY_NOTE
from icitrace.render.prose import CHAIN_NOTE, OUTSIDE_NOTE, UNKNOWNS_NOTE, caveat_line, closeness, maturity_line
from icitrace.result.model import Result

pytestmark = pytest.mark.cli  # a real server and a real browser, each a process

# Every later request is held back by window.__slow ms (0: none); window.__delayed counts those held, so a
# test knows the request went out before it lets the next ones through at full speed.
SLOW_FETCH = """
if (!window.__realFetch) {
  window.__realFetch = window.fetch; window.__slow = 0; window.__delayed = 0;
  window.fetch = function (...args) {
    const delay = window.__slow, answer = window.__realFetch.apply(this, args);
    if (!delay) return answer;
    window.__delayed += 1;
    return answer.then((r) => new Promise((ok) => setTimeout(() => ok(r), delay)));
  };
}"""


def _load(driver, name: str) -> None:  # noqa: ANN001
    Select(driver.find_element(By.ID, "shipped")).select_by_value(name)
    _click(driver, driver.find_element(By.ID, "load-shipped"))
    _wait(driver, lambda d: f"profile {name}" in d.find_element(By.ID, "versions").text and _current(d))


def _open(driver, url: str) -> None:  # noqa: ANN001
    driver.get(url)
    _wait(driver, lambda d: len(Select(d.find_element(By.ID, "shipped")).options) > 1)


def _panels(driver) -> dict[str, str]:  # noqa: ANN001
    """Each result panel and its state: current, out-of-date, updating, or empty (nothing in it)."""
    return driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('[data-panel]')].map(p => "
        "[p.dataset.panel, p.textContent.trim() === '' ? 'empty' : p.dataset.state]))")


def _current(driver) -> bool:  # noqa: ANN001
    return all(s in ("current", "empty") for s in _panels(driver).values())


def _message(driver, control) -> str:  # noqa: ANN001
    """The message tied to a control by aria-describedby (what a screen reader reads with it)."""
    ids = (control.get_attribute("aria-describedby") or "").split()
    return " ".join(driver.find_element(By.ID, i).text for i in ids if driver.find_elements(By.ID, i)).strip()


def _gap(driver, a, b) -> float:  # noqa: ANN001
    """Vertical distance in px between two elements' boxes (0 when they overlap)."""
    return driver.execute_script(
        "const a = arguments[0].getBoundingClientRect(), b = arguments[1].getBoundingClientRect();"
        "return Math.max(0, b.top - a.bottom, a.top - b.bottom)", a, b)


def _live_text(driver) -> str:  # noqa: ANN001
    return " ".join(driver.execute_script(
        "return [...document.querySelectorAll('[aria-live], [role=status], [role=alert]')].map(e => e.textContent)"))


def _why(driver, conclusion: str):  # noqa: ANN001
    return _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f'[data-why="{conclusion}"]'))[0]


def _explain_lines(e: dict) -> list[str]:
    """The conditions of `icitrace explain`'s outline, in its order, at every depth it shows."""
    lines = []
    for route in e["routes"]:
        for check in route["checks"]:
            lines.append(check["condition"])
            if check["finding"] is not None and (e["holds"] or check["status"] != "holds"):
                lines.extend(_explain_lines(check["finding"]))
    return lines


def test_a_refused_value_marks_its_field_and_every_result_out_of_date(server, browser):
    _open(browser, server)
    _load(browser, "hot-unsuppressed")
    _set(browser, "tmb", "1000")
    _wait(browser, lambda d: "tmb = 1000" in d.find_element(By.ID, "graph").text and _current(d))
    box = browser.find_element(By.ID, "field-tmb")
    for typed, says in [("20000", "from 0 to 10000"), ("-5", "from 0 to 10000"), (">=10 <5", "holds no value"),
                        ("1e400", "1e400 is not a finite number"), (">=.5", "a band such as >=1 <5")]:
        _set(browser, "tmb", typed)
        _wait(browser, lambda d: box.get_attribute("aria-invalid") == "true")
        message = _message(browser, box)
        assert says in message and "JSON" not in message and "--" not in message, message
        shown = browser.find_element(By.ID, box.get_attribute("aria-describedby").split()[0])
        assert shown.is_displayed() and _gap(browser, box, shown) < 40  # beside the box, not under the form
        panels = _wait(browser, lambda d: _panels(d) if "current" not in _panels(d).values() else None)
        assert set(panels.values()) <= {"out-of-date", "empty"} and len(panels) >= 6, panels
        assert "out of date" in browser.find_element(By.ID, "results").text.lower()
        assert says in _live_text(browser)  # announced
    _shot(browser, "21-refused-value-marks-field-and-results", box)
    _set(browser, "pd_l1_tps", "150")  # a second refused field: both stay marked
    tps = browser.find_element(By.ID, "field-pd_l1_tps")
    _wait(browser, lambda d: tps.get_attribute("aria-invalid") == "true")
    assert "from 0 to 100" in _message(browser, tps)
    _set(browser, "pd_l1_tps", "70")
    _set(browser, "tmb", "6")
    _wait(browser, lambda d: _current(d) and "tmb = 6" in d.find_element(By.ID, "graph").text)
    assert box.get_attribute("aria-invalid") in (None, "false") and _message(browser, box).count("from 0") == 0
    assert "low_immunogenicity" in _cards(browser, "finding")


def test_the_server_s_refusal_marks_the_fields_it_names(server, browser):
    """A refusal only the server can make (CPS below TPS from one sample) lands on both fields."""
    _open(browser, server)
    _load(browser, "hot-unsuppressed")
    _set(browser, "pd_l1_cps", "10")
    cps, tps = browser.find_element(By.ID, "field-pd_l1_cps"), browser.find_element(By.ID, "field-pd_l1_tps")
    _wait(browser, lambda d: cps.get_attribute("aria-invalid") == "true" and tps.get_attribute("aria-invalid") == "true")
    assert "cannot come from one sample" in _message(browser, cps)
    assert "out-of-date" in _panels(browser).values()
    _set(browser, "pd_l1_cps", "85")
    _wait(browser, lambda d: _current(d) and cps.get_attribute("aria-invalid") in (None, "false"))
    assert tps.get_attribute("aria-invalid") in (None, "false")


def test_a_new_case_clears_the_old_sweep_and_why_not(server, browser):
    """... and a refused sweep leaves no chart drawn for another question."""
    _open(browser, server)
    _load(browser, "hot-unsuppressed")
    _click(browser, browser.find_element(By.ID, "sweep-run"))
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-sweep="tmb"]'))
    step = browser.find_element(By.ID, "sweep-step")
    step.clear()
    step.send_keys("0")
    _click(browser, browser.find_element(By.ID, "sweep-run"))
    _wait(browser, lambda d: step.get_attribute("aria-invalid") == "true")
    assert browser.find_elements(By.CSS_SELECTOR, "[data-sweep]") == []
    step.clear()
    step.send_keys("1")
    _click(browser, browser.find_element(By.ID, "sweep-run"))
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-sweep="tmb"]'))
    _click(browser, browser.find_element(By.CSS_SELECTOR, '#catalogue [data-id="cancer_vaccine_combination"]'))
    _why(browser, "cancer_vaccine_combination")
    _load(browser, "cold-desert")
    assert browser.find_elements(By.CSS_SELECTOR, "[data-sweep]") == []
    assert browser.find_elements(By.CSS_SELECTOR, "[data-why]") == []
    # a sweep still on its way when the case changes is dropped when it comes
    browser.execute_script(SLOW_FETCH + "window.__slow = 1500;")
    _click(browser, browser.find_element(By.ID, "sweep-run"))
    _wait(browser, lambda d: d.execute_script("return window.__delayed") >= 1)
    browser.execute_script("window.__slow = 0")
    _load(browser, "mhc-loss")
    time.sleep(2)
    assert browser.find_elements(By.CSS_SELECTOR, "[data-sweep]") == []
    _shot(browser, "22-new-case-clears-sweep-and-why")


def test_an_old_answer_arriving_after_a_newer_edit_is_dropped(server, browser):
    _open(browser, server)
    browser.execute_script(SLOW_FETCH)
    _load(browser, "hot-unsuppressed")
    _set(browser, "tmb", "5")
    _wait(browser, lambda d: "low_immunogenicity" in _cards(d, "finding") and _current(d))

    browser.execute_script("window.__slow = 2500; window.__delayed = 0")
    _click(browser, browser.find_element(By.CSS_SELECTOR, '#catalogue [data-id="high_tmb"]'))  # asked at tmb 5
    _wait(browser, lambda d: d.execute_script("return window.__delayed") >= 1)
    browser.execute_script("window.__slow = 0")
    _set(browser, "tmb", "30")
    _wait(browser, lambda d: "tmb 30 >= tmb_high" in _why(d, "high_tmb").text)

    browser.execute_script("window.__slow = 2500; window.__delayed = 0")
    _set(browser, "tmb", "7")  # its result is held back
    _wait(browser, lambda d: d.execute_script("return window.__delayed") >= 1)
    browser.execute_script("window.__slow = 0")
    _set(browser, "tmb", "31")
    _wait(browser, lambda d: "tmb = 31" in d.find_element(By.ID, "graph").text and _current(d))
    time.sleep(3.5)  # every held answer has come by now
    assert "tmb = 31" in browser.find_element(By.ID, "graph").text
    assert "high_tmb" in _cards(browser, "finding") and "low_immunogenicity" not in _cards(browser, "finding")
    why = _why(browser, "high_tmb").text
    assert "tmb 31 >= tmb_high" in why and "tmb is 5" not in why and "tmb is 7" not in why
    assert _current(browser)
    _shot(browser, "23-old-answers-dropped")


def test_why_not_reaches_the_deciding_value_beside_the_conclusion_clicked(server, browser):
    _open(browser, server)
    _load(browser, "hot-unsuppressed")
    chip = browser.find_element(By.CSS_SELECTOR, '#catalogue [data-id="cancer_vaccine_combination"]')
    _click(browser, chip)
    why = _why(browser, "cancer_vaccine_combination")
    said = json.loads(invoke("explain", str(ROOT / "profiles" / "hot-unsuppressed.json"), "cancer_vaccine_combination",
                             "--format", "json").stdout)["why_not"][0]
    lines = _explain_lines(said)
    assert "needs tmb < tmb_high 10 mut/Mb; tmb is 18.5" in lines  # the deciding value, two levels down
    text = why.text
    at = [text.find(line) for line in lines]
    assert -1 not in at and at == sorted(at), (lines, text)  # every step of `icitrace explain`, in its order
    chip = browser.find_element(By.CSS_SELECTOR, '#catalogue [data-id="cancer_vaccine_combination"]')
    assert _gap(browser, chip, why) < 60  # beside the conclusion clicked
    _shot(browser, "24-why-not-to-the-deciding-value", why)
    # the answer follows the profile: after an edit it is the new profile's
    _set(browser, "tmb", "6")
    _wait(browser, lambda d: "low-tmb-to-vaccine: fired" in _why(d, "cancer_vaccine_combination").text
          or "tmb 6 < tmb_high" in _why(d, "cancer_vaccine_combination").text)
    assert "tmb is 18.5" not in _why(browser, "cancer_vaccine_combination").text


def test_an_edit_highlights_what_it_gained_and_lost_where_the_reader_is(server, browser):
    _open(browser, server)
    _load(browser, "hot-unsuppressed")
    _set(browser, "tmb", "6")
    box = browser.find_element(By.ID, "field-tmb")
    note = _wait(browser, lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, "[data-effect]")
                                     if "low_immunogenicity" in e.text and e.is_displayed()])[0]
    assert "gained" in note.text and "lost" in note.text and "high_tmb" in note.text
    in_view = browser.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight", note)
    assert in_view and _gap(browser, box, note) < 80  # no scrolling to find it
    assert "gained" in browser.find_element(By.CSS_SELECTOR, '#catalogue [data-id="low_immunogenicity"]').get_attribute(
        "class")
    assert "lost" in browser.find_element(By.CSS_SELECTOR, '#catalogue [data-id="high_tmb"]').get_attribute("class")
    assert "gained" in browser.find_element(By.CSS_SELECTOR, '#graph [data-id="low_immunogenicity"]').get_attribute(
        "class")
    assert "low_immunogenicity" in _live_text(browser)  # the result update is announced
    _shot(browser, "25-what-an-edit-changed", box)


def test_errors_sit_beside_what_caused_them_in_the_page_s_words(server, browser):
    _open(browser, server + "#profile=%E0%A4%A")  # a torn share link
    shown = _wait(browser, lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, "[role=alert]") if e.text.strip()])
    assert "link" in shown[0].text.lower() and shown[0].is_displayed()
    assert browser.find_element(By.ID, "field-tmb")  # the page is there, not blank
    _shot(browser, "26-a-torn-share-link")

    _load(browser, "cold-desert")
    step = browser.find_element(By.ID, "sweep-step")
    step.clear()
    step.send_keys("0")
    _click(browser, browser.find_element(By.ID, "sweep-run"))
    _wait(browser, lambda d: step.get_attribute("aria-invalid") == "true")
    said = _message(browser, step)
    assert "step" in said and "--" not in said, said
    shown = browser.find_element(By.ID, step.get_attribute("aria-describedby").split()[0])
    assert _gap(browser, step, shown) < 60
    step.clear()
    step.send_keys("1")

    browser.execute_script("document.querySelector('#paste').closest('details').open = true")
    paste = browser.find_element(By.ID, "paste")
    paste.send_keys('{"tmb": "12"}')
    _click(browser, browser.find_element(By.ID, "use-paste"))
    _wait(browser, lambda d: paste.get_attribute("aria-invalid") == "true")
    said = _message(browser, paste)
    assert 'field "tmb"' in said and "JSON number" not in said, said
    shown = browser.find_element(By.ID, paste.get_attribute("aria-describedby").split()[0])
    assert _gap(browser, browser.find_element(By.ID, "use-paste"), shown) < 60
    assert "cold-desert" in browser.find_element(By.ID, "versions").text  # the case was not changed
    _shot(browser, "27-errors-beside-their-cause", shown)


def test_an_unrelated_edit_leaves_every_other_field_as_it_was(server, browser):
    profile = {"id": "  spaced id  ", "description": "line one\nline two",
               "oncogenic_alterations": ["WNT/beta-catenin activation, PTEN loss", "[]"], "tmb": 3}
    _open(browser, server + "#profile=" + quote(json.dumps(profile)))
    _wait(browser, lambda d: "spaced id" in d.find_element(By.ID, "versions").text and _current(d))
    found = _cards(browser, "finding")
    _set(browser, "tmb", "4")
    _wait(browser, lambda d: "tmb = 4" in d.find_element(By.ID, "graph").text and _current(d))
    kept = json.loads(unquote(browser.current_url.split("#profile=", 1)[1]))
    assert kept == {**profile, "tmb": 4}  # only the field edited changed
    assert _cards(browser, "finding") == found
    assert browser.find_element(By.ID, "field-description").get_attribute("value") == "line one\nline two"
    assert browser.find_element(By.ID, "field-id").get_attribute("value") == "  spaced id  "


def test_the_page_teaches_what_the_cli_teaches(server, browser):
    _open(browser, server)
    _load(browser, "many-mechanisms")
    result = Result.model_validate_json(invoke("suggest", str(ROOT / "profiles" / "many-mechanisms.json"),
                                               "--format", "json").stdout)
    page = browser.find_element(By.TAG_NAME, "body").text
    noted = [s for s in result.strategies if s.outside_review]
    assert len(noted) == 4
    for s in noted:  # outside-review notes: the 2022 LAG-3 approval, MASTERKEY-265, KEYNOTE-189, afami-cel ...
        card = browser.find_element(By.CSS_SELECTOR, f'[data-strategy="{s.id}"]')
        assert caveat_line(s.outside_review) in card.text
    for s in result.strategies:  # maturity with one pair of brackets
        assert maturity_line(s) in browser.find_element(By.CSS_SELECTOR, f'[data-strategy="{s.id}"]').text
    assert "[[" not in page
    (b,) = result.borderline  # how close, and why that margin
    assert closeness(b) in page and b.margin_reason in page and ASSAY_NOTE in page
    assert UNKNOWNS_NOTE in page and CHAIN_NOTE in page and OUTSIDE_NOTE in page
    summary = browser.find_element(By.ID, "summary").text  # the answer first, as the CLI's summary gives it
    order = [summary.index(c.id) for c in result.summary.strategies]
    assert order == sorted(order) and all(m in summary for m in result.summary.mechanisms)
    assert f"The deciding unknown: {result.summary.deciding_unknown}" in summary
    assert all(f"{b.field} near {b.cutoff}" in summary for b in result.summary.borderline)
    refs = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#references li")]
    cited = {c for f in result.findings for c in f.citations if c.startswith("[")}
    for key in cited:  # [n] beside "cites [n]", matching
        assert any(r.startswith(key + " ") for r in refs), (key, refs)
    _shot(browser, "28-what-the-cli-teaches")
