"""`icitrace serve` against requests from elsewhere and against input made to hurt it, in process: only the
page may ask (a JSON body, its own origin, its own host name), the engine's queue is bounded, and every
refusal, whatever it echoes, is a JSON answer with the security headers (issue 21)."""

import json
import threading
import time

import pytest
from conftest import ROOT

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from icitrace.web.app import CSP, create_app  # noqa: E402

BASE = "http://127.0.0.1:8000"
JSON = {"Content-Type": "application/json"}
PROFILE = json.dumps({"id": "cold-desert", **json.loads((ROOT / "profiles" / "cold-desert.json").read_text())})
SWEEP = json.dumps({"profile": {}, "field": "tmb", "from": 0, "to": 499, "step": 1})


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(), base_url=BASE, raise_server_exceptions=False)


def guarded(answer, status: int) -> dict:
    """A refusal as the page must get it: the status, a JSON body with an error, every security header."""
    assert answer.status_code == status, (answer.status_code, answer.text[:300])
    assert answer.headers["content-type"] == "application/json", answer.headers
    assert answer.headers["content-security-policy"] == CSP
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-frame-options"] == "DENY"
    assert "Traceback" not in answer.text and "File \"" not in answer.text
    body = answer.json()
    assert isinstance(body["error"], str) and body["error"]
    return body


# --- only this page may ask -----------------------------------------------------------------------------

@pytest.mark.parametrize("content_type", ["text/plain", "text/plain;charset=UTF-8", "application/xml",
                                          "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                                          "application/json-patch+json", None])
@pytest.mark.parametrize("path, body", [("/api/sweep", SWEEP), ("/api/evaluate", PROFILE)], ids=["sweep", "evaluate"])
def test_a_cross_site_post_that_is_not_json_is_refused_unread(client, content_type, path, body):
    """A form or `fetch` from any other site may send text/plain (or XML, or a form) without asking the
    browser first: it must not be evaluated."""
    headers = {"Origin": "https://elsewhere.example"} | ({"Content-Type": content_type} if content_type else {})
    answer = client.post(path, content=body, headers=headers)
    assert "application/json" in guarded(answer, 415)["error"]
    assert client.post(path, content=body, headers={"Content-Type": content_type or ""}).status_code == 415


@pytest.mark.parametrize("origin", ["https://elsewhere.example", "http://127.0.0.1:8001", "http://localhost:8000",
                                    "https://127.0.0.1:8000", "null", "http://127.0.0.1:8000.elsewhere.example"])
def test_a_json_post_from_another_origin_is_refused(client, origin):
    answer = client.post("/api/sweep", content=SWEEP, headers={**JSON, "Origin": origin})
    assert "origin" in guarded(answer, 403)["error"]


def test_the_page_s_own_posts_are_answered_with_or_without_an_origin(client):
    for headers in ({**JSON, "Origin": BASE}, JSON, {"Content-Type": "application/json; charset=utf-8"},
                    {"Content-Type": "Application/JSON"}):
        answer = client.post("/api/evaluate", content=PROFILE, headers=headers)
        assert answer.status_code == 200, (headers, answer.text)
    assert client.get("/api/profiles", headers={"Origin": "https://elsewhere.example"}).status_code == 200


@pytest.mark.parametrize("host", ["elsewhere.example", "elsewhere.example:8000", "rebound.example:8000", "",
                                  "127.0.0.1.elsewhere.example:8000", "localhost:8000@elsewhere.example"])
def test_a_foreign_host_name_is_refused(client, host):
    """DNS rebinding: a site whose name now points at 127.0.0.1 sends its own name as Host."""
    for answer in (client.get("/", headers={"Host": host}), client.get("/static/app.js", headers={"Host": host}),
                   client.post("/api/sweep", content=SWEEP, headers={**JSON, "Host": host})):
        assert "host" in guarded(answer, 421)["error"].lower()


def test_the_host_served_is_the_loopback_names_or_the_host_given_with_the_port():
    strict = TestClient(create_app(host="192.0.2.7", port=8123), base_url="http://192.0.2.7:8123",
                        raise_server_exceptions=False)
    for host in ("127.0.0.1:8123", "localhost:8123", "LocalHost:8123", "[::1]:8123", "192.0.2.7:8123"):
        assert strict.get("/", headers={"Host": host}).status_code == 200, host
    for host in ("127.0.0.1:8000", "127.0.0.1", "192.0.2.7:80", "192.0.2.8:8123", "[::2]:8123"):
        guarded(strict.get("/", headers={"Host": host}), 421)
    v6 = TestClient(create_app(host="::1", port=80), base_url="http://[::1]", raise_server_exceptions=False)
    assert v6.get("/", headers={"Host": "[::1]"}).status_code == 200  # port 80: browsers leave it out
    assert v6.get("/", headers={"Host": "localhost:80"}).status_code == 200
    guarded(v6.get("/", headers={"Host": "::1"}), 421)  # an IPv6 address is named in brackets


def test_serve_answers_for_the_host_and_port_it_listens_on_and_says_so_for_a_wildcard(monkeypatch):
    import uvicorn
    from conftest import invoke

    apps = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: apps.append(app))
    assert invoke("serve", "--port", "8123").returncode == 0
    served = TestClient(apps[0], base_url="http://127.0.0.1:8123", raise_server_exceptions=False)
    assert served.get("/").status_code == 200 and served.get("/", headers={"Host": "localhost:8123"}).status_code == 200
    guarded(served.get("/", headers={"Host": "127.0.0.1:8000"}), 421)
    guarded(served.get("/", headers={"Host": "elsewhere.example:8123"}), 421)
    wildcard = invoke("serve", "--host", "0.0.0.0", "--port", "8124")
    assert "127.0.0.1, localhost or [::1] (port 8124)" in wildcard.stderr.decode()


def test_no_page_may_frame_this_one(client):
    for answer in (client.get("/"), client.get("/static/app.js"), client.get("/api/rules"), client.get("/nothing"),
                   client.post("/api/evaluate", content=b"{}", headers=JSON)):
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["content-security-policy"] == CSP
    assert "frame-ancestors 'none'" in CSP


# --- the server never amplifies -------------------------------------------------------------------------

def test_why_not_ids_are_counted_once_and_capped(client):
    one = client.post("/api/evaluate", params={"why_not": "anti_tim3_combination"}, content=PROFILE, headers=JSON)
    again = client.post("/api/evaluate", params=[("why_not", "anti_tim3_combination")] * 3 + [("why_not", "high_tmb")],
                        content=PROFILE, headers=JSON)
    both = client.post("/api/evaluate", params=[("why_not", "anti_tim3_combination"), ("why_not", "high_tmb")],
                       content=PROFILE, headers=JSON)
    assert one.status_code == 200 and again.content == both.content != one.content
    rules = client.get("/api/rules").json()
    cap = len(rules["findings"]) + len(rules["strategies"])
    flood = client.post("/api/evaluate", params=[("why_not", "anti_tim3_combination")] * 1500, content=PROFILE,
                        headers=JSON)  # the client refuses a longer URL: 3,500 copies are sent in test_web_load.py
    assert f"at most {cap} why_not" in guarded(flood, 400)["error"]
    assert len(flood.content) < 1000


# --- every refusal is JSON with the headers, whatever it echoes -----------------------------------------

S = "\ud800"


@pytest.mark.parametrize("path, data", [
    ("/api/evaluate", {"id": S}),
    ("/api/evaluate", {"hypoxia": "\udfff"}),
    ("/api/evaluate", {S: 1}),
    ("/api/evaluate", {"tmb": {S: 1}}),
    ("/api/evaluate", {"pd_l1_tps": {"low": 1, "high": 2, "a" + S: 3}}),
    ("/api/evaluate", {"description": S}),
    ("/api/graph", {"tmb": {S: 1}}),
    ("/api/diff", {"a": {}, "b": {}, S: 1}),
    ("/api/diff", {"a": {"tmb": {S: 1}}, "b": {}}),
    ("/api/diff", {"a": {}, "b": {"hypoxia": S}}),
    ("/api/sweep", {"profile": {}, "field": S}),
    ("/api/sweep", {"profile": {}, "field": "tmb." + S}),
    ("/api/sweep", {"profile": {"tmb": {S: 1}}, "field": "hypoxia"}),
    ("/api/sweep", {"profile": {}, "field": "tmb", S: 1}),
], ids=["id", "level", "key", "band-key", "band-key-2", "description", "graph", "diff-envelope", "diff-a-band",
        "diff-b-level", "sweep-field", "sweep-field-2", "sweep-profile", "sweep-envelope"])
def test_a_lone_surrogate_anywhere_is_a_4xx_json_refusal_with_the_headers(client, path, data):
    raw = json.dumps(data).encode()  # ASCII JSON: "\ud800" arrives as the escape a browser sends
    answer = client.post(path, content=raw, headers=JSON)
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.text[:300])
    error = guarded(answer, answer.status_code)["error"]
    assert "\\ud800" in error or "\\udfff" in error or "surrogate" in error or "unicode" in error.lower(), error


def test_an_internal_error_is_json_with_the_headers_and_tells_nothing_of_the_code(monkeypatch):
    import icitrace.web.app as web

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("secret detail from deep inside")

    monkeypatch.setattr(web, "evaluate", broken)
    answer = TestClient(create_app(), base_url=BASE, raise_server_exceptions=False).post(
        "/api/evaluate", content=PROFILE, headers=JSON)
    assert "secret" not in guarded(answer, 500)["error"] and "RuntimeError" not in answer.text


# --- the page never waits ---------------------------------------------------------------------------------

def _held_engine(monkeypatch):
    """Make every evaluation wait for ``release``; ``started`` is set when the first one is held."""
    import icitrace.web.app as web

    started, release = threading.Event(), threading.Event()
    real = web.evaluate

    def held(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        started.set()
        assert release.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(web, "evaluate", held)
    return started, release


def test_while_the_engine_is_held_by_many_requests_the_page_answers_and_the_rest_are_told_to_retry(monkeypatch):
    """45 evaluations at once, the first held mid-way: before, each waiting one held one of the 40 tokens of
    the thread pool the page's own routes run in, and the page waited for the engine."""
    started, release = _held_engine(monkeypatch)
    with TestClient(create_app(), base_url=BASE, raise_server_exceptions=False) as client:
        answers: list = []
        post = lambda: answers.append(client.post("/api/evaluate", content=PROFILE, headers=JSON))  # noqa: E731
        threads = [threading.Thread(target=post) for _ in range(45)]
        try:
            for thread in threads:
                thread.start()
            assert started.wait(30)
            deadline = time.monotonic() + 20  # the requests beyond the queue's bound are refused at once
            while time.monotonic() < deadline and not any(a.status_code == 503 for a in answers):
                time.sleep(0.05)
            busy = [a for a in answers if a.status_code == 503]
            assert busy, "no request was refused while the engine's queue was full"
            assert "busy" in guarded(busy[0], 503)["error"] and int(busy[0].headers["retry-after"]) >= 1
            for path in ("/", "/static/app.js", "/static/app.css", "/api/profiles"):
                start = time.monotonic()
                assert client.get(path).status_code == 200
                assert time.monotonic() - start < 5, path  # generous: it must not wait for the engine at all
        finally:
            release.set()
            for thread in threads:
                thread.join(60)
    assert {a.status_code for a in answers} == {200, 503} and len(answers) == 45
