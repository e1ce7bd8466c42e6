#!/usr/bin/env python3
"""Run the azureml-migrate language server inside a real headless Neovim (nvim_driver.lua).

    python3 tests/editors/nvim_lsp.py [--nvim PATH] [--timeout 10] [--scenario quickfix=FILE ...] \
        -- SERVER_CMD...

`run()` is what the tests call; it returns the driver's JSON report plus the wall time,
exit status, stderr and the LSP log tail.  Neovim runs with throwaway XDG directories,
no swap file, no shada and no plugins, in its own session, under a hard timeout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DRIVER = os.path.join(HERE, "nvim_driver.lua")
sys.path.insert(0, HERE)
import editor_procs


def run(nvim: str, server_cmd: list[str], scenarios: list[tuple[str, str]], timeout: float = 10.0,
        setup_lua: str | None = None) -> dict:
    """SCENARIOS: [(name, absolute file)], run in order in one editor with one server."""
    with tempfile.TemporaryDirectory(prefix="azml-nvim-") as tmp:
        out = os.path.join(tmp, "report.json")
        env = dict(os.environ)
        env.update(
            AZDRV_CMD=json.dumps(server_cmd),
            AZDRV_SCENARIOS=json.dumps([{"name": n, "file": os.path.abspath(f)} for n, f in scenarios]),
            AZDRV_OUT=out,
            AZDRV_TIMEOUT_MS=str(int(timeout * 1000)),
            AZDRV_SETUP_LUA=setup_lua or "",
            XDG_CONFIG_HOME=os.path.join(tmp, "config"),
            XDG_DATA_HOME=os.path.join(tmp, "data"),
            XDG_STATE_HOME=os.path.join(tmp, "state"),
            XDG_CACHE_HOME=os.path.join(tmp, "cache"),
            NVIM_LOG_FILE=os.path.join(tmp, "nvim.log"),
        )
        argv = [nvim, "--headless", "-n", "-i", "NONE", "--noplugin", "-u", DRIVER]
        # every step inside is bounded by `timeout`; the whole editor by a multiple of it
        res = editor_procs.run(argv, env=env, timeout=timeout * (3 + 3 * len(scenarios)))
        try:
            with open(out) as f:
                report = json.load(f)
        except (OSError, ValueError) as e:
            report = {"ok": False, "error": f"Neovim wrote no report ({e})"}
        if res.timed_out:
            report["ok"] = False
            report["error"] = f"Neovim did not exit within the hard timeout; {report.get('error') or ''}"
        report.update(wall_s=res.wall_s, nvim_rc=res.returncode, leftover_pids=res.leftovers)
        if res.stderr.strip():
            report["nvim_stderr"] = res.stderr[-4000:]
        for log in (os.path.join(tmp, "state", "nvim", "lsp.log"), os.path.join(tmp, "cache", "nvim", "lsp.log")):
            if os.path.exists(log) and os.path.getsize(log):
                with open(log, errors="replace") as f:
                    report["lsp_log_tail"] = f.read()[-4000:]
        return report


def describe(report: dict) -> str:
    """A readable dump for assertion messages."""
    keep = {k: v for k, v in report.items() if k not in ("scenarios",)}
    lines = [json.dumps(keep, indent=1)[:6000]]
    for sc in report.get("scenarios", []):
        brief = {k: v for k, v in sc.items() if k not in ("diagnostics", "diagnostics_after")}
        brief["diagnostics"] = [f"{d['lnum'] + 1}:{d['col'] + 1} {d.get('code')}" for d in sc.get("diagnostics", [])]
        brief["diagnostics_after"] = [f"{d['lnum'] + 1}:{d['col'] + 1} {d.get('code')}"
                                      for d in sc.get("diagnostics_after", [])]
        lines.append(json.dumps(brief, indent=1)[:6000])
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nvim", default="nvim")
    ap.add_argument("--timeout", type=float, default=10.0, help="per-step timeout in seconds")
    ap.add_argument("--scenario", action="append", default=[], metavar="NAME=FILE",
                    help="quickfix|migrate|command=FILE (repeatable; edits FILE in place)")
    ap.add_argument("rest", nargs=argparse.REMAINDER, help="-- SERVER_CMD...")
    a = ap.parse_args()
    server_cmd = a.rest[1:] if a.rest[:1] == ["--"] else a.rest
    if not server_cmd or not a.scenario:
        ap.error("need at least one --scenario and a server command")
    report = run(a.nvim, server_cmd, [tuple(s.split("=", 1)) for s in a.scenario], timeout=a.timeout)
    print(describe(report))
    return 0 if report.get("ok") else 1


if __name__ == "__main__":
    sys.exit(main())
