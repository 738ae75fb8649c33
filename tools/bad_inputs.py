"""The bad inputs and faults a lab hits, re-run one by one: each case prints its verdict.

  clear error    raised an error that names the problem and says what to do (the CLI: `aquapose: error:` and exit 2)
  handled        did the right thing, checked here
  CRYPTIC        raised, but an error of the wrong kind or one that says nothing useful
  WRONG          returned a silently wrong result, or lost data
  TRACEBACK      the CLI ended in a traceback

Usage: `.venv/bin/python tools/bad_inputs.py` (about a minute on 2 CPUs). Exits 1 unless every case is `clear error`
or `handled`."""
import contextlib, io, json, math, os, shutil, sys, tempfile, traceback, warnings
from dataclasses import asdict
from pathlib import Path
import numpy as np, cv2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import aquapose as aq
from aquapose.core import encode_mask, check_rle, decode_mask, atomic_write, FrameSegmentation, Detection
from aquapose.synthetic import SyntheticRig, RigConfig, coco_from_rig
from aquapose.io import FrameSource, RecordStore, read_store
from aquapose.detect import MOG2Detector, DetectorConfig
from aquapose.evaluate import evaluate, EvaluationReport, EvaluationConfig

CASES = []
def case(group, name, expect="error"):
    def wrap(f): CASES.append((group, name, expect, f)); return f
    return wrap

TMP = Path(tempfile.mkdtemp(prefix="aquapose-bad-"))
RIG = SyntheticRig(RigConfig(frame_hw=(120, 160), seed=0))
L = RIG.config.scale * RIG.config.fish_length_cm
FRAMES = [RIG.render("cam00", t) for t in range(0, 40)]

def labeller():
    from aquapose.pseudo_label import SAMPseudoLabeler, PseudoLabelConfig
    return SAMPseudoLabeler(PseudoLabelConfig(backend="grabcut"))

def items(cam="cam00", frames=None, ref="synthetic"):
    det = MOG2Detector(DetectorConfig(fish_length_px=L))
    frames = frames if frames is not None else [f.image for f in FRAMES[:10]]
    det.warm_up(cam, frames[::3])
    return [(i, f, det.detect(f, cam, i), f"{ref}:{cam}:{i}") for i, f in enumerate(frames)]

def store_lines(p): return Path(p).read_bytes().splitlines(keepends=True)

def video(path, n=40, codec="mp4v"):
    vw = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*codec), 30, (160, 120))
    for f in FRAMES[:n]: vw.write(f.image)
    vw.release()
    return path

def tiny_checkpoint(path, arch="tiny", weights_arch=None):
    "A checkpoint of a random-init model; `weights_arch` other than `arch`: weights of another architecture."
    from aquapose.train import build_model, save_checkpoint, TrainConfig, CLASS_MAP
    cfg = TrainConfig(str(TMP / "t.json"), str(TMP / "v.json"), arch=arch, crop_size=64, pretrained=None)
    m = build_model(None, 64, 9, weights_arch or arch)
    save_checkpoint(path, model=m.state_dict(), config=asdict(cfg), class_map=CLASS_MAP, epoch=1, scores={})
    return path

def coco(out="gt"):
    return coco_from_rig(RIG, ["cam00", "cam01"], 20, 5, TMP / out)

# ---------------------------------------------------------------- lost data
@case("lost data", "label_stream resume with one damaged record in the middle of 5", "handled")
def _():
    p = TMP / "pl_mid.jsonl"; labeller().label_stream(items()[:5], p, progress=False)
    lines = store_lines(p); lines[3] = b'{"camera_id": "cam00", "fram\n'; p.write_bytes(b"".join(lines))
    with warnings.catch_warnings(): warnings.simplefilter("ignore"); labeller().label_stream(items()[:5], p, progress=False)
    kept = len(read_store(p)[1]); moved = Path(str(p) + ".corrupt").read_bytes().count(b"\n")
    return kept == 5 and moved == 1, f"{kept} records after resume (4 kept + the damaged one redone), 1 line in .corrupt"

@case("lost data", "label_stream resume with a bad byte in the header line")
def _():
    p = TMP / "pl_head.jsonl"; labeller().label_stream(items()[:5], p, progress=False)
    b = bytearray(p.read_bytes()); b[5] = 0xFF; p.write_bytes(bytes(b)); before = p.read_bytes()
    try: labeller().label_stream(items()[:5], p, progress=False)
    finally: assert p.read_bytes() == before, "the store was changed"

@case("lost data", "an existing CSV given as the pseudo-label output path")
def _():
    p = TMP / "fish.csv"; p.write_text("frame,x,y\n1,2,3\n"); before = p.read_bytes()
    try: labeller().label_stream(items()[:2], p, progress=False)
    finally: assert p.read_bytes() == before, "the CSV was overwritten"

# ---------------------------------------------------------------- silent wrong results
@case("silent wrong", "segment COCO results joined to the project's COCO ids by (camera, frame)", "handled")
def _():
    from aquapose.segment import to_coco_results
    cp = coco(); gt = json.loads(cp.read_text())
    perfect = [RIG.render(im["camera_id"], im["frame_index"]).to_segmentation() for im in gt["images"]]
    with warnings.catch_warnings(): warnings.simplefilter("ignore"); res = to_coco_results(perfect, cp)
    r = evaluate(res, cp)
    return r.mean_iou == 1.0 and r.recall == 1.0, f"perfect predictions score mean IoU {r.mean_iou:.3f}, recall {r.recall:.3f}"

@case("silent wrong", "segment COCO results without image ids")
def _():
    from aquapose.segment import to_coco_results
    to_coco_results([FRAMES[0].to_segmentation()], None)

@case("silent wrong", "segment: a camera id reused for another video in one output folder")
def _():
    from aquapose.segment import MaskRCNNSegmentor
    seg = MaskRCNNSegmentor.from_checkpoint(tiny_checkpoint(TMP / "tiny.pt"), DetectorConfig(fish_length_px=L))
    a, b = video(TMP / "a.mp4", 12), TMP / "b.mp4"
    vw = cv2.VideoWriter(str(b), cv2.VideoWriter_fourcc(*"mp4v"), 30, (160, 120))
    for t in range(12): vw.write(RIG.render("cam05", t).image)
    vw.release()
    seg.segment_stream(a, "cam00", TMP / "seg_reuse", progress=False)
    seg.segment_stream(b, "cam00", TMP / "seg_reuse", progress=False)

@case("silent wrong", "pseudo-labels: a camera id reused for another video in one store")
def _():
    p = TMP / "pl_reuse.jsonl"; labeller().label_stream(items(ref="a.mp4")[:3], p, progress=False)
    labeller().label_stream(items(ref="b.mp4")[:3], p, progress=False)

@case("silent wrong", "detector: ids 1 and '1' for two cameras")
def _():
    det = MOG2Detector(DetectorConfig(fish_length_px=L)); det.detect(FRAMES[0].image, 1, 0)

@case("silent wrong", "detector: a second video fed under a camera id already used", "handled")
def _():
    det = MOG2Detector(DetectorConfig(fish_length_px=L))
    det.warm_up("cam00", [f.image for f in FRAMES[::4]])
    other = [RIG.render("cam09", t).image for t in range(3)]
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        d = det.detect(other[0], "cam00", 100)
    big = max((float((b[2] - b[0]) * (b[3] - b[1])) / (160 * 120) for b in d.xyxy), default=0.0)
    said = [str(x.message) for x in w]
    return bool(said) and big < 0.5, f"{len(d)} boxes, largest {big:.0%} of the frame; warned: {said[:1]}"

@case("silent wrong", "segment: resume with another checkpoint")
def _():
    from aquapose.segment import MaskRCNNSegmentor
    a = video(TMP / "c.mp4", 12)
    s1 = MaskRCNNSegmentor.from_checkpoint(tiny_checkpoint(TMP / "m1.pt"), DetectorConfig(fish_length_px=L))
    s1.segment_stream(a, "cam00", TMP / "seg_resume", stop=6, progress=False)
    s2 = MaskRCNNSegmentor.from_checkpoint(tiny_checkpoint(TMP / "m2.pt"), DetectorConfig(fish_length_px=L))
    s2.segment_stream(a, "cam00", TMP / "seg_resume", progress=False)

@case("silent wrong", "a truncated video (the header claims 40 frames)")
def _():
    v = video(TMP / "trunc.mp4", 40); b = v.read_bytes(); v.write_bytes(b[: len(b) * 6 // 10])
    src = FrameSource(v); n = sum(1 for _ in src.frames())
    return False, f"read {n} frames of {len(src)} without an error"

@case("silent wrong", "a raw MJPEG stream that OpenCV reads", "handled")
def _():
    p = TMP / "raw.mjpeg"
    p.write_bytes(b"".join(cv2.imencode(".jpg", f.image)[1].tobytes() for f in FRAMES[:7]))
    src = FrameSource(p); n = sum(1 for _ in src.frames())
    return n == 7, f"{n} frames read, len {len(src)}"

@case("silent wrong", "a truncated RLE (its counts cut short)")
def _():
    m = np.zeros((50, 40), bool); m[5:30, 3:33] = True; r = encode_mask(m)
    decode_mask({"size": r["size"], "counts": r["counts"][:-2]})

for field_, value in (("var_threshold", -5), ("min_area", -1), ("coverage", 2), ("fish_length_px", float("nan"))):
    case("silent wrong", f"DetectorConfig({field_}={value})")(lambda f=field_, v=value: DetectorConfig(**{f: v}))
for field_, value in (("lr", 0), ("max_fish", 0)):
    def _tc(f=field_, v=value):
        from aquapose.train import TrainConfig
        TrainConfig("t.json", "v.json", **{f: v})
    case("silent wrong", f"TrainConfig({field_}={value})")(_tc)

@case("silent wrong", "COCO: a duplicate image id")
def _():
    from aquapose.dataset import load_coco
    cp = coco("dup"); d = json.loads(cp.read_text()); d["images"][1]["id"] = d["images"][0]["id"]; cp.write_text(json.dumps(d))
    load_coco(cp)

@case("silent wrong", "COCO: images on disk at another size than the file says")
def _():
    from aquapose.dataset import load_coco
    cp = coco("small"); d = json.loads(cp.read_text())
    f = cp.parent / d["images"][0]["file_name"]; cv2.imwrite(str(f), cv2.resize(cv2.imread(str(f)), (80, 60)))
    load_coco(cp)

@case("silent wrong", "COCO: a bbox far from its mask", "either")
def _():
    from aquapose.dataset import load_coco, CropDataset
    cp = coco("bbox"); d = json.loads(cp.read_text()); d["annotations"][0]["bbox"] = [150, 110, 5, 5]; cp.write_text(json.dumps(d))
    ds = CropDataset(cp, crop_size=64, augment=False)
    a = d["annotations"][0]; n_fish = []
    for i in range(len(ds)):
        _, t = ds[i]; n_fish.append(len(t["masks"]))
    return min(n_fish) > 0, f"crops hold {min(n_fish)}..{max(n_fish)} fish"

@case("silent wrong", "labelling: the same frame twice in one run", "handled")
def _():
    p = TMP / "pl_twice.jsonl"; it = items()[:3]
    st = labeller().label_stream(it + it[:1], p, progress=False)
    n = len(read_store(p)[1])
    return n == 3, f"{n} records for 3 distinct frames; stats {st}"

@case("silent wrong", "a model whose validation IoU stays at 0.000 is saved as best.pt", "handled")
def _():
    from aquapose.train import TrainConfig, train
    tr, va = coco_from_rig(RIG, ["cam00"], 20, 5, TMP / "tr"), coco_from_rig(RIG, ["cam01"], 20, 5, TMP / "va")
    with warnings.catch_warnings(record=True) as w, contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("always")
        r = train(TrainConfig(str(tr), str(va), out_dir=str(TMP / "run0"), arch="tiny", pretrained=None, crop_size=64,
                              epochs=1, batch_size=2, lr=1e-6, num_workers=0, progress=False, max_train_samples=2))
    return r.stopped == "failed" or any("0.000" in str(x.message) or "fail" in str(x.message).lower() for x in w), \
        f"stopped={r.stopped!r}, best val IoU {r.best_val_iou:.3f}, warnings {[str(x.message)[:60] for x in w][:2]}"

@case("silent wrong", "read_store on a mistyped path")
def _(): read_store(TMP / "no_such_store.jsonl")

@case("silent wrong", "unknown sex is not counted as male", "handled")
def _():
    from aquapose.evaluate import TruthFrame, TruthFish
    t = [TruthFrame("cam00", 5, (120, 160), [TruthFish(f.mask_rle, None) for f in FRAMES[5].truths])]
    r = evaluate([FRAMES[5].to_segmentation()], t)
    return r.group("sex", "male").n_fish == 0 and r.group("sex", "unknown").n_fish == len(FRAMES[5].truths), \
        f"male row {r.group('sex', 'male').n_fish} fish, unknown row {r.group('sex', 'unknown').n_fish}"

@case("silent wrong", "report JSON holds no NaN (null instead)", "handled")
def _():
    r = evaluate([FrameSegmentation.empty((120, 160), "cam00", 0)], FRAMES[:1])
    p = r.save(TMP / "rep.json"); txt = p.read_text()
    return "NaN" not in txt, "NaN absent" if "NaN" not in txt else "NaN present"

@case("silent wrong", "outputs honour the umask (0644 under umask 022)", "handled")
def _():
    old = os.umask(0o022)
    try:
        p1 = atomic_write(TMP / "mode.json", "{}"); s = RecordStore(TMP / "mode.jsonl", "x", {}); s.append([{"camera_id": "c", "frame_index": 0}])
        modes = {oct(p.stat().st_mode & 0o777) for p in (p1, TMP / "mode.jsonl")}
    finally: os.umask(old)
    return modes == {"0o644"}, f"modes {sorted(modes)}"

# ---------------------------------------------------------------- the command line
def cli(*argv):
    from aquapose.cli import main
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(list(argv))
    except SystemExit as e: code = e.code
    except Exception: return "TRACEBACK", traceback.format_exc().splitlines()[-1]
    last = (err.getvalue().strip().splitlines() or [""])[-1]
    return code, last

def cli_case(name, *argv):
    @case("CLI", name, "cli")
    def _(): return cli(*argv)

cli_case("--label-every 0", "demo", "--out", str(TMP / "d0"), "--label-every", "0")
cli_case("--sam2-checkpoint naming a missing file", "demo", "--out", str(TMP / "d1"), "--frames", "2", "--size", "160x120",
         "--sam2-checkpoint", str(TMP / "none.pt"))
cli_case("--lr nan", "train", "--train-coco", str(TMP / "t.json"), "--val-coco", str(TMP / "v.json"), "--lr", "nan")
cli_case("a checkpoint of another architecture", "segment", "--checkpoint", str(TMP / "foreign.pt"), "--source",
         str(TMP / "a.mp4"), "--camera", "cam00", "--out", str(TMP / "sf"))
cli_case("--device cuda without a GPU", "segment", "--checkpoint", str(TMP / "tiny.pt"), "--source", str(TMP / "a.mp4"),
         "--camera", "cam00", "--device", "cuda", "--out", str(TMP / "sd"))
cli_case("--device gpu", "segment", "--checkpoint", str(TMP / "tiny.pt"), "--source", str(TMP / "a.mp4"), "--camera",
         "cam00", "--device", "gpu", "--out", str(TMP / "sg"))
cli_case("an output folder that cannot be written (segment)", "segment", "--checkpoint", str(TMP / "tiny.pt"), "--source",
         str(TMP / "a.mp4"), "--camera", "cam00", "--out", str(TMP / "a_file" / "out"))
cli_case("an output folder that cannot be written (demo)", "demo", "--out", str(TMP / "a_file" / "out"), "--frames", "2",
         "--size", "160x120")

# ---------------------------------------------------------------- cryptic errors
@case("cryptic", "a malformed RLE in a COCO file (pycocotools: 'Invalid RLE mask representation')")
def _():
    from aquapose.dataset import load_coco
    cp = coco("badrle"); d = json.loads(cp.read_text()); d["annotations"][0]["segmentation"]["counts"] = "!!"; cp.write_text(json.dumps(d))
    load_coco(cp)

@case("cryptic", "random bytes in a brush RLE")
def _():
    from aquapose.label_studio import rle_ls_to_mask
    rle_ls_to_mask(list(np.random.default_rng(0).integers(0, 256, 60)), 160, 120)

@case("cryptic", "a COCO annotation without bbox")
def _():
    from aquapose.dataset import load_coco
    cp = coco("nobbox"); d = json.loads(cp.read_text()); del d["annotations"][0]["bbox"]; cp.write_text(json.dumps(d))
    load_coco(cp)

@case("cryptic", "a Label Studio export passed as COCO")
def _():
    from aquapose.dataset import load_coco
    p = TMP / "ls_export.json"; p.write_text(json.dumps([{"id": 1, "data": {"image": "x.png"}, "annotations": []}]))
    load_coco(p)

@case("cryptic", "TrainConfig(epochs=2.5)")
def _():
    from aquapose.train import TrainConfig
    TrainConfig("t.json", "v.json", epochs=2.5)

@case("cryptic", "TrainConfig(max_train_samples=0)")
def _():
    from aquapose.train import TrainConfig
    TrainConfig("t.json", "v.json", max_train_samples=0)

@case("cryptic", "SegmentorConfig(batch_crops=0)")
def _():
    from aquapose.segment import SegmentorConfig
    SegmentorConfig(batch_crops=0)

@case("cryptic", "a truncated report given to EvaluationReport.load")
def _():
    r = evaluate([FRAMES[0].to_segmentation()], FRAMES[:1]); p = r.save(TMP / "r.json"); p.write_text(p.read_text()[:100])
    EvaluationReport.load(p)

@case("cryptic", "too few frame_refs")
def _():
    it = items()[:3]
    labeller().label_frames([i[1] for i in it], [i[2] for i in it], [i[3] for i in it][:1])

# ---------------------------------------------------------------- the package
@case("package", "every module imports in a fresh process and pyflakes is clean", "handled")
def _():
    import subprocess
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "api_check.py")], capture_output=True, text=True)
    return r.returncode == 0, (r.stdout.strip().splitlines() or ["?"])[-1][:120]

@case("package", "fastcore is a run-time dependency", "handled")
def _():
    txt = (ROOT / "pyproject.toml").read_text(); deps = txt.split("dependencies = [", 1)[1].split("]", 1)[0]
    return "fastcore" in deps, "in [project] dependencies" if "fastcore" in deps else "missing"

def verdict(expect, f):
    "The verdict on one case, and what it said."
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try: out = f()
        except AssertionError as e: return "WRONG", str(e)
        except Exception as e:
            msg, kind = str(e), type(e).__name__
            clear = isinstance(e, (ValueError, FileNotFoundError, RuntimeError)) and len(msg) >= 25
            if expect == "handled": return "CRYPTIC", f"raised where it should cope: {kind}: {msg[:100]}"
            return ("clear error" if clear else "CRYPTIC"), f"{kind}: {msg[:110]}"
    if expect == "cli":
        code, last = out
        if code == "TRACEBACK": return "TRACEBACK", last
        ok = code == 2 and last.startswith("aquapose: error:")
        return ("clear error" if ok else "TRACEBACK"), f"exit {code}: {last[:110]}"
    if isinstance(out, tuple):
        ok, detail = out
        return ("handled" if ok and expect in ("handled", "either") else "WRONG"), detail
    return "WRONG", f"accepted without an error (returned {str(out)[:60]})"

if __name__ == "__main__":
    (TMP / "a_file").write_text("a file, not a folder")
    tiny_checkpoint(TMP / "tiny.pt"); video(TMP / "a.mp4", 12)
    tiny_checkpoint(TMP / "foreign.pt", arch="tiny", weights_arch="r50_fpn_v2")   # says tiny, holds R50 weights
    rows, bad = [], 0
    for group, name, expect, f in CASES:
        v, detail = verdict(expect, f)
        bad += v not in ("clear error", "handled")
        rows.append((group, name, v, detail))
        print(f"| {group} | {name} | {v} | {detail.replace('|', '/')} |", flush=True)
    counts = {}
    for r in rows: counts[r[2]] = counts.get(r[2], 0) + 1
    print(f"{len(rows)} cases: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
    shutil.rmtree(TMP, ignore_errors=True)
    sys.exit(1 if bad else 0)
