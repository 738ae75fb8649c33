"""Evaluation figures, measured side by side in one run (issue 7: evaluate).

1. Boundary error of one fish pair at 1600x1200: `boundary_error` (the crop around the union box, decoded straight from
   the RLEs) vs decoding both full frames and then cropping, vs the contour distance on the full frames; interleaved,
   median of many runs; results must agree.
2. `evaluate` throughput at 1600x1200 on rig frames with 1-px eroded masks as predictions (every fish matched, so every
   boundary error is computed), and the share of that time spent in COCOeval.
Usage: python benchmarks/bench_evaluate.py [--reps 200] [--frames 40]
"""
import argparse, time, statistics
import numpy as np, cv2
from aquapose.core import decode_mask, rle_to_box, Detection, FrameSegmentation
from aquapose.synthetic import SyntheticRig, RigConfig
from aquapose.evaluate import boundary_error, contour_distance, evaluate, truth_frames, coco_mask_ap

def erode(rle):
    return cv2.erode(decode_mask(rle).astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)

def main():
    ap = argparse.ArgumentParser(); ap.add_argument("--reps", type=int, default=200); ap.add_argument("--frames", type=int, default=40)
    a = ap.parse_args()
    rig = SyntheticRig(RigConfig(n_cameras=13, frame_hw=(1200, 1600), seed=0))
    frames = [rig.render("cam00", t) for t in range(0, a.frames * 5, 5)]
    pairs = [(t.mask_rle, Detection.from_mask(erode(t.mask_rle)).mask_rle) for fr in frames for t in fr.truths if t.area_px > 2000]
    def decode_then_crop(pr, gt):
        b = np.concatenate([rle_to_box(pr), rle_to_box(gt)])
        x0, y0, x1, y1 = int(min(b[0], b[4])), int(min(b[1], b[5])), int(max(b[2], b[6])), int(max(b[3], b[7]))
        return contour_distance(decode_mask(pr)[y0:y1, x0:x1], decode_mask(gt)[y0:y1, x0:x1])
    crop_t, dec_t, full_t = [], [], []
    for i in range(a.reps):
        gt, pr = pairs[i % len(pairs)]
        t0 = time.perf_counter(); b1 = boundary_error(pr, gt); t1 = time.perf_counter()
        b2 = decode_then_crop(pr, gt); t2 = time.perf_counter()
        b3 = contour_distance(decode_mask(pr), decode_mask(gt)); t3 = time.perf_counter()
        assert abs(b1 - b2) < 1e-6 and abs(b1 - b3) < 1e-6, (b1, b2, b3)
        crop_t.append(t1 - t0); dec_t.append(t2 - t1); full_t.append(t3 - t2)
    mc, md, mf = (statistics.median(v) * 1e3 for v in (crop_t, dec_t, full_t))
    print(f"boundary error of one fish pair at 1600x1200: boundary_error {mc:.2f} ms | full decode then crop {md:.2f} ms "
          f"| full frame {mf:.2f} ms | ratios {md / mc:.1f}x, {mf / mc:.1f}x ({a.reps} interleaved reps over {len(pairs)} pairs, results identical)")

    preds = [FrameSegmentation([Detection.from_mask(erode(t.mask_rle)) for t in fr.truths], fr.frame_hw, fr.camera_id, fr.frame_index)
             for fr in frames]
    t0 = time.perf_counter(); rep = evaluate(preds, frames); dt = time.perf_counter() - t0
    truths = truth_frames(frames)
    t0 = time.perf_counter(); coco_mask_ap(preds, truths); dap = time.perf_counter() - t0
    print(f"evaluate at 1600x1200: {len(frames) / dt:.1f} frames/s ({rep.n_fish / len(frames):.2f} fish/frame, {len(frames)} frames, "
          f"{dt:.2f} s total, of which COCOeval {dap:.2f} s = {dap / dt:.0%}); boundary {rep.boundary_px:.3f} px, mean IoU {rep.mean_iou:.3f}")

if __name__ == "__main__": main()
