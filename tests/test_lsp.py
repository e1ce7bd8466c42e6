"""The language server end to end through pytest-lsp, as VS Code (UTF-16, push and pull)
and Neovim 0.11 (UTF-8, pull) would drive it."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from azureml_migrate.config import DEFAULT
from azureml_migrate.engine import analyze, fix_all

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLE = (Path(__file__).resolve().parent.parent / "examples" / "day1-experiment" / "submit.py").read_text()
URI = "file:///work/project/submit.py"


def _capabilities(profile: str) -> types.ClientCapabilities:
    if profile == "neovim":
        return client_capabilities("neovim")
    caps = client_capabilities("visual-studio-code")
    if profile == "vscode-pull":
        caps.text_document.diagnostic = types.DiagnosticClientCapabilities(related_document_support=False)
    return caps


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "azureml_migrate", "lsp", "--stdio"]),
    params=["vscode-push", "vscode-pull", "neovim"],
)
async def client(request, lsp_client: LanguageClient):
    lsp_client.profile = request.param
    await lsp_client.initialize_session(types.InitializeParams(capabilities=_capabilities(request.param)))
    yield
    await lsp_client.shutdown_session()


def pulls(client: LanguageClient) -> bool:
    return client.profile != "vscode-push"


def open_doc(client: LanguageClient, text: str, uri: str = URI, version: int = 1) -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)))


async def diagnostics(client: LanguageClient, uri: str = URI, version: int | None = None) -> list[types.Diagnostic]:
    if pulls(client):
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri)))
        return list(report.items)
    for _ in range(100):
        params = await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 10)
        if params.uri == uri and (version is None or params.version == version):
            return list(params.diagnostics)
    raise AssertionError("no diagnostics published")


def apply_edit(text: str, edit: types.WorkspaceEdit, encoding: str) -> str:
    if edit.document_changes:
        edits = [e for change in edit.document_changes for e in change.edits]
    else:
        edits = [e for es in edit.changes.values() for e in es]
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for ln in lines:
        offsets.append(offsets[-1] + len(ln))

    def offset(pos: types.Position) -> int:
        if pos.line >= len(lines):
            return len(text)
        line = lines[pos.line]
        col, units = 0, 0
        while col < len(line) and units < pos.character:
            ch = line[col]
            units += len(ch.encode("utf-8")) if encoding == "utf-8" else (2 if ord(ch) > 0xFFFF else 1)
            col += 1
        return offsets[pos.line] + col

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end):]
    return text


def encoding(client: LanguageClient) -> str:
    return "utf-8" if client.profile == "neovim" else "utf-16"


async def code_actions(client: LanguageClient, line: int, character: int, only=None) -> list[types.CodeAction]:
    pos = types.Position(line=line, character=character)
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=URI),
        range=types.Range(start=pos, end=pos),
        context=types.CodeActionContext(diagnostics=[], only=only)))
    return actions or []


async def resolved(client: LanguageClient, action: types.CodeAction) -> types.CodeAction:
    if action.edit is None:
        action = await client.code_action_resolve_async(action)
    return action


async def test_diagnostics_codes_ranges_and_tags(client: LanguageClient):
    open_doc(client, ARTICLE)
    diags = await diagnostics(client)
    by_code = {}
    for d in diags:
        by_code.setdefault(d.code, []).append(d)
    assert {"AML001", "AML101", "AML201", "AML203", "AML204", "AML205", "AML206", "AML302"} <= set(by_code)
    d = by_code["AML101"][0]
    assert d.range.start == types.Position(line=3, character=5)
    assert d.range.end == types.Position(line=3, character=28)
    assert d.source == "azureml-migrate"
    assert types.DiagnosticTag.Deprecated in d.tags
    assert d.code_description.href.startswith("https://learn.microsoft.com/")
    assert by_code["AML001"][0].severity == types.DiagnosticSeverity.Information


async def test_quick_fix_migrates_the_connected_group(client: LanguageClient):
    open_doc(client, ARTICLE)
    await diagnostics(client)
    actions = await code_actions(client, 3, 10)
    quick = [a for a in actions if a.kind == types.CodeActionKind.QuickFix and a.title.startswith("Migrate")]
    assert len(quick) == 1
    fix = await resolved(client, quick[0])
    assert "connected statement" in fix.title and fix.is_preferred
    new = apply_edit(ARTICLE, fix.edit, encoding(client))
    expected, _ = fix_all(analyze(ARTICLE), DEFAULT, unsafe=False)
    assert new == expected
    assert "MLClient.from_config(DefaultAzureCredential())" in new
    if fix.edit.document_changes:
        assert fix.edit.document_changes[0].text_document.version == 1
    # The client applies it: diagnostics for the new version are empty.
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=new)]))
    assert await diagnostics(client, version=2) == []


async def test_source_actions_and_disable_line(client: LanguageClient):
    open_doc(client, ARTICLE)
    await diagnostics(client)
    actions = await code_actions(client, 3, 10)
    titles = [a.title for a in actions]
    assert "Disable AML101 for this line" in titles
    kinds = {a.kind for a in actions}
    assert "source.fixAll.azureml-migrate" in kinds and "source.migrate.azureml-migrate" in kinds
    only_fix_all = await code_actions(client, 0, 0, only=["source.fixAll"])
    assert [a.kind for a in only_fix_all] == ["source.fixAll.azureml-migrate"]
    disable = next(a for a in actions if a.title == "Disable AML101 for this line")
    new = apply_edit(ARTICLE, disable.edit, encoding(client))
    assert "ws = Workspace.from_config()  # azureml-migrate: ignore[AML101]" in new


async def test_hover_on_v1_symbols(client: LanguageClient):
    open_doc(client, ARTICLE)
    await diagnostics(client)
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=URI), position=types.Position(line=3, character=10)))
    assert "AML101" in hover.contents.value and "MLClient.from_config" in hover.contents.value
    assert "```python" in hover.contents.value
    # The import line has no rule-specific diagnostic range, but the name still gets a card.
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=URI), position=types.Position(line=19, character=12)))
    assert hover is not None and "studio_url" in hover.contents.value


async def test_non_ascii_before_a_finding(client: LanguageClient):
    text = 'from azureml.core import Run\nrun = Run.get_context()\nx = "héllo 🚀"; run.log("acc", 0.5)\n'
    open_doc(client, text)
    diags = await diagnostics(client)
    log = next(d for d in diags if d.code == "AML702")
    prefix = 'x = "héllo 🚀"; '
    expected = len(prefix.encode("utf-8")) if encoding(client) == "utf-8" else len(prefix.encode("utf-16-le")) // 2
    assert log.range.start == types.Position(line=2, character=expected)
    actions = await code_actions(client, 2, expected + 2)
    fix = await resolved(client, next(a for a in actions if a.title.startswith("Migrate")))
    new = apply_edit(text, fix.edit, encoding(client))
    assert 'x = "héllo 🚀"; mlflow.log_metric("acc", 0.5)' in new


async def test_syntax_error_mid_edit_then_recovery(client: LanguageClient):
    open_doc(client, ARTICLE)
    await diagnostics(client)
    broken = ARTICLE.replace("print(aml_url)", "print(aml_url")
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=broken)]))
    # Findings on untouched lines stay while the code does not parse; none on the edited line.
    kept = await diagnostics(client, version=2)
    assert "AML101" in {d.code for d in kept} and all(d.range.start.line != 20 for d in kept)
    assert await code_actions(client, 3, 10) == []  # but nothing is fixed from a text that does not parse
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=3),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=ARTICLE)]))
    assert any(d.code == "AML101" for d in await diagnostics(client, version=3))


async def test_incremental_changes_and_close(client: LanguageClient):
    open_doc(client, "import os\n")
    assert await diagnostics(client) == []
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=1, character=0), end=types.Position(line=1, character=0)),
            text="from azureml.core import Workspace\nws = Workspace.from_config()\n")]))
    diags = await diagnostics(client, version=2)
    assert [d.code for d in diags] == ["AML001", "AML101"]
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=URI)))
    if not pulls(client):
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        assert list(client.diagnostics[URI]) == []


async def test_stale_code_action_is_refused(client: LanguageClient):
    open_doc(client, ARTICLE)
    await diagnostics(client)
    actions = await code_actions(client, 3, 10)
    quick = next(a for a in actions if a.title.startswith("Migrate"))
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=ARTICLE + "\n# edited\n")]))
    await asyncio.sleep(0.1)
    if quick.edit is None:
        stale = await client.code_action_resolve_async(quick)
        assert stale.edit is None and stale.disabled is not None
    else:
        assert quick.edit.document_changes[0].text_document.version == 1


async def test_migrate_file_command_and_report(client: LanguageClient):
    open_doc(client, ARTICLE)
    await diagnostics(client)
    applied: list[types.WorkspaceEdit] = []

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def on_apply(params: types.ApplyWorkspaceEditParams):
        applied.append(params.edit)
        return types.ApplyWorkspaceEditResult(applied=True)

    result = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="azureml-migrate.migrateFile", arguments=[{"uri": URI, "version": 1}]))
    assert result["changed"] is True
    new = apply_edit(ARTICLE, applied[0], encoding(client))
    assert 'command="python train.py"' in new.replace("'", '"')
    report = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="azureml-migrate.report", arguments=[{"uri": URI}]))
    assert report["markdown"].startswith("# Azure ML SDK v1")
    assert "AML101" in report["markdown"]


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "azureml_migrate", "lsp"]),
)
async def configured(lsp_client: LanguageClient):
    caps = client_capabilities("visual-studio-code")
    caps.workspace.configuration = True
    lsp_client.set_configuration({"ignore": ["AML001"], "path": ["/client/only"]}, section="azuremlMigrate")
    await lsp_client.initialize_session(types.InitializeParams(capabilities=caps))
    yield
    await lsp_client.shutdown_session()


async def test_settings_are_pulled_with_workspace_configuration(configured: LanguageClient):
    configured.profile = "vscode-push"
    await asyncio.sleep(0.3)  # the server asks for the settings after `initialized`
    open_doc(configured, ARTICLE)
    diags = await diagnostics(configured)
    assert diags and "AML001" not in {d.code for d in diags}
    assert configured.messages == []  # client-only keys (path) are not "unknown settings"


async def test_huge_file_gets_one_informative_diagnostic(client: LanguageClient):
    from azureml_migrate.engine import MAX_BYTES

    big = "from azureml.core import Run\n" + ("x = 1\n" * (MAX_BYTES // 6 + 10))
    open_doc(client, big)
    diags = await diagnostics(client)
    assert len(diags) == 1 and "larger than" in diags[0].message


GET_OR_CREATE = """\
from azureml.core import Workspace
from azureml.core.compute import AmlCompute, ComputeTarget
from azureml.core.compute_target import ComputeTargetException

ws = Workspace.from_config()
try:
    cluster = ComputeTarget(workspace=ws, name="cpu-cluster")
except ComputeTargetException:
    cfg = AmlCompute.provisioning_configuration(vm_size="STANDARD_DS3_V2", max_nodes=4)
    cluster = ComputeTarget.create(ws, "cpu-cluster", cfg)
"""


async def test_quick_fix_on_an_except_clause_migrates_its_try(client: LanguageClient):
    """The squiggle sits on the exception class; its quick fix is the whole get-or-create group."""
    open_doc(client, GET_OR_CREATE)
    found = [d for d in await diagnostics(client) if d.code == "AML418"]
    (d,) = found
    assert (d.range.start.line, d.range.start.character, d.range.end.character) == (7, 7, 29)
    actions = await code_actions(client, 7, 12)
    (quick,) = [a for a in actions if a.kind == types.CodeActionKind.QuickFix and a.title.startswith("Migrate")]
    fix = await resolved(client, quick)
    new = apply_edit(GET_OR_CREATE, fix.edit, encoding(client))
    assert new == fix_all(analyze(GET_OR_CREATE), DEFAULT, unsafe=True)[0]  # the create now waits: unsafe
    assert "except ResourceNotFoundError:" in new and "cluster = ml_client.compute.get(name=\"cpu-cluster\")" in new
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=URI), position=types.Position(line=7, character=12)))
    assert "AML418" in hover.contents.value


LIBRARY = '''\
from azureml.core import Run, Workspace, Experiment, ScriptRunConfig


def train(values):
    run = Run.get_context()
    for step, v in enumerate(values):
        run.log("loss", v)
    run.tag("done", "yes")


def submit(name):
    ws = Workspace.from_config()
    exp = Experiment(workspace=ws, name=name)
    cfg = ScriptRunConfig(source_directory=".", script="train.py", compute_target="cpu")
    run = exp.submit(cfg)
    run.wait_for_completion(show_output=True)
    return run
'''


async def test_enter_moves_the_findings_below_it(client: LanguageClient):
    """A line break typed in a function (an incremental change) moves every finding below
    it: the diagnostics and a quick fix after it equal those of the text opened afresh."""
    open_doc(client, LIBRARY)
    await diagnostics(client)
    enter = types.Position(line=4, character=len("    run = Run.get_context()"))
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
        content_changes=[types.TextDocumentContentChangePartial(range=types.Range(start=enter, end=enter),
                                                                text="\n    ")]))
    typed = LIBRARY.replace("    run = Run.get_context()\n", "    run = Run.get_context()\n    \n")
    moved = await diagnostics(client, version=2)
    assert [(d.code, d.range) for d in moved] == [(d.code, d.range) for d in await _fresh(client, typed)]
    line = typed.splitlines().index("    ws = Workspace.from_config()")
    new, fresh = [apply_edit(typed, (await resolved(client, await _quick_fix(client, uri, line))).edit,
                             encoding(client)) for uri in (URI, FRESH)]
    assert new == fresh
    assert "ml_client = MLClient.from_config(DefaultAzureCredential())" in new
    assert "run = Run.get_context()" in new  # the function above is left as it was


async def _quick_fix(client: LanguageClient, uri: str, line: int) -> types.CodeAction:
    pos = types.Position(line=line, character=10)
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=types.Range(start=pos, end=pos),
        context=types.CodeActionContext(diagnostics=[])))
    return next(a for a in actions if a.kind == types.CodeActionKind.QuickFix and a.title.startswith("Migrate"))


FRESH = "file:///work/project/fresh.py"


async def _fresh(client: LanguageClient, text: str) -> list[types.Diagnostic]:
    """The diagnostics of `text` opened as another document."""
    open_doc(client, text, uri=FRESH)
    return await diagnostics(client, uri=FRESH)
