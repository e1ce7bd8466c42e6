"""Performance figures for the design budget (not a test: run `python tests/benchmark.py`).

Every figure is a median over repeats (typing bursts: the 50th and 95th percentile over
their keystrokes), printed next to a baseline measured in the same run (stdlib
`ast.parse` of the same text, `ruff check`, `fixit lint`) so machines of different speed
can be compared by ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import ast
import gc
import keyword
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))

from lsprotocol import types  # noqa: E402

from azureml_migrate.config import DEFAULT  # noqa: E402
from azureml_migrate.engine import analyze, fix_all  # noqa: E402
from azureml_migrate.lsp import code_actions, diagnostics, hover  # noqa: E402
from azureml_migrate.lsp.code_actions import ClientFeatures  # noqa: E402
from azureml_migrate.lsp.documents import Documents  # noqa: E402

BLOCK = '''

def submit_{i}(lr_{i}=0.01):
    # job {i}: connect, configure, submit
    ws_{i} = Workspace.from_config()
    exp_{i} = Experiment(workspace=ws_{i}, name="exp-{i}")
    env_{i} = Environment.from_conda_specification(name="env-{i}", file_path="env.yml")
    src_{i} = ScriptRunConfig(source_directory="./src", script="train.py",
                              arguments=["--lr", 0.01, "--epochs", {i}],
                              compute_target="cpu-cluster", environment=env_{i})
    run_{i} = exp_{i}.submit(src_{i})
    print(run_{i}.get_portal_url())
    run_{i}.wait_for_completion(show_output=True)
    return run_{i}


def train_{i}(values):
    run = Run.get_context()
    total = 0.0
    for step, v in enumerate(values):
        total += v
        run.log("loss_{i}", total / (step + 1))
    run.log_list("values_{i}", values)
    run.tag("block", "{i}")
    return total
'''
HEADER = "from azureml.core import Workspace, Experiment, Environment, ScriptRunConfig, Run\n"
PLAIN = '''

def helper_{i}(x, y):
    """Ordinary code that never mentions the SDK."""
    total = 0
    for k in range(x):
        total += k * y
    if total > 100:
        return total - 100
    return total
'''


def v1_file(lines: int) -> str:
    out, i = [HEADER], 0
    while sum(s.count("\n") for s in out) < lines:
        out.append(BLOCK.format(i=i))
        i += 1
    return "".join(out)


def typical_file(lines: int) -> str:
    """Ordinary code with a v1 block now and then (about one line in twelve is v1)."""
    out, i = [HEADER], 0
    while sum(s.count("\n") for s in out) < lines:
        out.append(BLOCK.format(i=i) if i % 6 == 0 else PLAIN.format(i=i))
        i += 1
    return "".join(out)


def plain_file(lines: int) -> str:
    out, i = ["import os\n"], 0
    while sum(s.count("\n") for s in out) < lines:
        out.append(PLAIN.format(i=i))
        i += 1
    return "".join(out)


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def paired_ms(fn, base, repeat: int, base_repeat: int = 1) -> tuple[float, float]:
    """Medians of `fn` and of its baseline `base`, measured in turn (fn, base, fn, base,
    ...): this shared machine's speed drifts within a run, and a ratio of two medians
    taken minutes apart would carry that drift. The garbage each leaves is collected
    before the next starts (untimed), so neither pays for the other's."""
    times: list[float] = []
    base_times: list[float] = []
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
        for _ in range(base_repeat):
            gc.collect()
            t = time.perf_counter()
            base()
            base_times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), statistics.median(base_times)


def row(name: str, value: float, unit: str, budget: str, baseline: float | None = None, base_name: str = "") -> None:
    ratio = f"{value / baseline:6.2f}x {base_name}" if baseline else ""
    print(f"  {name:<46} {value:10.2f} {unit:<4} budget {budget:<10} {ratio}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def row_pct(name: str, values: list[float], budget: str, baseline: float, base_name: str) -> None:
    """p50 and p95 of per-keystroke times; the ratio is p95 to the baseline."""
    p50, p95 = percentile(values, 50), percentile(values, 95)
    print(f"  {name:<46} {p50:6.2f} / {p95:6.2f} ms p50/p95 budget {budget:<10} {p95 / baseline:6.2f}x {base_name}")


def rss_mb() -> float:
    return _rss_kb(os.getpid()) / 1024


def keystrokes(text: str, count: int, seed: int, unfinished: bool) -> list[str]:
    """The texts after each of `count` single-character edits typed in function bodies.

    The cursor goes to a random line inside a function body and types a few characters
    there before moving on: letters appended to a name (every version parses), or, with
    `unfinished`, a call written out at the end of the line (`; print(x)`), whose middle
    versions do not parse. No line breaks: see the "new line" row.
    """
    rng = random.Random(seed)
    lines = text.split("\n")
    body = [i for i, ln in enumerate(lines) if ln.startswith("    ") and ln.strip() and not ln.strip().startswith(("#", '"'))]
    out: list[str] = []
    while len(out) < count:
        i = rng.choice(body)
        line = lines[i]
        if unfinished:
            if line.rstrip().endswith((":", ",", "(", "[", "{", "\\")):
                continue
            at, word = len(line), "; print(x)"
        else:
            names = [m.end() for m in re.finditer(r"[A-Za-z_]\w*", line) if not keyword.iskeyword(m.group())]
            if not names:
                continue
            at, word = rng.choice(names), "".join(rng.choice("xyz") for _ in range(5))
        for k in range(1, len(word) + 1):
            lines[i] = line[:at] + word[:k] + line[at:]
            out.append("\n".join(lines))
            if len(out) == count:
                break
    return out


def typing_burst(text: str, texts: list[str]) -> tuple[list[float], list[float]]:
    """Per keystroke: the server's document cache bringing the analysis up to date
    (lsp/documents.py), and that plus turning the findings into LSP diagnostics."""
    docs = Documents()
    uri = "file:///burst.py"
    docs.get(uri, 0, text, DEFAULT)
    analysis, with_lsp = [], []
    for version, typed in enumerate(texts, start=1):
        t = time.perf_counter()
        snap = docs.get(uri, version, typed, DEFAULT)
        t1 = time.perf_counter()
        diagnostics.diagnostics(snap, "utf-16")
        t2 = time.perf_counter()
        analysis.append((t1 - t) * 1000)
        with_lsp.append((t2 - t) * 1000)
    return analysis, with_lsp


def bench_engine(repeat: int) -> None:
    print("engine (in process)")
    plain = plain_file(2000)
    row("analysis, 2,000 lines without azureml", median_ms(lambda: analyze(plain), repeat * 5), "ms", "< 1 ms",
        median_ms(lambda: ast.parse(plain), repeat), "ast.parse")
    for kind, make in (("dense", v1_file), ("typical", typical_file)):
        for n, budget in ((60, "-"), (2000, "50 ms"), (10000, "250 ms")):
            if kind == "typical" and n == 60:
                continue
            text = make(n)
            findings = len(analyze(text).visible)
            ours, base = paired_ms(lambda: analyze(text), lambda: ast.parse(text), repeat)
            row(f"diagnostics, {n:,} {kind} v1 lines ({findings} findings)", ours, "ms", budget, base, "ast.parse")
    for kind, make in (("dense", v1_file), ("typical", typical_file)):
        for n in (2000, 10000):
            text = make(n)
            lines = text.split("\n")
            at = next(i for i, ln in enumerate(lines) if "run.log(" in ln and i > len(lines) // 2)
            lines[at] = lines[at].replace("run.log(", "run.log( ")
            typed = "\n".join(lines)
            # `previous` is consumed by each analysis: type and delete the space in turn.
            chain = {"analysis": analyze(text), "next": typed}

            def keystroke() -> None:
                new = chain["next"]
                chain["analysis"] = analyze(new, previous=chain["analysis"])
                chain["next"] = text if new is typed else typed

            row(f"diagnostics after a keystroke, {n:,} {kind} lines", median_ms(keystroke, repeat), "ms", "50/250 ms",
                median_ms(lambda: analyze(typed), repeat), "full analysis")
    before = rss_mb()
    for kind, make in (("typical", typical_file), ("dense", v1_file)):
        text = make(10000)
        base = median_ms(lambda: ast.parse(text), repeat)
        for unfinished, what in ((False, "typing"), (True, "typing unfinished code")):
            analysis, with_lsp = typing_burst(text, keystrokes(text, 50, 1, unfinished))
            row_pct(f"{what}, 10,000 {kind} lines", analysis, "100 ms", base, "ast.parse")
            row_pct("  the same, with LSP diagnostics conversion", with_lsp, "100 ms", base, "ast.parse")
        lines = text.split("\n")
        at = next(i for i, ln in enumerate(lines) if "run.log(" in ln and i > len(lines) // 2)
        enter = "\n".join([*lines[:at + 1], "    ", *lines[at + 1:]])
        docs = Documents()
        versions = [0]
        docs.get("file:///enter.py", 0, text, DEFAULT)

        def new_line() -> None:  # press Enter, then undo it
            versions[0] += 1
            docs.get("file:///enter.py", versions[0], enter if versions[0] % 2 else text, DEFAULT)

        row(f"new line (Enter), 10,000 {kind} lines", median_ms(new_line, max(3, repeat // 3)), "ms", "100 ms", base,
            "ast.parse")
    row("memory (RSS) of this process after the bursts", rss_mb(), "MB", "-")
    row("  grown during the bursts", rss_mb() - before, "MB", "-")
    client = ClientFeatures(encoding="utf-16", resolve_edit=True, document_changes=True, pull_diagnostics=True)
    for n in (2000, 10000):
        text = v1_file(n)
        docs = Documents()
        snap = docs.get("file:///b.py", 1, text, DEFAULT)
        line = text.splitlines().index("    run_3 = exp_3.submit(src_3)")
        pos = types.Position(line=line, character=14)
        params = types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri="file:///b.py"),
            range=types.Range(start=pos, end=pos), context=types.CodeActionContext(diagnostics=[]))
        acts = code_actions.actions(snap, params, client, DEFAULT)
        quick = next(a for a in acts if a.title.startswith("Migrate"))
        row(f"code actions at cursor, {n:,} lines (list)", median_ms(
            lambda: code_actions.actions(snap, params, client, DEFAULT), repeat), "ms", "30 ms")
        row(f"code action resolve (group fix), {n:,} lines", median_ms(
            lambda: code_actions.resolve(snap, types.CodeAction(title=quick.title, data=quick.data), client, DEFAULT),
            repeat), "ms", "30 ms")
        row(f"hover, {n:,} lines", median_ms(lambda: hover.hover(snap, pos, "utf-16"), repeat), "ms", "10 ms")
    for kind, make in (("dense", v1_file), ("typical", typical_file)):
        text = make(2000)
        analysis = analyze(text)
        ours, base = paired_ms(lambda: fix_all(analysis, DEFAULT, True), lambda: ast.parse(text), max(3, repeat // 3), 3)
        row(f"whole-file migration, 2,000 {kind} lines", ours, "ms", "1000 ms", base, "ast.parse")


def _rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


async def _server_session(open_files: int, text: str) -> tuple[float, int, int]:
    from pygls.lsp.client import LanguageClient

    client = LanguageClient("bench", "1")
    t = time.perf_counter()
    await client.start_io(sys.executable, "-m", "azureml_migrate", "lsp")
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(diagnostic=types.DiagnosticClientCapabilities()))))
    start_ms = (time.perf_counter() - t) * 1000
    client.initialized(types.InitializedParams())
    pid = client._server.pid
    await asyncio.sleep(0.2)
    idle = _rss_kb(pid)
    for k in range(open_files):
        uri = f"file:///bench/f{k}.py"
        client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
            uri=uri, language_id="python", version=1, text=text)))
        await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))
    loaded = _rss_kb(pid)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return start_ms, idle, loaded


def bench_server(repeat: int) -> None:
    print("language server (subprocess)")
    text = v1_file(2000)
    starts = []
    for _ in range(max(3, repeat // 3)):
        s, _, _ = asyncio.run(_server_session(0, text))
        starts.append(s)
    row("start to initialize answered", statistics.median(starts), "ms", "1000 ms")
    _, idle, loaded = asyncio.run(_server_session(50, text))
    row("memory idle", idle / 1024, "MB", "80 MB")
    row("memory with 50 open 2,000-line files", loaded / 1024, "MB", "200 MB")


def _tool(name: str) -> str | None:
    """The tool's real executable: next to this interpreter first (a pyenv shim on PATH
    would add a bash start-up to every run)."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def _cmd_ms(cmd: list[str], repeat: int, cwd: str) -> float | None:
    return _cmds_ms([cmd], repeat, cwd)[0]


def _script_python(script: str | None) -> str | None:
    """The interpreter a console script's first line names."""
    if script is None:
        return None
    with open(script, "rb") as fh:
        first = fh.readline().decode(errors="replace").strip()
    return first[2:].split()[0] if first.startswith("#!") and "python" in first else None


def _cmds_ms(cmds: list[list[str] | None], repeat: int, cwd: str) -> list[float | None]:
    """Median whole-process times of several commands, run in turn (see paired_ms); None
    for a command not installed."""
    runs = []
    for cmd in cmds:
        exe = _tool(cmd[0]) if cmd else None
        runs.append(None if exe is None else [exe, *cmd[1:]])
    times: list[list[float]] = [[] for _ in runs]
    for i in range(repeat + 1):  # the first round warms the file cache
        for k, cmd in enumerate(runs):
            if cmd is None:
                continue
            t = time.perf_counter()
            subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if i:
                times[k].append((time.perf_counter() - t) * 1000)
    return [statistics.median(ts) if ts else None for ts in times]


def bench_cli(repeat: int) -> None:
    print("CLI (whole process, the same 2,000-line typical v1 file for each tool)")
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "job.py").write_text(typical_file(2000))
        # The floor for any Python tool here: the interpreter that runs azureml-migrate
        # starting and running nothing (site-packages' .pth files included).
        python = _script_python(_tool("azureml-migrate"))
        ours, ruff, start = _cmds_ms([["azureml-migrate", "check", "job.py"],
                                      ["ruff", "check", "--no-cache", "--isolated", "--select", "ALL", "job.py"],
                                      [python, "-c", "pass"] if python else None], repeat, tmp)
        fixit = _cmd_ms(["fixit", "lint", "job.py"], max(2, repeat // 5), tmp)
        if ours is None:
            print("  azureml-migrate is not installed (pip install -e .)")
            return
        if ruff is not None:
            row("azureml-migrate check vs ruff check --select ALL", ours, "ms", "<= 3x ruff", ruff, "ruff")
            if start is not None:
                row("  of which the Python interpreter starting", start, "ms", "-", ruff, "ruff")
                row("  the rest (imports, analysis, output)", ours - start, "ms", "-", ruff, "ruff")
        if fixit is not None:
            row("fixit lint vs azureml-migrate check", fixit, "ms", ">= 30x ours", ours, "azureml-migrate")


def bench_tree(repeat: int) -> None:
    print("CLI on a tree of 1,000 files (a third of them use SDK v1), both cores")
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(1000):
            folder = Path(tmp, f"pkg{i % 20}")
            folder.mkdir(exist_ok=True)
            (folder / f"m{i}.py").write_text(typical_file(150) if i % 3 == 0 else plain_file(150))
        ours = _cmd_ms(["azureml-migrate", "check", "."], max(3, repeat // 3), tmp)
        ruff = _cmd_ms(["ruff", "check", "--no-cache", "--isolated", "--select", "ALL", "."], max(3, repeat // 3), tmp)
        if ours is not None:
            row("azureml-migrate check, files per second", 1000 / (ours / 1000), "f/s", ">= 200 f/s",
                1000 / (ruff / 1000) if ruff else None, "ruff's f/s")


def _corpus_programs(folder: str) -> list[str]:
    """The Python texts of a folder's .py files and notebooks that mention azureml and parse
    (a notebook is analysed as the program its code cells make, as `check` does)."""
    from azureml_migrate import notebooks

    texts = []
    for path in sorted(Path(folder).rglob("*")):
        try:
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if path.suffix == ".py":
            candidates = [raw]
        elif path.suffix == ".ipynb":
            try:
                candidates = [p.text for p in notebooks.programs_for(notebooks.load(raw).code_sources())]
            except Exception:  # not a notebook this tool reads: `check` says so, the benchmark skips it
                continue
        else:
            continue
        for text in candidates:
            if "azureml" not in text:
                continue
            try:
                ast.parse(text)
            except (SyntaxError, ValueError):
                continue
            texts.append(text)
    return texts


def bench_corpus(folder: str, repeat: int) -> None:
    """Real code: every v1 file of a folder (for example a checkout of Microsoft's
    MachineLearningNotebooks), each analysed and parsed in turn; the totals over the folder."""
    texts = _corpus_programs(folder)
    print(f"corpus {folder}: {len(texts)} programs mentioning azureml, "
          f"{sum(t.count(chr(10)) + 1 for t in texts):,} lines, "
          f"{sum(len(analyze(t).visible) for t in texts):,} findings")

    def analyses() -> None:
        for text in texts:
            analyze(text)

    def parses() -> None:
        for text in texts:
            ast.parse(text)

    ours, base = paired_ms(analyses, parses, repeat)
    row("diagnostics for every program, in turn", ours, "ms", "-", base, "ast.parse")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--only", choices=("engine", "server", "cli", "tree"))
    parser.add_argument("--corpus", metavar="FOLDER",
                        help="also time the first analysis of every v1 program in FOLDER (real code)")
    args = parser.parse_args()
    # Measure the package as installed (pip compiles its bytecode): with stale or missing
    # .pyc files, as under PYTHONDONTWRITEBYTECODE=1 after an edit, every process started
    # (the CLI, the server) would compile the whole package first.
    import compileall

    compileall.compile_dir(str(ROOT / "server" / "azureml_migrate"), quiet=1)
    print(f"azureml-migrate benchmark: python {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"median of {args.repeat} repeats")
    if args.only in (None, "engine"):
        bench_engine(args.repeat)
    if args.only in (None, "server"):
        bench_server(args.repeat)
    if args.only in (None, "cli"):
        bench_cli(args.repeat)
    if args.only in (None, "tree"):
        bench_tree(args.repeat)
    if args.corpus:
        bench_corpus(args.corpus, args.repeat)


if __name__ == "__main__":
    main()
