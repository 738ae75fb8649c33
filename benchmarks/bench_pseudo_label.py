"""Pseudo-label figures, measured in one run (issue: SAM2 pseudo-labels).

1. Mask accuracy on the synthetic rig at 1600x1200 (cameras cam00 and cam03, every 12th of 240 frames after warm-up):
   the one evaluator's mean mask IoU per ground-truth fish (its one-to-one partner's IoU, 0 without one), overall /
   female / male, and one-to-one recall at IoU 0.5, of the detector's raw masks and of the GrabCut fallback.
2. Speed of the SAM2 labeller (real sam2.1 modules; random weights unless --checkpoint is given) in frame mode divided
   by bare `set_image` + `predict` on the same frames and boxes, interleaved; and crop mode's cost per frame.
Usage: python benchmarks/bench_pseudo_label.py [--frames 240] [--speed-frames 6] [--variant tiny] [--checkpoint PATH]
"""
import argparse, statistics, time
import cv2, numpy as np, torch
from aquapose.synthetic import SyntheticRig, RigConfig
from aquapose.detect import MOG2Detector, DetectorConfig, run_on_rig
from aquapose.pseudo_label import SAMPseudoLabeler, PseudoLabelConfig
from aquapose.evaluate import evaluate, EvaluationConfig

def quality(labels, truth, min_area) -> dict:
    "mean mask IoU overall, female and male, and recall, of labels (FrameSegmentations or MotionDetections)."
    rep = evaluate(labels, truth, EvaluationConfig(match="mask", min_area_px=min_area, score_threshold=0.0, ap=False))
    return {"iou_all": rep.mean_iou, "iou_female": rep.group("sex", "female").mean_iou,
            "iou_male": rep.group("sex", "male").mean_iou, "recall": rep.recall, "n_fish": rep.n_fish}

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", type=int, default=240); ap.add_argument("--speed-frames", type=int, default=6)
    ap.add_argument("--variant", default="tiny"); ap.add_argument("--checkpoint", default=None)
    a = ap.parse_args()
    rig = SyntheticRig(RigConfig(n_cameras=13, frame_hw=(1200, 1600), seed=0))
    L = rig.config.scale * rig.config.fish_length_cm
    ev = list(run_on_rig(MOG2Detector(DetectorConfig(fish_length_px=L)), rig, ["cam00", "cam03"], a.frames))[::12]
    truth = [fr for _, fr in ev]
    raw = quality([d for d, _ in ev], truth, 0.05 * L * L)
    t0 = time.perf_counter()
    gc = SAMPseudoLabeler(PseudoLabelConfig(backend="grabcut"))
    gcq = quality(gc.label_frames([fr.image for fr in truth], [d for d, _ in ev]), truth, 0.05 * L * L)
    tg = (time.perf_counter() - t0) / len(ev)
    r = lambda q: ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in q.items())
    print(f"mask IoU vs ground truth, {len(ev)} frames of cam00+cam03 at 1600x1200:")
    print(f"  raw detector masks: {r(raw)}")
    print(f"  GrabCut fallback:   {r(gcq)}   ({tg:.2f} s/frame)")
    print(f"  GrabCut - raw: overall {gcq['iou_all'] - raw['iou_all']:+.3f}, female "
          f"{gcq['iou_female'] - raw['iou_female']:+.3f}, male {gcq['iou_male'] - raw['iou_male']:+.3f}")

    torch.set_num_threads(2)
    cfg = PseudoLabelConfig(variant=a.variant, checkpoint=a.checkpoint, random_init=a.checkpoint is None, device="cpu")
    lab = SAMPseudoLabeler(cfg)
    pred = lab.predictor
    sel = [(d, fr) for d, fr in ev if len(d)][: a.speed_frames]
    frames, dets = [fr.image for _, fr in sel], [d for d, _ in sel]
    lab.label_frames(frames[:1], dets[:1])                        # warm-up of torch kernels
    tb, tl, tc = [], [], []
    for f, d in zip(frames, dets):
        t0 = time.perf_counter()
        with torch.inference_mode():
            pred.set_image(cv2.cvtColor(f, cv2.COLOR_BGR2RGB))
            pred.predict(box=d.xyxy.astype(np.float32), multimask_output=False)
        t1 = time.perf_counter(); lab.label_frames([f], [d]); t2 = time.perf_counter()
        tb.append(t1 - t0); tl.append(t2 - t1)
    frame_source = cfg.source
    lab.config.image_mode = "crop"
    for f, d in zip(frames[:2], dets[:2]):
        t0 = time.perf_counter(); lab.label_frames([f], [d]); tc.append((time.perf_counter() - t0, len(d)))
    mb, ml = statistics.median(tb), statistics.median(tl)
    print(f"SAM2 {frame_source} on CPU, {len(frames)} frames, {np.mean([len(d) for d in dets]):.1f} boxes/frame (median s/frame):")
    print(f"  bare set_image + predict {mb:.2f} | our labeller, frame mode {ml:.2f} | ratio {ml / mb:.3f} (target <= 1.10)")
    print(f"  crop mode: {np.mean([t for t, _ in tc]):.2f} s/frame for {np.mean([n for _, n in tc]):.1f} boxes "
          f"({np.mean([t / n for t, n in tc]):.2f} s/box; {np.mean([t for t, _ in tc]) / ml:.1f}x frame mode)")

if __name__ == "__main__": main()
