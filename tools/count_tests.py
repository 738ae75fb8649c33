"""Count test cells, not notebooks: `python tools/count_tests.py LOG [FLAGS]` reads the log of
`nbdev-test --cell-timing-min -1` (one `name.ipynb:cellid: seconds` line per cell run, the failing one included) and prints,
per notebook, how many of its test cells passed, then the slow cells, then one line `N passed, N failed` over all
test cells. A test cell is a cell that the run executes and that asserts something (`test_eq`, `test_fail`, `assert`,
...). In a notebook that failed, the cells after the failing one did not run: they count as failed, since nothing
says they would pass. Exit status 1 when any failed."""
import re, sys
from pathlib import Path
from nbdev.test import nb_test_cells

ROOT = Path(__file__).resolve().parents[1]
ASSERTS = re.compile(r"\b(test_eq|test_ne|test_close|test_fail|test_is|test_warns|test_stdout|test_eq_type|assert)\b")
TIMING = re.compile(r"^(\S+\.ipynb):(\S+): ([0-9.]+)s$")
SLOW_S = 30.0

def _code(src:str) -> str:
    "A cell's source without its import lines (importing test_eq is no test)."
    return "\n".join(l for l in src.splitlines() if not l.lstrip().startswith(("import ", "from ")))

def main(log_path, flags=""):
    log = Path(log_path).read_text(errors="replace").splitlines()
    done, slow = {}, []
    for line in log:
        m = TIMING.match(line.strip())
        if m:
            done.setdefault(m[1], []).append(m[2])
            if float(m[3]) >= SLOW_S: slow.append((float(m[3]), m[1], m[2]))
    # two workers may print their "Starting <notebook>" on one line ("Starting a.ipynbStarting b.ipynb"): find each
    started = list(dict.fromkeys(Path(p) for l in log for p in re.findall(r"Starting (\S+?\.ipynb)", l)))
    failed_nbs = set()
    if "nbdev Tests Failed On The Following Notebooks" in "\n".join(log):
        tail = "\n".join(log).split("nbdev Tests Failed On The Following Notebooks", 1)[1]
        failed_nbs = set(re.findall(r"(\S+\.ipynb)", tail))
    skip = [f for f in "notest slow labelstudio".split() if f not in flags.split()]
    n_pass = n_fail = 0
    for nb in sorted((p for p in started if p.exists()), key=lambda p: p.name):
        cells = nb_test_cells(nb, skip_flags=skip)
        tests = [c for c in cells if ASSERTS.search(_code(c.source))]
        ok = done.get(nb.name, [])
        if nb.name in failed_nbs: p = sum(c.id in ok[:-1] for c in tests)    # the last cell to finish is the one that raised
        else: p = len(tests)
        n_pass += p; n_fail += len(tests) - p
        status = "" if p == len(tests) else f"  FAILED ({len(tests) - p} failed or not run after the failure)"
        print(f"{nb.name}: {p} of {len(tests)} test cells passed ({len(cells)} cells to run){status}")
    for s, nb, cid in sorted(slow, reverse=True): print(f"slow cell: {nb} #{cid} {s:.0f} s")
    print(f"{n_pass} passed, {n_fail} failed")
    return 1 if n_fail else 0

if __name__ == "__main__": sys.exit(main(*sys.argv[1:]))
