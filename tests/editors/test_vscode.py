"""The project's own VS Code extension (vscode-client, as a .vsix) in real VS Code:
code-server 4.99.4 (VS Code 1.99.3) driven by Debian's /usr/bin/chromium through
playwright-core (vscode_driver.mjs).

Checks the squiggle on `Workspace.from_config()`, the AML101 entry in the Problems panel,
the hover with the v2 mapping, Ctrl+. -> the AML101 quick fix -> Ctrl+S, the file on disk
equal to the engine's migration, and the squiggles gone.  The screenshot with squiggle,
hover and Problems panel is written to vscode-client/images/vscode-migrate.png (the README
and the .vsix use it) when that file is missing or AZML_UPDATE_SCREENSHOT=1, so ordinary
runs leave the committed image alone; AZML_VSCODE_SCREENSHOT=PATH always writes to PATH
instead.  Every run keeps its screenshots in its tmp_path.

Everything code-server writes (user data, extensions, config, XDG dirs) is in tmp_path,
and code-server plus every descendant (extension host, file watcher, the language server)
is stopped by PID at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

import editor_procs
from editor_common import CACHE, EDITORS_DIR, QUICKFIX_RE, REPO, require, write_sample

CODE_SERVER = Path(os.environ.get("AZML_CODE_SERVER", CACHE / "code-server" / "node_modules" / ".bin" / "code-server"))
PLAYWRIGHT = Path(os.environ.get("AZML_PLAYWRIGHT_DIR", CACHE / "node-tools" / "node_modules"))
CHROMIUM = os.environ.get("AZML_CHROMIUM", "/usr/bin/chromium")
DRIVER = EDITORS_DIR / "vscode_driver.mjs"
CLIENT = REPO / "vscode-client"
VSIX = CLIENT / "azureml-migrate-0.1.0.vsix"
SCREENSHOT = Path(os.environ.get("AZML_VSCODE_SCREENSHOT") or CLIENT / "images" / "vscode-migrate.png")
UPDATE_SCREENSHOT = bool(os.environ.get("AZML_VSCODE_SCREENSHOT")) or os.environ.get("AZML_UPDATE_SCREENSHOT") == "1"
SCREENSHOT_MAX_BYTES = 300_000

USER_SETTINGS = {
    "workbench.startupEditor": "none",
    "workbench.welcomePage.walkthroughs.openOnInstall": False,
    "workbench.tips.enabled": False,
    "workbench.editor.enablePreview": False,
    "extensions.ignoreRecommendations": True,
    "extensions.autoCheckUpdates": False,
    "extensions.autoUpdate": False,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "security.workspace.trust.enabled": False,
    "files.autoSave": "off",
    "chat.disableAIFeatures": True,
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "editor.minimap.enabled": False,
    "window.restoreWindows": "none",
}


def _vsix_sources() -> list[Path]:
    """What goes into the .vsix; the screenshot (images/) is deliberately not a trigger."""
    files = [p for p in (CLIENT / "src").rglob("*") if p.is_file()]
    files += [CLIENT / n for n in ("package.json", "package-lock.json", "tsconfig.json", ".vscodeignore",
                                   "README.md", "LICENSE")]
    return [p for p in files if p.exists()]


@pytest.fixture(scope="session")
def vsix() -> Path:
    """vscode-client/azureml-migrate-0.1.0.vsix, rebuilt (npm ci && npm run package) when it
    is missing or older than its sources."""
    newest = max(p.stat().st_mtime for p in _vsix_sources())
    if VSIX.exists() and VSIX.stat().st_mtime >= newest:
        return VSIX
    npm = shutil.which("npm")
    require(npm, "npm is not installed (needed to build the .vsix)")
    for argv, limit in (([npm, "ci", "--no-audit", "--no-fund"], 600), ([npm, "run", "package"], 300)):
        res = editor_procs.run(argv, cwd=str(CLIENT), timeout=limit)
        assert res.returncode == 0 and not res.timed_out, (
            f"{' '.join(argv)} failed in {CLIENT} (rc={res.returncode}, timed_out={res.timed_out}):\n"
            f"{res.stdout[-3000:]}\n{res.stderr[-3000:]}")
    assert VSIX.exists() and VSIX.stat().st_mtime >= newest, f"npm run package did not write {VSIX}"
    return VSIX


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via an http_proxy


def _healthy(port: int) -> bool:
    try:
        with _DIRECT.open(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


@pytest.mark.editors
def test_vscode(request, azml_exe, tmp_path):
    require(CODE_SERVER.exists(), f"code-server is not installed at {CODE_SERVER}")
    require(os.access(CHROMIUM, os.X_OK), f"chromium is not installed at {CHROMIUM}")
    require((PLAYWRIGHT / "playwright-core" / "package.json").exists(), f"playwright-core is not installed in {PLAYWRIGHT}")
    node = shutil.which("node")
    require(node, "node is not installed")
    expected_text = request.getfixturevalue("expected_text")  # after the editor checks: skips stay cheap
    vsix = request.getfixturevalue("vsix")

    # throwaway state: user data, extensions, config.yaml, XDG dirs, the workspace
    ud, ext, ws = tmp_path / "user-data", tmp_path / "extensions", tmp_path / "ws"
    (ud / "User").mkdir(parents=True)
    ext.mkdir()
    sample = write_sample(ws)
    (ws / ".vscode").mkdir()
    (ws / ".vscode" / "settings.json").write_text(json.dumps({"azuremlMigrate.path": azml_exe}, indent=2))
    (ud / "User" / "settings.json").write_text(json.dumps(USER_SETTINGS, indent=2))
    port = _free_port()
    config = tmp_path / "config.yaml"
    config.write_text(f"bind-addr: 127.0.0.1:{port}\nauth: none\ncert: false\n")
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "xdg-config"), XDG_DATA_HOME=str(tmp_path / "xdg-data"),
               XDG_CACHE_HOME=str(tmp_path / "xdg-cache"))
    common = [str(CODE_SERVER), "--config", str(config), "--user-data-dir", str(ud), "--extensions-dir", str(ext)]

    res = editor_procs.run(common + ["--install-extension", str(vsix)], env=env, timeout=120)
    assert res.returncode == 0 and "successfully installed" in res.stdout, (
        f"installing {vsix.name} failed (rc={res.returncode}):\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}")

    shot = tmp_path / "vscode-migrate.png"
    with open(tmp_path / "code-server.log", "w") as log:
        cs = subprocess.Popen(common + ["--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
                                        str(ws)], env=env, stdin=subprocess.DEVNULL, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while not _healthy(port):
                assert cs.poll() is None, (
                    f"code-server exited ({cs.returncode}):\n{(tmp_path / 'code-server.log').read_text()[-3000:]}")
                assert time.monotonic() < deadline, "code-server did not answer /healthz within 60 s"
                time.sleep(0.1)
            drv = editor_procs.run(
                [node, str(DRIVER), "--playwright", str(PLAYWRIGHT), "--chromium", CHROMIUM,
                 "--url", f"http://127.0.0.1:{port}", "--folder", str(ws), "--file", sample.name,
                 "--screenshot", str(shot), "--final-screenshot", str(tmp_path / "final.png"),
                 "--timeout", "30000"],
                env=env, timeout=150)
        finally:
            # code-server, extension host(s), file watcher, the language server: each by PID
            signalled = editor_procs.kill_tree(cs)
    leftovers = [p for p in editor_procs.session_members(cs.pid) if editor_procs.alive(p)]
    assert leftovers == [], f"processes survived code-server's cleanup: {leftovers}"
    assert len(signalled) > 1, "expected code-server to have child processes (extension host, server)"

    try:
        report = json.loads(drv.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        report = {"ok": False, "error": "no JSON report from the driver"}
    (tmp_path / "report.json").write_text(json.dumps(report, indent=1))
    print("VS Code steps:", ", ".join(f"{s['name']} {s['t_ms'] / 1000:.1f}s" for s in report.get("steps", [])))
    why = (f"driver rc={drv.returncode} timed_out={drv.timed_out} wall={drv.wall_s}s\n"
           f"{json.dumps({k: v for k, v in report.items() if k != 'after_text'}, indent=1)[:5000]}\n"
           f"driver stderr:\n{drv.stderr[-2000:]}\ncode-server log:\n{(tmp_path / 'code-server.log').read_text()[-2000:]}\n"
           f"screenshots in {tmp_path}")
    assert not drv.timed_out and report.get("ok"), f"the VS Code run failed: {report.get('error')}\n{why}"

    assert "squiggly-warning" in report["squiggle_class"], why
    assert "AML101" in report["problems_entry"] and "Workspace.from_config()" in report["problems_entry"], why
    assert "MLClient.from_config" in report["hover_text"] and "workspace-from-config" in report["hover_text"], why
    assert QUICKFIX_RE.fullmatch(report["quickfix_chosen"] or ""), why
    assert report["quickfix_chosen"] in report["quickfix_menu"], why
    assert sample.read_text() == expected_text, f"the saved file differs from the engine's migration\n{why}"
    assert report["after_text"] == expected_text
    assert report["squiggles_after"] == 0, why
    assert "No problems have been detected" in report["problems_after"], why

    size = shot.stat().st_size
    assert size < SCREENSHOT_MAX_BYTES, f"screenshot is {size} bytes (limit {SCREENSHOT_MAX_BYTES})"
    if UPDATE_SCREENSHOT or not SCREENSHOT.exists():
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)
