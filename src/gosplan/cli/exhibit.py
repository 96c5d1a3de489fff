"""``gosplan exhibit``: serve the guided tour of the First Five-Year Plan in the browser."""

from __future__ import annotations

import errno
import socket
from pathlib import Path
from typing import Annotated

import typer

from gosplan.errors import InputFileError

__all__ = ["check_address", "exhibit"]


def exhibit(
    host: Annotated[
        str,
        typer.Option(help="Address to listen on (default: this computer only)."),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    ensemble: Annotated[
        Path | None,
        typer.Option(help="A gosplan ensemble folder: show its 5-95% bands behind history."),
    ] = None,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            metavar="NAME",
            help="Another name visitors use to reach the exhibit (repeatable); it answers "
            "only to this computer's own names, --host and these.",
        ),
    ] = None,
) -> None:
    """Serve the exhibit: a guided tour with live sliders, plots and the planning engine."""
    from gosplan.web.app import serve

    check_address(host, port)
    if host not in ("127.0.0.1", "localhost", "::1"):
        # On stdout with the address: stderr is kept for the one line of an error.
        typer.echo(f"Warning: serving on {host}: other machines may reach the exhibit.")
    shown = f"[{host}]" if ":" in host else host  # an IPv6 address goes in brackets
    typer.echo(f"The exhibit is open at http://{shown}:{port}/ (Ctrl+C to close it)")
    serve(host=host, port=port, ensemble=ensemble, allow=allow_host or ())


def check_address(host: str, port: int) -> None:
    """Refuse a host that does not resolve or an address already in use, in one line.

    The server would otherwise log its own lines and exit with its own code.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise InputFileError(f"--host {host!r}: cannot be resolved ({reason})") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # As the server does: a port in TIME_WAIT after a previous exhibit is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRNOTAVAIL:
                raise InputFileError(
                    f"--host {host}: not an address of this computer ({exc.strerror})"
                ) from None
            raise InputFileError(
                f"--port {port}: cannot listen on {host}:{port} ({exc.strerror or exc}); "
                "choose another --port or --host"
            ) from None
