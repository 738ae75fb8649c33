"""Train the real Mask R-CNN (R50-FPN-v2, random init: no weights can be downloaded here) on a synthetic-rig dataset of
at least 1000 crops, then evaluate `MaskRCNNSegmentor` on full 1600x1200 frames of held-out cameras.

Prints: the dataset sizes, the training time, the best validation mask IoU on crops (overall and female), and the
full-frame evaluation table (recall, precision, mean mask IoU, female IoU, boundary error, mask AP).

    python benchmarks/train_gpu.py --out bench_out/train_gpu --minutes 5        # a GPU machine
    python benchmarks/train_gpu.py --out /tmp/smoke --smoke                     # CPU dry run of every step (tiny model)
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
from aquapose.evaluate import evaluate

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
    a = ap.parse_args()
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    torch.backends.cuda.matmul.allow_tf32 = True; torch.backends.cudnn.allow_tf32 = True
    print("device:", torch.cuda.get_device_name(0) if dev == "cuda" else "cpu", "| torch", torch.__version__, flush=True)
    if a.smoke:
        rig_cfg = dict(n_cameras=13, frame_hw=(300, 400), seed=0)
        train_cams, val_cams, n_tr, n_val, n_eval = ["cam00", "cam01"], ["cam11"], 200, 200, 12
        arch, crop, pretrained, batch = "tiny", 64, None, 4
    else:
        rig_cfg = dict(n_cameras=13, seed=0)
        train_cams = [f"cam{i:02d}" for i in range(9)]
        val_cams, n_tr, n_val, n_eval = ["cam09", "cam11", "cam12"], 3000, 3000, 60
        arch, crop, pretrained, batch = "r50_fpn_v2", 256, None, 8
    rig = SyntheticRig(RigConfig(**rig_cfg))
    data = out / "data"
    tr = merged_coco(rig_cfg, train_cams, n_tr, 100 if not a.smoke else 40, data, "train", a.procs)
    va = merged_coco(rig_cfg, val_cams, n_val, 100 if not a.smoke else 40, data, "val", a.procs)
    ntr_crops = len(json.loads(tr.read_text())["annotations"]); nva_crops = len(json.loads(va.read_text())["annotations"])
    print(f"data: {ntr_crops} training fish crops ({len(train_cams)} cameras), {nva_crops} validation fish crops "
          f"({len(val_cams)} held-out cameras); rendered in {time.time() - t0:.0f} s", flush=True)

    cfg = TrainConfig(str(tr), str(va), out_dir=str(out / "run"), pretrained=pretrained, arch=arch, crop_size=crop,
                      batch_size=batch, lr=0.02, warmup_iters=100 if a.smoke else 300, epochs=1, patience=0,
                      num_workers=min(12, a.procs), device=dev, progress=False, resume=True)
    t_train = time.time()
    r1 = train(cfg)
    per_epoch = r1.history[-1]["epoch_s"]
    budget = 60 * a.minutes if not a.smoke else 30
    epochs = max(2, min(80, int(budget / per_epoch)))
    print(f"first epoch {per_epoch:.1f} s -> {epochs} epochs in the budget", flush=True)
    cfg = TrainConfig.from_dict({**cfg.__dict__, "epochs": epochs, "time_limit_min": a.minutes + 1.5})
    res = train(cfg)                                  # resumes after epoch 1, with more epochs
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
    eval_cams = val_cams                                            # frames 4000+: after every validation frame
    for cam in eval_cams:
        seg.detector.warm_up(cam, [rig.render(cam, t).image for t in range(0, 9000, 450)])
        frames = [rig.render(cam, t) for t in range(4000, 4000 + n_eval)]
        for s in range(0, len(frames), 8):
            chunk = frames[s:s + 8]
            if dev == "cuda": torch.cuda.synchronize()
            t = time.time()
            preds += seg.segment_batch(np.stack([f.image for f in chunk]), cam, chunk[0].frame_index)
            if dev == "cuda": torch.cuda.synchronize()
            t_seg += time.time() - t; n_frames += len(chunk)
        truths += frames
    L = rig.config.scale * rig.config.fish_length_cm
    rep = evaluate(preds, truths, min_area_px=0.05 * L * L)
    print(f"full-frame evaluation: {n_frames} frames of {eval_cams} at {rig.config.frame_hw[1]}x{rig.config.frame_hw[0]}, "
          f"segment_batch {n_frames / t_seg:.1f} frames/s on {dev} (fp32)", flush=True)
    print(rep.to_markdown(), flush=True)
    rep.save(out / "evaluation.json")
    for f in ("log.csv", "log.json"): (out / f).write_bytes((out / "run" / f).read_bytes())
    print(f"total {time.time() - t0:.0f} s", flush=True)

if __name__ == "__main__":
    main()
