"""workspace/diagnostic: files that are not open, unchanged results reused, progress reported."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

V1 = "from azureml.core import Run\nrun = Run.get_context()\nrun.log('a', 1)\n"


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "train.py").write_text(V1)
    (tmp_path / "clean.py").write_text("import os\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "submit.py").write_text("from azureml.core import Workspace\nws = Workspace.from_config()\n")
    (tmp_path / "open.py").write_text(V1)
    return tmp_path


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "azureml_migrate", "lsp"]))
async def client(lsp_client: LanguageClient, workspace: Path):
    caps = client_capabilities("visual-studio-code")
    caps.text_document.diagnostic = types.DiagnosticClientCapabilities()
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=caps, workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="ws")]))
    yield
    await lsp_client.shutdown_session()


async def test_workspace_diagnostics(client: LanguageClient, workspace: Path):
    open_uri = (workspace / "open.py").as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=open_uri, language_id="python", version=1, text=V1)))
    report = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(
        previous_result_ids=[], work_done_token="wd-1"))
    by_uri = {item.uri: item for item in report.items}
    assert open_uri not in by_uri  # open documents are pulled per document
    assert [d.code for d in by_uri[(workspace / "train.py").as_uri()].items] == ["AML001", "AML701", "AML702"]
    assert [d.code for d in by_uri[(workspace / "pkg" / "submit.py").as_uri()].items] == ["AML001", "AML101"]
    assert list(by_uri[(workspace / "clean.py").as_uri()].items) == []
    assert "wd-1" in client.progress_reports
    kinds = [getattr(r, "kind", None) for r in client.progress_reports["wd-1"]]
    assert kinds[0] == "begin" and kinds[-1] == "end"
    again = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(
        previous_result_ids=[types.PreviousResultId(uri=i.uri, value=i.result_id) for i in report.items]))
    assert {i.kind for i in again.items} == {"unchanged"}
