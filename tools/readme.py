"""Render nbs/index.ipynb to README.md without quarto (which `nbdev-readme` needs and these machines cannot install).

Markdown cells are copied, visible code cells become ```python blocks, and their text outputs plain blocks; cells
marked `#| hide` and directive lines are left out. With quarto installed, `nbdev-readme` gives the same content.
Usage: python tools/readme.py [--check]   (--check: exit 1 if README.md is out of date, write nothing)
"""
import json, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent

def render(nb_path=root / "nbs" / "index.ipynb") -> str:
    nb = json.loads(Path(nb_path).read_text())
    parts = []
    for c in nb["cells"]:
        src = "".join(c["source"])
        if c["cell_type"] == "markdown": parts.append(src.strip()); continue
        if c["cell_type"] != "code": continue
        lines = src.splitlines()
        if any(l.strip().replace(" ", "") in ("#|hide", "#|exporti", "#|export") for l in lines): continue
        code = "\n".join(l for l in lines if not l.lstrip().startswith("#|")).strip()
        if code: parts.append(f"```python\n{code}\n```")
        for o in c.get("outputs", []):
            txt = "".join(o.get("text", "")) if o["output_type"] == "stream" else "".join(o.get("data", {}).get("text/plain", ""))
            if txt.strip(): parts.append(f"```\n{txt.rstrip()}\n```")
    return "\n\n".join(p for p in parts if p) + "\n"

if __name__ == "__main__":
    txt, out = render(), root / "README.md"
    if "--check" in sys.argv: sys.exit(0 if out.exists() and out.read_text() == txt else 1)
    if not out.exists() or out.read_text() != txt: out.write_text(txt)
