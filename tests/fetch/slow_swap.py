"""Run a refresh whose snapshot swap stalls at a chosen step, so a test can kill it there.

    python tests/fetch/slow_swap.py {copied|journal|exchanged|between-renames} --data-dir DIR --only NVDA

`copied`: the new copy of data/market is complete in staging; nothing else has happened.
`journal`: the journal is written; the folders are about to be exchanged.
`exchanged`: the folders are exchanged; the old copy and the journal are not yet cleared.
`between-renames`: as on a system without an atomic exchange, the old folder has been renamed
away and the new one not yet renamed in.
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
    real_copy, real_exchange, real_rename = store._copy_tree, store.exchange, store.rename
    if point == "copied":

        def copy_tree(src, dst):
            real_copy(src, dst)
            stall()

        store._copy_tree = copy_tree
    elif point == "journal":

        def exchange(a, b):
            stall()
            return real_exchange(a, b)

        store.exchange = exchange
    elif point == "exchanged":

        def exchange(a, b):
            done = real_exchange(a, b)
            assert done, "this system cannot exchange folders atomically"
            stall()
            return done

        store.exchange = exchange
    else:

        def rename(a, b):
            real_rename(a, b)
            if Path(b).name.endswith(".old"):
                stall()

        store.exchange = lambda _a, _b: False
        store.rename = rename
    return refresh.run(argv)


if __name__ == "__main__":
    raise SystemExit(main())
