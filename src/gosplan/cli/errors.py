"""How the command line answers a failure: always one line, and an exit code that tells why.

- A bad command line (unknown option, a value of the wrong type or out of its range, a
  missing argument): ``gosplan CMD: --opt must be ...; got V. Try 'gosplan CMD --help'.``,
  exit 2.
- A bad input (gosplan's own errors, and the builtin ones that only bad files or sizes
  raise: unreadable files, bytes that are not UTF-8, TOML or JSON syntax, corrupt Parquet,
  nesting too deep, numbers too large, memory too small): ``gosplan: error: ...``, exit 2.
- Anything else is a bug: ``gosplan: internal error (a bug, please report it): ...``, exit 1.
- Ctrl+C: ``gosplan: interrupted ...``, exit 130.

``--debug`` prints the traceback (after the line) instead of hiding it.
"""

from __future__ import annotations

import json
import tomllib
from enum import Enum
from pathlib import Path
from typing import Any

from gosplan.errors import GosplanError

__all__ = ["BUG", "INPUT", "INTERRUPTED", "describe", "one_line", "usage_line"]

INPUT = 2
BUG = 1
INTERRUPTED = 130

# Every character str.splitlines() breaks at: shown escaped, so a message stays one line
# whatever a file or an argument holds.
_BREAKS = {c: repr(chr(c))[1:-1] for c in (10, 11, 12, 13, 28, 29, 30, 133, 0x2028, 0x2029)}


def one_line(text: str, limit: int = 1000) -> str:
    """``text`` on one line (line breaks escaped), cut to ``limit`` characters."""
    line = text.strip().translate(_BREAKS)
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _shown(value: Any) -> str:
    text = str(value)
    if not text or any(c.isspace() or not c.isprintable() for c in text):
        return repr(text)
    return text


def _expected(param: Any) -> str:
    """What the parameter accepts, from its declaration: type and range."""
    try:
        runtime = param.get_runtime_param()
        annotation, info = runtime.annotation, runtime.parameter_info
    except Exception:  # an internal of the parser changed: fall back on its own words
        return ""
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "one of " + ", ".join(str(m.value) for m in annotation)
    kind = {int: "an integer", float: "a number"}.get(annotation)
    if kind is None:
        return "a path" if annotation is Path else ""
    low, high = info.min, info.max

    def fmt(v: float) -> str:
        if isinstance(v, int):
            return f"{v:,}" if abs(v) < 10**12 else str(v)  # a seed bound reads better whole
        return f"{v:g}"

    if low is not None and high is not None:
        return f"{kind} in {fmt(low)}..{fmt(high)}"
    if low is not None:
        return f"{kind} >= {fmt(low)}"
    if high is not None:
        return f"{kind} <= {fmt(high)}"
    return kind


def _name(param: Any) -> str:
    opts = [o for o in getattr(param, "opts", []) if o.startswith("--")]
    if opts:
        return str(opts[0])
    return str(getattr(param, "name", "?")).upper()


def usage_line(exc: Any, command: str) -> str:
    """One line for a usage error of the parser (``exc``: its UsageError) of ``command``."""
    from typer._click import exceptions as ce

    ctx = getattr(exc, "ctx", None)
    where = str(ctx.command_path) if ctx is not None else command
    hint = f" Try '{where} --help'."
    param = getattr(exc, "param", None)
    if isinstance(exc, ce.MissingParameter) and param is not None:
        kind = "argument" if getattr(param, "param_type_name", "") == "argument" else "option"
        return one_line(f"{where}: missing {kind} {_name(param)}.{hint}")
    if isinstance(exc, ce.BadParameter) and param is not None:
        cause: Any = exc.__cause__
        errors = cause.errors() if hasattr(cause, "errors") else []
        got = errors[0].get("input") if errors else None
        expected = _expected(param)
        if expected and got is not None:
            return one_line(f"{where}: {_name(param)} must be {expected}; got {_shown(got)}.{hint}")
        return one_line(f"{where}: {_name(param)}: {exc.message}.{hint}")
    if isinstance(exc, ce.NoSuchOption):
        similar = sorted(exc.possibilities or ())
        maybe = f" (did you mean {' or '.join(similar)}?)" if similar else ""
        return one_line(f"{where}: no such option {_shown(exc.option_name)}{maybe}.{hint}")
    words = exc.format_message().rstrip(".")
    return one_line(f"{where}: {words[:1].lower()}{words[1:]}.{hint}")


def describe(exc: BaseException) -> tuple[str, int]:
    """The line to print for an exception a command raised, and the exit code."""
    if isinstance(exc, GosplanError):
        return one_line(f"gosplan: error: {exc}"), INPUT
    reason = _input_reason(exc)
    if reason is not None:
        return one_line(f"gosplan: error: {reason}"), INPUT
    return (
        one_line(
            f"gosplan: internal error (a bug, please report it): {type(exc).__name__}: "
            f"{one_line(str(exc), 300)}; run with --debug for the traceback"
        ),
        BUG,
    )


def _input_reason(exc: BaseException) -> str | None:
    """Why a builtin exception is a bad input (file, bytes, size), or None: then it is a bug."""
    text = one_line(str(exc), 300)
    if isinstance(exc, OSError):
        names = [str(n) for n in (exc.filename, exc.filename2) if n is not None]
        why = exc.strerror or text or type(exc).__name__
        return f"{' -> '.join(names)}: {why}" if names else f"{why} ({type(exc).__name__})"
    if isinstance(exc, UnicodeDecodeError):
        byte = exc.object[exc.start : exc.start + 1]
        return f"a file is not UTF-8 text: byte {byte!r} at position {exc.start}"
    if isinstance(exc, UnicodeError):
        return f"text that cannot be encoded or decoded: {text}"
    if isinstance(exc, tomllib.TOMLDecodeError):
        return f"a TOML file is not valid TOML: {text}"
    if isinstance(exc, json.JSONDecodeError):
        return f"a JSON file is not valid JSON: {text}"
    if isinstance(exc, RecursionError):
        return "an input is nested too deeply to read"
    if isinstance(exc, OverflowError):
        return f"a number is too large: {text}"
    if isinstance(exc, MemoryError):
        return "not enough memory for this input (a smaller size, or a larger computer)"
    module = type(exc).__module__
    if module.startswith("pyarrow"):
        return f"a Parquet or Arrow file cannot be read: {text}"
    if module.startswith("pandas.errors") or module == "_csv":
        return f"a table cannot be read: {text}"
    return None
