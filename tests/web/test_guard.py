"""Only the exhibit's own host names get in; a full gate says "busy"; a bug is a short 500."""

from __future__ import annotations

import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import anyio
import anyio.to_thread
import pytest
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

from gosplan.web.app import create_app
from gosplan.web.guard import LOOPBACK, BusyError, Gate, HostGuard, host_names, split_host
from tests.web.conftest import BASE


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("127.0.0.1:8000", ("127.0.0.1", 8000)),
        ("LocalHost", ("localhost", None)),
        ("[::1]:8000", ("[::1]", 8000)),
        ("[::1]", ("[::1]", None)),
        ("evil.example:8000", ("evil.example", 8000)),
        ("127.0.0.1:", ("", None)),
        ("127.0.0.1:80x", ("", None)),
        ("127.0.0.1:٨٠", ("", None)),
        ("127.0.0.1:8000:1", ("", None)),
        ("[::1", ("", None)),
        ("[::1]x", ("", None)),
        ("", ("", None)),
    ],
)
def test_split_host(header: str, expected: tuple[str, int | None]) -> None:
    assert split_host(header) == expected


def test_host_names_are_loopback_the_bound_host_and_those_allowed() -> None:
    assert host_names("127.0.0.1") == LOOPBACK
    assert host_names("0.0.0.0") == LOOPBACK  # every interface: no name of its own
    assert host_names("::") == LOOPBACK
    assert host_names("192.168.1.5") == (*LOOPBACK, "192.168.1.5")
    assert host_names("fe80::1", ["Exhibit.lan"]) == (*LOOPBACK, "[fe80::1]", "exhibit.lan")


def test_guard_checks_name_and_port() -> None:
    guard = HostGuard(create_app(), LOOPBACK, port=8000)
    assert guard.allowed("127.0.0.1:8000")
    assert guard.allowed("localhost:8000")
    assert guard.allowed("[::1]:8000")
    assert not guard.allowed("127.0.0.1:8001")
    assert not guard.allowed("127.0.0.1")  # the browser would name port 8000
    assert not guard.allowed("evil.example:8000")
    assert not guard.allowed("")
    anyport = HostGuard(create_app(), LOOPBACK)
    assert anyport.allowed("127.0.0.1:43117")
    assert not anyport.allowed("evil.example:43117")
    default_port = HostGuard(create_app(), LOOPBACK, port=80)
    assert default_port.allowed("localhost")


@pytest.mark.parametrize("host", ["evil.example:8000", "127.0.0.1.evil.example", "localhost:8001",
                                  "testserver"])
def test_a_foreign_host_is_refused_with_400(host: str) -> None:
    app = create_app(hosts=host_names("127.0.0.1"), port=8000)
    with TestClient(app, base_url=BASE) as client:
        assert client.get("/").status_code == 200
        for path in ("/", "/showcase/famine", "/planning", "/static/exhibit.css"):
            r = client.get(path, headers={"host": host})
            assert r.status_code == 400
            assert r.text.startswith(f"Host {host!r} is not an address of this exhibit")
            assert "http://127.0.0.1:8000/" in r.text


def test_the_bound_host_is_served() -> None:
    app = create_app(hosts=host_names("192.168.1.5", ["exhibit.lan"]), port=8000)
    with TestClient(app, base_url=BASE) as client:
        for host in ("192.168.1.5:8000", "exhibit.lan:8000", "localhost:8000"):
            assert client.get("/", headers={"host": host}).status_code == 200


def test_a_full_gate_refuses_and_a_free_one_admits() -> None:
    gate = Gate(slots=1, wait=0)
    started, release = threading.Event(), threading.Event()

    def hold() -> str:
        started.set()
        release.wait(30)
        return "held"

    async def scenario() -> list[str]:
        out: list[str] = []

        async def first() -> None:
            out.append(await gate.run(hold))

        async with anyio.create_task_group() as group:
            group.start_soon(first)
            await anyio.to_thread.run_sync(started.wait, 30)
            with pytest.raises(BusyError) as info:
                await gate.run(str, "refused")
            assert info.value.retry_after == 1
            release.set()
        out.append(await gate.run(str, "admitted"))  # the slot is free again, no wait
        return out

    # In a thread of its own: an earlier test may leave an event loop marked running in this one.
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(anyio.run, scenario).result(60) == ["held", "admitted"]


def test_gate_needs_a_slot() -> None:
    with pytest.raises(ValueError, match="slots >= 1"):
        Gate(slots=0)


@pytest.mark.parametrize(
    ("path", "headers", "kind"),
    [
        ("/showcase/famine", {"accept": "text/html"}, "text/html"),
        ("/showcase/famine/live?exports=0", {"HX-Request": "true"}, "text/html"),
        ("/showcase/famine/chart/deaths.svg", {}, "application/json"),
        ("/planning?economy=generated&n=2000&inputs=20", {"accept": "application/json"},
         "application/json"),
        ("/planning/live", {"HX-Request": "true"}, "text/html"),
    ],
)
def test_a_busy_exhibit_answers_503_with_retry_after(
    path: str, headers: dict[str, str], kind: str
) -> None:
    gate = Gate(slots=1, wait=0)
    release = threading.Event()
    with TestClient(create_app(gate=gate), base_url=BASE) as client:
        started = threading.Event()

        def hold() -> None:
            started.set()
            release.wait(30)

        future = client.portal.start_task_soon(gate.run, hold)
        try:
            assert started.wait(30)
            r = client.get(path, headers=headers)
            assert client.get("/").status_code == 200  # pages that compute nothing still open
        finally:
            release.set()
            future.result(30)
        assert r.status_code == 503
        assert r.headers["retry-after"] == "1"
        assert r.headers["content-type"].startswith(kind)
        assert "The exhibit is busy" in r.text
        assert client.get(path, headers=headers).status_code == 200


def test_a_bug_is_a_short_500_page() -> None:
    app = create_app()

    def broken() -> None:
        raise RuntimeError("a bug in a route")

    app.add_api_route("/broken", broken)
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as client:
        r = client.get("/broken", headers={"accept": "text/html"})
        assert r.status_code == 500
        assert "Something went wrong in the exhibit" in r.text
        assert "Traceback" not in r.text
        assert "a bug in a route" not in r.text
        assert client.get("/broken").json()["detail"].startswith("Something went wrong")
