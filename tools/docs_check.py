"""What CI can check of the docs without quarto (which `nbdev-docs` needs and these machines cannot install).

Runs nbdev's own pre-render steps (quarto config, module index, sidebar, notebook processing with show_doc) the way
`nbdev-docs` does, minus the quarto install and render, and fails on any warning (such as a cell that mixes imports
with code, which breaks the docs build) or on a notebook that produced no processed page.
"""
import sys, warnings
from pathlib import Path
from nbdev.config import get_config
from nbdev.quarto import refresh_quarto_yml, nbdev_sidebar
from nbdev.serve import proc_nbs
import nbdev.doclinks

def main() -> int:
    cfg = get_config()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        refresh_quarto_yml()
        nbdev.doclinks._build_modidx()
        nbdev_sidebar.__wrapped__(path=cfg.nbs_path)
        cache = proc_nbs(cfg.nbs_path, n_workers=0, force=True)
    problems = [f"{w.category.__name__}: {str(w.message).splitlines()[0]} ... {str(w.message)[:300]}" for w in caught
                if not issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning))]
    nbs = sorted(p.name for p in Path(cfg.nbs_path).glob("*.ipynb"))
    missing = [n for n in nbs if not (Path(cache) / n).exists()]
    for p in problems: print("docs warning:", p)
    for n in missing: print("docs: no processed page for", n)
    print(f"docs check: {len(nbs)} notebooks processed, {len(problems)} warnings, {len(missing)} missing")
    return 1 if problems or missing else 0

if __name__ == "__main__": sys.exit(main())
