import os
import sys

# `python -m` puts the current directory first on sys.path, and this tool runs inside the
# code it reads: a difflib.py or tomllib.py there must not be imported instead of Python's.
if sys.path and sys.path[0] in ("", os.getcwd()) and not getattr(sys.flags, "safe_path", False):
    del sys.path[0]

from .cli import main  # noqa: E402

main()
