"""The exhibit's web application: routes that parse, validate, call the analysis and format.

``create_app()`` builds the FastAPI application; ``serve()`` runs it with uvicorn (on
127.0.0.1 unless told otherwise). No route reads a path from a request: templates, static
files and documents are the package's own, and every query value is validated first
(HTTP 422 with the field and its allowed range otherwise). Only requests addressed to the
exhibit's own host names get in (400 otherwise); views are computed a few at a time
(503 with ``Retry-After`` when all slots stay taken: :mod:`gosplan.web.guard`).
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Iterable
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from gosplan.web.bands import DEFAULT_LABEL, Bands, read_default_bands
from gosplan.web.documents import documents, for_showcase
from gosplan.web.guard import LOOPBACK, BusyError, Gate, HostGuard, host_names
from gosplan.web.planning_room import MAX_PRODUCTS, PlanningState, plan_view
from gosplan.web.raster import png_chart, png_ranges
from gosplan.web.showcases import (
    CHARTS,
    ENSEMBLE_LABEL,
    SHOWCASES,
    TOUR,
    chart_csv,
    chart_meta,
    chart_parts,
    chart_svg,
    get_run,
    monitors,
    page_chart,
    sources,
    styles_key,
    totals_rows,
)
from gosplan.web.state import (
    ASSUMPTIONS,
    SCENARIO,
    SLIDERS,
    YEARS,
    State,
    StateError,
    cli_command,
    number,
    parameter_info,
    query_items,
)

__all__ = ["create_app", "ensemble_bands", "serve"]

_HERE = Path(str(files("gosplan.web")))
_TITLES = {**{k: s.title for k, s in SHOWCASES.items()}, "planning": "The Planning Room"}
#: A chart's downloads: the picture (SVG, PNG), its numbers (CSV) and their sidecar (JSON).
_DOWNLOADS = {"svg": "image/svg+xml", "png": "image/png", "csv": "text/csv",
              "json": "application/json"}
_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)


def _famine() -> dict[str, str]:
    """The record's range of each famine toll, with its authors: one per region, everywhere."""
    from gosplan.report.simulation import famine_range_text

    return {region: famine_range_text(f"famine_excess_deaths_{region}")
            for region in ("ussr", "ukraine", "kazakhstan")}


def _url(key: str, query: str = "") -> str:
    path = "/planning" if key == "planning" else f"/showcase/{key}"
    return f"{path}?{query}" if query else path


def _tour(key: str, query: str) -> dict[str, Any]:
    """Back and next along the tour (the simulated showcases share their state)."""
    k = TOUR.index(key)

    def link(other: str) -> dict[str, str]:
        carried = query if other != "planning" and key != "planning" else ""
        return {"key": other, "title": _TITLES[other], "url": _url(other, carried),
                "path": _url(other)}

    return {
        "carry": key != "planning",
        "step": k + 1,
        "steps": len(TOUR),
        "back": link(TOUR[k - 1]) if k > 0 else None,
        "next": link(TOUR[k + 1]) if k + 1 < len(TOUR) else None,
    }


def _slider_rows(state: State, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = []
    for key in keys:
        s = SLIDERS[key]
        rows.append(
            {
                "name": key,
                "label": s.label,
                "min": s.low,
                "max": s.high,
                "step": s.step,
                "value": state.value(key),
                "default": s.default,
                "unit": s.unit,
                "help": s.help,
                "switch": s.kind == "switch",
            }
        )
    return rows


def _assumption_rows(state: State, showcase: str) -> list[dict[str, Any]]:
    rows = []
    for name in ASSUMPTIONS.get(showcase, ()):
        info = parameter_info(name)
        low, high = (float(v) for v in info["range"])
        default = float(number(str(info["value"])))
        # The slider's grid passes through the default, so that an untouched slider
        # submits the default exactly (a range input snaps its value to min + k * step).
        step = float(f"{(high - low) / 100:.2g}")
        grid_low = default - math.floor((default - low) / step + 1e-9) * step
        grid_high = default + math.floor((high - default) / step + 1e-9) * step
        rows.append(
            {
                "name": f"p.{name}",
                "label": name.replace("_", " "),
                "min": float(number(repr(grid_low))),
                "max": float(number(repr(grid_high))),
                "low": low,
                "high": high,
                "step": step,
                "value": state.value(name),
                "default": default,
                "unit": info.get("unit") or "",
                "help": info.get("why") or "",
                "kind": info.get("kind"),
                "switch": False,
            }
        )
    return rows


def ensemble_bands(folder: Path) -> Bands:
    """The quantile bands of an ensemble of the built-in scenario (``gosplan ensemble``).

    Raises
    ------
    InputFileError
        The folder holds no finished ensemble, or one of another scenario.
    """
    from gosplan.analysis.ensemble import read_bands, read_manifest
    from gosplan.errors import InputFileError

    manifest = read_manifest(folder)
    if manifest.get("scenario") != SCENARIO:
        raise InputFileError(
            f"{folder}: the exhibit shows ensembles of {SCENARIO}; "
            f"this one is of {manifest.get('scenario')!r}"
        )
    table = read_bands(folder).sort_values(["series", "year"])
    out: Bands = {}
    columns = (table[c].to_numpy() for c in ("series", "year", "q05", "q95"))
    for series, year, low, high in zip(*columns, strict=True):
        out.setdefault(str(series), []).append((float(year), float(low), float(high)))
    return out


def _live_context(
    key: str, state: State, bands: Bands | None = None, band_label: str = ENSEMBLE_LABEL
) -> dict[str, Any]:
    showcase = SHOWCASES[key]
    run = get_run(state)
    base = get_run(State())
    query = state.query()
    charts = []
    for k, chart in enumerate(showcase.charts):
        link = f"/showcase/{key}/chart/{chart.key}"
        drawing, legend = page_chart(key, chart, run, None if state.is_default else base,
                                     bands if state.is_default else None, lead=k == 0,
                                     band_label=band_label)
        suffix = f"?{query}" if query else ""
        charts.append(
            {
                "key": chart.key,
                "svg": drawing,
                "legend": legend,
                **{f"{fmt}_url": f"{link}.{fmt}{suffix}" for fmt in _DOWNLOADS},
            }
        )
    return {
        "key": key,
        "lead": charts[0],
        "charts": charts[1:],
        "monitors": monitors(showcase, run, base),
        "command": cli_command(state),
        "sources": sources(showcase, run),
        "changed": not state.is_default,
        "url": _url(key, query),
    }


def _items(request: Request) -> list[tuple[str, str]]:
    """The request's query items, refused unparsed when the query string is too long."""
    return query_items(request.scope.get("query_string", b"").decode("latin-1"))


def create_app(
    ensemble: Path | None = None,
    *,
    bands: bool = True,
    hosts: Iterable[str] = LOOPBACK,
    port: int | None = None,
    gate: Gate | None = None,
) -> FastAPI:
    """The exhibit as a FastAPI application.

    Parameters
    ----------
    ensemble
        A ``gosplan ensemble`` folder of the built-in scenario: the charts of the
        historical run show the ensemble's 5-95 % band behind it (instead of the bands
        shipped with the exhibit: :mod:`gosplan.web.bands`).
    bands
        Show a band at all (``False``: the historical run alone, as without an ensemble).
    hosts
        Host names the exhibit answers to (``Host`` header; lower case, IPv6 in brackets).
    port
        The port it is served on (``None``: any port, with one of ``hosts``).
    gate
        How many views are computed at once, and how long a request waits for a turn
        (default: one per processor, 1.5 s).
    """
    drawn: Bands | None = None
    label = ENSEMBLE_LABEL
    if ensemble is not None:
        drawn = ensemble_bands(ensemble)
    elif bands:
        # Read once here: a visit only looks them up.
        drawn, label = read_default_bands(), DEFAULT_LABEL
    gate = Gate() if gate is None else gate
    app = FastAPI(title="gosplan exhibit", docs_url=None, redoc_url=None, openapi_url=None)
    templates = Jinja2Templates(directory=str(_HERE / "templates"))
    # The templates are named *.html.j2, which Jinja's default selection does not escape:
    # every value is escaped unless marked safe (the charts and legends drawn here).
    templates.env.autoescape = True
    templates.env.globals.update(titles=_TITLES, tour=TOUR, years=YEARS, famine=_famine())
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")

    @app.middleware("http")
    async def _headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers["Content-Security-Policy"] = _CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    # Added last, so it is the outermost layer: a foreign Host gets no further.
    app.add_middleware(HostGuard, names=hosts, port=port)

    @app.exception_handler(BusyError)
    async def _busy(request: Request, exc: BusyError) -> Response:
        return _refusal(request, templates, str(exc), 503,
                        {"Retry-After": str(exc.retry_after)})

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> Response:
        # A true bug: a short page, never a traceback (the server's log keeps that).
        return _refusal(request, templates, "Something went wrong in the exhibit; this view "
                        "cannot be shown. Other views still work.", 500, {})

    @app.exception_handler(StateError)
    async def _invalid(request: Request, exc: StateError) -> Response:
        detail = str(exc)
        accept = request.headers.get("accept", "")
        if request.headers.get("hx-request") or "text/html" in accept:
            name = "_error.html.j2" if request.headers.get("hx-request") else "error.html.j2"
            return templates.TemplateResponse(
                request, name, {"detail": detail, "field": exc.field}, status_code=422
            )
        return JSONResponse({"detail": detail, "field": exc.field}, status_code=422)

    def page(request: Request, name: str, context: dict[str, Any]) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context)

    @app.get("/", response_class=HTMLResponse)
    def entrance(request: Request) -> HTMLResponse:
        State.from_query(_items(request))
        return page(request, "entrance.html.j2", {"showcases": SHOWCASES})

    async def computed(render: Callable[..., Response], *args: Any) -> Response:
        """A view whose values are valid, computed when a slot of the gate is free."""
        return await gate.run(render, *args)

    @app.get("/teachers", response_class=HTMLResponse)
    def teachers(request: Request) -> HTMLResponse:
        State.from_query(_items(request))
        return page(request, "teachers.html.j2", {
            "key": styles_key(),
            "base_command": cli_command(State()),
            "planning_commands": plan_view(PlanningState.parse([]))["commands"],
        })

    @app.get("/documents", response_class=HTMLResponse)
    def document_list(request: Request) -> HTMLResponse:
        State.from_query(_items(request))
        return page(request, "documents.html.j2", {"docs": documents()})

    @app.get("/document/{ident}", response_class=HTMLResponse)
    def document(request: Request, ident: str) -> Response:
        State.from_query(_items(request))
        found = [d for d in documents() if d.id == ident]
        if not found:
            return _not_found(request, templates)
        return page(request, "document.html.j2", {"doc": found[0]})

    @app.get("/showcase/{key}", response_class=HTMLResponse)
    async def showcase(request: Request, key: str) -> Response:
        if key not in SHOWCASES:
            return _not_found(request, templates)
        return await computed(showcase_page, request, key, State.from_query(_items(request)))

    def showcase_page(request: Request, key: str, state: State) -> Response:
        shown = set(SHOWCASES[key].sliders) | {f"p.{p}" for p in ASSUMPTIONS.get(key, ())}
        hidden = [(k, v) for k, v in _pairs(state) if k not in shown]
        context = {
            "sc": SHOWCASES[key],
            "sliders": _slider_rows(state, SHOWCASES[key].sliders),
            "assumptions": _assumption_rows(state, key),
            "hidden": hidden,
            "tour_nav": _tour(key, state.query()),
            "carry": state.query(),
            "documents": for_showcase(key),
            "live": _live_context(key, state, drawn, label),
        }
        return page(request, "showcase.html.j2", context)

    @app.get("/showcase/{key}/live", response_class=HTMLResponse)
    async def live(request: Request, key: str) -> Response:
        if key not in SHOWCASES:
            return _not_found(request, templates)
        return await computed(live_fragment, request, key, State.from_query(_items(request)))

    def live_fragment(request: Request, key: str, state: State) -> Response:
        context = _live_context(key, state, drawn, label)
        response = page(request, "_live.html.j2", {"live": context})
        response.headers["HX-Replace-Url"] = context["url"]
        return response

    @app.get("/showcase/{key}/chart/{name}.{fmt}")
    async def chart(request: Request, key: str, name: str, fmt: str) -> Response:
        if (key, name) not in CHARTS or fmt not in _DOWNLOADS:
            return _not_found(request, templates)
        return await computed(chart_file, key, name, fmt, State.from_query(_items(request)))

    def chart_file(key: str, name: str, fmt: str, state: State) -> Response:
        spec = CHARTS[(key, name)]
        run = get_run(state)
        filename = f"gosplan-{key}-{name}.{fmt}"
        disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
        base = None if state.is_default else get_run(State())
        shown = drawn if state.is_default else None
        if fmt == "svg":
            body: str | bytes = chart_svg(key, spec, run, base, shown, band_label=label)
        elif fmt == "png" and spec.kind == "totals":
            body = png_ranges(spec.title, totals_rows(spec, run, base), "mn deaths")
        elif fmt == "png":
            p = chart_parts(key, spec, run, base, shown, band_label=label)
            body = png_chart(p.title, YEARS, p.lines, p.marks, p.areas)
        elif fmt == "json":
            body = json.dumps(chart_meta(key, spec, run, state), indent=2, ensure_ascii=False)
        else:
            body = chart_csv(spec, run, base)
        return Response(body, media_type=_DOWNLOADS[fmt], headers=disposition)

    @app.get("/planning", response_class=HTMLResponse)
    async def planning(request: Request) -> Response:
        state = PlanningState.parse(_items(request))
        return await computed(planning_page, request, state)

    def planning_page(request: Request, state: PlanningState) -> Response:
        context = {
            "ps": state,
            "tour_nav": _tour("planning", ""),
            "max_products": MAX_PRODUCTS,
            "plan": plan_view(state),
            "url": _url("planning", state.query()),
            "documents": for_showcase("planning"),
        }
        return page(request, "planning.html.j2", context)

    @app.get("/planning/live", response_class=HTMLResponse)
    async def planning_live(request: Request) -> Response:
        state = PlanningState.parse(_items(request))
        return await computed(planning_fragment, request, state)

    def planning_fragment(request: Request, state: PlanningState) -> Response:
        url = _url("planning", state.query())
        response = page(request, "_planning_live.html.j2",
                        {"ps": state, "plan": plan_view(state), "url": url})
        response.headers["HX-Replace-Url"] = url
        return response

    return app


def _pairs(state: State) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl

    return parse_qsl(state.query())


def _not_found(request: Request, templates: Jinja2Templates) -> Response:
    return templates.TemplateResponse(
        request, "error.html.j2", {"detail": "No such room in this exhibit.", "field": None},
        status_code=404,
    )


def _refusal(
    request: Request, templates: Jinja2Templates, detail: str, status: int,
    headers: dict[str, str],
) -> Response:
    """A short answer in the form the request asked for: fragment, page or JSON."""
    if request.headers.get("hx-request"):
        body = (f'<div id="live" class="live error" role="alert"><p>'
                f'<span class="detail">{html.escape(detail)}</span></p></div>')
        return HTMLResponse(body, status_code=status, headers=headers)
    if "text/html" in request.headers.get("accept", ""):
        try:
            return templates.TemplateResponse(
                request, "error.html.j2", {"detail": detail, "field": None},
                status_code=status, headers=headers,
            )
        except Exception:  # the page itself failed: say it in plain text
            return PlainTextResponse(detail, status_code=status, headers=headers)
    return JSONResponse({"detail": detail, "field": None}, status_code=status, headers=headers)


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    ensemble: Path | None = None,
    allow: Iterable[str] = (),
) -> None:
    """Run the exhibit with uvicorn until interrupted.

    It answers to the loopback names, to ``host`` and to the names in ``allow``, at
    ``port`` only.
    """
    import uvicorn

    # A bad ensemble folder fails here, before the server starts.
    app = create_app(ensemble, hosts=host_names(host, allow), port=port)
    uvicorn.run(app, host=host, port=port, log_level="warning")
