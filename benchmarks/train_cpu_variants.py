"""Why females lag, at CPU scale (issue 15, parts 3 and 5): the tiny architecture trained for the same fixed budget
once per variant, each scored by the crop-level validation of `aquapose.train` (mask IoU per fish, misses count 0,
by sex) on held-out cameras. The budget is `--minutes` of training (`TrainConfig.time_limit_min`, the learning rate
stepping down at 80% of it) on a quiet machine, or `--epochs` (the same number of optimisation steps for every
variant) on a shared one, where a wall-clock budget measures the neighbours' load rather than the variants; each row
gives the process CPU seconds the variant used, so a costlier variant shows its cost either way. The variants are `TrainConfig` knobs: input normalisation (`normalize`),
contrast augmentation (`contrast`), female sampling weight (`female_weight`), crop context (`crop_size`) and the mask
head's resolution (`mask_resolution`). A second seed of the baseline shows how far two runs of one recipe differ, so
a variant's gain can be read against it.

The rig is rendered at 800x600 (fish about 70 px long) with 128 px crops, the same fish-to-crop ratio as 256 px
crops at 1600x1200, or with `--small` at 400x300 (fish about 35 px) with 64 px crops. One thread.

    python benchmarks/train_cpu_variants.py --minutes 5 --out benchmarks/results/train_cpu_variants.txt
    python benchmarks/train_cpu_variants.py --small --epochs 4 --out benchmarks/results/train_cpu_variants.txt
"""
import argparse, json, sys, tempfile, time
from pathlib import Path
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from aquapose.core import atomic_write
from aquapose.synthetic import SyntheticRig, RigConfig, coco_from_rig
from aquapose.train import TrainConfig, train

TRAIN_CAMS, VAL_CAMS = ["cam00", "cam01", "cam02", "cam07", "cam08"], ["cam03", "cam09", "cam11"]
VARIANTS = {   # name -> the TrainConfig fields it changes from the baseline
    "baseline": {},
    "baseline-seed1": dict(seed=1),
    "crop-norm": dict(normalize="crop"),
    "contrast-0.5": dict(contrast=0.5),
    "female-weight-2": dict(female_weight=2.0),
    "context-crop-1.5x": dict(crop_size=1.5),     # a factor of the baseline crop, made a size in main()
    "mask-56": dict(mask_resolution=56),
    "crop-norm+context-1.5x": dict(normalize="crop", crop_size=1.5),   # the two that beat the seed spread, together
}

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=5.0, help="training time budget of each variant")
    ap.add_argument("--epochs", type=int, default=None, help="a fixed number of epochs instead of a time budget")
    ap.add_argument("--small", action="store_true", help="400x300 rig and 64 px crops (default: 800x600, 128 px)")
    ap.add_argument("--out", default=None, help="also write the table here")
    ap.add_argument("--only", nargs="*", default=None, help=f"variants to run (default: all of {list(VARIANTS)})")
    ap.add_argument("--work", default=None, help="folder for the data and runs (default: a temporary one)")
    a = ap.parse_args()
    torch.set_num_threads(1)
    work = Path(a.work or tempfile.mkdtemp(prefix="aquapose_variants_"))
    t0 = time.time()
    hw, crop = ((300, 400), 64) if a.small else ((600, 800), 128)
    rig = SyntheticRig(RigConfig(n_cameras=13, frame_hw=hw, seed=0))
    tr = coco_from_rig(rig, TRAIN_CAMS, 3000, 90, work / "train")   # one COCO file over the cameras
    va = coco_from_rig(rig, VAL_CAMS, 3000, 200, work / "val")
    n_tr, n_va = (len(json.loads(p.read_text())["annotations"]) for p in (tr, va))
    budget = f"{a.epochs} epochs" if a.epochs else f"{a.minutes:g} min of training (lr steps down at 80% of it)"
    head = (f"torch {torch.__version__}, 1 thread, cpu | rig {hw[1]}x{hw[0]} (fish ~{rig.config.scale * rig.config.fish_length_cm:.0f} px), "
            f"train {TRAIN_CAMS} ({n_tr} fish crops), held-out val {VAL_CAMS} ({n_va} fish crops); rendered in "
            f"{time.time() - t0:.0f} s\narch tiny, random init, {crop} px crops, {budget} per variant; figures are the "
            "best epoch's crop-level val mask IoU (misses count 0)")
    print(head, flush=True)
    base = dict(pretrained=None, arch="tiny", crop_size=crop, batch_size=4, lr=0.02, warmup_iters=100,
                epochs=a.epochs or 1000, patience=0, num_workers=0, progress=False,
                time_limit_min=None if a.epochs else a.minutes, resume=False)
    rows = []
    for name in a.only or list(VARIANTS):
        change = {k: (int(v * crop) // 16 * 16 if k == "crop_size" else v) for k, v in VARIANTS[name].items()}
        cfg = TrainConfig(str(tr), str(va), out_dir=str(work / "runs" / name), **{**base, **change})
        cpu0 = time.process_time()
        res = train(cfg)
        cpu_s = time.process_time() - cpu0
        best = next(h for h in res.history if h["epoch"] == res.best_epoch)
        rows.append(dict(variant=name, change=change or "-", iou=best["val_mask_iou"], cpu_s=cpu_s,
                         female=best["val_female_iou"], male=best["val_male_iou"], recall=best["val_recall"],
                         epochs=len(res.history), iters=res.history[-1]["iters"], best_epoch=res.best_epoch,
                         stopped=res.stopped, train_s=res.train_time_s))
        r = rows[-1]
        print(f"{name}: IoU {r['iou']:.3f} female {r['female']:.3f} male {r['male']:.3f} recall {r['recall']:.3f} | "
              f"{r['iters']} iters, {r['epochs']} epochs, best {r['best_epoch']}, {r['stopped']}, {r['train_s']:.0f} s, "
              f"{r['cpu_s']:.0f} cpu s",
              flush=True)
    lines = [head, "", "| variant | change | val IoU | female IoU | male IoU | recall@0.5 | iters | epochs (best) | stopped "
             "| cpu s |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['variant']} | {r['change']} | {r['iou']:.3f} | {r['female']:.3f} | {r['male']:.3f} | "
                     f"{r['recall']:.3f} | {r['iters']} | {r['epochs']} ({r['best_epoch']}) | {r['stopped']} | "
                     f"{r['cpu_s']:.0f} |")
    seeds = [r for r in rows if r["variant"] in ("baseline", "baseline-seed1")]
    if len(seeds) == 2:
        lines.append(f"\nseed-to-seed spread of the baseline: IoU {abs(seeds[0]['iou'] - seeds[1]['iou']):.3f}, "
                     f"female {abs(seeds[0]['female'] - seeds[1]['female']):.3f}")
    lines.append(f"total {time.time() - t0:.0f} s")
    text = "\n".join(lines)
    print(text, flush=True)
    if a.out: atomic_write(a.out, text + "\n")

if __name__ == "__main__":
    main()
