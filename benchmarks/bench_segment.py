"""Batch inference speed and memory, measured side by side in one run on this machine (CPU):

1. `segment_batch` time divided by a bare model forward on the same crops (target <= 1.20), R50-FPN-v2 at 256 px;
2. frames/s at 1600x1200 with 9 fish on the CPU, fp32 and bf16 autocast;
3. RSS growth over a 2000-frame `segment_stream` run of a video (tiny architecture, so that it runs in minutes;
   the pipeline around the model, which is what could leak, is the same).

    python benchmarks/bench_segment.py [--frames 8] [--stream-frames 2000]
"""
import argparse, gc, sys, tempfile, time
from pathlib import Path
import cv2
import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from aquapose.synthetic import SyntheticRig, RigConfig
from aquapose.detect import MOG2Detector, DetectorConfig
from aquapose.train import build_model
from aquapose.dataset import crop_origin, crop_frame
from aquapose.segment import MaskRCNNSegmentor, SegmentorConfig

def rss_mb() -> float:
    "Resident set size of this process, MB."
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"): return int(line.split()[1]) / 1024
    return float("nan")

def make_seg(model, rig, cam, amp=None, batch_crops=16):
    det = MOG2Detector(DetectorConfig(fish_length_px=rig.config.scale * rig.config.fish_length_cm))
    det.warm_up(cam, [rig.render(cam, t).image for t in range(0, 9000, 450)])
    return MaskRCNNSegmentor(model, det, SegmentorConfig(amp=amp, batch_crops=batch_crops), "cpu")

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--frames", type=int, default=8)
    ap.add_argument("--stream-frames", type=int, default=2000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--skip", default="", help="comma-separated parts to skip: 1 (also skips 2), 2, 3")
    a = ap.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, cpu")
    rig = SyntheticRig(RigConfig(n_cameras=13, seed=0))
    cam, t0 = "cam05", 2000
    frames = [rig.render(cam, t) for t in range(t0, t0 + a.frames)]
    print(f"{a.frames} frames of {cam} at 1600x1200, {np.mean([len(f.truths) for f in frames]):.1f} fish per frame")
    skip = a.skip.split(",")
    if "1" not in skip: part12(a, rig, cam, t0, frames)
    if "3" not in skip: part3(a, rig, cam, t0)

def part12(a, rig, cam, t0, frames):
    torch.manual_seed(0)
    model = build_model(None, crop_size=256).eval()
    stack = np.stack([f.image for f in frames])
    # 1. segment_batch vs bare forward on the same crops, same batches (bare, ours, bare).
    seg = make_seg(model, rig, cam)
    motion = make_seg(model, rig, cam).detector.detect_batch(stack, cam, t0)
    crops = [crop_frame(f, *crop_origin(((b[0] + b[2]) / 2, (b[1] + b[3]) / 2), 256, f.shape[:2]), 256) for f, m in zip(stack, motion) for b in m.xyxy]
    def bare():
        t = time.perf_counter()
        with torch.inference_mode():
            for s in range(0, len(crops), 16):
                model([torch.from_numpy(np.ascontiguousarray(c[..., ::-1])).permute(2, 0, 1).float().div_(255) for c in crops[s:s + 16]])
        return time.perf_counter() - t
    segs = [seg] + [make_seg(model, rig, cam) for _ in range(a.reps - 1)]   # segment_batch needs fresh frame indexes
    bares, oursl = [bare()], []
    for s_ in segs:                                          # interleaved: bare, ours, bare, ours, ..., bare
        t = time.perf_counter(); out = s_.segment_batch(stack, cam, t0); oursl.append(time.perf_counter() - t)
        bares.append(bare())
    ours, b = float(np.median(oursl)), float(np.median(bares))
    print(f"1. {len(crops)} crops: bare forward {', '.join(f'{x:.2f}' for x in bares)} s; segment_batch {', '.join(f'{x:.2f}' for x in oursl)} s "
          f"(detector, crops, paste-back, merging included; {sum(map(len, out))} detections kept)")
    print(f"   ratio of medians segment_batch / bare forward: {ours / b:.3f}  (target <= 1.20)")
    if "2" not in a.skip.split(","):                         # 2. frames/s, fp32 and bf16
        seg16 = make_seg(model, rig, cam, amp="bf16")
        t = time.perf_counter(); seg16.segment_batch(stack, cam, t0); t16 = time.perf_counter() - t
        print(f"2. frames/s at 1600x1200, ~9 fish, cpu: fp32 {a.frames / ours:.3f} | bf16 autocast {a.frames / t16:.3f}")

def part3(a, rig, cam, t0):
    "3. RSS over a long stream (tiny architecture), reading a video file; RSS after 200, half and all frames."
    tmp = Path(tempfile.mkdtemp())
    base = [rig.render(cam, t).image for t in range(t0, t0 + 100)]
    vw = cv2.VideoWriter(str(tmp / "clip.avi"), cv2.VideoWriter_fourcc(*"MJPG"), 30, (1600, 1200))
    for i in range(a.stream_frames): vw.write(base[i % len(base)])
    vw.release(); del base
    tiny = build_model(None, crop_size=256, arch="tiny").eval()
    s3 = MaskRCNNSegmentor(tiny, MOG2Detector(DetectorConfig(fish_length_px=140)), SegmentorConfig(), "cpu")
    s3.segment_stream(tmp / "clip.avi", cam, tmp / "out", stop=200, progress=False)     # warm: allocator pools, caches
    gc.collect(); r0 = rss_mb(); t = time.perf_counter()
    half = (200 + a.stream_frames) // 2
    s3.segment_stream(tmp / "clip.avi", cam, tmp / "out", stop=half, progress=False)     # resumes after frame 199
    gc.collect(); rh = rss_mb()
    s3.segment_stream(tmp / "clip.avi", cam, tmp / "out", progress=False)                # resumes after the half
    gc.collect(); r1 = rss_mb()
    n = a.stream_frames - 200
    print(f"3. segment_stream over frames 200..{a.stream_frames} of a 1600x1200 video ({n / (time.perf_counter() - t):.1f} frames/s, tiny model): "
          f"RSS {r0:.0f} MB -> {rh:.0f} MB (frame {half}) -> {r1:.0f} MB, growth {r1 - r0:+.1f} MB (target <= 50 MB); "
          f"store {(tmp / 'out' / (cam + '.jsonl')).stat().st_size / 1e6:.1f} MB")

if __name__ == "__main__":
    main()
