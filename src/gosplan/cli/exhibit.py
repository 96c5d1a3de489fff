"""``gosplan exhibit``: serve the guided tour of the First Five-Year Plan in the browser."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["exhibit"]


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

    if host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(f"Warning: serving on {host}: other machines may reach the exhibit.", err=True)
    shown = f"[{host}]" if ":" in host else host  # an IPv6 address goes in brackets
    typer.echo(f"The exhibit is open at http://{shown}:{port}/ (Ctrl+C to close it)")
    serve(host=host, port=port, ensemble=ensemble, allow=allow_host or ())
