"""What keeps the exhibit answering: the hosts it serves, and how much it computes at once.

:class:`HostGuard` answers 400 to a request whose ``Host`` is not one of the exhibit's own
addresses. A page elsewhere on the web whose name has been made to resolve to 127.0.0.1
(DNS rebinding) would otherwise read the exhibit as if it were that page's own site.

:class:`Gate` lets at most ``slots`` views be computed at once; a request that cannot get
a slot within ``wait`` seconds is refused with :class:`BusyError` (the app answers 503 with
``Retry-After``), so that a crowd gets a prompt "busy" rather than ever slower answers.
"""

from __future__ import annotations

import asyncio
import math
import os
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["LOOPBACK", "BusyError", "Gate", "HostGuard", "host_names", "split_host"]

T = TypeVar("T")

#: The names of this computer that the exhibit always answers to.
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


def split_host(header: str) -> tuple[str, int | None]:
    """A ``Host`` header's name (lower case, IPv6 in brackets) and port (``None``: absent).

    A header that is not ``name`` or ``name:port`` gives the name ``""`` (never accepted).
    """
    header = header.lower()
    if header.startswith("["):
        end = header.find("]")
        if end < 0:
            return "", None
        name, rest = header[: end + 1], header[end + 1 :]
    else:
        name, colon, port = header.partition(":")
        rest = colon + port
    if not rest:
        return name, None
    digits = rest[1:]
    if rest[0] != ":" or not (digits.isascii() and digits.isdigit()) or len(digits) > 5:
        return "", None
    return name, int(digits)


def host_names(host: str, extra: Iterable[str] = ()) -> tuple[str, ...]:
    """The names a ``Host`` header may carry for a server bound to ``host``.

    The loopback names, ``host`` itself unless it is a wildcard address (every interface:
    visitors from elsewhere use a name of their own, given in ``extra``), and ``extra``.
    """
    out = list(LOOPBACK)
    for given in (host, *extra):
        name = given.strip().lower()
        if ":" in name and not name.startswith("["):
            name = f"[{name}]"  # an IPv6 address is written in brackets in a URL
        if name not in ("0.0.0.0", "[::]", "") and name not in out:
            out.append(name)
    return tuple(out)


class HostGuard:
    """ASGI middleware: only requests addressed to one of ``names`` (at ``port``) get in.

    Parameters
    ----------
    app
        The application behind the guard.
    names
        Host names accepted (lower case, IPv6 addresses in brackets).
    port
        The port the server listens on; ``None`` accepts any port (for an app built before
        its server's port is known).
    """

    def __init__(self, app: ASGIApp, names: Iterable[str], port: int | None = None) -> None:
        self.app = app
        self.names = frozenset(n.lower() for n in names)
        self.port = port

    def allowed(self, header: str) -> bool:
        """Whether a request with this ``Host`` header is for this server."""
        name, port = split_host(header)
        if name not in self.names:
            return False
        if self.port is None or port == self.port:
            return True
        return port is None and self.port == 80  # a browser leaves out the default port

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, or answer 400 with one line."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        header = headers.get(b"host", b"").decode("latin-1")
        if self.allowed(header):
            await self.app(scope, receive, send)
            return
        shown = header if len(header) <= 60 else header[:59] + "…"
        body = (
            f"Host {shown!r} is not an address of this exhibit: open it at "
            f"http://127.0.0.1{'' if self.port is None else f':{self.port}'}/\n"
        ).encode()
        await send({
            "type": "http.response.start",
            "status": 400,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                        (b"content-length", str(len(body)).encode())],
        })
        await send({"type": "http.response.body", "body": body})


class BusyError(Exception):
    """Every slot of the :class:`Gate` stayed taken for its whole wait."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "The exhibit is busy: too many views are being computed at once. "
            f"Try again in {retry_after} s."
        )
        self.retry_after = retry_after


def slots_default() -> int:
    """One computation at a time per processor this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class Gate:
    """At most ``slots`` computations at once, each in a worker thread.

    Parameters
    ----------
    slots
        Computations that may run at the same time (default: the processors available).
    wait
        Seconds a request may wait for a slot before it is refused with :class:`BusyError`.
    """

    def __init__(self, slots: int | None = None, wait: float = 1.5) -> None:
        self.slots = slots_default() if slots is None else slots
        if self.slots < 1 or not wait >= 0:
            raise ValueError(f"a gate needs slots >= 1 and wait >= 0; got {slots}, {wait}")
        self.wait = wait
        self._semaphore: tuple[asyncio.AbstractEventLoop, anyio.Semaphore] | None = None

    @property
    def retry_after(self) -> int:
        """Seconds a refused visitor is asked to wait (the ``Retry-After`` header)."""
        return max(1, math.ceil(2 * self.wait))

    def _slots(self) -> anyio.Semaphore:
        # Made on first use inside the event loop that serves the requests (a test client
        # may run its requests in a loop of its own, so one semaphore per loop).
        loop = asyncio.get_running_loop()
        if self._semaphore is None or self._semaphore[0] is not loop:
            self._semaphore = (loop, anyio.Semaphore(self.slots))
        return self._semaphore[1]

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in a worker thread once a slot is free.

        Raises
        ------
        BusyError
            No slot came free within ``wait`` seconds.
        """
        slots = self._slots()
        acquired = False
        try:
            slots.acquire_nowait()  # a free slot is taken at once, even with no wait at all
            acquired = True
        except anyio.WouldBlock:
            with anyio.move_on_after(self.wait):
                await slots.acquire()
                acquired = True
        if not acquired:
            raise BusyError(self.retry_after)
        try:
            return await anyio.to_thread.run_sync(fn, *args)
        finally:
            slots.release()
