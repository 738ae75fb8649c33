"""Checks of the exported package that the notebooks' own tests cannot make, run by `make test`:
every module imports in a fresh process (a notebook's hidden import cell cannot hide a missing import), pyflakes finds
nothing, no exported line is over 120 characters, no private name is imported across modules, and every parameter of
every public function and method has a docment (nbdev's trailing-comment parameter docs). Prints what it finds and
one summary line; exits 1 if anything is found. `--list` prints every finding (default: the first 15 of each kind)."""
import ast, importlib, inspect, pkgutil, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "aquapose"
MAX_LINE = 120

def modules():
    return [m.name for m in pkgutil.iter_modules([str(PKG)]) if not m.name.startswith("_")]

def fresh_imports(names):
    "Import each module in its own fresh interpreter; return {module: error}."
    bad = {}
    for n in names:
        r = subprocess.run([sys.executable, "-c", f"import aquapose.{n}"], cwd=ROOT, capture_output=True, text=True)
        if r.returncode: bad[n] = (r.stderr.strip().splitlines() or ["?"])[-1]
    return bad

def pyflakes(files):
    r = subprocess.run([sys.executable, "-m", "pyflakes", *map(str, files)], capture_output=True, text=True)
    return [l for l in (r.stdout + r.stderr).splitlines() if l.strip()]

def long_lines(files):
    "Lines over MAX_LINE characters, leaving out nbdev's generated `__all__` (its `# %% auto` cell), which it wraps itself."
    out = []
    for f in files:
        auto = False
        for i, l in enumerate(f.read_text().splitlines(), 1):
            if l.startswith("# %%"): auto = l.startswith("# %% auto")
            if len(l) > MAX_LINE and not auto: out.append(f"{f.relative_to(ROOT)}:{i}: {len(l)} characters")
    return out

def private_imports(files):
    out = []
    for f in files:
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("aquapose")):
                out += [f"{f.relative_to(ROOT)}:{node.lineno}: imports {a.name} from {node.module}"
                        for a in node.names if a.name.startswith("_") and a.name != "__version__"]
    return out

def _undocumented(fn, where):
    from fastcore.docments import docments
    try: docs = docments(fn, args_kwargs=True)
    except Exception as e: return [f"{where}: docments failed ({type(e).__name__})"]
    params = [p for p in inspect.signature(fn).parameters if p not in ("self", "cls")]
    return [f"{where}({p})" for p in params if not docs.get(p)]

def missing_docments(names):
    "Public functions and methods (defined in aquapose) with parameters that have no docment."
    out = []
    for n in names:
        mod = importlib.import_module(f"aquapose.{n}")
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name, None)
            if inspect.isfunction(obj) and obj.__module__ == mod.__name__:
                out += _undocumented(obj, f"{n}.{name}")
            elif inspect.isclass(obj) and obj.__module__ == mod.__name__:
                for mname, m in vars(obj).items():
                    if mname.startswith("_") and mname != "__init__": continue
                    f = m.__func__ if isinstance(m, (classmethod, staticmethod)) else m
                    if not inspect.isfunction(f) or "dataclass" in getattr(f, "__qualname__", "") or \
                       f.__module__ != mod.__name__ or (mname == "__init__" and hasattr(obj, "__dataclass_fields__")): continue
                    out += _undocumented(f, f"{n}.{name}.{mname}")
    return out

if __name__ == "__main__":
    show = None if "--list" in sys.argv else 15
    names = modules()
    files = sorted(PKG.glob("*.py"))
    exported = [f for f in files if f.name != "_modidx.py"]
    checks = {"modules failing a fresh import": [f"{k}: {v}" for k, v in fresh_imports(names).items()],
              "pyflakes findings": pyflakes(exported),
              f"lines over {MAX_LINE} characters": long_lines(exported),
              "private names imported across modules": private_imports(exported),
              "public parameters without a docment": missing_docments(names)}
    for what, found in checks.items():
        if found:
            print(f"{len(found)} {what}:")
            for x in found[:show]: print("  " + x)
            if show and len(found) > show: print(f"  ... and {len(found) - show} more (--list)")
    n = sum(map(len, checks.values()))
    print(f"api check: {len(names)} modules; " + ", ".join(f"{len(v)} {k}" for k, v in checks.items()))
    sys.exit(1 if n else 0)
