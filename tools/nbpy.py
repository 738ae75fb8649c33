"""Edit notebooks as plain text: `python tools/nbpy.py to-py nbs/X.ipynb X.py` writes one cell per block
(`#%% md` / `#%% code` separators); `python tools/nbpy.py to-nb X.py nbs/X.ipynb` writes it back, keeping the
outputs of every cell whose source did not change. Run `nbdev-test nbs/X.ipynb --save` afterwards to refresh outputs."""
import sys, json, hashlib
from pathlib import Path
import nbformat

SEP = {"markdown": "#%% md", "code": "#%% code", "raw": "#%% raw"}
KIND = {v: k for k, v in SEP.items()}

def to_py(nb_path, py_path):
    nb = nbformat.read(nb_path, as_version=4)
    parts = [f"{SEP[c.cell_type]}\n{c.source}\n" for c in nb.cells]
    Path(py_path).write_text("".join(parts))

def to_nb(py_path, nb_path):
    text = Path(py_path).read_text().split("\n")
    cells, kind, buf = [], None, []
    def flush():
        if kind is not None:
            src = "\n".join(buf).rstrip("\n")
            cells.append((kind, src))
    for line in text:
        if line.strip() in KIND:
            flush(); kind, buf = KIND[line.strip()], []
        else: buf.append(line)
    flush()
    old = {}                              # (kind, source) -> the unchanged cells, in order
    if Path(nb_path).exists():
        for c in nbformat.read(nb_path, as_version=4).cells:
            old.setdefault((c.cell_type, c.source), []).append(c)
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "python3", "language": "python", "name": "python3"}}
    ids = set()
    for kind, src in cells:
        if old.get((kind, src)): c = old[(kind, src)].pop(0); cid = c.get("id")   # unchanged: keeps its outputs and its id
        else: c, cid = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell}.get(kind, nbformat.v4.new_raw_cell)(src), None
        n = 0
        # an id stays put while its cell is unchanged, so inserting a cell does not renumber the exported module's
        # cell markers; new cells get an id from their source
        while not cid or cid in ids: cid, n = hashlib.sha1(f"{n}{src}".encode()).hexdigest()[:8], n + 1
        c["id"] = cid; ids.add(cid)
        nb.cells.append(c)
    nbformat.write(nb, nb_path)

if __name__ == "__main__":
    cmd, a, b = sys.argv[1:4]
    {"to-py": to_py, "to-nb": to_nb}[cmd](a, b)
