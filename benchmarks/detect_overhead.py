"""Where the detector's time goes beyond bare MOG2 `apply` (issue 17, "keep the speed"), at full scale and at 0.5.

The speed target is detector / bare apply <= 1.10 at full scale and full / scale 0.5 >= 3 (`bench_detect.py` measures
those ratios side by side). This script says what the rest of the time is spent on, so that the cuts go where the
time is. On the cichlid look, cam00, 1600x1200, after `warm_up` from 20 frames spread over 9000, it feeds each frame
to bare cv2 MOG2 `apply` (a twin in the same state, `bench_detect.bare_twin`) and to our detector, taking turns at
going first, and times each of the detector's steps by wrapping the module's functions for the run (a wrapper adds
0.6 us a call, measured on an empty function: about 17 us on a frame of some 28 wrapped calls). It prints, per
frame: calls, microseconds a call and milliseconds a frame of each step, the detector's total and bare apply's, side
by side. A step's time includes the steps it calls (`_split_blob`
includes nothing listed below it; `foreground_to_detections` includes every `_`-step but `_prepare` and
`_learn_fish_area`).
Usage: python benchmarks/detect_overhead.py [--frames 150] [--scales 1,0.5]
"""
import argparse, os, statistics, sys, time
import numpy as np
sys.path.insert(0, os.path.dirname(__file__))
import aquapose.detect as D
from aquapose.synthetic import SyntheticRig, RigConfig
from bench_detect import bare_twin

STEPS = ["_prepare", "foreground_to_detections", "_cell_means", "_close_gaps", "_cell_blobs", "_merge_fragments",
         "_blob_pixels", "_split_blob", "_split_by_previous", "_side_by_side", "_full_resolution_crop",
         "_learn_fish_area"]

def timed(times:dict):
    "Wrap each step of `STEPS` in `aquapose.detect` (and `_prepare` on the class) so that its calls land in `times`."
    def wrap(f, name):
        def g(*a, **k):
            t0 = time.perf_counter(); r = f(*a, **k); times.setdefault(name, []).append(time.perf_counter() - t0)
            return r
        return g
    saved = {n: getattr(D, n) for n in STEPS if n != "_prepare"}
    for n, f in saved.items(): setattr(D, n, wrap(f, n))
    prep = D.MOG2Detector._prepare
    D.MOG2Detector._prepare = wrap(prep, "_prepare")
    def undo():
        for n, f in saved.items(): setattr(D, n, f)
        D.MOG2Detector._prepare = prep
    return undo

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--frames", type=int, default=150); ap.add_argument("--scales", default="1,0.5")
    a = ap.parse_args()
    rig = SyntheticRig(RigConfig(n_cameras=13, frame_hw=(1200, 1600), seed=0))
    L = rig.config.scale * rig.config.fish_length_cm
    frames = [rig.render("cam00", t).image for t in range(a.frames)]
    spread = [rig.render("cam00", int(t)).image for t in np.linspace(0, 8999, 20)]
    print(f"cichlid look, cam00, 1600x1200, fish length {L:.0f} px, {len(frames)} frames ({os.cpu_count()} CPUs)")
    for scale in (float(s) for s in a.scales.split(",")):
        cfg = D.DetectorConfig(fish_length_px=L, scale=scale)
        det = D.MOG2Detector(cfg); det.warm_up("cam00", spread)
        bare = bare_twin(D.DetectorConfig(fish_length_px=L), spread)   # bare apply on the raw frame, as bench_detect
        times, tb, td = {}, [], []
        undo = timed(times)
        try:
            runs = [(lambda f, i: bare.apply(f, learningRate=1 / cfg.history), tb),
                    (lambda f, i: det.detect(f, "cam00", i), td)]
            for i, f in enumerate(frames):
                for k in range(2):   # the two take turns at going first, as in bench_detect's speed part
                    run, wall = runs[(i + k) % 2]
                    t0 = time.perf_counter(); run(f, i); wall.append(time.perf_counter() - t0)
        finally: undo()
        n = len(frames)
        print(f"scale {scale:g}: mean ms/frame: bare apply (full frame) {np.mean(tb) * 1e3:.2f} (median "
              f"{statistics.median(tb) * 1e3:.2f}) | detector {np.mean(td) * 1e3:.2f} (median "
              f"{statistics.median(td) * 1e3:.2f}); detector / bare {np.mean(td) / np.mean(tb):.3f} "
              "(with the wrappers)")
        for name in STEPS:
            v = times.get(name, [])
            if v: print(f"  {name:26s} calls/frame {len(v) / n:5.1f}  us/call {np.mean(v) * 1e6:7.1f}  "
                        f"ms/frame {np.sum(v) * 1e3 / n:6.3f}")

if __name__ == "__main__": main()
