"""`icitrace serve`: the classroom page and its JSON API, the CLI's engine and contract over HTTP.

Every answer comes from the functions the CLI calls, so the page says what the command says (the ids
and a sweep's values are checked by ``service``, which refuses them in the CLI's words):
``POST /api/evaluate`` returns the bytes of ``suggest --format json`` for the same profile, ``why_not``
the answer of ``explain``, ``/api/diff`` and ``/api/sweep`` the JSON of ``diff`` and ``sweep``.

Safety, for a page a class may open: a request body is at most 1 MB and read by the same strict reader
as a profile file; nothing a request names reaches the file system (shipped profiles are served by name
from the list read at start); nothing is stored; every response carries a Content-Security-Policy that
allows no inline script and no other origin. Only the page may ask (``security.Guard``: its host name, a
JSON body, its origin), and every refusal is JSON with the headers.

The page never waits and the server never amplifies: engine work runs on a thread of its own behind a
bounded queue (``work.EngineQueue``: beyond it, 503 with ``Retry-After``), while the page and its files
are answered from memory on the event loop; ``why_not`` ids are counted once and capped at the
catalogue's size.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import Response

from icitrace.errors import Busy, IcitraceError, InputProblem, TooLarge
from icitrace.pipeline import evaluate, shipped_dir
from icitrace.profile.model import Profile
from icitrace.profile.reading import MAX_BYTES, check_size, parse_json, validate
from icitrace.render.json import data_json
from icitrace.service import check_ids, load_rules, plan_sweep
from icitrace.web.security import CSP, HEADERS, TOO_LARGE, Guard, error_body, json_text
from icitrace.web.work import MOST_EVALUATIONS, RETRY_AFTER, EngineQueue, Shed

__all__ = ["CSP", "HEADERS", "create_app", "static_dir"]

#: the page's own files, by the name a request may ask for, and their types
STATIC = {"app.js": "text/javascript", "app.css": "text/css"}
JSON_TYPE = "application/json"
#: the routes whose work is the engine's
ENGINE_PATHS = frozenset({"/api/evaluate", "/api/graph", "/api/diff", "/api/sweep"})
#: the most values a sweep from the page may take (each is one evaluation, one at a time)
MAX_SWEEP = 500
assert MAX_SWEEP <= MOST_EVALUATIONS  # a sweep always fits the engine's queue when it is empty


def create_app(rules: str | None = None, host: str = "127.0.0.1", port: int | None = None) -> FastAPI:
    """The app for a rule directory (default: the shipped rules), answering for the loopback names and
    ``host`` with ``port`` (``None``: any port, for the app used in process)."""
    book = load_rules(rules)
    queue = EngineQueue()
    #: every finding and strategy once: more why_not ids than this can only repeat one
    most_why_not = len(book.catalog.findings) + len(book.catalog.strategies)
    profiles = {p.stem: p.read_bytes() for p in sorted(shipped_dir("profiles").glob("*.json"))}
    # What the page loads first is made once and answered from memory on the event loop: no thread, no wait.
    files = {name: _static(name) for name in ("index.html", *STATIC)}
    answers = {"schema": _json(Profile.model_json_schema(by_alias=True)), "rules": _json(_catalogue(book)),
               "profiles": _json(list(profiles))}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        queue.close()

    app = FastAPI(title="icitrace", docs_url=None, redoc_url=None,  # the docs pages load scripts from a CDN
                  description="Illustrative only, not for clinical use: the JSON API of icitrace's classroom page.",
                  lifespan=lifespan)
    app.add_middleware(Shed, queue=queue, paths=ENGINE_PATHS)
    app.add_middleware(Guard, host=host, port=port)  # added last, so it runs first: before Shed and every route

    @app.get("/", include_in_schema=False)
    async def page() -> Response:
        return Response(files["index.html"], media_type="text/html; charset=utf-8")

    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: str) -> Response:
        if name not in STATIC:  # a fixed list: no name from a request becomes a path
            return _error(404, "no such file")
        return Response(files[name], media_type=f"{STATIC[name]}; charset=utf-8")

    @app.get("/api/schema")
    async def schema() -> Response:
        """The JSON Schema of the profile format (as `icitrace schema`)."""
        return Response(answers["schema"], media_type=JSON_TYPE)

    @app.get("/api/rules")
    async def rules_catalogue() -> Response:
        """The rules (as `icitrace rules list --format json`), the findings and strategies, the cut-offs."""
        return Response(answers["rules"], media_type=JSON_TYPE)

    @app.get("/api/profiles")
    async def shipped() -> Response:
        """The shipped teaching profiles, by name."""
        return Response(answers["profiles"], media_type=JSON_TYPE)

    @app.get("/api/profiles/{name}")
    async def shipped_profile(name: str) -> Response:
        if name not in profiles:
            return _error(404, f"no shipped profile {name!r}; see /api/profiles")
        return Response(profiles[name], media_type=JSON_TYPE)

    @app.post("/api/evaluate")
    async def evaluate_one(request: Request, why_not: list[str] = Query(default=[])) -> Response:
        """A profile's result: the bytes of `suggest --format json` (with `--why-not` for each ``why_not``,
        each id once, at most the catalogue's size)."""
        from icitrace.render.json import render_json

        if len(why_not) > most_why_not:
            return _error(400, f"at most {most_why_not} why_not ids (each finding and strategy once); "
                               f"{len(why_not):,} were given")
        why_not = list(dict.fromkeys(why_not))
        try:
            check_ids(book, why_not)
        except InputProblem as error:
            return _error(404, str(error))
        try:
            profile = _profile(await _body(request), "profile")
            body = await queue.run(lambda: render_json([evaluate(profile, book, why_not=why_not or None)],
                                                    as_list=False))
        except (IcitraceError, Busy) as error:
            return _refused(error)
        return Response(body, media_type=JSON_TYPE)

    @app.post("/api/graph")
    async def graph(request: Request) -> Response:
        """The reasoning chain as SVG, drawn in Python (no Graphviz, no script)."""
        from icitrace.render.svg import render_svg

        try:
            profile = _profile(await _body(request), "profile")
            body = await queue.run(lambda: render_svg(evaluate(profile, book)))
        except (IcitraceError, Busy) as error:
            return _refused(error)
        return Response(body, media_type="image/svg+xml")

    @app.post("/api/diff")
    async def diff(request: Request) -> Response:
        """``{"a": profile, "b": profile}``: what is gained and lost from A to B (as `icitrace diff`)."""
        from icitrace.compare import diff as compare

        try:
            data = _object(await _body(request), ("a", "b"))
            a, b = _profile_of(data["a"], "a"), _profile_of(data["b"], "b")
            body = await queue.run(lambda: compare(book, evaluate(a, book), evaluate(b, book)).model_dump_json(indent=2)
                                + "\n", evaluations=2)
        except (IcitraceError, Busy) as error:
            return _refused(error)
        return Response(body, media_type=JSON_TYPE)

    @app.post("/api/sweep")
    async def sweep(request: Request) -> Response:
        """``{"profile": …, "field": F, "from": x, "to": y, "step": s}``: where each conclusion appears and
        goes as one field varies (as `icitrace sweep`; a level field takes every level, without a range)."""
        from icitrace.compare import sweep_profile

        try:
            data = _object(await _body(request), ("profile", "field"), ("from", "to", "step"))
            field = data["field"]
            numbers = [data.get(k) for k in ("from", "to", "step")]
            # the request's shape first (typer checks the CLI's options so), then the CLI's own checks and words
            if not isinstance(field, str):
                raise InputProblem('"field" names a profile field')
            if any(n is not None and (isinstance(n, bool) or not isinstance(n, (int, float))) for n in numbers):
                raise InputProblem('"from", "to" and "step" are numbers')
            values = plan_sweep(field, *numbers)
            if len(values) > MAX_SWEEP:
                raise InputProblem(f"a sweep of {len(values):,} values is more than the {MAX_SWEEP:,} a page shows")
            base = _profile_of(data["profile"], "profile")
            body = await queue.run(lambda: sweep_profile(book, base, field, values).model_dump_json(indent=2) + "\n",
                                evaluations=len(values))
        except (IcitraceError, Busy) as error:
            return _refused(error)
        return Response(body, media_type=JSON_TYPE)

    return app


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
    return _validated(parse_json(check_size(raw, name), name), name)


def _validated(data: Any, name: str) -> Profile:
    """``validate``, with its one gap closed: text it cannot describe (a lone surrogate in a key of a
    band, where the model's own message fails to be made) is refused as input, not an internal error."""
    try:
        return validate(data, name, default_id=name)
    except UnicodeError:
        where = _surrogate_at(data)
        if where is None:
            raise
        raise InputProblem(f'{name}: field "{json_text(where)}" holds a lone UTF-16 surrogate; '
                           "text must be valid Unicode") from None


def _surrogate_at(data: Any) -> str | None:
    """The dotted path to the first lone surrogate in parsed JSON (a key or a text), or ``None``; walked
    with a stack, as JSON may nest deeper than Python recurses."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            if _lone_surrogate(value):
                return where
            continue
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, item in reversed(list(items)):
            path = f"{where}.{key}" if where else str(key)
            if isinstance(key, str) and _lone_surrogate(key):
                return path
            stack.append((path, item))
    return None


def _lone_surrogate(text: str) -> bool:
    return not text.isascii() and any("\ud800" <= c <= "\udfff" for c in text)


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
    return _validated(value, name)


def _json(data: Any) -> bytes:
    return data_json(data).encode("utf-8")


def _catalogue(book: Any) -> dict:
    """The rules (as `icitrace rules list --format json`), the findings and strategies, the cut-offs."""
    from icitrace.rulebase.docs import rule_rows

    return {
        "rules_version": book.version, "rules_digest": book.digest,
        "rules": rule_rows(book),
        "findings": {k: {"label": v.label, "kind": v.kind, "summary": v.summary}
                     for k, v in book.catalog.findings.items()},
        "strategies": {k: {"label": v.label, "summary": v.summary} for k, v in book.catalog.strategies.items()},
        "cutoffs": {k: {"field": c.field, "value": c.value, "unit": c.unit, "cite": c.cite}
                    for k, c in book.cutoffs.items()},
    }


def _refused(error: Exception) -> Response:
    if isinstance(error, Busy):
        return _error(503, str(error), {"Retry-After": str(RETRY_AFTER)})
    return _error(413 if isinstance(error, TooLarge) else 422, str(error))


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A refusal: ``{"error": message}``, whatever the message echoes (a lone surrogate is escaped)."""
    return Response(error_body(message), status_code=status, media_type=JSON_TYPE, headers=headers)


def _static(name: str) -> bytes:
    return resources.files("icitrace.web").joinpath("static", name).read_bytes()


def static_dir() -> Path:
    """Where the page's files are (for the wording check over the page)."""
    return Path(str(resources.files("icitrace.web").joinpath("static")))
