from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.csgraph as csgraph

from gosplan import Status, balance
from gosplan.core.generate import (
    CAPACITY_SLACK,
    GeneratedEconomy,
    _product_ids,
    generate_economy,
)
from gosplan.errors import ParameterError

N = 3000


@pytest.fixture(scope="module")
def generated() -> GeneratedEconomy:
    return generate_economy(N, inputs=20, seed=7)


def _arrays(g: GeneratedEconomy) -> list[np.ndarray]:
    e = g.economy
    return [e.A.data, e.A.indices, e.A.indptr, e.labour, e.capacity, e.depreciation,
            np.array([e.labour_available]), g.targets, e.products]


def test_same_seed_same_bytes(generated: GeneratedEconomy) -> None:
    again = generate_economy(N, inputs=20, seed=7)
    for a, b in zip(_arrays(generated), _arrays(again), strict=True):
        assert a.dtype == b.dtype
        assert a.tobytes() == b.tobytes()


def test_other_seed_other_economy(generated: GeneratedEconomy) -> None:
    other = generate_economy(N, inputs=20, seed=8)
    assert other.economy.A.nnz != generated.economy.A.nnz or not np.array_equal(
        other.economy.A.indices, generated.economy.A.indices)
    assert not np.array_equal(other.targets, generated.targets)


def test_product_ids_are_zero_padded() -> None:
    assert _product_ids(3).tolist() == ["p0000001", "p0000002", "p0000003"]
    assert _product_ids(12)[-1] == "p0000012"
    ids = generate_economy(50, inputs=4).economy.products
    assert ids[0] == "p0000001"
    assert ids[-1] == "p0000050"


def test_bounded_inputs_per_product(generated: GeneratedEconomy) -> None:
    A = generated.economy.A
    inputs = np.diff(sp.csc_array(A).indptr)
    assert inputs.min() >= 1
    assert inputs.max() <= 2 * 20 - 1
    assert inputs.mean() == pytest.approx(20, rel=0.03)


def test_matrix_is_canonical_csr_with_int32_indices(generated: GeneratedEconomy) -> None:
    A = generated.economy.A
    assert A.format == "csr"
    assert A.indices.dtype == np.int32
    rows = np.repeat(np.arange(N), np.diff(A.indptr))
    key = rows.astype(np.int64) * N + A.indices
    assert np.all(np.diff(key) > 0)  # sorted within rows, no repeated (input, output) pair


def test_not_triangular_cycles_everywhere(generated: GeneratedEconomy) -> None:
    # A triangular (acyclic) technology has n strongly connected components of one product.
    count, labels = csgraph.connected_components(generated.economy.A, directed=True,
                                                 connection="strong")
    assert count < N // 10
    assert np.bincount(labels).max() > 0.9 * N


def test_heavy_tailed_number_of_users(generated: GeneratedEconomy) -> None:
    A = generated.economy.A
    users = np.diff(A.indptr)  # row i lists the products that use product i
    order = np.argsort(users)[::-1]
    top = order[: N // 100]
    # A few core products feed almost everything ...
    assert users[order[0]] > 0.75 * N
    assert users[order[:3]].min() > 0.4 * N
    # ... the top 1% of products supply a large share of all input links (uniform
    # random links would give them about 2%) ...
    assert users[top].sum() > 0.2 * A.nnz
    # ... and every product uses at least one of them.
    assert np.all(sp.csc_array(A[top]).indptr[1:] > sp.csc_array(A[top]).indptr[:-1])
    # ... while the median product has a handful of users.
    assert np.median(users) < 20


def test_productive_by_construction(generated: GeneratedEconomy) -> None:
    e = generated.economy
    column_sums = np.asarray(e.A.sum(axis=0))
    assert column_sums.min() >= 0.2
    assert column_sums.max() < 0.8
    assert e.productivity.productive
    assert e.productivity.upper < 0.8


def test_labour_depreciation_and_demand_are_in_range(generated: GeneratedEconomy) -> None:
    e = generated.economy
    assert np.all(e.labour > 0)
    value_added = 1 - np.asarray(e.A.sum(axis=0))
    assert np.all(e.labour <= 0.8 * value_added + 1e-12)
    assert np.all((e.depreciation >= 0.03) & (e.depreciation <= 0.12))
    assert np.all(generated.targets > 0)
    assert generated.targets.shape == (N,)
    assert not generated.targets.flags.writeable


def test_targets_can_just_be_met(generated: GeneratedEconomy) -> None:
    e = generated.economy
    plan = balance(e, generated.targets)
    assert plan.status is Status.SOLVED
    assert plan.feasible
    assert np.all(plan.gross_output <= e.capacity)
    np.testing.assert_allclose(plan.gross_output * (1 + CAPACITY_SLACK), e.capacity, rtol=1e-15)
    assert plan.labour_required <= e.labour_available
    assert plan.labour_required == pytest.approx(e.labour_available, rel=2 * CAPACITY_SLACK)
    # A little more of anything is out of reach.
    more = balance(e, generated.targets * (1 + 10 * CAPACITY_SLACK))
    assert not more.feasible


@pytest.mark.parametrize("n", [1, 2, 3, 7, 40])
def test_tiny_economies(n: int) -> None:
    g = generate_economy(n, inputs=5, seed=1)
    assert g.economy.n == n
    inputs = np.diff(sp.csc_array(g.economy.A).indptr)
    assert np.all((inputs >= 1) & (inputs <= min(n, 9)))
    assert balance(g.economy, g.targets).feasible


def test_one_input_each() -> None:
    g = generate_economy(500, inputs=1, seed=3)
    assert np.all(np.diff(sp.csc_array(g.economy.A).indptr) == 1)


@pytest.mark.parametrize(("args", "message"), [
    ((0,), r"n_products must be an integer in \[1, 100000000\]; got 0"),
    ((10, 0), r"inputs must be an integer in \[1, 1000\]; got 0"),
    ((10**8, 1000), r"n_products \* inputs .* must be at most 2000000000"),
])
def test_bad_arguments(args: tuple[int, ...], message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        generate_economy(*args)


def test_result_is_frozen(generated: GeneratedEconomy) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        generated.targets = np.zeros(N)  # type: ignore[misc]


def test_capital_is_optional_and_leaves_the_rest_unchanged() -> None:
    plain = generate_economy(500, inputs=6, seed=4)
    with_b = generate_economy(500, inputs=6, seed=4, capital=True)
    assert plain.economy.capital is None
    B = with_b.economy.capital
    assert B is not None
    assert (plain.economy.A != with_b.economy.A).nnz == 0
    np.testing.assert_array_equal(plain.targets, with_b.targets)
    np.testing.assert_array_equal(plain.economy.capacity, with_b.economy.capacity)
    ratio = np.asarray(B.sum(axis=0)).ravel()
    assert ratio.min() >= 1.5
    assert ratio.max() <= 3.0
    assert np.all(np.diff(B.tocsc().indptr) == 3)
    again = generate_economy(500, inputs=6, seed=4, capital=True).economy.capital
    assert again is not None
    assert (again != B).nnz == 0


def test_progress_counts_chunks_then_the_solve_and_changes_nothing() -> None:
    from gosplan.core.generate import CHUNK_COLUMNS, generate_economy

    n = 2 * CHUNK_COLUMNS + 5  # three chunks of columns, then the balance
    seen: list[tuple[int, int]] = []
    with_bar = generate_economy(n, 2, seed=4, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    plain = generate_economy(n, 2, seed=4)
    # Reporting draws nothing from the generator: the same economy to the bit.
    assert (with_bar.economy.A != plain.economy.A).nnz == 0
    np.testing.assert_array_equal(with_bar.targets, plain.targets)


def test_generate_files_reports_writing_as_the_last_step(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from gosplan.analysis.generate import generate_files

    seen: list[tuple[int, int]] = []
    generate_files(50, 3, seed=1, out=tmp_path / "g", progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
