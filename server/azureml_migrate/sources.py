"""Finding and reading the files the CLI is given, without ever crashing on them."""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import tokenize
from collections.abc import Iterator
from typing import NamedTuple

SKIP_DIRS = {".git", ".hg", ".svn", "__pycache__", "node_modules", ".tox", ".nox", ".mypy_cache",
             ".pytest_cache", ".ruff_cache", "site-packages", ".ipynb_checkpoints"}


class SourceError(Exception):
    """A file that cannot be analysed; the message is one line for the user."""


def _in_venv(file: str, top: str) -> bool:
    folder = os.path.dirname(file)
    top = os.path.abspath(top)
    while folder and os.path.abspath(folder) != top and os.path.abspath(folder).startswith(top):
        if is_venv(folder):
            return True
        folder = os.path.dirname(folder)
    return False


def is_venv(path: str) -> bool:
    return os.path.exists(os.path.join(path, "pyvenv.cfg")) or os.path.exists(os.path.join(path, "conda-meta"))


def _git_files(folder: str) -> list[str] | None:
    """Files under `folder` that git does not ignore, or None outside a git work tree."""
    import subprocess

    try:
        # core.fsmonitor in a checkout's .git/config is a command git would run: not here.
        result = subprocess.run(
            ["git", "-c", "core.fsmonitor=false", "-C", folder,
             "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", "."],
            capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    names = [n for n in result.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
    return sorted(n for n in names if n.endswith((".py", ".ipynb")))


def walk(paths: list[str]) -> Iterator[str]:
    """Python files and notebooks under the given paths, in a stable order.

    Inside a git work tree, files that .gitignore excludes are skipped (git decides);
    elsewhere, caches and virtual environments are. Missing paths raise SourceError.
    """
    for path in paths:
        if os.path.isdir(path):
            tracked = _git_files(path)
            if tracked is not None:
                for name in tracked:
                    parts = name.split("/")
                    if any(p in SKIP_DIRS for p in parts[:-1]):
                        continue
                    full = os.path.join(path, name) if path != "." else name
                    if os.path.isfile(full) and not _in_venv(full, path):
                        yield full
                continue
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not is_venv(os.path.join(root, d)))
                for name in sorted(files):
                    if name.endswith((".py", ".ipynb")):
                        yield os.path.join(root, name) if root != "." or path != "." else name
        elif os.path.exists(path):
            yield path
        else:
            raise SourceError(f"{path}: no such file or directory")


class SourceFile(NamedTuple):
    path: str
    text: str
    encoding: str
    bom: bool


def read(path: str) -> SourceFile:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if b"\0" in data:
        raise SourceError(f"{path}: binary file, skipped")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise SourceError(f"{path}: {exc.msg}") from exc
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        text = data.decode("utf-8-sig" if bom else encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise SourceError(f"{path}: not valid {encoding} text ({exc.__class__.__name__})") from exc
    return SourceFile(path, text, "utf-8" if bom else encoding, bom)


def write(src: SourceFile, text: str) -> None:
    """Replace the file in one step: a crash or a full disk mid-write leaves the old
    file, never half of the new one. The new file keeps the old one's permissions."""
    data = text.encode(src.encoding)
    if src.bom:
        data = codecs.BOM_UTF8 + data
    if not os.access(src.path, os.W_OK):  # replacing would bypass the file's own permissions
        raise SourceError(f"{src.path}: cannot write: permission denied; left unchanged")
    import shutil  # (here: `check` never writes, and these cost it an import)
    import tempfile

    directory, name = os.path.split(os.path.abspath(src.path))
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".azureml-migrate", dir=directory)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        shutil.copymode(src.path, tmp)
        os.replace(tmp, src.path)
    except BaseException as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            raise SourceError(f"{src.path}: cannot write: {exc.strerror or exc}; left unchanged") from exc
        raise
