"""The promises of SECURITY.md, one test each (issue #6, item 5).

- The CLI and the server never execute, import or evaluate the code they read.
- Configuration is data: TOML (tomllib) and JSON values, checked before use.
- `fix` writes only the files it reports; the server only returns edits.
- The VS Code client honours workspace trust (its own tests, run by test_vscode_client.py).
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types

from test_reliability_harness import ROOT, Session

PACKAGE = ROOT / "server" / "azureml_migrate"


def run_cli(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess:
    """`python -m azureml_migrate ...` in `cwd`: the way that puts `cwd` on sys.path."""
    return subprocess.run([sys.executable, "-m", "azureml_migrate", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={"PYTHONPATH": str(ROOT / "server"), "PATH": "/usr/bin:/bin",
                                            "HOME": str(home)})


def snapshot(root: Path) -> dict[str, tuple[str, int]]:
    """Every file under `root` (hidden ones too; symbolic links as links): content hash and mtime."""
    out = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder, name)
            if path.is_symlink():
                out[str(path.relative_to(root))] = ("-> " + os.readlink(path), 0)
            elif path.is_file():
                out[str(path.relative_to(root))] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    return out


# -- 1. user code is never executed, imported or evaluated --------------------------------

def plant(project: Path, markers: Path) -> None:
    """A project whose code leaves a file in `markers` if anything runs or imports it."""
    def mark(name: str) -> str:
        return f"__import__('pathlib').Path({str(markers / name)!r}).write_text('ran')"

    (project / "job.py").write_text(f"""import os
from azureml.core import Run, Workspace, Experiment, ScriptRunConfig
{mark("module-level")}
os._exit(7)


def helper(x={mark("default-argument")}) -> {mark("annotation")}:
    return x


@(lambda f: {mark("decorator")} and f)
class Config:
    attr = {mark("class-body")}


ws = Workspace.from_config()
experiment = Experiment(workspace=ws, name=f"{{{mark('f-string')}}}")
config = ScriptRunConfig(source_directory=".", script="train.py", compute_target="cpu")
run = experiment.submit(config)
Run.get_context().log("acc", {mark("argument")})
if __name__ == "__main__":
    {mark("main-guard")}
""")
    for module in ("conftest", "__init__", "setup", "sitecustomize", "usercustomize",
                   # named like modules the tool imports, some of them lazily
                   "difflib", "tomllib", "json", "tokenize", "fnmatch", "libcst", "lsprotocol", "cattrs"):
        (project / f"{module}.py").write_text(f"{mark('import-of-' + module)}\nfrom azureml.core import Run\n")
    cells = [{"cell_type": "code", "source": src, "metadata": {}, "outputs": [], "execution_count": None}
             for src in (f"from azureml.core import Run\n{mark('notebook-cell')}\n",
                         f"%%writefile train.py\n{mark('writefile-cell')}\nrun = Run.get_context()\n",
                         f"!touch {markers / 'shell-escape'}\n%run job.py\nrun = Run.get_context()\nrun.log('a', 1)\n")]
    (project / "notebook.ipynb").write_text(json.dumps(
        {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1, sort_keys=True) + "\n")
    (project / "pyproject.toml").write_text("[tool.azureml-migrate]\nignore = ['AML005']\n")


@pytest.fixture()
def planted(tmp_path: Path) -> tuple[Path, Path, Path]:
    project, markers, home = tmp_path / "project", tmp_path / "markers", tmp_path / "home"
    for folder in (project, markers, home):
        folder.mkdir()
    plant(project, markers)
    return project, markers, home


def test_the_cli_never_runs_the_code_it_reads(planted):
    project, markers, home = planted
    for args in (["check", "."], ["check", "--format", "json", "."], ["check", "--format", "sarif", "."],
                 ["report", "-o", str(home / "report.md"), "."], ["fix", "--diff", "--unsafe-fixes", "."],
                 ["fix", "--unsafe-fixes", "."]):
        result = run_cli(*args, cwd=project, home=home)
        assert result.returncode in (0, 1), (args, result.returncode, result.stderr)  # os._exit(7) never ran
        assert "Traceback" not in result.stderr
    assert sorted(p.name for p in markers.iterdir()) == []
    assert "MLClient" in (project / "job.py").read_text()  # and the work was done


def test_the_server_never_runs_the_code_it_reads_and_only_returns_edits(planted):
    project, markers, home = planted
    before = snapshot(project)
    session = Session("vscode-pull", folders=[project], cwd=project)
    try:
        @session.client.feature(types.WORKSPACE_APPLY_EDIT)
        def refuse(params: types.ApplyWorkspaceEditParams):
            return types.ApplyWorkspaceEditResult(applied=False)

        for path in (project / "job.py", project / "conftest.py", project / "tomllib.py"):  # the others stay closed
            uri, text = path.as_uri(), path.read_text()
            session.open(uri, text)
            session.pull(uri)
            for line in range(text.count("\n")):
                session.hover(uri, types.Position(line=line, character=12))
            end = types.Position(line=text.count("\n"), character=0)
            actions = session.answer(session.send(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=types.Range(start=types.Position(line=0, character=0), end=end),
                context=types.CodeActionContext(diagnostics=[])))) or []
            for action in actions:
                if action.edit is None:
                    assert session.answer(session.send(types.CODE_ACTION_RESOLVE, action)) is not None
            session.answer(session.send(types.WORKSPACE_EXECUTE_COMMAND, types.ExecuteCommandParams(
                command="azureml-migrate.migrateFile", arguments=[{"uri": uri}])))
        report = session.answer(session.send(types.WORKSPACE_DIAGNOSTIC, types.WorkspaceDiagnosticParams(
            previous_result_ids=[])))
        assert {Path(i.uri).name for i in report.items} >= {"difflib.py", "setup.py"}  # closed files: read too
        assert session.alive() and session.errors_logged() == []
    finally:
        session.close()
    assert sorted(p.name for p in markers.iterdir()) == []
    assert snapshot(project) == before  # edits were offered, refused by the client, never written


def test_the_server_reads_only_the_documents_it_is_given(tmp_path: Path):
    """A request naming a file that is not open is answered without reading it (pygls would
    read it from disk: /dev/zero forever); workspace diagnostics read regular files only."""
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "job.py").write_text("from azureml.core import Run\nrun = Run.get_context()\n")
    os.mkfifo(folder / "pipe.py")  # open() on it would block until someone writes
    session = Session("vscode-pull", folders=[folder])
    try:
        for uri in ("file:///dev/zero", (folder / "pipe.py").as_uri(), (tmp_path / "missing.py").as_uri(),
                    (folder / "job.py").as_uri()):
            here = types.Position(line=1, character=8)
            assert session.run(session.send(types.TEXT_DOCUMENT_HOVER, types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=here)), 10) is None
            assert session.run(session.send(types.TEXT_DOCUMENT_DIAGNOSTIC, types.DocumentDiagnosticParams(
                text_document=types.TextDocumentIdentifier(uri=uri))), 10).items == ()
            assert not session.run(session.send(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri), range=types.Range(start=here, end=here),
                context=types.CodeActionContext(diagnostics=[]))), 10)
            report = session.run(session.send(types.WORKSPACE_EXECUTE_COMMAND, types.ExecuteCommandParams(
                command="azureml-migrate.report", arguments=[{"uri": uri}])), 10)
            assert "not open" in report["markdown"]
        report = session.run(session.send(types.WORKSPACE_DIAGNOSTIC, types.WorkspaceDiagnosticParams(
            previous_result_ids=[])), 20)
        assert [Path(i.uri).name for i in report.items] == ["job.py"]
        assert session.alive() and session.errors_logged() == []
    finally:
        session.close()


# -- 2. configuration is data -------------------------------------------------------------

def test_configuration_is_read_as_data_and_checked(tmp_path: Path):
    marker = tmp_path / "MARKER"
    touch = f"__import__('os').system('touch {marker}')"
    values = {"default-image": f'x" + {touch} + "', "credential": touch, "ignore": f"`touch {marker}`",
              "unsafe-fixes": f"$(touch {marker})", "exec": f"import os; os.system('touch {marker}')"}
    (tmp_path / "pyproject.toml").write_text(
        "[tool.azureml-migrate]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in values.items())
        + f"\n[tool.azureml-migrate.per-file-ignores]\n{json.dumps(f'$(touch {marker})')} = [\"AML001\"]\n")
    (tmp_path / "job.py").write_text("from azureml.core import Workspace, Environment\nws = Workspace.from_config()\n"
                                     "env = Environment(name='e')\n")
    result = run_cli("fix", "--diff", "--unsafe-fixes", "job.py", cwd=tmp_path, home=tmp_path)
    assert "__import__" not in result.stdout and "system" not in result.stdout  # nothing reaches the code
    assert 'image="mcr.microsoft.com/azureml/' in result.stdout  # the default was kept
    problems = result.stderr.strip().splitlines()
    for key in ("default-image: expected an image", "credential: expected a class", "ignore: expected a list",
                "unsafe-fixes: expected true or false", "unknown setting 'exec'"):
        assert sum(key in p for p in problems) == 1, (key, problems)
    assert not marker.exists()

    # The same values as editor settings (JSON through the language server).
    session = Session("vscode-pull", init_options={"settings": {
        "defaultImage": f'x" + {touch} + "', "credential": touch, "select": [{"$where": touch}], "timeLimit": touch}})
    try:
        uri = (tmp_path / "job.py").as_uri()
        session.open(uri, (tmp_path / "job.py").read_text())
        assert session.pull(uri)
        migrate = session.answer(session.send(types.CODE_ACTION_RESOLVE, types.CodeAction(
            title="migrate", kind="source.migrate.azureml-migrate", data={"uri": uri, "version": 1, "what": "migrate"})))
        new_text = "".join(e.new_text for change in migrate.edit.document_changes for e in change.edits)
        assert "MLClient" in new_text and "__import__" not in new_text and "system" not in new_text
        warnings = " ".join(m.message for m in session.client.messages)
        for key in ("defaultImage", "credential", "select", "timeLimit"):
            assert key in warnings
        assert session.alive() and session.errors_logged() == []
    finally:
        session.close()
    assert not marker.exists()


# -- 3. `fix` writes only the files it reports -------------------------------------------

def test_fix_writes_only_the_files_it_reports(tmp_path: Path):
    tree, outside, home = tmp_path / "tree", tmp_path / "outside", tmp_path / "home"
    for folder in (tree / "nested" / "sub", tree / "data", outside, home):
        folder.mkdir(parents=True)
    v1 = "from azureml.core import Run\nrun = Run.get_context()\nrun.log('acc', 0.5)\n"
    (tree / "a.py").write_text(v1)
    (tree / "nested" / "sub" / "b.py").write_text(v1.replace("\n", "\r\n"))
    (tree / "manual.py").write_text("from azureml.core import Run\nRun.get_context().get_metrics()\n")
    (tree / "clean.py").write_text("import os\n")
    (tree / "broken.py").write_text(v1 + "def (\n")
    (tree / "readme.txt").write_text(v1)
    (tree / "data" / "x.json").write_text("{}")
    (tree / "n.ipynb").write_text(json.dumps({"cells": [{"cell_type": "code", "source": v1, "metadata": {},
                                                          "outputs": [], "execution_count": None}],
                                              "metadata": {}, "nbformat": 4, "nbformat_minor": 5},
                                             indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    (outside / "shared.py").write_text(v1)
    (tree / "link.py").symlink_to(outside / "shared.py")  # a link out of the tree
    before = snapshot(tmp_path)

    diff = run_cli("fix", "--diff", "--unsafe-fixes", ".", cwd=tree, home=home)
    assert snapshot(tmp_path) == before  # --diff writes nothing
    named = {os.path.normpath(line[len("--- a/"):].split(" (cell")[0])
             for line in diff.stdout.splitlines() if line.startswith("--- a/")}
    assert named == {"a.py", "nested/sub/b.py", "n.ipynb", "link.py"}

    result = run_cli("fix", "--unsafe-fixes", ".", cwd=tree, home=home)
    after = snapshot(tmp_path)
    assert set(after) == set(before)  # no file created or removed, anywhere (caches, backups, HOME)
    changed = {name for name in before if after[name] != before[name]}
    assert changed == {"tree/a.py", "tree/nested/sub/b.py", "tree/n.ipynb"}  # what --diff named, inside the tree
    assert re.search(r"Fixed \d+ finding\(s\) in (\d+) file\(s\)", result.stderr).group(1) == str(len(changed))
    assert "link.py: a symbolic link to a file outside the given paths; not written" in result.stderr
    assert b"\r\n" in (tree / "nested" / "sub" / "b.py").read_bytes()


# -- 4. the package never evaluates, executes or imports what it reads -------------------

DANGEROUS = {
    "eval", "exec", "compile", "__import__", "execfile", "breakpoint", "input",
    "importlib.import_module", "importlib.__import__", "importlib.reload", "importlib.util.spec_from_file_location",
    "importlib.util.module_from_spec", "importlib.machinery.SourceFileLoader", "runpy.run_path", "runpy.run_module",
    "os.system", "os.popen", "os.execv", "os.execvp", "os.execl", "os.spawnl", "os.spawnv", "os.startfile",
    "subprocess.run", "subprocess.Popen", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
    "subprocess.getoutput", "pickle.load", "pickle.loads", "marshal.load", "marshal.loads", "shelve.open",
    "ctypes.CDLL", "code.interact", "pty.spawn", "yaml.load", "yaml.unsafe_load",
}


def dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def dangerous_uses(tree: ast.AST) -> list[tuple[int, str, ast.AST]]:
    """References (called or passed on) to DANGEROUS callables: (line, name, parent call or the node)."""
    aliases: dict[str, str] = {}  # `import subprocess as sp`, `from os import system`
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases.update({a.asname or a.name: a.name for a in node.names})
        elif isinstance(node, ast.ImportFrom) and node.module:
            aliases.update({a.asname or a.name: f"{node.module}.{a.name}" for a in node.names})
    calls = {id(n.func): n for n in ast.walk(tree) if isinstance(n, ast.Call)}
    found = []
    for node in ast.walk(tree):
        name = dotted(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
        if name is None:
            continue
        head, _, rest = name.partition(".")
        full = aliases.get(head, head) + (f".{rest}" if rest else "")
        if full in DANGEROUS or name in DANGEROUS:
            found.append((node.lineno, full, calls.get(id(node), node)))
    return found


def constant_strings(nodes) -> bool:
    return all(isinstance(n, ast.Constant) and isinstance(n.value, str) for n in nodes)


def _git_ls_files(call: ast.Call) -> bool:
    argv = call.args[0] if call.args else None
    return (isinstance(argv, ast.List) and isinstance(argv.elts[0], ast.Constant) and argv.elts[0].value == "git"
            and "ls-files" in [e.value for e in argv.elts if isinstance(e, ast.Constant)]
            and not any(k.arg == "shell" for k in call.keywords))


def _own_module_in_background(tree: ast.AST) -> bool:
    threads = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and dotted(n.func) == "threading.Thread"]
    return all(constant_strings(k.value.elts) for t in threads for k in t.keywords
               if k.arg == "args" and isinstance(k.value, ast.Tuple))


def _lazy_libcst(tree: ast.AST) -> bool:
    made = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and dotted(n.func) == "_LazyModule"]
    return bool(made) and all(len(n.args) == 1 and constant_strings(n.args) and n.args[0].value == "libcst"
                              for n in made)


# Each allowed use, and the check that what it runs or imports is a constant of ours.
ALLOWED = {
    ("sources.py", "subprocess.run"): lambda use, tree: isinstance(use, ast.Call) and _git_ls_files(use),
    ("lsp/server.py", "importlib.import_module"): lambda use, tree: _own_module_in_background(tree),
    ("fixes/lazy.py", "importlib.import_module"): lambda use, tree: _lazy_libcst(tree),
}


def test_the_package_never_evaluates_or_imports_what_it_reads():
    allowed_seen = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        tree = ast.parse(path.read_text(), str(path))
        for line, name, use in dangerous_uses(tree):
            check = ALLOWED.get((rel, name))
            assert check is not None and check(use, tree), f"{rel}:{line}: {name}"
            allowed_seen.add((rel, name))
    assert allowed_seen == set(ALLOWED)  # the list is exact: no stale exceptions


def test_the_scan_finds_what_it_looks_for():
    sample = ("import subprocess as sp\nfrom importlib import import_module\nimport os\n"
              "eval(text)\nsp.Popen(cmd)\nimport_module(name)\nrun = os.system\nf(__import__)\n")
    assert [(line, name) for line, name, _ in sorted(dangerous_uses(ast.parse(sample)), key=lambda u: u[0])] == [
        (4, "eval"), (5, "subprocess.Popen"), (6, "importlib.import_module"), (7, "os.system"), (8, "__import__")]
    assert not _git_ls_files(ast.parse("subprocess.run(['git', 'ls-files'], shell=True)").body[0].value)


def test_the_package_writes_files_only_where_fix_and_report_do():
    writers = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = dotted(node.func) or ""
            mode = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "mode"), None)
            writes_mode = isinstance(mode, ast.Constant) and any(c in str(mode.value) for c in "wax+")
            if (name == "open" and writes_mode) or name.endswith((".write_text", ".write_bytes")) or name in {
                    "os.remove", "os.unlink", "os.rename", "os.replace", "os.mkdir", "os.makedirs", "shutil.rmtree",
                    "shutil.move", "shutil.copy", "tempfile.mkstemp", "tempfile.NamedTemporaryFile"}:
                writers.add(rel)
    # sources.write: the file being fixed; cli._report: the report named by -o. Never the server.
    assert writers == {"sources.py", "cli.py"}


# -- 5. the tool does not let the checked directory run code through git or sys.path ------

def test_git_is_run_without_the_checkouts_fsmonitor_command(tmp_path: Path):
    marker = tmp_path / "MARKER"
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "config", "core.fsmonitor", f"touch {marker}; false"], check=True)
    (repo / "job.py").write_text("from azureml.core import Run\nrun = Run.get_context()\n")
    result = run_cli("check", ".", cwd=repo, home=tmp_path)
    assert result.returncode == 1 and "job.py" in result.stdout
    session = Session("vscode-pull", folders=[repo])
    try:
        report = session.answer(session.send(types.WORKSPACE_DIAGNOSTIC, types.WorkspaceDiagnosticParams(
            previous_result_ids=[])))
        assert [i.uri for i in report.items] == [(repo / "job.py").as_uri()]
    finally:
        session.close()
    assert not marker.exists()


# -- 6. the VS Code client honours workspace trust ----------------------------------------

def test_the_vscode_client_declares_limited_mode_for_untrusted_workspaces():
    manifest = json.loads((ROOT / "vscode-client" / "package.json").read_text())
    untrusted = manifest["capabilities"]["untrustedWorkspaces"]
    assert untrusted["supported"] == "limited"
    restricted = set(untrusted.get("restrictedConfigurations", []))
    assert {"azuremlMigrate.path", "azuremlMigrate.interpreter"} <= restricted
    # Behaviour: vscode-client/test/serverCommand.test.ts, run by tests/test_vscode_client.py.
    tests = (ROOT / "vscode-client" / "test" / "serverCommand.test.ts").read_text()
    for name in ("untrusted: workspace values of path/interpreter are ignored, user values are used",
                 "runs in the given cwd (so an untrusted workspace is not on sys.path)"):
        assert name in tests
