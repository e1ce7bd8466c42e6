import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Tests import the package from the source tree even when it is not installed.
if str(ROOT / "server") not in sys.path:
    sys.path.insert(0, str(ROOT / "server"))
# tests.support.* helpers
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
