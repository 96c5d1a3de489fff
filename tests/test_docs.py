"""The documentation works: its examples run, the site builds, the tutorials execute.

* Every fenced ```python block of README.md and docs/*.md runs, and every line of a ```bash
  block that starts with ``gosplan `` exits with 0: per file, in the order they are
  written, in one fresh folder, so a block may use the files an earlier block of the same
  file wrote (the README's ``gosplan generate ... --out big/`` before ``Economy.read("big/")``).
  Python blocks share one namespace, as in a session.
* A block is skipped only when the line above it is ``<!-- no-test: REASON -->`` (a reason
  is required); ``test_no_test_marks_are_few_and_give_reasons`` keeps them few.
* Never run: ``gosplan exhibit`` (a server that runs until stopped; tests/web serves it).
* Run smaller than written, so that they take seconds: ``gosplan ensemble`` and ``gosplan
  sensitivity`` start a local Dask cluster, so they run in their own test (marked cluster)
  with ``--runs 2``, ``--trajectories``/``--samples 2`` and ``--workers 1``; ``gosplan
  calibrate`` runs with ``--max-evaluations 2``. The flags and the paths written are still
  those of the docs, so a renamed flag or a broken command still fails.
* ``mkdocs build --strict`` (warnings are errors) builds the site, executing the notebooks,
  and the site needs nothing from the network.
* The tutorial notebooks execute without an error, and none is committed with outputs.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
NOTEBOOKS = sorted((ROOT / "docs" / "tutorials").glob("*.ipynb"))

FENCE = re.compile(r"^```")
NO_TEST = re.compile(r"^<!--\s*no-test:\s*(?P<reason>\S.*?)\s*-->$")
#: At most this many blocks may be marked no-test, over README and docs together.
MAX_NO_TEST = 6
#: Commands never run from the docs, and why.
NEVER = {"exhibit": "a server that runs until it is stopped"}
#: Commands that start a Dask cluster: run in their own test, marked cluster.
CLUSTER = ("ensemble", "sensitivity")
#: Flag -> the smaller value the test runs with (see the module's docstring).
SMALLER = {"--runs": "2", "--trajectories": "2", "--samples": "2", "--max-evaluations": "2"}
#: Command -> the flags it is given with their smaller value when the docs leave them out.
SMALLER_DEFAULTS = {"calibrate": ("--max-evaluations",), "sensitivity": ("--trajectories",)}
#: Documents whose examples are known to fail, and why: expected to fail, strictly, so the
#: entry must go when the document is fixed.
KNOWN_BROKEN: dict[str, str] = {}
#: Seconds one example may take before it counts as hung (a bound, not a measurement).
HUNG = 900


@dataclass(frozen=True)
class Block:
    """One fenced block of a document."""

    path: Path
    line: int  # of the opening fence, 1-based
    language: str
    text: str
    skip: str | None  # the no-test reason, if marked


def blocks(path: Path) -> list[Block]:
    """The fenced blocks of a markdown file, in order, with their no-test marks."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        if not FENCE.match(lines[i]):
            i += 1
            continue
        start, language = i, lines[i][3:].strip().split(" ")[0]
        i += 1
        body: list[str] = []
        while i < len(lines) and not FENCE.match(lines[i]):
            body.append(lines[i])
            i += 1
        before = next((lines[j].strip() for j in range(start - 1, -1, -1) if lines[j].strip()),
                      "")
        mark = NO_TEST.match(before)
        if before.startswith("<!--") and "no-test" in before and mark is None:
            raise AssertionError(f"{path.name}:{start}: a no-test mark needs a reason: {before}")
        found.append(Block(path, start + 1, language, "\n".join(body) + "\n",
                           mark["reason"] if mark else None))
        i += 1
    return found


def commands(block: Block) -> list[str]:
    """The ``gosplan`` command lines of a bash block (continuation lines joined)."""
    joined = block.text.replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip().startswith("gosplan ")]


def subcommand(line: str) -> str:
    """The gosplan subcommand a command line runs first (``plan``, ``run`` ...)."""
    return shlex.split(line, comments=True)[1]


def smaller(line: str) -> str:
    """``line`` with the sizes of :data:`SMALLER` and one worker for cluster commands."""
    words = shlex.split(line, comments=True)
    out: list[str] = []
    for k, word in enumerate(words):
        out.append(SMALLER.get(words[k - 1], word) if k else word)
    command = words[1] if len(words) > 1 else ""
    given = set(words) | ({"--trajectories"} if "--samples" in words else set())
    for flag in SMALLER_DEFAULTS.get(command, ()):
        if flag not in given:
            out += [flag, SMALLER[flag]]
    if command in CLUSTER and "--scheduler" not in words:
        out += ["--workers", "1"]
    return shlex.join(out)


def gosplan_shim(folder: Path) -> dict[str, str]:
    """An environment whose ``gosplan`` is this interpreter's ``python -m gosplan``.

    So the examples run the code under test (the checkout, not another installed copy).
    """
    bin_dir = folder / ".bin"
    bin_dir.mkdir()
    shim = bin_dir / "gosplan"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m gosplan "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = dict(os.environ)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    env["COLUMNS"] = "100"
    return env


def run_line(line: str, where: str, folder: Path, env: dict[str, str]) -> None:
    """Run one command line of the docs through the shell, and require exit code 0."""
    proc = subprocess.run(["bash", "-c", f"set -e -o pipefail\n{line}"], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=HUNG, check=False)
    assert proc.returncode == 0, f"{where}: `{line}` exited {proc.returncode}:\n{proc.stderr}"


def run_document(path: Path, folder: Path, *, cluster: bool) -> int:
    """Run a document's examples in ``folder``: the python blocks and gosplan lines.

    With ``cluster`` only the commands of :data:`CLUSTER` run (none of them reads what
    another example writes); without it, everything else. Returns how many ran.
    """
    env = gosplan_shim(folder)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    ran = 0
    for block in blocks(path):
        where = f"{path.name}:{block.line}"
        if block.skip is not None:
            continue
        if block.language == "python":
            if cluster:
                continue
            code = compile(block.text, where, "exec")
            cwd = Path.cwd()
            os.chdir(folder)
            try:
                exec(code, namespace)
            finally:
                os.chdir(cwd)
            ran += 1
        elif block.language in {"bash", "sh"}:
            for line in commands(block):
                name = subcommand(line)
                if name in NEVER or (name in CLUSTER) != cluster:
                    continue
                run_line(smaller(line), where, folder, env)
                ran += 1
    return ran


def has_examples(path: Path, *, cluster: bool) -> bool:
    """Whether a document has anything :func:`run_document` would run."""
    for block in blocks(path):
        if block.skip is not None:
            continue
        if block.language == "python" and not cluster:
            return True
        if block.language in {"bash", "sh"} and any(
                subcommand(c) not in NEVER and (subcommand(c) in CLUSTER) == cluster
                for c in commands(block)):
            return True
    return False


def documents(*, cluster: bool) -> list[object]:
    """The documents with examples to run, those of :data:`KNOWN_BROKEN` expected to fail."""
    return [pytest.param(p, id=p.name, marks=[pytest.mark.xfail(
                reason=KNOWN_BROKEN[p.name], strict=True)] if p.name in KNOWN_BROKEN else [])
            for p in DOCS if has_examples(p, cluster=cluster)]


@pytest.mark.slow
@pytest.mark.parametrize("path", documents(cluster=False))
def test_doc_examples_run(path: Path, tmp_path: Path) -> None:
    assert run_document(path, tmp_path, cluster=False) > 0


@pytest.mark.slow
@pytest.mark.cluster
@pytest.mark.parametrize("path", documents(cluster=True))
def test_doc_cluster_commands_run(path: Path, tmp_path: Path) -> None:
    assert run_document(path, tmp_path, cluster=True) > 0


def test_the_docs_have_examples_to_run() -> None:
    # The README's examples at least are found: a change in the fences cannot hide them all.
    assert has_examples(ROOT / "README.md", cluster=False)
    assert has_examples(ROOT / "README.md", cluster=True)


def test_no_test_marks_are_few_and_give_reasons() -> None:
    marked = [f"{b.path.name}:{b.line}: {b.skip}" for p in DOCS for b in blocks(p) if b.skip]
    assert len(marked) <= MAX_NO_TEST, "\n".join(marked)


def test_block_parser_reads_marks_and_order(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("text\n\n```python\na = 1\n```\n\n<!-- no-test: needs a cluster -->\n"
                   "```bash\ngosplan ensemble --runs 200 --out e/  # bands\n```\n"
                   "```bash\ngosplan run \\\n  --years 1928:1937\n```\n", encoding="utf-8")
    found = blocks(doc)
    assert [(b.language, b.line, b.skip) for b in found] == [
        ("python", 3, None), ("bash", 8, "needs a cluster"), ("bash", 11, None)]
    assert commands(found[2]) == ["gosplan run    --years 1928:1937"]
    assert smaller(commands(found[1])[0]) == (
        "gosplan ensemble --runs 2 --out e/ --workers 1")
    assert smaller("gosplan sensitivity --method morris") == (
        "gosplan sensitivity --method morris --trajectories 2 --workers 1")
    assert smaller("gosplan calibrate  # refit") == "gosplan calibrate --max-evaluations 2"


def test_a_no_test_mark_without_a_reason_is_refused(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("<!-- no-test -->\n```python\nraise SystemExit\n```\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="needs a reason"):
        blocks(doc)


@pytest.mark.slow  # starts the command line: seconds on a loaded machine
def test_a_failing_command_fails_the_document(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("```bash\ngosplan plan --no-such-flag\n```\n", encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(AssertionError, match="exited 2"):
        run_document(doc, work, cluster=False)


# --- the site and the notebooks ---------------------------------------------------------


def test_api_pages_cover_the_public_api() -> None:
    import gosplan

    pages = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs" / "api").glob("*.md"))
    shown = re.findall(r"^::: ([\w.]+)", pages, re.M)
    documented = {name.rsplit(".", 1)[-1] for name in shown}
    if "gosplan.errors" in shown:  # the errors page shows the whole module
        import gosplan.errors

        documented |= {n for n in vars(gosplan.errors) if n.endswith("Error")}
    missing = sorted(set(gosplan.__all__) - documented - {"__version__"})
    assert missing == [], f"public names without an API entry in docs/api/: {missing}"



def test_notebooks_are_committed_without_outputs() -> None:
    nbformat = pytest.importorskip("nbformat")
    assert [p.stem for p in NOTEBOOKS] == ["historian", "planner", "teacher"]
    for path in NOTEBOOKS:
        book = nbformat.read(path, as_version=4)
        for i, cell in enumerate(book.cells):
            if cell.cell_type == "code":
                assert cell.outputs == [], f"{path.name}: cell {i} has stored outputs"
                assert cell.execution_count is None, f"{path.name}: cell {i} was run"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_executes(path: Path, tmp_path: Path,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    book = nbformat.read(path, as_version=4)
    # The kernel inherits the environment: it runs this checkout's code.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    client = nbclient.NotebookClient(book, timeout=HUNG, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError, with the cell and traceback, on an error
    errors = [o for c in book.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert errors == []


TAG = re.compile(r"<(?:script|link)\b[^>]*>", re.I)


def remote_asset(tag: str) -> bool:
    """Whether a script or link tag makes the browser fetch something from another site."""
    if tag.lower().startswith("<script"):
        return re.search(r"""\bsrc=["']?(?:https?:)?//""", tag, re.I) is not None
    rel = re.search(r"""\brel=["']?([^"'>]+)""", tag, re.I)
    fetches = rel is not None and set(rel[1].lower().split()) & {
        "stylesheet", "preload", "preconnect", "icon", "modulepreload", "manifest"}
    return bool(fetches) and re.search(r"""\bhref=["']?(?:https?:)?//""", tag, re.I) is not None


def test_remote_assets_are_recognised() -> None:
    assert remote_asset('<script src="https://unpkg.com/iframe-worker/shim"></script>')
    assert remote_asset('<link href="https://fonts.googleapis.com/css" rel="stylesheet">')
    assert not remote_asset('<script src="assets/javascripts/bundle.js"></script>')
    assert not remote_asset('<link rel="stylesheet" href="assets/stylesheets/main.css">')


@pytest.mark.slow
def test_site_builds_strict_without_network(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs")
    site = tmp_path / "site"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    env["NO_MKDOCS_2_WARNING"] = "1"
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=HUNG, check=False)
    assert proc.returncode == 0, proc.stderr[-4000:]
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    assert {"index.html", "tutorials/planner.html", "api/planning.html"} <= pages
    # Scripts, styles and fonts all come from the site itself: it reads without network.
    loaded = sorted(p for p in pages for tag in TAG.findall((site / p).read_text("utf-8"))
                    if remote_asset(tag))
    assert loaded == []
    assert "fonts.googleapis" not in (site / "index.html").read_text(encoding="utf-8")
    # The tutorials were executed: their pages carry outputs that only running them prints.
    printed = {"planner": "Targets cannot be met", "historian": "famine_excess_deaths_ussr",
               "teacher": "gosplan run ussr-1928 --years"}
    for name, text in printed.items():
        page = (site / "tutorials" / f"{name}.html").read_text(encoding="utf-8")
        assert "jp-OutputArea-output" in page, name
        assert text in page, name
