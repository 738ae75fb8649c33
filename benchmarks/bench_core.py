"""Core figures, measured side by side in one run (issue: foundation).

1. Pasting a 256x256 crop mask into a 1600x1200 frame RLE: `paste_mask` vs the naive full-frame
   `np.asfortranarray` + pycocotools encode, interleaved, median of many runs.
2. Synthetic rig rendering speed at 1600x1200 with 9 fish (ground truth included).
Usage: python benchmarks/bench_core.py [--reps 300] [--frames 120]
"""
import argparse, time, statistics
import numpy as np, cv2
from pycocotools import mask as mask_utils
from aquapose.core import paste_mask
from aquapose.synthetic import SyntheticRig, RigConfig

def naive_paste(crop, xy, hw):
    full = np.zeros(hw, np.uint8)
    x, y = xy
    full[y:y + crop.shape[0], x:x + crop.shape[1]] = crop
    rle = mask_utils.encode(np.asfortranarray(full))
    rle["counts"] = rle["counts"].decode("ascii")
    return rle

def main():
    ap = argparse.ArgumentParser(); ap.add_argument("--reps", type=int, default=300); ap.add_argument("--frames", type=int, default=120)
    a = ap.parse_args()
    crop = np.zeros((256, 256), np.uint8)
    cv2.ellipse(crop, (128, 128), (75, 22), 30, 0, 360, 1, -1)   # a fish-sized mask: ~150x100 px box
    hw, rng = (1200, 1600), np.random.default_rng(0)
    fast, slow = [], []
    for i in range(a.reps):
        xy = (int(rng.integers(0, hw[1] - 256)), int(rng.integers(0, hw[0] - 256)))
        t0 = time.perf_counter(); r1 = paste_mask(crop, xy, hw); t1 = time.perf_counter()
        r2 = naive_paste(crop, xy, hw); t2 = time.perf_counter()
        assert r1 == r2, "paste_mask disagrees with the naive paste"
        fast.append(t1 - t0); slow.append(t2 - t1)
    mf, ms = statistics.median(fast) * 1e3, statistics.median(slow) * 1e3
    print(f"paste 256x256 crop into 1600x1200 RLE: paste_mask median {mf:.3f} ms | naive full-frame encode median {ms:.3f} ms "
          f"| ratio naive/paste_mask {ms / mf:.1f}x  ({a.reps} interleaved reps, results identical)")

    rig = SyntheticRig(RigConfig(n_cameras=13, frame_hw=(1200, 1600), seed=0))
    rig.render("cam00", 0)                                           # builds the camera's floor once
    n_fish, t0 = 0, time.perf_counter()
    for t in range(1, a.frames + 1): n_fish += len(rig.render("cam00", t).truths)
    dt = time.perf_counter() - t0
    print(f"synthetic rig at 1600x1200, 9 fish in the tank: {a.frames / dt:.1f} frames/s "
          f"({n_fish / a.frames:.2f} visible fish/frame on cam00, ground truth RLEs included, {a.frames} frames)")

if __name__ == "__main__": main()
