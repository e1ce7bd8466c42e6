"""`azureml-migrate check | fix | lsp`.

Exit codes: 0 nothing (left) to migrate, 1 findings (left), 2 usage or internal error.
Findings and JSON go to stdout, messages about files to stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import NamedTuple

from . import __version__
from .analysis.model import Span
from .config import Settings, settings_for
from .engine import analyze, fix_all
from .output import Record, Row, as_json, sarif, summary, text
from .sources import SourceError, read, walk, write


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="azureml-migrate",
        description="Find Azure ML SDK v1 code and migrate it to SDK v2 (azure-ai-ml) and MLflow.",
    )
    p.add_argument("--version", action="version", version=f"azureml-migrate {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
        sp.add_argument("--select", default="", help="comma-separated rule codes or prefixes to report")
        sp.add_argument("--ignore", default="", help="comma-separated rule codes or prefixes to skip")
        sp.add_argument("--default-image", help="v2 base image where v1 code relied on v1's default image")
        sp.add_argument("--unsafe-fixes", action="store_true", help="also apply fixes that change behaviour")
        sp.add_argument("--diff", action="store_true", help="print the migration as a unified diff; write nothing")

    check = sub.add_parser("check", help="report SDK v1 code")
    common(check)
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    fix = sub.add_parser("fix", help="rewrite SDK v1 code (safe fixes unless --unsafe-fixes)")
    common(fix)
    report = sub.add_parser("report", help="write a migration report (Markdown and JSON)")
    report.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    report.add_argument("--output", "-o", default="-",
                        help="Markdown file to write (default: stdout); the JSON goes beside it (.json)")
    rules_cmd = sub.add_parser("rules", help="print the rule catalog as a Markdown table")
    rules_cmd.add_argument("--coverage", action="store_true", help="print rules per migration domain instead")
    lsp = sub.add_parser("lsp", help="run the language server on stdio")
    lsp.add_argument("--stdio", action="store_true", help="accepted for vscode-languageclient (stdio is the default)")
    return p


def _overrides(args: argparse.Namespace) -> dict:
    """Command-line flags, which win over pyproject.toml (see config.py)."""
    values: dict = {}
    if args.select:
        values["select"] = [c for c in args.select.split(",") if c.strip()]
    if args.ignore:
        values["ignore"] = [c for c in args.ignore.split(",") if c.strip()]
    if args.default_image:
        values["default_image"] = args.default_image
    if args.unsafe_fixes:
        values["unsafe_fixes"] = True
    return values


_told: set[str] = set()


def _unseen(problems: list[str]) -> list[str]:
    """Configuration problems not reported yet (each is said once per run)."""
    fresh = [p for p in problems if p not in _told]
    _told.update(fresh)
    return fresh


def _settings_for(path: str, overrides: dict) -> Settings:
    settings, problems = settings_for(path, overrides)
    for problem in _unseen(problems):
        _err(problem)
    return settings


def _err(message: str) -> None:
    print(f"azureml-migrate: {message}", file=sys.stderr)


def run(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "lsp":
        from .lsp.server import start

        start()
        return 0
    if args.command == "report":
        return _report(args)
    if args.command == "rules":
        from .docs import coverage_table, rules_table

        print(coverage_table() if args.coverage else rules_table())
        return 0
    overrides = _overrides(args)
    try:
        files = list(walk(args.paths))
    except SourceError as exc:
        _err(str(exc))
        return 2
    job = _Job(args.command, bool(args.diff), overrides, tuple(os.path.realpath(p) for p in args.paths))
    errors = fixed_findings = fixed_files = 0
    records: list[Record] = []
    diffs: list[str] = []
    for result in _map(job, files):
        for message in result.messages:
            _err(message)
        errors += result.errors
        fixed_files += result.fixed_files
        fixed_findings += result.fixed_findings
        records += [Row(row) for row in result.rows]
        diffs += result.diffs
    if args.diff:
        sys.stdout.write("".join(d if d.endswith("\n") else d + "\n" for d in diffs))
        return 1 if diffs else (2 if errors and not files else 0)
    fmt = getattr(args, "format", "text")
    if fmt == "json":
        print(as_json(records))
    elif fmt == "sarif":
        print(sarif(records))
    else:
        if records:
            print(text(records))
        if args.command == "fix":
            print(f"Fixed {fixed_findings} finding(s) in {fixed_files} file(s). " + summary(records).replace(
                "Found", "Left:").replace("No SDK v1 code found.", "Nothing left to migrate."), file=sys.stderr)
        else:
            print(summary(records))
    if errors and not records and errors == len(files):
        return 2
    return 1 if records else 0


class _Job(NamedTuple):
    command: str
    diff: bool
    overrides: dict
    roots: tuple[str, ...] = ()  # the real paths given: `fix` writes nothing outside them


class _FileResult:
    """What processing one file produced (sent back from worker processes)."""

    __slots__ = ("rows", "diffs", "messages", "errors", "fixed_files", "fixed_findings")

    def __init__(self, messages: list[str] | None = None, errors: int = 0) -> None:
        self.rows: list[dict] = []
        self.diffs: list[str] = []
        self.messages: list[str] = [] if messages is None else messages
        self.errors = errors
        self.fixed_files = 0
        self.fixed_findings = 0


PARALLEL_FROM = 64  # files; below this, starting worker processes costs more than it saves


def _map(job: _Job, files: list[str]):
    """Results per file, in order; across CPU cores for large trees, with a progress line on a terminal."""
    show = sys.stderr.isatty() and not os.environ.get("CI") and len(files) > 20
    workers = min(os.cpu_count() or 1, 8)
    if len(files) >= PARALLEL_FROM and workers > 1:
        import concurrent.futures
        import multiprocessing

        ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=ctx) as pool:
            results = pool.map(_process, [job] * len(files), files, chunksize=8)
            for done, result in enumerate(results, start=1):
                if show:
                    _progress(done, len(files))
                yield result
    else:
        for done, path in enumerate(files, start=1):
            if show:
                _progress(done, len(files))
            yield _process(job, path)
    if show:
        sys.stderr.write("\r\033[K")


def _progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // total
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files")
    sys.stderr.flush()


def _process(job: _Job, path: str) -> _FileResult:
    """check / fix / diff one file; never raises: an unexpected error in one file is one
    line on stderr, and the other files are still processed."""
    try:
        return _process_file(job, path)
    except Exception as exc:  # noqa: BLE001 - a bug met in one file must not stop the run
        return _FileResult(messages=[f"{path}: internal error ({type(exc).__name__}: {exc}); skipped"], errors=1)


def _process_file(job: _Job, path: str) -> _FileResult:
    out = _FileResult()
    try:
        src = read(path)
    except SourceError as exc:
        out.messages.append(str(exc))
        out.errors += 1
        return out
    settings, problems = settings_for(path, job.overrides)
    out.messages += _unseen(problems)
    writing = job.command == "fix" and not job.diff
    if writing and job.roots and not _inside(os.path.realpath(path), job.roots):
        out.messages.append(f"{path}: a symbolic link to a file outside the given paths; not written")
        out.errors += 1
        job, writing = _Job("check", False, job.overrides, job.roots), False  # reported as by `check`
    if path.endswith(".ipynb"):
        args = argparse.Namespace(command=job.command, diff=job.diff)
        nb = _notebook(path, src, settings, args, writing)
        out.errors += nb.errors
        out.rows = [r.as_json() for r in nb.records]
        out.diffs = nb.diffs
        if nb.fixed:
            out.fixed_files, out.fixed_findings = 1, nb.fixed
        return out
    analysis = analyze(src.text, settings)
    if analysis.syntax_error:
        out.messages.append(f"{path}: {analysis.syntax_error}; left unchanged")
        out.errors += 1
        return out
    if job.command == "fix" or job.diff:
        new, fix_problems = fix_all(analysis, settings, settings.unsafe_fixes)
        out.messages += [f"{path}: {p}" for p in fix_problems]
        if new != src.text:
            if job.diff:
                import difflib

                out.diffs.append("".join(difflib.unified_diff(
                    src.text.splitlines(keepends=True), new.splitlines(keepends=True),
                    fromfile=f"a/{path}", tofile=f"b/{path}")))
            if writing:
                try:
                    write(src, new)
                except SourceError as exc:
                    out.messages.append(str(exc))
                    out.errors += 1
                    return out
                before = len(analysis.visible)
                analysis = analyze(new, settings)
                out.fixed_files = 1
                out.fixed_findings = before - len(analysis.visible)
    if job.command == "check" or writing:
        out.rows = [Record(path, f).as_json() for f in analysis.visible]
    return out


def _inside(real: str, roots: tuple[str, ...]) -> bool:
    return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def _report(args: argparse.Namespace) -> int:
    """Per file and rule: what was found, what a fix would do, what needs a person."""
    import json as _json

    from . import notebooks

    from .report import markdown_for

    try:
        files = list(walk(args.paths))
    except SourceError as exc:
        _err(str(exc))
        return 2
    analysed = []
    records: list[Record] = []
    for path in files:
        try:
            src = read(path)
        except SourceError as exc:
            _err(str(exc))
            continue
        if path.endswith(".ipynb"):
            try:
                nb = notebooks.load(src.text)
            except notebooks.NotebookError as exc:
                _err(f"{path}: {exc}")
                continue
            for program, analysis in notebooks.analyze_cells(nb.code_sources(), analyze, _settings_for(path, {}))[0]:
                analysed.append((f"{path} (cells {', '.join(str(c + 1) for c in program.cells)})", analysis))
                records += _notebook_records(path, program, analysis)
            continue
        analysis = analyze(src.text, _settings_for(path, {}))
        analysed.append((path, analysis))
        records += [Record(path, f) for f in analysis.visible]
    markdown = markdown_for(analysed)
    if args.output == "-":
        sys.stdout.write(markdown)
    else:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(markdown)
        base = args.output[:-3] if args.output.endswith(".md") else args.output
        with open(base + ".json", "w", encoding="utf-8") as fh:
            fh.write(_json.dumps([r.as_json() for r in records], indent=2))
        _err(f"wrote {args.output} and {base}.json")
    return 1 if records else 0


class _NotebookOutcome:
    __slots__ = ("records", "diffs", "errors", "fixed")

    def __init__(self) -> None:
        self.records: list[Record] = []
        self.diffs: list[str] = []
        self.errors = 0
        self.fixed = 0


def _notebook(path: str, src, settings: Settings, args: argparse.Namespace, writing: bool) -> _NotebookOutcome:
    """check / fix one notebook: its cells as one module, %%writefile cells on their own."""
    import difflib

    from . import notebooks

    out = _NotebookOutcome()
    try:
        nb = notebooks.load(src.text)
    except notebooks.NotebookError as exc:
        _err(f"{path}: {exc}")
        out.errors += 1
        return out
    if not notebooks.is_python(nb):
        return out
    new_sources: dict[int, str] = {}
    before = 0
    analysed, skipped = notebooks.analyze_cells(nb.code_sources(), analyze, settings)
    for cell, why in sorted(skipped.items()):
        _err(f"{path}: cell {cell + 1} does not parse ({why}); left unchanged, the other cells are analysed")
        out.errors += 1
    for program, analysis in analysed:
        before += len(analysis.visible)
        if args.command == "fix" or args.diff:
            new, problems = fix_all(analysis, settings, settings.unsafe_fixes)
            for problem in problems:
                _err(f"{path}: {problem}")
            for index, text in program.split(new).items():
                if text != nb.source(index):
                    new_sources[index] = text
        if args.command == "check":
            out.records += _notebook_records(path, program, analysis)
    if args.diff:
        def lines(text: str) -> list[str]:
            return [ln if ln.endswith("\n") else ln + "\n" for ln in text.splitlines(keepends=True)]

        for index, text in sorted(new_sources.items()):
            out.diffs.append("".join(difflib.unified_diff(
                lines(nb.source(index)), lines(text),
                fromfile=f"a/{path} (cell {index + 1})", tofile=f"b/{path} (cell {index + 1})")))
    if writing:
        if new_sources:
            if not nb.layout:
                _err(f"{path}: its JSON layout cannot be reproduced exactly; not written (use --diff)")
                out.errors += 1
            else:
                try:
                    write(src, nb.with_sources(new_sources))
                except SourceError as exc:
                    _err(str(exc))
                    out.errors += 1
                    return out
                nb = notebooks.load(nb.with_sources(new_sources))
        left = 0
        for program, analysis in notebooks.analyze_cells(nb.code_sources(), analyze, settings)[0]:
            out.records += _notebook_records(path, program, analysis)
            left += len(analysis.visible)
        out.fixed = max(before - left, 0) if new_sources else 0
    return out


def _notebook_records(path: str, program, analysis) -> list[Record]:
    records = []
    for f in analysis.visible:
        start = program.locate(f.span.line)
        end = program.locate(f.span.end_line) or start
        if start is None:
            continue
        span = Span(start[1], f.span.col, end[1], f.span.end_col)
        records.append(Record(path, f, cell=start[0] + 1, span=span))
    return records


def main() -> None:
    try:
        code = run()
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        code = 0
    except Exception as exc:  # the promise is one clear line, never a traceback
        _err(f"internal error: {type(exc).__name__}: {exc}")
        code = 2
    # Exit without tearing the interpreter down (as mypy does): freeing every syntax tree
    # and finding one by one takes as long as analysing a 2,000-line file.
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # a reader that went away, a closed stream
        pass
    os._exit(code)
