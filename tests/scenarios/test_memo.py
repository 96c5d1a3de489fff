"""Files read before are remembered only while unchanged, and callers own what they get."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gosplan.errors import InputFileError
from gosplan.scenarios.loader import read_economy, read_toml
from gosplan.scenarios.memo import SMALL_BYTES, Memo, stamp
from gosplan.scenarios.simfiles import load_scenario


def _touch_later(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))


def test_an_edited_toml_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text("x = 1\n")
    assert read_toml(path) == {"x": 1}
    path.write_text("x = 22\n")  # same size would not matter: the time moves on
    _touch_later(path)
    assert read_toml(path) == {"x": 22}


def test_a_caller_changing_its_document_changes_no_other(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text("[t]\nvalues = [1, 2]\n")
    first = read_toml(path)
    first["t"]["values"].append(3)
    first["t"]["new"] = True
    assert read_toml(path) == {"t": {"values": [1, 2]}}


def test_bad_files_fail_every_time(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("x = \n")
    for _ in range(2):
        with pytest.raises(InputFileError, match="not valid TOML"):
            read_toml(path)


def test_economies_are_shared_until_a_table_changes(tmp_path: Path) -> None:
    import shutil

    from gosplan.scenarios.builtin import builtin_path

    folder = tmp_path / "economy"
    shutil.copytree(builtin_path("example"), folder)
    first = read_economy(folder)
    assert read_economy(folder) is first
    labour = folder / "labour.csv"
    text = labour.read_text().splitlines()
    product, value = text[1].split(",")[:2]
    text[1] = text[1].replace(value, str(float(value) * 2), 1)
    labour.write_text("\n".join(text) + "\n")
    _touch_later(labour)
    second = read_economy(folder)
    assert second is not first
    i = second.index(product)
    assert second.labour[i] == pytest.approx(2 * first.labour[i])


def test_scenario_overrides_do_not_leak_into_the_next_load() -> None:
    changed = load_scenario("ussr-1928", ["policy.collectivization.1930=0.05"])
    plain = load_scenario("ussr-1928")
    values = plain.policies["collectivization"]["values"]
    assert float(values["1930"]) != 0.05
    assert changed.policies["collectivization"]["values"]["1930"] == 0.05
    assert load_scenario("ussr-1928").policies == plain.policies


def test_large_files_are_not_kept(tmp_path: Path) -> None:
    small, big = tmp_path / "small", tmp_path / "big"
    small.write_bytes(b"1")
    big.write_bytes(b"0" * (SMALL_BYTES + 1))
    assert stamp([small]) is not None
    assert stamp([big]) is None
    assert stamp([tmp_path / "missing"]) is None
    calls = []
    memo = Memo(2)
    for key in ("a", "b", "a", "c", "b"):
        memo.get(key, lambda k=key: calls.append(k))
    assert calls == ["a", "b", "c", "b"]  # "b" was the least recently used when "c" came
