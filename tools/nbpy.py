"""Edit notebooks as plain text: `python tools/nbpy.py to-py nbs/X.ipynb X.py` writes one cell per block
(`#%% md` / `#%% code` separators); `python tools/nbpy.py to-nb X.py nbs/X.ipynb` writes it back, keeping the
outputs of every cell whose source did not change. Run `nbdev-test --path nbs/X.ipynb` afterwards to refresh outputs."""
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
    old = {}
    if Path(nb_path).exists():
        for c in nbformat.read(nb_path, as_version=4).cells:
            old.setdefault((c.cell_type, c.source), c)
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "python3", "language": "python", "name": "python3"}}
    for i, (kind, src) in enumerate(cells):
        if (kind, src) in old: c = old[(kind, src)]
        elif kind == "code": c = nbformat.v4.new_code_cell(src)
        elif kind == "markdown": c = nbformat.v4.new_markdown_cell(src)
        else: c = nbformat.v4.new_raw_cell(src)
        c["id"] = hashlib.sha1(f"{i}{src}".encode()).hexdigest()[:8]
        nb.cells.append(c)
    nbformat.write(nb, nb_path)

if __name__ == "__main__":
    cmd, a, b = sys.argv[1:4]
    {"to-py": to_py, "to-nb": to_nb}[cmd](a, b)
