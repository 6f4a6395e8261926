"""The classroom page as a person uses it: the real `icitrace serve` on a free loopback port, driven in
Debian's Chromium through Selenium (the browser and its driver come from apt, installed by .ci/run; no
browser is downloaded). Each step saves a screenshot under $ICITRACE_ARTIFACTS (default
build/test-artifacts/web).

Without Chromium the tests are skipped, unless ICITRACE_REQUIRE_BROWSER=1 (set by .ci/run), where a
missing browser fails them: CI must never pass by skipping its browser."""

import json
import os
import shutil
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import ROOT, invoke, serving

webdriver = pytest.importorskip("selenium.webdriver")
pytest.importorskip("fastapi")
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

pytestmark = pytest.mark.cli  # a real server and a real browser, each a process

ARTIFACTS = Path(os.environ.get("ICITRACE_ARTIFACTS", ROOT / "build" / "test-artifacts" / "web"))
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def server():
    with serving() as (port, _):
        yield f"http://127.0.0.1:{port}/"


@pytest.fixture(scope="module")
def browser():
    if not (BROWSER and DRIVER):
        if os.environ.get("ICITRACE_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium and chromedriver are needed (apt-get install chromium chromium-driver)")
        pytest.skip("no Chromium here (apt-get install chromium chromium-driver)")
    options = Options()
    options.binary_location = BROWSER
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000",
                "--disable-gpu", "--no-first-run", "--disable-extensions"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def _wait(driver, condition, timeout: float = 15):
    # a render may replace an element between finding and reading it: look again
    return WebDriverWait(driver, timeout, ignored_exceptions=[StaleElementReferenceException]).until(
        lambda d: condition(d))


def _shot(driver, name: str, element=None) -> None:  # noqa: ANN001
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    if element is not None:  # the step's subject in view
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def _cards(driver, kind: str) -> set[str]:
    """The ids of the finding or strategy cards shown, read in one script (a render may replace them)."""
    return set(driver.execute_script(
        f"return [...document.querySelectorAll('[data-{kind}]')].map(e => e.getAttribute('data-{kind}'))"))


def _click(driver, element) -> None:  # noqa: ANN001
    """Click as a person would: the element scrolled to the middle (the sticky disclaimer covers the top)."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def _set(driver, field: str, text: str) -> None:
    box = driver.find_element(By.ID, f"field-{field}")
    box.clear()
    box.send_keys(text)


def _disclaimer_in_view(driver) -> bool:
    banner = driver.find_element(By.ID, "disclaimer")
    top = driver.execute_script("return arguments[0].getBoundingClientRect().top", banner)
    return banner.is_displayed() and 0 <= top < 5 and "not for clinical use" in banner.text


def test_a_teacher_moves_tmb_across_its_line_asks_why_not_pins_and_compares(server, browser):
    browser.get(server)
    _wait(browser, lambda d: len(Select(d.find_element(By.ID, "shipped")).options) > 1)
    assert _disclaimer_in_view(browser)
    Select(browser.find_element(By.ID, "shipped")).select_by_value("cold-desert")
    browser.find_element(By.ID, "load-shipped").click()
    _wait(browser, lambda d: "low_immunogenicity" in _cards(d, "finding"))
    expected = json.loads(invoke("suggest", str(ROOT / "profiles" / "cold-desert.json"), "--format", "json").stdout)
    assert _cards(browser, "finding") == {f["id"] for f in expected["findings"]}
    assert _cards(browser, "strategy") == {s["id"] for s in expected["strategies"]}
    _shot(browser, "01-cold-desert-loaded")

    _set(browser, "tmb", "9.9")
    _wait(browser, lambda d: "tmb = 9.9" in d.find_element(By.ID, "graph").text)
    assert "low_immunogenicity" in _cards(browser, "finding") and "high_tmb" not in _cards(browser, "finding")
    _shot(browser, "02-tmb-9.9-below-the-line")
    _set(browser, "tmb", "10")
    _wait(browser, lambda d: "high_tmb" in _cards(d, "finding"))
    assert "low_immunogenicity" not in _cards(browser, "finding")  # at the line: TMB-high (>= 10)
    _shot(browser, "03-tmb-10-at-the-line")

    _click(browser, browser.find_element(By.CSS_SELECTOR, '#catalogue [data-id="anti_tim3_combination"]'))
    why = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-why="anti_tim3_combination"]'))[0]
    said = json.loads(invoke("explain", str(ROOT / "profiles" / "cold-desert.json"), "anti_tim3_combination",
                             "--set", "tmb=10", "--format", "json").stdout)["why_not"][0]
    assert why.find_element(By.CLASS_NAME, "summary").text == said["summary"]  # the words of `icitrace explain`
    assert "Why not" in why.text
    _shot(browser, "04-why-not-anti-tim3", why)

    _click(browser, browser.find_element(By.ID, "pin"))
    _set(browser, "tmb", "3")
    compare = _wait(browser, lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, "[data-compare]")
                                        if "tmb 10 -> 3" in e.text])[0]
    assert {e.text.split(" (")[0] for e in compare.find_elements(By.CLASS_NAME, "gained")} == {"finding low_immunogenicity"}
    assert "finding high_tmb" in {e.text.split(" (")[0] for e in compare.find_elements(By.CLASS_NAME, "lost")}
    _shot(browser, "05-pinned-and-compared", compare)

    Select(browser.find_element(By.ID, "sweep-field")).select_by_value("tmb")
    _click(browser, browser.find_element(By.ID, "sweep-run"))
    grid = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-sweep="tmb"]'))[0]
    present = browser.execute_script(
        "return [...arguments[0].querySelectorAll('[data-row=\"finding high_tmb\"]')].map(c => c.className)", grid)
    values = json.loads(invoke("sweep", str(ROOT / "profiles" / "cold-desert.json"), "--field", "tmb", "--from", "0",
                               "--to", "30", "--step", "1", "--set", "tmb=3", "--format", "json").stdout)["values"]
    assert present == ["on" if v >= 10 else "off" for v in values]  # the chart: high_tmb from the line up
    _shot(browser, "06-sweep", grid)
    _set(browser, "pd_l1_cps", "")
    _set(browser, "pd_l1_tps", "20")
    Select(browser.find_element(By.ID, "sweep-field")).select_by_value("pd_l1_cps")
    time.sleep(0.5)  # the edit's evaluation first
    _click(browser, browser.find_element(By.ID, "sweep-run"))
    ruled_out = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-ruled-out]"))[0]
    assert "pd_l1_cps 0 .. 19: pd_l1_cps is never below pd_l1_tps 20" in ruled_out.text
    browser.execute_script("window.scrollTo(0, document.body.scrollHeight)")
    assert _disclaimer_in_view(browser)  # still in view at the foot of a long page


def test_the_address_shares_the_case(server, browser):
    profile = {"id": "shared", "tmb": 14, "hypoxia": "high"}
    browser.get(server + "#profile=" + quote(json.dumps(profile)))
    _wait(browser, lambda d: "profile shared" in d.find_element(By.ID, "versions").text)
    assert {"high_tmb", "hypoxic_tme"} <= _cards(browser, "finding")
    assert browser.find_element(By.ID, "field-tmb").get_attribute("value") == "14"
    assert Select(browser.find_element(By.ID, "field-hypoxia")).first_selected_option.text == "high"
    _shot(browser, "07-shared-link")


def test_values_that_look_like_markup_are_shown_as_text(server, browser):
    script, img = "<script>window.__xss = 1</script>", '"><img src=x onerror="window.__xss=2">'
    profile = {"id": "<b>bold</b>", "description": script, "tumor_type": img,
               "oncogenic_alterations": [img, "WNT/beta-catenin activation"], "tmb": 12}
    browser.get(server + "#profile=" + quote(json.dumps(profile)))
    _wait(browser, lambda d: "profile <b>bold</b>" in d.find_element(By.ID, "versions").text)
    assert "high_tmb" in _cards(browser, "finding")
    assert browser.execute_script("return window.__xss") is None
    assert browser.find_element(By.ID, "field-description").get_attribute("value") == script
    assert browser.find_element(By.ID, "field-tumor_type").get_attribute("value") == img
    assert img in browser.find_element(By.ID, "field-oncogenic_alterations").get_attribute("value")
    assert "profile <b>bold</b>" in browser.find_element(By.ID, "versions").text
    assert browser.find_elements(By.TAG_NAME, "img") == [] and browser.find_elements(By.TAG_NAME, "b") == []
    assert browser.execute_script("return document.querySelectorAll('script').length") == 1  # app.js alone
    _shot(browser, "08-markup-shown-as-text")


def test_a_profile_the_cli_refuses_is_refused_on_the_page_not_changed(server, browser):
    """A shared link or pasted JSON with a field the format lacks, or a repeated key, is refused with the
    reader's words; a number that is not finite is refused in its box. Nothing is dropped quietly."""
    browser.get(server + "#profile=" + quote(json.dumps({"id": "twelve", "tmb": 12})))
    _wait(browser, lambda d: "profile twelve" in d.find_element(By.ID, "versions").text)
    browser.get(server + "#profile=" + quote('{"tmb_value": 3, "hypoxia": "high"}'))
    error = _wait(browser, lambda d: d.find_element(By.ID, "case-message").text)  # at the top of the profile
    assert 'unknown field "tmb_value". icitrace takes hypothetical profiles only' in error
    assert browser.find_element(By.ID, "field-tmb").get_attribute("value") == "12"  # the case was not changed
    browser.get(server + "#profile=" + quote('{"tmb": 3, "tmb": 12}'))
    _wait(browser, lambda d: 'field "tmb" appears more than once' in d.find_element(By.ID, "case-message").text)
    _set(browser, "tmb", "1e400")  # beside its box from here on
    _wait(browser, lambda d: "1e400 is not a finite number" in d.find_element(By.ID, "field-tmb-message").text)
    _set(browser, "tmb", ">=.5")
    _wait(browser, lambda d: "a band such as >=1 <5" in d.find_element(By.ID, "field-tmb-message").text)
    _shot(browser, "09-refused-as-the-cli-refuses")
