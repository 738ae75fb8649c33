"""Train the real Mask R-CNN (R50-FPN-v2, random init: no weights can be downloaded here) on a synthetic-rig dataset of
at least 1000 crops, then evaluate `MaskRCNNSegmentor` on full 1600x1200 frames of held-out cameras.

The held-out cameras are two centre cameras (cam03, cam06) and three wall cameras (cam09, cam11, cam12), and the
evaluation frames are chosen by `balanced_eval_frames` so that every group (each sex, moving and still, wall and centre
cameras) has at least 50 fish (issue 15, part 1); `--eval-set-only` chooses them and prints the counts, on any machine.

Prints: the dataset sizes, the training time, the best validation mask IoU on crops (overall and female), and the
full-frame evaluation table (recall, precision, mean mask IoU, female IoU, boundary error, mask AP), with a row each
for wall and centre cameras.

    python benchmarks/train_gpu.py --out bench_out/train_gpu --minutes 5        # a GPU machine
    python benchmarks/train_gpu.py --out /tmp/smoke --smoke                     # CPU dry run of every step (tiny model)
    python benchmarks/train_gpu.py --eval-set-only                               # the balanced held-out set, counted
"""
import argparse, json, os, sys, time
from multiprocessing import Pool
from pathlib import Path
import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from aquapose.synthetic import SyntheticRig, RigConfig, coco_from_rig
from aquapose.detect import DetectorConfig
from aquapose.train import TrainConfig, train, plot_history
from aquapose.segment import MaskRCNNSegmentor
from aquapose.evaluate import evaluate, group_scores

GROUPS = ("female", "male", "moving", "still", "wall", "centre")   # what every evaluation set must hold 50 fish of

def is_wall_camera(camera_id:str) -> bool:
    "The rig's outer ring (cam07 on) looks at the tank wall; cam00 and the inner ring look at the open floor."
    return int(camera_id[3:]) >= 7

def fish_groups(camera_id:str, fish) -> tuple:
    "The groups a ground-truth fish (a `FishTruth`) counts in: its sex, its motion, its camera's place."
    return (fish.sex, "moving" if fish.moving else "still", "wall" if is_wall_camera(camera_id) else "centre")

RUN_LEN = 4   # consecutive frames per evaluation run (MOG2 and segment_batch see video, not single stills)

def balanced_eval_frames(rig, cams, starts, need:int=50, min_area_px:float=0.0) -> tuple:
    """Runs of `RUN_LEN` consecutive frames, chosen greedily from candidate runs starting at `starts` on `cams` until
    every group of `GROUPS` has `need` fish sightings: a fish counts once per run (on its first frame), since the
    frames of a run show the same fish. Returns [(camera, first frame)] and the sightings per group."""
    cand = []
    for cam in cams:
        for t in starts:
            c = dict.fromkeys(GROUPS, 0)
            for f in rig.render(cam, t).truths:
                if f.area_px >= min_area_px:
                    for g in fish_groups(cam, f): c[g] += 1
            cand.append(((cam, t), c))
    have, chosen = dict.fromkeys(GROUPS, 0), []
    while any(have[g] < need for g in GROUPS) and cand:
        gain = lambda c: sum(min(c[g], max(need - have[g], 0)) for g in GROUPS)
        k = max(range(len(cand)), key=lambda i: gain(cand[i][1]))
        if gain(cand[k][1]) == 0: break                       # no candidate helps: report what could be had
        key, c = cand.pop(k); chosen.append(key)
        for g in GROUPS: have[g] += c[g]
    return sorted(chosen), have

def group_counts(frames, min_area_px:float) -> dict:
    "Exact fish counts per group over rendered `SyntheticFrame`s."
    c = dict.fromkeys(GROUPS, 0)
    for fr in frames:
        for f in fr.truths:
            if f.area_px >= min_area_px:
                for g in fish_groups(fr.camera_id, f): c[g] += 1
    return c

def render_camera(job):
    "Write one camera's frames and COCO file (run in a worker process)."
    rig_cfg, cam, n_frames, every_n, out = job
    return str(coco_from_rig(SyntheticRig(RigConfig(**rig_cfg)), [cam], n_frames, every_n, out))

def merged_coco(rig_cfg, cams, n_frames, every_n, root:Path, name:str, procs:int) -> Path:
    "Render `cams` in parallel, then merge their COCO files into `root/name.json` (file names relative to root)."
    jobs = [(rig_cfg, c, n_frames, every_n, root / name / c) for c in cams]
    with Pool(procs) as pool: paths = pool.map(render_camera, jobs)
    images, anns = [], []
    for cam, p in zip(cams, paths):
        coco = json.loads(Path(p).read_text()); remap = {}
        for im in coco["images"]:
            remap[im["id"]] = len(images) + 1
            images.append({**im, "id": len(images) + 1, "file_name": f"{name}/{cam}/{im['file_name']}"})
        for a in coco["annotations"]: anns.append({**a, "id": len(anns) + 1, "image_id": remap[a["image_id"]]})
    out = root / f"{name}.json"
    out.write_text(json.dumps({"images": images, "annotations": anns, "categories": [{"id": 1, "name": "fish"}]}))
    return out

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="bench_out/train_gpu")
    ap.add_argument("--minutes", type=float, default=5.0, help="training time budget (the epoch count is fitted to it)")
    ap.add_argument("--smoke", action="store_true", help="tiny model and data: a CPU dry run of every step")
    ap.add_argument("--procs", type=int, default=max(1, (os.cpu_count() or 2) - 2))
    ap.add_argument("--eval-set-only", action="store_true", help="choose the balanced evaluation set, count it, stop")
    ap.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                    help="a TrainConfig field of the recipe, e.g. --set normalize=crop --set mask_resolution=56")
    a = ap.parse_args()
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    torch.backends.cuda.matmul.allow_tf32 = True; torch.backends.cudnn.allow_tf32 = True
    print("device:", torch.cuda.get_device_name(0) if dev == "cuda" else "cpu", "| torch", torch.__version__, flush=True)
    if a.smoke:
        rig_cfg = dict(n_cameras=13, frame_hw=(300, 400), seed=0)
        train_cams, val_cams, n_tr, n_val = ["cam00", "cam01"], ["cam03", "cam11"], 200, 200
        arch, crop, pretrained, batch, need, starts = "tiny", 64, None, 4, 10, range(4000, 6000, 400)
    else:
        rig_cfg = dict(n_cameras=13, seed=0)
        train_cams = ["cam00", "cam01", "cam02", "cam04", "cam05", "cam07", "cam08", "cam10"]   # 5 centre, 3 wall
        val_cams, n_tr, n_val = ["cam03", "cam06", "cam09", "cam11", "cam12"], 3000, 3000         # 2 centre, 3 wall
        arch, crop, pretrained, batch, need, starts = "r50_fpn_v2", 256, None, 8, 50, range(4000, 9000, 200)
    rig = SyntheticRig(RigConfig(**rig_cfg))
    L = rig.config.scale * rig.config.fish_length_cm
    min_area = 0.05 * L * L                     # slivers at the frame edge are ignored, as in the evaluation
    t_pick = time.time()
    runs, est = balanced_eval_frames(rig, val_cams, starts, need=need, min_area_px=min_area)
    eval_frames = {cam: [t for c, t in runs if c == cam] for cam in val_cams}
    print(f"balanced evaluation set: {len(runs)} runs of {RUN_LEN} frames on {val_cams} (frames {starts.start}+, after "
          f"every validation frame); fish sightings (once per run) per group {est}; chosen in "
          f"{time.time() - t_pick:.0f} s", flush=True)
    if a.eval_set_only:
        frames = [rig.render(c, t + k) for c, t in runs for k in range(RUN_LEN)]
        print(f"fish per group in the {len(frames)} evaluated frames (>= {min_area:.0f} px; every frame counts, as in "
              f"evaluate): {group_counts(frames, min_area)}; runs {runs}")
        return
    data = out / "data"
    tr = merged_coco(rig_cfg, train_cams, n_tr, 100 if not a.smoke else 40, data, "train", a.procs)
    va = merged_coco(rig_cfg, val_cams, n_val, 100 if not a.smoke else 40, data, "val", a.procs)
    ntr_crops = len(json.loads(tr.read_text())["annotations"]); nva_crops = len(json.loads(va.read_text())["annotations"])
    print(f"data: {ntr_crops} training fish crops ({len(train_cams)} cameras), {nva_crops} validation fish crops "
          f"({len(val_cams)} held-out cameras); rendered in {time.time() - t0:.0f} s", flush=True)

    cfg = TrainConfig(str(tr), str(va), out_dir=str(out / "run"), pretrained=pretrained, arch=arch, crop_size=crop,
                      batch_size=batch, lr=0.02, warmup_iters=100 if a.smoke else 300, epochs=200, patience=0,
                      num_workers=min(12, a.procs), device=dev, progress=False, resume=True,
                      time_limit_min=a.minutes if not a.smoke else 0.5)   # holds within an epoch; lr steps at 80% of it
    for kv in a.set:                                  # --set normalize=crop --set mask_resolution=56 ...
        k, v = kv.split("=", 1)
        if k not in cfg.__dict__: ap.error(f"--set {kv}: TrainConfig has no field {k!r}")
        try: v = json.loads(v)                        # numbers, true/false/null; anything else is a string
        except json.JSONDecodeError: pass
        cfg = TrainConfig.from_dict({**cfg.__dict__, k: v})
    print(f"recipe: {cfg}", flush=True)
    t_train = time.time()
    res = train(cfg)
    train_s = time.time() - t_train
    best = next(h for h in res.history if h["epoch"] == res.best_epoch)
    print(f"training: {len(res.history)} epochs, {res.history[-1]['iters']} iterations of batch {batch} in {train_s:.0f} s "
          f"({res.stopped}); best epoch {res.best_epoch}", flush=True)
    print(f"crop-level val mask IoU (misses count 0, score >= {cfg.val_score}): overall {best['val_mask_iou']:.4f}, "
          f"female {best['val_female_iou']:.4f}, male {best['val_male_iou']:.4f}, recall@0.5 {best['val_recall']:.4f}", flush=True)
    import matplotlib; matplotlib.use("Agg"); import matplotlib.pyplot as plt
    plot_history(res.history); plt.tight_layout(); plt.savefig(out / "curve.png", dpi=80)

    # Full-frame evaluation on held-out cameras: MOG2 boxes -> crops -> model -> RLE, against the rig's truth.
    seg = MaskRCNNSegmentor.from_checkpoint(res.best_path, DetectorConfig(fish_length_px=rig.config.scale * rig.config.fish_length_cm),
                                            device=dev)
    preds, truths, t_seg, n_frames = [], [], 0.0, 0
    for cam, starts_of in eval_frames.items():                       # the balanced runs of consecutive frames
        if not starts_of: continue
        seg.detector.warm_up(cam, [rig.render(cam, t).image for t in range(0, 9000, 450)])
        for t0_run in starts_of:
            chunk = [rig.render(cam, t0_run + k) for k in range(RUN_LEN)]
            if dev == "cuda": torch.cuda.synchronize()
            t = time.time()
            preds += seg.segment_batch(np.stack([f.image for f in chunk]), cam, t0_run)
            if dev == "cuda": torch.cuda.synchronize()
            t_seg += time.time() - t; n_frames += len(chunk)
            truths += chunk
    rep = evaluate(preds, truths, min_area_px=min_area)
    print(f"full-frame evaluation: {n_frames} frames of {val_cams} at {rig.config.frame_hw[1]}x{rig.config.frame_hw[0]}, "
          f"segment_batch {n_frames / t_seg:.1f} frames/s on {dev} (fp32); exact fish per group "
          f"{group_counts(truths, min_area)}", flush=True)
    print(rep.to_markdown(), flush=True)
    for place in ("wall", "centre"):                                 # the report's rows are per camera: add the two places
        fish = [f for f in rep.fish if is_wall_camera(f.camera_id) == (place == "wall")]
        g = group_scores("place", place, fish)
        print(f"| place | {place} | {g.n_fish} | {g.n_found} | {g.recall:.3f} | {g.recall_any:.3f} | {g.mean_iou:.3f} | "
              f"{g.boundary_px:.3f} |  |  |", flush=True)
    rep.save(out / "evaluation.json")
    for f in ("log.csv", "log.json"): (out / f).write_bytes((out / "run" / f).read_bytes())
    print(f"total {time.time() - t0:.0f} s", flush=True)

if __name__ == "__main__":
    main()
