"""The language server inside real batch Emacs 28 + eglot 1.9 (Debian emacs-nox elpa-eglot),
through eglot_driver.el: flymake diagnostics, hover, the AML101 quick fix applied (eglot
advertises documentChanges, so the edit is versioned), and the migrateFile command, whose
edit arrives as workspace/applyEdit.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest

import editor_procs
from editor_common import (
    EDITORS_DIR,
    FIX_ALL,
    MIGRATE,
    quickfix_title,
    require,
    version_line,
)

DRIVER = EDITORS_DIR / "eglot_driver.el"


@pytest.mark.editors
def test_emacs_eglot(request, server_cmd, sample_factory, tmp_path):
    emacs = shutil.which("emacs")
    require(emacs, "Emacs is not installed (Debian emacs-nox)")
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ, HOME=str(home))
    probe = version_line([emacs, "--batch", "--eval",
                          "(princ (if (require 'eglot nil t) (format \"eglot %s\" emacs-version) \"none\"))"], env=env)
    require(probe.startswith("eglot "), f"eglot is not available in {emacs} (Debian elpa-eglot): {probe!r}")

    expected_text = request.getfixturevalue("expected_text")  # after the editor check: skips stay cheap

    qf_file = sample_factory("quickfix")
    cmd_file = sample_factory("command")
    out = tmp_path / "report.json"
    env.update(AZDRV_CMD=json.dumps(server_cmd), AZDRV_ROOT=str(tmp_path), AZDRV_QUICKFIX=str(qf_file),
               AZDRV_COMMAND=str(cmd_file), AZDRV_OUT=str(out), AZDRV_TIMEOUT_MS="15000")
    res = editor_procs.run([emacs, "--batch", "-l", str(DRIVER)], env=env, timeout=90)
    log = f"rc={res.returncode} timed_out={res.timed_out} wall={res.wall_s}s\nstderr:\n{res.stderr[-3000:]}"
    assert not res.timed_out, f"Emacs did not exit within 90 s\n{log}"
    assert out.exists(), f"Emacs wrote no report\n{log}"
    r = json.loads(out.read_text())
    why = json.dumps({k: v for k, v in r.items() if k != "quickfix"}, indent=1)[:3000] + "\n" + log
    assert r["ok"] is True, f"the Emacs run failed: {r.get('error')}\n{why}"
    assert r["emacs"].startswith("28.") or int(r["emacs"].split(".")[0]) >= 28
    assert res.leftovers == [], f"processes outlived Emacs: {res.leftovers}"

    qf = r["quickfix"]
    diags = qf["diagnostics"]
    aml101 = [d for d in diags if d["code"] == "AML101"]
    assert aml101, f"no AML101 among {[d['code'] for d in diags]}"
    d = aml101[0]
    assert (d["line"] + 1, d["col"] + 1) == (4, 6), d
    assert d["type"] == "eglot-warning" and d["source"] == "azureml-migrate" and 2 in d["tags"], d
    assert "[AML101]: `Workspace.from_config()` is SDK v1" in d["text"], d
    assert sorted(x["col"] for x in diags if x["code"] == "AML001") == [25, 36, 48, 61]
    assert {x["type"] for x in diags if x["code"] == "AML001"} == {"eglot-note"}  # Information

    assert qf["hover"].startswith("**AML101** `workspace-from-config`"), qf["hover"]
    assert "MLClient.from_config" in qf["hover"]

    actions = {a["title"]: a for a in qf["code_actions"]}
    title = quickfix_title(actions)
    assert title, f"no \"Migrate `Workspace.from_config` with N connected statement(s)\" quick fix; offered: {list(actions)}"
    assert actions[title]["isPreferred"] is True
    assert "Disable AML101 for this line" in actions
    assert {a["kind"] for a in qf["code_actions"]} >= {"quickfix", FIX_ALL, MIGRATE}
    # eglot 1.9 has no resolveSupport: the server sends the edit inline, versioned
    assert not qf.get("resolved") and qf["edit_shape"] == "documentChanges", qf

    assert qf["applied"] == title
    assert qf["after_text"] == expected_text, "the buffer differs from the engine's migration"
    assert qf["diagnostics_after"] == [], [x["code"] for x in qf["diagnostics_after"]]
    assert qf_file.read_text() == expected_text

    cmd = r["command"]
    assert cmd["command_result"] == {"changed": True}, cmd.get("command_result")
    assert cmd["after_text"] == expected_text
    assert cmd["diagnostics_after"] == []
    assert cmd_file.read_text() == expected_text
