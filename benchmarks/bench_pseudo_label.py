"""Pseudo-label figures, measured in one run (issues: SAM2 pseudo-labels; 17, a fallback that beats a trivial baseline).

1. Mask accuracy of the no-weights labels on every look of the synthetic rig (`LOOKS`), side by side on the same
   frames and detector boxes: the detector's raw masks; the baseline, Otsu's threshold on |frame - background| in each
   box (`otsu_difference_mask`); GrabCut on the frame (the fallback before backgrounds, `use_background=False`); the
   background matte (`backend="grabcut"` with `set_background`), on the warm-up median and on MOG2's own background
   image (`MOG2Detector.background`, taken when the frame is labelled); and a ceiling: each box given the true mask of
   the fish its detector mask overlaps most, which no labeller of these boxes can beat.
   Per method: mean mask IoU from the one evaluator (`evaluate(..., EvaluationConfig(match="mask"))`, one-to-one,
   misses count 0), overall and for females; the pixel IoU pooled over the matched fish, overall and females; and
   ms per fish, measured in this run.
2. Speed of the SAM2 labeller (real sam2.1 modules; random weights unless --checkpoint is given) in frame mode divided
   by bare `set_image` + `predict` on the same frames and boxes, interleaved; and crop mode's cost per frame (--sam).
Usage: python benchmarks/bench_pseudo_label.py [--frames 240] [--every 8] [--hw 900x1200] [--looks cichlid,...]
       [--out benchmarks/results/bench_pseudo_label_cpu.txt] [--sam] [--speed-frames 6] [--variant tiny] [--checkpoint PATH]
"""
import argparse, statistics, sys, time
import cv2, numpy as np
from aquapose.synthetic import SyntheticRig, RigConfig, LOOKS
from aquapose.detect import MOG2Detector, DetectorConfig
from aquapose.pseudo_label import SAMPseudoLabeler, PseudoLabelConfig, otsu_difference_mask
from aquapose.core import Detection, FrameSegmentation, paste_mask, rle_area, decode_window
from aquapose.evaluate import evaluate, EvaluationConfig

def quality(labels, truth, min_area) -> dict:
    "Mean mask IoU overall and female, pooled pixel IoU of matched fish overall and female, recall, fish counted."
    rep = evaluate(labels, truth, EvaluationConfig(match="mask", min_area_px=min_area, score_threshold=0.0, ap=False))
    def pooled(fish):
        inter = union = 0.0
        for r in fish:
            if r.ignored or not r.matched: continue
            a, b = r.area_px, rle_area(r.pred_rle)
            i = r.iou * (a + b) / (1 + r.iou)                     # from IoU = i / (a + b - i)
            inter, union = inter + i, union + a + b - i
        return inter / max(union, 1.0)
    return {"iou": rep.mean_iou, "iou_female": rep.group("sex", "female").mean_iou, "pix": pooled(rep.fish),
            "pix_female": pooled([r for r in rep.fish if r.sex == "female"]), "recall": rep.recall, "n_fish": rep.n_fish}

def by_box(dets, frames, mask_of) -> tuple:
    "FrameSegmentations with `mask_of(frame, d, j)` (crop-local) for each box, and ms per box."
    out, t, n = [], 0.0, 0
    for d, fr in zip(dets, frames):
        t0 = time.perf_counter()
        boxes = d.xyxy.astype(int)
        ms = [mask_of(fr, d, j) for j in range(len(d))]
        t, n = t + time.perf_counter() - t0, n + len(d)
        out.append(FrameSegmentation([Detection(b, paste_mask(m, b[:2], d.frame_hw), 1.0) for b, m in zip(boxes, ms)],
                                     d.frame_hw, d.camera_id, d.frame_index, source="benchmark"))
    return out, 1000 * t / max(n, 1)

def ceiling_mask(fr, d, j):
    "The true mask (in the box) of the fish that box j's detector mask overlaps most."
    b = d.xyxy[j].astype(int)
    best, mask = -1, np.zeros_like(d.masks[j])
    for t in fr.truths:
        w = decode_window(t.mask_rle, b)
        ov = int((w & d.masks[j]).sum())
        if ov > best: best, mask = ov, w
    return mask

def timed(lab, frames, dets):
    t0 = time.perf_counter(); out = lab.label_frames(frames, dets)
    return out, 1000 * (time.perf_counter() - t0) / max(sum(len(d) for d in dets), 1)

def one_look(name, a) -> list:
    hw = tuple(int(v) for v in a.hw.split("x"))
    rig = SyntheticRig(RigConfig.look(name, n_cameras=13, frame_hw=hw, seed=0))
    L = rig.config.scale * rig.config.fish_length_cm
    det = MOG2Detector(DetectorConfig(fish_length_px=L))
    median_bg, dets, frames, mog2_now = {}, [], [], []
    for cam in a.cameras.split(","):
        median_bg[cam] = det.warm_up(cam, [rig.render(cam, int(t)).image for t in np.linspace(0, 8999, 20)])
        for fr in rig.stream(cam, 0, a.frames):
            d = det.detect(fr.image, cam, fr.frame_index)
            if fr.frame_index % a.every == a.every - 1:
                dets.append(d); frames.append(fr); mog2_now.append(det.background(cam))
    images, mn = [fr.image for fr in frames], 0.05 * L * L
    rows = [("raw detector masks", quality(dets, frames, mn), 0.0)]
    otsu, t_otsu = by_box(dets, frames, lambda fr, d, j: otsu_difference_mask(fr.image, median_bg[d.camera_id], d.xyxy[j].astype(int)))
    rows.append(("Otsu |frame-bg| in box (baseline)", quality(otsu, frames, mn), t_otsu))
    old, t_old = timed(SAMPseudoLabeler(PseudoLabelConfig(backend="grabcut", use_background=False)), images, dets)
    rows.append(("GrabCut on the frame (old)", quality(old, frames, mn), t_old))
    lab = SAMPseudoLabeler(PseudoLabelConfig(backend="grabcut"))
    for cam, bg in median_bg.items(): lab.set_background(cam, bg)
    new, t_new = timed(lab, images, dets)
    assert all(p.source == "grabcut-background" for p in new)
    rows.append(("background matte, median bg (new)", quality(new, frames, mn), t_new))
    mog, t_mog = [], []
    for img, d, bg in zip(images, dets, mog2_now):           # MOG2's background as it stands at that frame
        lab.set_background(d.camera_id, bg)
        p, t = timed(lab, [img], [d]); mog.append(p[0]); t_mog.append(t * len(d))
    rows.append(("background matte, MOG2 bg", quality(mog, frames, mn), sum(t_mog) / max(sum(len(d) for d in dets), 1)))
    ceil, _ = by_box(dets, frames, ceiling_mask)
    rows.append(("ceiling: true mask per box", quality(ceil, frames, mn), 0.0))
    return rows, len(frames), L

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", type=int, default=240); ap.add_argument("--every", type=int, default=8)
    ap.add_argument("--hw", default="900x1200"); ap.add_argument("--cameras", default="cam00,cam03")
    ap.add_argument("--looks", default=",".join(LOOKS)); ap.add_argument("--out", default=None)
    ap.add_argument("--sam", action="store_true"); ap.add_argument("--speed-frames", type=int, default=6)
    ap.add_argument("--variant", default="tiny"); ap.add_argument("--checkpoint", default=None)
    a = ap.parse_args()
    lines = []
    def say(s=""): print(s, flush=True); lines.append(s)
    say(f"$ python benchmarks/bench_pseudo_label.py {' '.join(sys.argv[1:])}")
    say(f"no-weights pseudo-labels vs ground truth; rig looks at {a.hw} (h x w), cameras {a.cameras}, every "
        f"{a.every}th of frames 0-{a.frames - 1} after a 20-frame warm-up; one-to-one mask matching, misses count 0")
    for name in a.looks.split(","):
        rows, n_frames, L = one_look(name, a)
        say(f"\n{name} ({n_frames} frames, {rows[0][1]['n_fish']} fish counted, fish {L:.0f} px long):")
        say(f"  {'method':36s} {'meanIoU':>7s} {'female':>7s} {'pixIoU':>7s} {'pix fem':>7s} {'recall':>6s} {'ms/fish':>8s}")
        for label, q, ms in rows:
            say(f"  {label:36s} {q['iou']:7.3f} {q['iou_female']:7.3f} {q['pix']:7.3f} {q['pix_female']:7.3f} "
                f"{q['recall']:6.3f} {ms:8.1f}")
        base, new = rows[1][1], rows[3][1]
        say(f"  new - baseline: mean IoU {new['iou'] - base['iou']:+.3f}, female {new['iou_female'] - base['iou_female']:+.3f} "
            f"(target >= +0.05); ceiling - baseline {rows[-1][1]['iou'] - base['iou']:+.3f}")
    if a.out:
        from aquapose.core import atomic_write
        atomic_write(a.out, "\n".join(lines) + "\n")
    if a.sam: sam_speed(a)

def sam_speed(a):
    import torch
    torch.set_num_threads(2)
    rig = SyntheticRig(RigConfig(n_cameras=13, frame_hw=(1200, 1600), seed=0))
    L = rig.config.scale * rig.config.fish_length_cm
    det = MOG2Detector(DetectorConfig(fish_length_px=L))
    det.warm_up("cam00", [rig.render("cam00", int(t)).image for t in np.linspace(0, 8999, 20)])
    ev = [(det.detect(fr.image, "cam00", fr.frame_index), fr) for fr in rig.stream("cam00", 0, 120)][::12]
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
