"""`icitrace serve`: the classroom page on a local server (the optional extra icitrace[web])."""

from __future__ import annotations

import ipaddress
import sys
import threading
import webbrowser
from pathlib import Path
from typing import Optional

import typer

from icitrace.cli.app import RULES_OPTION, app, command, examples, fail, say


@command(app, epilog=examples(
    "icitrace serve                       # then open http://127.0.0.1:8000",
    "icitrace serve --port 8080 --open",
))
def serve(
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="The port to listen on."),
    host: str = typer.Option("127.0.0.1", "--host", help="The address to listen on (default: this machine only)."),
    open_page: bool = typer.Option(False, "--open", help="Open the page in the default browser."),
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Serve the classroom page: edit a profile, read the rationale, ask why not, compare and sweep.

    Illustrative only, not for clinical use. The page has no authentication: keep it on this machine.
    It answers only requests that name it (the loopback names or --host, with the port) and, for the API,
    only its own page's JSON (no other web site can make it evaluate anything).
    """
    try:
        import uvicorn

        from icitrace.web.app import create_app
    except ImportError as error:
        fail(f"icitrace serve needs the web extra ({error.name} is missing): pip install 'icitrace[web]'")
    web = create_app(str(rules) if rules else None, host=host, port=port)  # rules it cannot use: `command` says why
    if not _loopback(host):
        say(f"warning: listening on {host}: the page has no authentication, and anyone who "
                   "can reach this address can use it")
    if host in WILDCARDS:
        say(f"note: requests must name this server as 127.0.0.1, localhost or [::1] (port {port}); give "
            "--host the address others use to be reached by it")
    url = f"http://{'127.0.0.1' if host in WILDCARDS else _named(host)}:{port}/"
    say(f"serving the classroom page on {url} (illustrative only, not for clinical use; "
               "Ctrl-C stops it)")
    if open_page:
        threading.Timer(1.0, webbrowser.open, [url]).start()
    # The engine runs in a thread of its own (icitrace.web.work) and holds the GIL while it evaluates; the
    # event loop, which answers the page, takes it back within 1 ms instead of the default 5 (measured
    # under 60 clients sending sweeps: GET / median 214 -> 118 ms when they retry at once, 28 -> 4 ms
    # when they wait the Retry-After they are given).
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.001)
    try:
        uvicorn.run(web, host=host, port=port, log_level="warning")
    finally:
        sys.setswitchinterval(before)


#: the addresses that listen on every interface: no request names them
WILDCARDS = ("0.0.0.0", "::", "")


def _named(host: str) -> str:
    """``host`` as a URL names it (an IPv6 address in brackets)."""
    try:
        return f"[{host}]" if ipaddress.ip_address(host).version == 6 else host
    except ValueError:
        return host


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
