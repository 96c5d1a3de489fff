"""Query values are read strictly, and no query string, valid or not, makes the exhibit fail.

Each parser may only accept a value or raise :class:`StateError` (a 422 with the field);
the routes are driven with arbitrary query strings and must never answer 5xx.
"""

from __future__ import annotations

import string
from urllib.parse import quote, urlencode

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gosplan.web.planning_room import MAX_PRODUCTS, PlanningState, builtin_economy
from gosplan.web.showcases import CHARTS, SHOWCASES
from gosplan.web.state import (
    MAX_QUERY,
    SLIDERS,
    State,
    StateError,
    parse_count,
    parse_number,
    query_items,
)

JSON = {"accept": "application/json"}
PRODUCTS = builtin_economy()[0].products.tolist()
DIGITS = "is not a number written with the digits 0-9"
WHOLE = "is not a whole number written with the digits 0-9"


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("economy=generated&n=①", f"n: '①' {WHOLE}"),
        ("economy=generated&n=٣٠٠", f"n: '٣٠٠' {WHOLE}"),
        ("economy=generated&n=３００", f"n: '３００' {WHOLE}"),
        ("economy=generated&n=300%20", f"n: '300 ' {WHOLE}"),
        ("economy=generated&n=+300", f"n: ' 300' {WHOLE}"),  # "+" is a space in a query
        ("economy=generated&n=1e3", f"n: '1e3' {WHOLE}"),
        ("economy=generated&n=" + "1" * 3000,
         "n: a whole number of at most 9 digits is expected; got 3000 digits"),
        ("economy=generated&n=999999999", f"n: 999999999 is outside 2–{MAX_PRODUCTS}"),
        ("economy=generated&inputs=٣", f"inputs: '٣' {WHOLE}"),
        ("economy=generated&scale=٣", f"scale: '٣' {DIGITS}"),
        ("economy=generated&scale=1e400", "scale: '1e400' is not a finite number"),
        ("t.steel=1e400", "t.steel: '1e400' is not a finite number"),
        ("t.steel=" + "9" * 3000,
         "t.steel: a number of at most 32 characters is expected; got 3000 characters"),
        ("t.steel=-0.5", "t.steel: -0.5 is outside 0–3"),
        ("&".join(f"t.{p}=0" for p in PRODUCTS),
         "targets: every target is 0: the plan asks for nothing (set at least one above 0)"),
    ],
)
def test_planning_values_are_strict(client: TestClient, query: str, detail: str) -> None:
    for path in ("/planning", "/planning/live"):
        r = client.get(f"{path}?{query}", headers=JSON)
        assert r.status_code == 422
        assert r.json()["detail"] == detail


def test_some_target_left_is_a_plan(client: TestClient) -> None:
    query = "&".join(f"t.{p}=0" for p in PRODUCTS[1:])
    r = client.get(f"/planning?{query}")
    assert r.status_code == 200
    assert 'id="mon-fulfilment"' in r.text


def test_the_heaviest_planning_request_is_answered(client: TestClient) -> None:
    r = client.get(f"/planning?economy=generated&n={MAX_PRODUCTS}&inputs=20&seed=9999&scale=3")
    assert r.status_code == 200
    assert "--method optimal --lp-method closed_form" in r.text


def test_a_query_too_long_is_refused_before_it_is_read(client: TestClient) -> None:
    for path in ("/", "/showcase/famine", "/planning"):
        r = client.get(f"{path}?x={'a' * MAX_QUERY}", headers=JSON)
        assert r.status_code == 422
        assert r.json()["detail"] == f"query: longer than {MAX_QUERY} characters"


def test_accepted_spellings() -> None:
    assert parse_number("f", "0.25", 0, 1) == 0.25
    assert parse_number("f", ".5", 0, 1) == 0.5
    assert parse_number("f", "5.", 0, 9) == 5.0
    assert parse_number("f", "-0", -1, 1) == 0.0
    assert parse_number("f", "2.5e-1", 0, 1) == 0.25
    assert parse_number("f", "1E0", 0, 1) == 1.0
    assert parse_count("n", "0300", 2, 2000) == 300
    assert query_items("a=1&b=&c") == [("a", "1"), ("b", ""), ("c", "")]


# --- properties ---------------------------------------------------------------------------

#: Values a visitor, a bot or a typo may send: well-formed numbers in and out of range,
#: other scripts' digits, huge and tiny numbers, and arbitrary text.
odd_digits = st.text(alphabet="٠١٢٣٤٥٦٧٨٩０１２３４５６７８９①②③¹²³߀০", min_size=1, max_size=4)
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(min_value=-5, max_value=5).map(lambda v: f"{v:.3g}"),
    st.integers(min_value=-10**6, max_value=10**6).map(str),
    st.integers(min_value=0, max_value=12000).map(lambda k: "1" * k),
    st.sampled_from(["1e400", "-1e400", "1e-400", "nan", "inf", "0x1", "1_0", " 1", "1 ", "",
                     "+1", ".", "-", "e5", "1e", "1.2.3", "00000000001", "٣", "①", "１"]),
    odd_digits,
    st.text(max_size=40),
)
keys = st.one_of(
    st.sampled_from(sorted(SLIDERS)),
    st.sampled_from(["p.famine_threshold", "p.capital_output_ratio", "p.kolkhoz_neglect",
                     "p.yield_base", "economy", "n", "inputs", "seed", "scale", "query"]),
    st.sampled_from([f"t.{p}" for p in PRODUCTS]),
    st.text(max_size=12),
)
values = st.one_of(numbers, st.sampled_from(["generated", "builtin", "0", "1", "2000", "20"]))
items = st.lists(st.tuples(keys, values), max_size=6)
PROPERTY = settings(max_examples=300, deadline=None, derandomize=True, database=None)


@pytest.mark.slow
@PROPERTY
@given(items)
def test_parsers_accept_or_name_the_field(pairs: list[tuple[str, str]]) -> None:
    for parse in (State.parse, PlanningState.parse):
        message = ""
        try:
            parse(pairs)
        except StateError as exc:
            message = str(exc)
        assert "\n" not in message
        assert len(message) < 200


@PROPERTY
@given(numbers)
def test_parse_number_is_strict(raw: str) -> None:
    try:
        value = parse_number("f", raw, -1e300, 1e300)
    except StateError:
        return
    assert raw.isascii()
    assert len(raw) <= 32
    assert set(raw) <= set(string.digits + ".eE+-")
    assert -1e300 <= value <= 1e300


def _routes() -> list[str]:
    routes = ["/", "/planning", "/planning/live"]
    for key in sorted(SHOWCASES):
        routes += [f"/showcase/{key}", f"/showcase/{key}/live"]
    routes += [f"/showcase/{key}/chart/{name}.{fmt}"
               for key, name in sorted(CHARTS)[:4] for fmt in ("svg", "csv")]
    return routes


def _encode(pairs: list[tuple[str, str]], raw: bool) -> str:
    if raw:  # not percent-encoded by a browser: the server must still cope
        return "&".join(f"{quote(k, safe='=&')}={quote(v, safe='=&%')}" for k, v in pairs)
    return urlencode(pairs)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(_routes()), pairs=items, raw=st.booleans(),
       headers=st.sampled_from([{}, JSON, {"accept": "text/html"}, {"HX-Request": "true"}]))
def test_no_query_string_makes_a_5xx(
    client: TestClient, path: str, pairs: list[tuple[str, str]], raw: bool,
    headers: dict[str, str],
) -> None:
    r = client.get(f"{path}?{_encode(pairs, raw)}", headers=headers)
    assert r.status_code < 500, (r.status_code, r.text[:300])
    assert r.status_code in (200, 404, 422)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(2, MAX_PRODUCTS), inputs=st.integers(1, 20), seed=st.integers(0, 9999),
       scale=st.sampled_from(["0.1", "0.5", "1", "1.2", "2", "3"]))
def test_every_allowed_generated_economy_is_planned(
    client: TestClient, n: int, inputs: int, seed: int, scale: str
) -> None:
    query = urlencode({"economy": "generated", "n": n, "inputs": inputs, "seed": seed,
                       "scale": scale})
    r = client.get(f"/planning/live?{query}", headers={"HX-Request": "true"})
    assert r.status_code == 200, r.text[:300]


@pytest.mark.slow
@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["0", "0.05", "0.5", "1", "2.5", "3"]),
                min_size=len(PRODUCTS), max_size=len(PRODUCTS)))
def test_every_allowed_builtin_target_is_planned_or_refused(
    client: TestClient, factors: list[str]
) -> None:
    query = urlencode([(f"t.{p}", f) for p, f in zip(PRODUCTS, factors, strict=True)])
    r = client.get(f"/planning/live?{query}", headers={"HX-Request": "true"})
    assert r.status_code == (200 if set(factors) != {"0"} else 422), r.text[:300]


def _notch(key: str) -> st.SearchStrategy[tuple[str, str]]:
    s = SLIDERS[key]
    steps = round((s.high - s.low) / s.step)
    return st.integers(0, steps).map(lambda k: (key, f"{s.low + k * s.step:.6g}"))


valid_levers = st.lists(st.sampled_from(sorted(SLIDERS)), unique=True, max_size=len(SLIDERS))


@pytest.mark.slow
@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(sorted(SHOWCASES)), data=st.data(), levers=valid_levers)
def test_every_allowed_lever_setting_is_simulated(
    client: TestClient, key: str, data: st.DataObject, levers: list[str]
) -> None:
    pairs = [data.draw(_notch(k)) for k in levers]
    r = client.get(f"/showcase/{key}/live?{urlencode(pairs)}", headers={"HX-Request": "true"})
    assert r.status_code == 200, r.text[:300]
