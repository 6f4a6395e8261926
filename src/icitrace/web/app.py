"""`icitrace serve`: the classroom page and its JSON API, the CLI's engine and contract over HTTP.

Every answer comes from the functions the CLI calls, so the page says what the command says:
``POST /api/evaluate`` returns the bytes of ``suggest --format json`` for the same profile, ``why_not``
the answer of ``explain``, ``/api/diff`` and ``/api/sweep`` the JSON of ``diff`` and ``sweep``.

Safety, for a page a class may open: a request body is at most 1 MB and read by the same strict reader
as a profile file; nothing a request names reaches the file system (shipped profiles are served by name
from the list read at start); nothing is stored; every response carries a Content-Security-Policy that
allows no inline script and no other origin. The engine is used by one request at a time (a lock), as in
the CLI, where one process has one engine.
"""

from __future__ import annotations

import json
import threading
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from icitrace.errors import IcitraceError, InputProblem
from icitrace.pipeline import evaluate, rulebook, shipped_dir
from icitrace.profile.model import Profile
from icitrace.profile.reading import MAX_BYTES, check_size, parse_json, validate

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "Cache-Control": "no-store"}
#: the page's own files, by the name a request may ask for, and their types
STATIC = {"app.js": "text/javascript", "app.css": "text/css"}
JSON_TYPE = "application/json"
#: the most values a sweep from the page may take (each is one evaluation, one at a time)
MAX_SWEEP = 500


def create_app(rules: str | None = None) -> FastAPI:
    """The app for a rule directory (default: the shipped rules)."""
    book = rulebook(rules)
    lock = threading.Lock()

    async def engine(work: Any) -> Any:
        """Run engine work in a worker thread, one at a time: the event loop stays free for every other
        request (the page, its files), and the engine is never used by two threads at once."""
        def locked() -> Any:
            with lock:
                return work()

        return await run_in_threadpool(locked)
    profiles = {p.stem: p.read_bytes() for p in sorted(shipped_dir("profiles").glob("*.json"))}
    app = FastAPI(title="icitrace", docs_url=None, redoc_url=None,  # the docs pages load scripts from a CDN
                  description="Illustrative only, not for clinical use: the JSON API of icitrace's classroom page.")

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BYTES:
            response: Response = _error(413, TOO_LARGE)
        else:
            response = await call_next(request)
        response.headers.update(HEADERS)
        return response

    @app.get("/", include_in_schema=False)
    def page() -> Response:
        return Response(_static("index.html"), media_type="text/html; charset=utf-8")

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in STATIC:  # a fixed list: no name from a request becomes a path
            return _error(404, "no such file")
        return Response(_static(name), media_type=f"{STATIC[name]}; charset=utf-8")

    @app.get("/api/schema")
    def schema() -> Response:
        """The JSON Schema of the profile format (as `icitrace schema`)."""
        return _json(Profile.model_json_schema(by_alias=True))

    @app.get("/api/rules")
    def rules_catalogue() -> Response:
        """The rules (as `icitrace rules list --format json`), the findings and strategies, the cut-offs."""
        from icitrace.rulebase.docs import rule_rows

        return _json({
            "rules_version": book.version, "rules_digest": book.digest,
            "rules": rule_rows(book),
            "findings": {k: {"label": v.label, "kind": v.kind, "summary": v.summary}
                         for k, v in book.catalog.findings.items()},
            "strategies": {k: {"label": v.label, "summary": v.summary} for k, v in book.catalog.strategies.items()},
            "cutoffs": {k: {"field": c.field, "value": c.value, "unit": c.unit, "cite": c.cite}
                        for k, c in book.cutoffs.items()},
        })

    @app.get("/api/profiles")
    def shipped() -> Response:
        """The shipped teaching profiles, by name."""
        return _json(list(profiles))

    @app.get("/api/profiles/{name}")
    def shipped_profile(name: str) -> Response:
        if name not in profiles:
            return _error(404, f"no shipped profile {name!r}; see /api/profiles")
        return Response(profiles[name], media_type=JSON_TYPE)

    @app.post("/api/evaluate")
    async def evaluate_one(request: Request, why_not: list[str] = Query(default=[])) -> Response:
        """A profile's result: the bytes of `suggest --format json` (with `--why-not` for each ``why_not``)."""
        from icitrace.render.json import render_json

        problem = _unknown_ids(book, why_not)
        if problem:
            return _error(404, problem)
        try:
            profile = _profile(await _body(request), "profile")
            result = await engine(lambda: evaluate(profile, book, why_not=why_not or None))
        except IcitraceError as error:
            return _refused(error)
        return Response(render_json([result], as_list=False), media_type=JSON_TYPE)

    @app.post("/api/graph")
    async def graph(request: Request) -> Response:
        """The reasoning chain as SVG, drawn in Python (no Graphviz, no script)."""
        from icitrace.render.svg import render_svg

        try:
            profile = _profile(await _body(request), "profile")
            result = await engine(lambda: evaluate(profile, book))
        except IcitraceError as error:
            return _refused(error)
        return Response(render_svg(result), media_type="image/svg+xml")

    @app.post("/api/diff")
    async def diff(request: Request) -> Response:
        """``{"a": profile, "b": profile}``: what is gained and lost from A to B (as `icitrace diff`)."""
        from icitrace.compare import diff as compare

        try:
            data = _object(await _body(request), ("a", "b"))
            a, b = _profile_of(data["a"], "a"), _profile_of(data["b"], "b")
            model = await engine(lambda: compare(book, evaluate(a, book), evaluate(b, book)))
        except IcitraceError as error:
            return _refused(error)
        return Response(model.model_dump_json(indent=2) + "\n", media_type=JSON_TYPE)

    @app.post("/api/sweep")
    async def sweep(request: Request) -> Response:
        """``{"profile": …, "field": F, "from": x, "to": y, "step": s}``: where each conclusion appears and
        goes as one field varies (as `icitrace sweep`; a level field takes every level, without a range)."""
        from icitrace.compare import sweep_profile, sweep_values
        from icitrace.profile.editing import EditError, check_field

        try:
            data = _object(await _body(request), ("profile", "field"), ("from", "to", "step"))
            field = data["field"]
            if not isinstance(field, str):
                raise InputProblem('"field" names a profile field')
            check_field(field)
            numbers = [data.get(k) for k in ("from", "to", "step")]
            if any(n is not None and (isinstance(n, bool) or not isinstance(n, (int, float))) for n in numbers):
                raise InputProblem('"from", "to" and "step" are numbers')
            values = sweep_values(field, *numbers)
            if len(values) > MAX_SWEEP:
                raise InputProblem(f"a sweep of {len(values):,} values is more than the {MAX_SWEEP:,} a page shows")
            base = _profile_of(data["profile"], "profile")
            model = await engine(lambda: sweep_profile(book, base, field, values))
        except (IcitraceError, EditError) as error:
            return _refused(error)
        except ValueError as error:
            return _error(422, f"field {data.get('field')}: {error}")
        return Response(model.model_dump_json(indent=2) + "\n", media_type=JSON_TYPE)

    return app


class TooLarge(InputProblem):
    """A body over the size rule, however it was sent."""


TOO_LARGE = f"the request is larger than {MAX_BYTES:,} bytes; a profile is a small JSON object"


async def _body(request: Request) -> bytes:
    """The body, read up to the profile size rule (a body sent without a length is counted as it comes)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BYTES:
            raise TooLarge(TOO_LARGE)
        chunks.append(chunk)
    return b"".join(chunks)


def _profile(raw: bytes, name: str) -> Profile:
    """A request's profile, read as a file would be (the same messages)."""
    return validate(parse_json(check_size(raw, name), name), name, default_id=name)


def _object(raw: bytes, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict:
    data = parse_json(check_size(raw, "request"), "request")
    missing = [k for k in required if k not in data]
    extra = [k for k in data if k not in required + optional]
    if missing or extra:
        raise InputProblem(f"the request takes {', '.join(required + optional)}"
                           + (f"; missing: {', '.join(missing)}" if missing else "")
                           + (f"; unknown: {', '.join(extra)}" if extra else ""))
    return data


def _profile_of(value: Any, name: str) -> Profile:
    if not isinstance(value, dict):
        raise InputProblem(f'"{name}" is a profile: a JSON object')
    return validate(value, name, default_id=name)


def _unknown_ids(book: Any, ids: list[str]) -> str:
    known = {*book.catalog.findings, *book.catalog.strategies}
    wrong = [i for i in ids if i not in known]
    return f"no finding or strategy {wrong[0]!r}" if wrong else ""


def _json(data: Any) -> Response:
    return Response(json.dumps(data, indent=2, ensure_ascii=False) + "\n", media_type=JSON_TYPE)


def _refused(error: Exception) -> Response:
    return _error(413 if isinstance(error, TooLarge) else 422, str(error))


def _error(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)


def _static(name: str) -> bytes:
    return resources.files("icitrace.web").joinpath("static", name).read_bytes()


def static_dir() -> Path:
    """Where the page's files are (for the wording check over the page)."""
    return Path(str(resources.files("icitrace.web").joinpath("static")))
