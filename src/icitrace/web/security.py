"""What every request to `icitrace serve` passes first, and what every answer carries (issue 21).

The server runs on a student's machine while their browser visits other sites, so any of those sites can
send it requests. Only the page itself may ask:

- the ``Host`` header must name this server (the loopback names, or the ``--host`` given, with the port):
  a site whose DNS name was made to point at 127.0.0.1 (DNS rebinding) sends its own name, and is refused;
- a request that is not a read (anything but GET and HEAD) must be JSON: a browser lets any site send a
  ``text/plain``, form or XML body without asking first, but never ``application/json``;
- and it must come from this origin (an ``Origin`` header naming this server) or carry no ``Origin`` at all
  (a command-line client).

Every answer, refusals and internal errors included, carries the security headers; every refusal is a
JSON object ``{"error": ...}``, whatever text it echoes (a lone surrogate is written as its escape, never a
crash); an internal error says nothing of the code.
"""

from __future__ import annotations

import ipaddress
import json
import logging
from collections.abc import Awaitable, Callable

from icitrace.profile.reading import MAX_BYTES
from icitrace.text import printable

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
           "Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
           "Cross-Origin-Resource-Policy": "same-origin"}
_RAW_HEADERS = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in HEADERS.items()]
_OURS = {k for k, _ in _RAW_HEADERS}
#: the names this machine is reached by, whatever address the server listens on
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
#: the methods that only read (every other one must be the page's own JSON)
READS = {"GET", "HEAD"}
TOO_LARGE = f"the request is larger than {MAX_BYTES:,} bytes; a profile is a small JSON object"
INTERNAL = "the server could not answer this request (an internal error); nothing was stored"

ASGIApp = Callable[[dict, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]], Awaitable[None]]
log = logging.getLogger("uvicorn.error")


def json_text(message: str) -> str:
    """Text that can always be sent as UTF-8: a lone surrogate (``"\\ud800"`` in the JSON a request sent)
    is written as its escape, as the CLI prints it, instead of failing the answer."""
    return message.encode("utf-8", "backslashreplace").decode("utf-8")


def error_body(message: str) -> bytes:
    return json.dumps({"error": json_text(message)}, ensure_ascii=False).encode("utf-8")


def served_names(host: str, port: int | None) -> Callable[[str], bool]:
    """Whether a ``Host`` header names this server: a loopback name or ``host`` (an IPv6 address in
    brackets), with ``port`` (without it too when the port is 80, as browsers leave it out). ``port=None``
    (the app used in process, its port not known) accepts those names with any port."""
    names = set(LOOPBACK_NAMES)
    try:
        names.add(f"[{host.lower()}]" if ipaddress.ip_address(host).version == 6 else host.lower())
    except ValueError:
        names.add(host.lower())
    if port is None:
        def any_port(value: str) -> bool:
            name, colon, number = value.rpartition(":") if not value.endswith("]") else (value, "", "")
            if not colon:
                return value in names
            return name in names and number.isdigit() and len(number) <= 5
        return any_port
    allowed = {f"{name}:{port}" for name in names} | (names if port == 80 else set())
    return allowed.__contains__


class Guard:
    """The ASGI middleware around the whole app: refuses what only another site would send, adds the
    headers to every answer, and turns an internal error into a JSON 500 (logged as one line, not a
    traceback, and never echoing the error to the client)."""

    def __init__(self, app: ASGIApp, host: str = "127.0.0.1", port: int | None = None):
        self.app = app
        self.serves = served_names(host, port)

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _OURS]
                message = {**message, "headers": kept + _RAW_HEADERS}
            await send(message)

        refusal = self.refusal(scope)
        if refusal:
            await send_error(send_with_headers, *refusal)
            return
        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as error:  # noqa: BLE001 - the one place an unexpected error becomes an answer
            log.error("icitrace serve: internal error on %s %s: %s", scope.get("method"),
                      printable(scope.get("path", "")), printable(repr(error)))
            if not started:
                await send_error(send_with_headers, 500, INTERNAL)

    def refusal(self, scope: dict) -> tuple[int, str] | None:
        """The status and message refusing a request from elsewhere, or ``None`` for the page's own."""
        headers: dict[bytes, bytes] = {}
        for key, value in scope.get("headers", []):
            headers.setdefault(key.lower(), value)
        host = headers.get(b"host", b"").decode("latin-1").lower()
        if not self.serves(host):
            return 421, (f"this server does not answer for host {host!r}: open the page at the address "
                         "`icitrace serve` printed (http://127.0.0.1:PORT/)" if host else
                         "a request must name the server it is for (a Host header)")
        if scope["method"] not in READS:
            media = headers.get(b"content-type", b"").decode("latin-1").split(";")[0].strip().lower()
            if media != "application/json":
                return 415, "the API takes a JSON body sent with Content-Type: application/json"
            origin = headers.get(b"origin")
            if origin is not None and origin.decode("latin-1").lower() != f"{scope.get('scheme', 'http')}://{host}":
                return 403, ("the API answers only the page this server serves: a request from another origin "
                             f"({printable(origin.decode('latin-1'))}) is refused")
        length = headers.get(b"content-length", b"").decode("latin-1")
        if length.isdigit() and int(length) > MAX_BYTES:
            return 413, TOO_LARGE
        return None


async def send_error(send: Callable, status: int, message: str, headers: dict[str, str] | None = None) -> None:
    """A refusal sent straight to ASGI ``send`` (from a middleware, before any route)."""
    body = error_body(message)
    extra = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *extra]})
    await send({"type": "http.response.body", "body": body})
