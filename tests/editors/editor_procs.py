"""Process helpers for the editor tests: hard timeouts and killing whole process trees by PID.

Editors start the language server (and code-server starts extension hosts, file watchers
and, through the extension, the server).  When a parent dies its children are re-parented
to init and keep running, so the tree is listed *before* anything is killed, and each
process is then stopped by its PID.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass


def _children() -> dict[int, list[int]]:
    """ppid -> [pid] for every process, from /proc."""
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
        except OSError:
            continue
        # pid (comm) state ppid ...; comm may contain spaces and parentheses
        fields = stat[stat.rfind(")") + 2:].split()
        tree.setdefault(int(fields[1]), []).append(int(entry))
    return tree


def descendants(pid: int) -> list[int]:
    tree = _children()
    out: list[int] = []
    todo = [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def session_members(sid: int) -> list[int]:
    """Processes whose session id is SID (a child started with start_new_session=True
    makes SID == its PID; orphans that were re-parented to init keep it)."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.getsid(int(entry)) == sid:
                    out.append(int(entry))
            except OSError:
                pass
    return out


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            state = f.read().decode(errors="replace")
    except OSError:
        return False
    return state[state.rfind(")") + 2:].split()[0] != "Z"


def kill_tree(proc: subprocess.Popen, grace: float = 3.0) -> list[int]:
    """Stop PROC, every descendant and every process left in its session, each by PID:
    SIGTERM, wait up to GRACE seconds, then SIGKILL.  Returns the PIDs that were signalled."""
    pids = descendants(proc.pid) + [proc.pid]
    pids += [p for p in session_members(proc.pid) if p not in pids]
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        try:
            proc.wait(timeout=0.05)  # reap our own child so it does not stay a zombie
        except subprocess.TimeoutExpired:
            pass
    for pid in pids + [p for p in session_members(proc.pid) if p not in pids]:
        if alive(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    return pids


@dataclass
class Result:
    returncode: int | None
    stdout: str
    stderr: str
    timed_out: bool
    wall_s: float
    leftovers: list[int]


def run(argv: list[str], *, timeout: float, env: dict | None = None, cwd: str | None = None) -> Result:
    """Run ARGV in its own session with a hard TIMEOUT.  On timeout, or when it leaves
    processes behind, the whole tree is killed; `leftovers` lists what was still running
    after the main process exited (should be empty)."""
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, errors="replace", start_new_session=True)
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        kill_tree(proc)
        out, err = proc.communicate()
    # a language server that outlives its editor is a bug of the editor run: give it a
    # moment to see EOF, then record and kill what is left
    deadline = time.monotonic() + 2.0
    left = session_members(proc.pid)
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = [p for p in session_members(proc.pid) if alive(p)]
    leftovers = list(left)
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return Result(proc.returncode, out, err, timed_out, round(time.monotonic() - t0, 2), leftovers)
