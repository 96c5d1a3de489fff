"""Synthetic economies with the structure of real input–output networks, at any size.

The model (equations, parameters and why they are realistic: ``docs/generator.md``):

* **Recipes of bounded length.** Product ``j`` uses ``k_j = 1 + Binomial(2(k̄ - 1), 1/2)``
  inputs, so ``1 <= k_j <= 2 k̄ - 1`` with mean ``k̄`` (``inputs``).
* **Three kinds of input**, drawn without repeats, in turn: a quarter *core*, a quarter
  *general-purpose*, half *specific*.

  - core: one of the first ten products (think energy, transport, steel, trade), product
    ``c`` with Zipf weight ``log((c + 2)/(c + 1))``;
  - general-purpose: from the aligned block of ``2^L`` codes that holds ``j``, ``L`` from
    11 up to the whole economy with probability ``∝ 2^(-L/2)``, by Zipf weight within the
    block: hubs at every level of a nested classification, and a power-law tail of users;
  - specific: a neighbour ``j ± d``, ``1 <= d <= 1000`` (cyclically).

  Low ids are the widely used, basic products; the network is one strongly connected
  component (cycles everywhere).
* **Coefficients.** Column ``j`` gets log-normal weights rescaled to sum to
  ``s_j = 0.2 + 0.6 Beta(2, 2)``: the intermediate-input share of a unit of output. Every
  column sum is below 0.8, so ``ρ(A) <= max_j s_j < 0.8``: productive by construction.
* **Labour, demand, capacity.** ``l_j = (1 - s_j) λ_j`` with labour share of value added
  ``λ_j ~ U(0.4, 0.8)``; final demand ``y_j = exp(1.5 z_j - 1.125)`` (log-normal, mean 1);
  gross output ``x`` solves ``(I - A) x = y`` exactly as :func:`~gosplan.core.balance.balance`
  does; capacity ``= x (1 + 10^-6)`` and labour available ``= (l · x)(1 + 10^-6)``, so the
  targets can just be met; depreciation ``~ U(0.03, 0.12)``.
* **Capital** (optional, ``capital=True``). A unit of capacity of ``j`` takes
  ``κ_j ~ U(1.5, 3)`` units of goods (the capital-output ratio, assumed: whole economies
  hold about two to three years of output as fixed capital), from three distinct products
  drawn as inputs are (core, general-purpose, specific: structures, machines, a specialised
  tool), with log-normal weights; drawn from a stream of its own (``default_rng([seed,
  1])``), so an economy with capital has the same ``A`` and targets as one without.

Everything is drawn from ``numpy.random.default_rng(seed)`` in a fixed order and in chunks
of a fixed size, so the same arguments give the same bytes on every machine (with the same
numpy version).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from gosplan.core.arguments import flag, integer
from gosplan.core.balance import _dot, _gross_output
from gosplan.core.economy import Economy
from gosplan.errors import ConvergenceError, ParameterError

__all__ = [
    "CAPACITY_SLACK",
    "MAX_INPUTS",
    "MAX_NONZEROS",
    "MAX_PRODUCTS",
    "GeneratedEconomy",
    "generate_economy",
]

FloatArray = NDArray[np.float64]

#: Capacity and available labour exceed what the targets need by this relative margin.
CAPACITY_SLACK = 1e-6
#: Most products, mean inputs per product, and their product (about the non-zeros of
#: ``A``: 2·10^9 of them take some 24 GB), checked before any work.
MAX_PRODUCTS = 100_000_000
MAX_INPUTS = 1_000
MAX_NONZEROS = 2_000_000_000

_CORE = 10  # products every recipe is likely to use
_PATTERN = ("core", "general", "specific", "specific")  # kinds of successive input draws
_WINDOW = 1000  # specific inputs lie within this many codes of the product
# A general-purpose input comes from the block of 2^L codes around the product with
# probability ∝ 2^(-L/2): mostly from the product's own industry, rarely economy-wide.
_LEVEL_DECAY = 0.5
_SHARE_LOW, _SHARE_HIGH = 0.2, 0.8  # range of the intermediate-input share s_j
_WEIGHT_SIGMA = 1.0  # log-normal spread of the input weights within a recipe
_LABOUR_SHARE = (0.4, 0.8)  # labour's share of value added
_DEMAND_SIGMA = 1.5  # log-normal spread of final demand
_DEPRECIATION = (0.03, 0.12)
_CAPITAL_RATIO = (1.5, 3.0)  # goods per unit of annual capacity (capital-output ratio)
_CAPITAL_GOODS = 3  # products a unit of new capacity is built from
# Columns drawn per step. Part of the definition of the output (the random stream is
# consumed chunk by chunk), so it must never depend on the machine.
_CHUNK = 1 << 16
#: Columns drawn per step (progress is reported per chunk).
CHUNK_COLUMNS = _CHUNK


@dataclass(frozen=True, slots=True, eq=False)
class GeneratedEconomy:
    """A synthetic economy and final-demand targets it can just meet."""

    economy: Economy
    """The economy: ``A``, labour, capacity, depreciation and labour available all set."""
    targets: FloatArray
    """Final demand ``y``, shape ``(n,)``, in product order; read-only."""


def generate_economy(
    n_products: int,
    inputs: int = 20,
    *,
    seed: int = 0,
    capital: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> GeneratedEconomy:
    """Generate a productive economy with realistic sparse structure, and targets for it.

    Parameters
    ----------
    n_products
        Number of products ``n >= 1``; ids are ``p0000001`` ... (zero-padded to at least
        seven digits).
    inputs
        Mean number of inputs per product ``k̄ >= 1``; every product uses between 1 and
        ``2 k̄ - 1`` (and at most ``n``).
    seed
        Seed of ``numpy.random.default_rng``: the same arguments give identical arrays.
    capital
        Also draw capital coefficients ``B`` (for multi-year plans); ``A``, labour,
        capacities and targets are the same with or without them.

    Returns
    -------
    GeneratedEconomy
        ``economy.A`` is CSR of shape ``(n, n)`` with about ``k̄ n`` non-zeros; ``targets``
        has shape ``(n,)``. ``balance(economy, targets)`` needs at most the capacities and
        the labour available (each exceeded by less than :data:`CAPACITY_SLACK`).

    Raises
    ------
    ParameterError
        ``n_products`` not in ``[1, MAX_PRODUCTS]``, ``inputs`` not in ``[1, MAX_INPUTS]``,
        their product above :data:`MAX_NONZEROS`, or a negative ``seed``.
    ParameterTypeError
        An argument of the wrong type (a float or bool where an integer belongs).

    Examples
    --------
    >>> g = generate_economy(1000, inputs=8, seed=1)
    >>> g.economy.n, str(g.economy.products[0]), round(g.economy.A.nnz / 1000)
    (1000, 'p0000001', 8)
    """
    where = "generate_economy"
    n = integer(n_products, "n_products", where, low=1, high=MAX_PRODUCTS)
    k_mean = integer(inputs, "inputs", where, low=1, high=MAX_INPUTS)
    seed = integer(seed, "seed", where, low=0, high=2**64 - 1)
    capital = flag(capital, "capital", where)
    if n * k_mean > MAX_NONZEROS:
        raise ParameterError(f"{where}: n_products * inputs (about the non-zeros of A) must be "
                             f"at most {MAX_NONZEROS}; got {n} * {k_mean} = {n * k_mean}")
    rng = np.random.default_rng(seed)
    k = np.minimum(1 + rng.binomial(2 * (k_mean - 1), 0.5, size=n), n).astype(np.int64)
    share = _SHARE_LOW + (_SHARE_HIGH - _SHARE_LOW) * rng.beta(2.0, 2.0, size=n)
    # Progress: the chunks of columns drawn, then the balance solved (one more step).
    steps = -(-n // _CHUNK) + 1
    report = progress if progress is not None else (lambda done, total: None)
    A = _technology(rng, n, k, share, lambda done: report(done, steps))
    B = _capital(np.random.default_rng([seed, 1]), n) if capital else None
    labour = (1.0 - share) * rng.uniform(*_LABOUR_SHARE, size=n)
    y = np.exp(_DEMAND_SIGMA * rng.standard_normal(n) - _DEMAND_SIGMA**2 / 2)
    depreciation = rng.uniform(*_DEPRECIATION, size=n)
    # The same computation balance(economy, targets) makes, so the capacities below hold
    # its answer exactly (solvers here are deterministic to the bit).
    x, _method, iterations, residual = _gross_output(A, y)
    report(steps, steps)
    if not residual <= 1e-9:
        raise ConvergenceError(iterations, residual,
                               f"generate: gross output did not converge (residual {residual:.3g})")
    y.flags.writeable = False
    economy = Economy(
        products=_product_ids(n),
        A=A,
        labour=labour,
        capital=B,
        capacity=x * (1.0 + CAPACITY_SLACK),
        depreciation=depreciation,
        # _dot sums as balance does for labour_required (BLAS's order depends on threads).
        labour_available=_dot(labour, x) * (1.0 + CAPACITY_SLACK),
        labour_unit="wage-years",
        name=f"generated: {n} products, {k_mean} inputs each on average, seed {seed}",
        metadata={"generator": "gosplan.core.generate", "n_products": str(n),
                  "inputs": str(k_mean), "seed": str(seed), "capital": str(capital).lower()},
    )
    return GeneratedEconomy(economy=economy, targets=y)


def _capital(rng: np.random.Generator, n: int) -> sp.csr_array:
    """Capital coefficients: each column ``j`` sums to its capital-output ratio ``κ_j``."""
    k = np.full(n, min(_CAPITAL_GOODS, n), dtype=np.int64)
    ratio = rng.uniform(*_CAPITAL_RATIO, size=n)
    return _technology(rng, n, k, ratio)


def _technology(
    rng: np.random.Generator,
    n: int,
    k: NDArray[np.int64],
    share: FloatArray,
    done: Callable[[int], None] | None = None,
) -> sp.csr_array:
    """Draw the recipes column by column into CSC arrays, then transpose them to CSR.

    Column ``j`` holds ``k_j`` distinct inputs whose coefficients sum to ``share_j``.
    """
    index = np.int32 if n < 2**31 else np.int64
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(k, out=indptr[1:])
    nnz = int(indptr[-1])
    ptr_type = np.int32 if nnz < 2**31 and n < 2**31 else np.int64
    data = np.empty(nnz)
    rows = np.empty(nnz, dtype=index)
    for c0 in range(0, n, _CHUNK):
        c1 = min(n, c0 + _CHUNK)
        a, b = int(indptr[c0]), int(indptr[c1])
        rows[a:b] = _inputs(rng, n, c0, k[c0:c1])
        w = np.exp(_WEIGHT_SIGMA * rng.standard_normal(b - a))
        starts = indptr[c0:c1] - a
        scale = share[c0:c1] / np.add.reduceat(w, starts)
        data[a:b] = w * np.repeat(scale, k[c0:c1])
        if done is not None:
            done(c1 // _CHUNK + (c1 % _CHUNK > 0))
    csc = sp.csc_array((data, rows, indptr.astype(ptr_type)), shape=(n, n))
    del data, rows
    # Transposing by counting sort leaves each row's column indices sorted.
    A = csc.tocsr()
    del csc
    A.indices = A.indices.astype(index, copy=False)
    A.has_sorted_indices = True
    return A


def _inputs(
    rng: np.random.Generator, n: int, c0: int, k: NDArray[np.int64]
) -> NDArray[np.int64]:
    """The distinct inputs of products ``c0 .. c0 + len(k) - 1``, concatenated.

    Candidates are drawn in a fixed-width block per product and the first ``k_j`` distinct
    ones kept, in draw order: sampling without replacement by successive draws. A product
    whose block holds too few distinct candidates (rare) draws a block twice as wide.
    """
    out = np.empty(int(k.sum()), dtype=np.int64)
    offsets = np.zeros(k.size + 1, dtype=np.int64)
    np.cumsum(k, out=offsets[1:])
    todo = np.arange(k.size)
    width = int(k.max()) + 8
    while todo.size:
        cand = _candidates(rng, n, c0 + todo, width)
        keep, short = _first_distinct(cand, k[todo])
        done = ~short
        # Row-major order: each finished product's inputs, in draw order, into its slots.
        out[_ranges(offsets[todo[done]], k[todo[done]])] = cand[done][keep[done]]
        todo = todo[short]
        width *= 2
    return out


def _ranges(starts: NDArray[np.int64], lengths: NDArray[np.int64]) -> NDArray[np.int64]:
    """Concatenate ``arange(s, s + l)`` over ``starts``, ``lengths``, without a Python loop."""
    total = int(lengths.sum())
    out: NDArray[np.int64] = np.arange(total, dtype=np.int64)
    out += np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return out


def _candidates(
    rng: np.random.Generator, n: int, products: NDArray[np.int64], width: int
) -> NDArray[np.int64]:
    """Draw ``width`` candidate inputs for each of ``products``, shape ``(len, width)``.

    Candidate slots cycle through the kinds: core, general, specific, specific. Each kind
    is drawn on its own strided columns, so no work is spent on draws thrown away.
    """
    width = -(-width // len(_PATTERN)) * len(_PATTERN)
    u = rng.random((products.size, width))
    cand = np.empty(u.shape, dtype=np.int64)
    j = products[:, None]
    window = min(_WINDOW, (n - 1) // 2)
    for slot, kind in enumerate(_PATTERN):
        v, out = u[:, slot::len(_PATTERN)], cand[:, slot::len(_PATTERN)]
        if kind == "specific" and window == 0:
            kind = "general"  # too few products to have neighbours
        if kind == "core":
            out[...] = _zipf(v, min(_CORE, n))
        elif kind == "general":
            # A block of codes around the user, from its product group up to the whole
            # economy, smaller blocks likelier; Zipf popularity inside the block: every
            # industry, and every sector, has hubs of its own.
            top = max(1, (n - 1).bit_length())  # 2**top >= n: the whole economy
            low = min(top, (2 * _WINDOW).bit_length())
            step, v = _levels(v, top - low + 1)
            level = step + low
            start = (j >> level) << level
            out[...] = start + _zipf(v, np.minimum(np.left_shift(1, level), n - start))
        else:
            # A neighbour j ± d, 1 <= d <= window (cyclically); never j itself.
            d = np.minimum((v * (2 * window)).astype(np.int64), 2 * window - 1) - window
            d += d >= 0
            out[...] = (j + d) % n
    return cand


def _levels(v: FloatArray, count: int) -> tuple[NDArray[np.int64], FloatArray]:
    """Split uniforms into a level ``t`` in ``0 .. count-1`` and a fresh uniform.

    ``P(t) ∝ 2^(-t/2)`` (inverse CDF of a truncated geometric law); the fresh uniform is
    the position of ``v`` inside its level's interval.
    """
    r = 2.0**-_LEVEL_DECAY
    total = 1.0 - r**count
    t = np.floor(np.log1p(-v * total) / np.log(r)).astype(np.int64)
    np.clip(t, 0, count - 1, out=t)
    lo = (1.0 - r**t) / total
    hi = (1.0 - r ** (t + 1)) / total
    return t, np.clip((v - lo) / (hi - lo), 0.0, np.nextafter(1.0, 0.0))


def _zipf(v: FloatArray, m: int | NDArray[np.int64]) -> NDArray[np.int64]:
    """Map uniforms in [0, 1) to ``0 .. m-1``, ``P(i) = log((i + 2)/(i + 1)) / log(m + 1)``."""
    i = np.exp(v * np.log(np.asarray(m) + 1.0)).astype(np.int64)
    i -= 1
    return np.clip(i, 0, np.asarray(m) - 1, out=i)


def _first_distinct(
    cand: NDArray[np.int64], k: NDArray[np.int64]
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Mask the first ``k[r]`` distinct entries of each row, in row order; flag short rows."""
    width = cand.shape[1]
    shift = max(1, (width - 1).bit_length())
    # Sort (value, position) pairs: equal values end up adjacent, earliest draw first.
    key = (cand << shift) | np.arange(width)
    key.sort(axis=1)
    new = np.ones(key.shape, dtype=bool)
    np.not_equal(key[:, 1:] >> shift, key[:, :-1] >> shift, out=new[:, 1:])
    first = np.empty_like(new)
    np.put_along_axis(first, key & ((1 << shift) - 1), new, axis=1)
    count = np.cumsum(first, axis=1, dtype=np.int32)
    keep = first & (count <= k[:, None])
    return keep, count[:, -1] < k


def _product_ids(n: int) -> NDArray[np.str_]:
    """``p0000001`` ... ``p{n}``, zero-padded to at least seven digits, without a loop over n."""
    width = max(7, len(str(n)))
    chars = np.empty((n, width + 1), dtype=np.uint8)
    chars[:, 0] = ord("p")
    v = np.arange(1, n + 1, dtype=np.int64)
    for col in range(width, 0, -1):
        chars[:, col] = ord("0") + v % 10
        v //= 10
    return chars.view(f"S{width + 1}").reshape(n).astype(f"U{width + 1}")
