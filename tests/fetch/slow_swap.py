"""Run a refresh whose file writes stall at a chosen point, so a test can kill it there.

    python tests/fetch/slow_swap.py {stage|move} --data-dir DIR --only NVDA

`stage`: stall after the first new file is staged (nothing moved into data/ yet).
`move`: stall after the first file has been moved into data/ (the manifest not yet).
Prints "STALLED" when it gets there, then sleeps until killed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from build_scripts import refresh
from build_scripts.market import store


def stall() -> None:
    print("STALLED", flush=True)
    time.sleep(60)


def main() -> int:
    point, argv = sys.argv[1], sys.argv[2:]
    if point == "stage":
        real_stage = store._stage

        def stage(data, name, staging):
            tmp = real_stage(data, name, staging)
            stall()
            return tmp

        store._stage = stage
    else:
        real_replace = store.os.replace

        def replace(src, dst):
            real_replace(src, dst)
            stall()

        store.os.replace = replace
    return refresh.run(argv)


if __name__ == "__main__":
    raise SystemExit(main())
