"""`icitrace serve`'s API, in process (Starlette's test client): the same bytes as the CLI, the same
refusals, and the page's safety rules. The page itself is driven in a real browser in test_web_page.py."""

import json
import re
import sys
import xml.etree.ElementTree as ET

import pytest
from conftest import PROFILES, ROOT, invoke

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from icitrace.rulebase.wording import prescriptive  # noqa: E402
from icitrace.web.app import CSP, create_app, static_dir  # noqa: E402


def _client(app) -> TestClient:
    """A client as the page is one: at the address `icitrace serve` prints, sending JSON (the only body the
    API reads, test_web_security.py)."""
    return TestClient(app, base_url="http://127.0.0.1:8000", headers={"Content-Type": "application/json"})


@pytest.fixture(scope="module")
def client():
    return _client(create_app())


def _named(path) -> bytes:
    """A shipped profile with the id the CLI gives it (its file's stem), as the page sends it."""
    return json.dumps({"id": path.stem, **json.loads(path.read_text())}).encode()


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_evaluate_returns_the_bytes_of_suggest_format_json(client, path):
    answer = client.post("/api/evaluate", content=_named(path))
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    assert answer.content == invoke("suggest", str(path), "--format", "json").stdout


def test_why_not_is_the_answer_of_explain(client):
    path = ROOT / "profiles" / "cold-desert.json"
    answer = client.post("/api/evaluate", params={"why_not": "anti_tim3_combination"}, content=_named(path))
    assert answer.content == invoke("explain", str(path), "anti_tim3_combination", "--format", "json").stdout
    unknown = client.post("/api/evaluate", params={"why_not": "anti_tim4"}, content=_named(path))
    refused = invoke("explain", str(path), "anti_tim4")  # the CLI's words, whole (test_service.py)
    assert unknown.status_code == 404 and refused.returncode == 2
    assert unknown.json() == {"error": refused.stderr.decode().removeprefix("icitrace: ").removesuffix("\n")}
    assert unknown.json()["error"].startswith("no finding or strategy `anti_tim4`. Ids: hypoxic_tme, ")


def test_diff_and_sweep_are_the_json_of_the_commands(client):
    a, b = ROOT / "profiles" / "cold-desert.json", ROOT / "profiles" / "hot-unsuppressed.json"
    body = {"a": json.loads(_named(a)), "b": json.loads(_named(b))}
    assert client.post("/api/diff", json=body).content == invoke("diff", str(a), str(b), "--format", "json").stdout
    body = {"profile": json.loads(_named(a)), "field": "tmb", "from": 0, "to": 30, "step": 2.5}
    assert client.post("/api/sweep", json=body).content == invoke(
        "sweep", str(a), "--field", "tmb", "--from", "0", "--to", "30", "--step", "2.5", "--format", "json").stdout
    levels = client.post("/api/sweep", json={"profile": {}, "field": "hypoxia"}).json()
    assert levels["values"] == ["low", "moderate", "high", None]  # every level, then unknown


@pytest.mark.parametrize("path, body, status, says", [
    ("/api/evaluate", b'{"tmb": "12"}', 422, 'profile: field "tmb": expected a JSON number'),
    ("/api/evaluate", b'{"tmb": 12', 422, "profile: line 1, column 11: invalid JSON"),
    ("/api/evaluate", b'{"name": "x"}', 422, 'field "name" is not accepted. icitrace takes hypothetical profiles'),
    ("/api/evaluate", b"[1]", 422, "expected a JSON object at the top level"),
    ("/api/diff", b'{"a": {}}', 422, "the request takes a, b; missing: b"),
    ("/api/diff", b'{"a": {}, "b": []}', 422, '"b" is a profile: a JSON object'),
    ("/api/sweep", b'{"profile": {}, "field": "tmbb"}', 422, "unknown profile field `tmbb` (did you mean `tmb`?)"),
    ("/api/sweep", b'{"profile": {}, "field": "tmb", "from": 0, "to": 1e9, "step": 1}', 422, "field tmb: "),
    ("/api/sweep", b'{"profile": {}, "field": "tmb", "from": "0", "to": 1, "step": 1}', 422,
     '"from", "to" and "step" are numbers'),
], ids=["string-number", "bad-json", "identifying", "array", "diff-missing", "diff-array", "sweep-field",
        "sweep-too-long", "sweep-string"])
def test_a_bad_request_is_refused_with_the_cli_s_words(client, path, body, status, says):
    answer = client.post(path, content=body)
    assert answer.status_code == status and says in answer.json()["error"], answer.text


def test_the_size_rule_holds_with_or_without_a_declared_length(client):
    big = b'{"description": "' + b"x" * 1_000_001 + b'"}'
    declared = client.post("/api/evaluate", content=big)
    assert declared.status_code == 413 and "larger than 1,000,000 bytes" in declared.json()["error"]
    streamed = client.post("/api/evaluate", content=iter([big[:600_000], big[600_000:]]))  # chunked: no length
    assert streamed.status_code == 413 and "larger than 1,000,000 bytes" in streamed.json()["error"]


@pytest.mark.parametrize("path", ["/api/profiles/..%2F..%2Fpyproject", "/api/profiles/%2Fetc%2Fpasswd",
                                  "/static/..%2Fapp.py", "/static/index.html", "/static/%2Fetc%2Fpasswd",
                                  "/api/profiles/cold-desert.json"])
def test_no_path_from_a_request_reaches_the_file_system(client, path):
    assert client.get(path).status_code == 404


def test_shipped_profiles_are_served_by_name_from_a_fixed_list(client):
    names = client.get("/api/profiles").json()
    assert names == sorted(p.stem for p in PROFILES)
    assert client.get("/api/profiles/cold-desert").content == (ROOT / "profiles" / "cold-desert.json").read_bytes()


def test_every_response_carries_the_security_headers_and_no_outside_docs(client):
    for answer in (client.get("/"), client.get("/static/app.js"), client.get("/api/schema"),
                   client.post("/api/evaluate", content=b"{}"), client.get("/nothing")):
        assert answer.headers["content-security-policy"] == CSP
        assert answer.headers["x-content-type-options"] == "nosniff"
    assert "'unsafe-inline'" not in CSP and "http" not in CSP
    assert client.get("/docs").status_code == 404 and client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").json()["info"]["title"] == "icitrace"


def test_the_page_has_no_inline_script_no_outside_origin_and_no_prescriptive_words(client):
    page = client.get("/").text
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/app.js" defer>']
    assert not re.search(r"\son[a-z]+\s*=", page) and "style=" not in page
    texts = [(static_dir() / name).read_text() for name in ("index.html", "app.js", "app.css")]
    assert not any(re.search(r"https?://", t) for t in texts[:1] + texts[2:])  # no outside origin, no CDN
    assert not re.search(r"https?://(?!www\.w3\.org)", texts[1]) and "innerHTML" not in texts[1]
    assert [p for t in texts for p in prescriptive(t)] == []


def test_schema_and_rules_are_what_the_cli_gives(client):
    assert client.get("/api/schema").content == invoke("schema").stdout
    rules = client.get("/api/rules").json()
    assert rules["rules"] == json.loads(invoke("rules", "list", "--format", "json").stdout)
    assert rules["cutoffs"]["tmb_high"]["value"] == 10.0 and "high_tmb" in rules["findings"]


def test_the_graph_is_svg_drawn_in_python_with_every_text_escaped(client):
    body = {"id": '<script>alert(1)</script>"', "tmb": 12, "hypoxia": "high"}
    answer = client.post("/api/graph", json=body)
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/svg+xml"
    root = ET.fromstring(answer.content)  # well-formed XML
    assert "<script" not in answer.text and "&lt;script&gt;" in answer.text
    clickable = {g.get("data-id") for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("data-id")}
    assert {"high_tmb", "hypoxic_tme", "hypoxia_targeting"} <= clickable
    assert client.post("/api/graph", json=body).content == answer.content  # the same result, the same bytes


def test_serve_warns_off_loopback_and_names_the_extra_when_it_is_missing(monkeypatch):
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    done = invoke("serve", "--host", "0.0.0.0", "--port", "8123")
    assert done.returncode == 0 and calls == [{"host": "0.0.0.0", "port": 8123, "log_level": "warning"}]
    assert "the page has no authentication" in done.stderr.decode()
    quiet = invoke("serve", "--host", "127.0.0.1")
    assert quiet.returncode == 0 and b"no authentication" not in quiet.stderr
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if the extra were not installed
    missing = invoke("serve")
    assert missing.returncode == 2 and "needs the web extra" in missing.stderr.decode()
    assert "pip install 'icitrace[web]'" in missing.stderr.decode()


def test_engine_work_never_holds_up_the_page_or_its_files(monkeypatch):
    """An evaluation runs in a worker thread: while one is held mid-way, the page and its files answer."""
    import threading

    import icitrace.web.app as web

    started, release = threading.Event(), threading.Event()
    real = web.evaluate

    def held(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        started.set()
        assert release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(web, "evaluate", held)
    with _client(create_app()) as client:
        answers = []
        slow = threading.Thread(target=lambda: answers.append(client.post("/api/evaluate", content=b'{"tmb": 12}')))
        slow.start()
        assert started.wait(30)
        try:
            assert client.get("/").status_code == 200 and client.get("/static/app.js").status_code == 200
            assert not answers  # the evaluation is still held
        finally:
            release.set()
            slow.join(30)
        assert answers[0].status_code == 200 and answers[0].json()["findings"][0]["id"] == "high_tmb"
