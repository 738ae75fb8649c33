"""Cluster engine figures (issue 14: detect, label and segment fanned out over Ray), measured side by side in one run.

Project: `--cameras` cameras x `--frames` frames of the synthetic rig at `--hw` (default 4 x 480 at 300x400, five
fish), written as MPEG-4 video into a temporary folder. CPU only; segmentation uses a random-init tiny Mask R-CNN
(64 px crops, proposals cut to 50/10, 3 detections per crop) in one `ModelServer` actor.

1. Throughput (records/s of wall time) of `detect_chunks` and `segment_chunks`: one process (serial mode, the same
   chunks one after the other), then Ray with 1 worker and with 2 workers (`ray.init(num_cpus=N)`, started apart and
   left out of the throughput; each Ray mode first runs once untimed so that its worker processes have imported
   aquapose). Scaling efficiency = throughput(2 workers) / (2 x throughput(1 worker)).
2. Ray's overhead per chunk: the wall time of the 1-worker run less the time the chunks took (as each worker timed
   them), per chunk; beside it the round trip of an empty Ray task, the start of a model server actor, and the
   chunk's own fixed work (its warm-up: 20 seeks, the median, priming MOG2) timed in one process. The chunk length
   at which Ray's overhead falls under 5% of a chunk's work:
   L = (overhead / 0.05 - fixed work) / (work per frame), at this resolution and at 1600x1200.
3. Per-stage CPU costs at the real resolution (1600x1200, `--full-frames` frames, one core): decode, MOG2 detection
   (decode excluded), and a chunk's warm-up.
The machine is shared (the load average is printed): wall times include waiting for a busy CPU.
Usage: python benchmarks/bench_cluster.py [--cameras 4] [--frames 480] [--hw 300,400] [--chunk 60]
       [--seg-frames 96] [--seg-chunk 24] [--full-frames 40] [--skip full]
"""
import argparse, functools, os, shutil, sys, tempfile, time
from pathlib import Path
import cv2, numpy as np, torch
from aquapose.synthetic import SyntheticRig, RigConfig
from aquapose.detect import DetectorConfig, MOG2Detector
from aquapose.io import FrameSource
from aquapose.segment import MaskRCNNSegmentor, SegmentorConfig
from aquapose.train import build_model
from aquapose.cluster import CameraJob, Chunking, ModelServer, detect_chunks, segment_chunks, _maskrcnn_runner

def load() -> str: return "load %.1f" % os.getloadavg()[0]

def write_videos(rig, cams, n, folder:Path, hw):
    folder.mkdir(parents=True, exist_ok=True)
    for c in cams:
        vw = cv2.VideoWriter(str(folder / f"{c}.mp4"), cv2.VideoWriter_fourcc(*"mp4v"), 30, (hw[1], hw[0]))
        for fr in rig.stream(c, 0, n): vw.write(fr.image)
        vw.release()

def jobs(folder:Path, cams, n, run:str) -> list:
    shutil.rmtree(folder / run, ignore_errors=True)
    return [CameraJob(c, str(folder / f"{c}.mp4"), n, folder / run / f"{c}.jsonl") for c in cams]

def tiny_segmentor(det_cfg):
    torch.manual_seed(0)
    m = build_model(None, crop_size=64, arch="tiny")
    m.rpn._pre_nms_top_n["testing"], m.rpn._post_nms_top_n["testing"], m.roi_heads.detections_per_img = 50, 10, 3
    return MaskRCNNSegmentor(m, det_cfg, SegmentorConfig(), "cpu")

def fixed_chunk_work(src_path, n_frames, det_cfg, reps=3) -> float:
    "Seconds of a chunk's warm-up in one process: read the 20 warm-up frames (seeking), the median, priming MOG2."
    ch, out = Chunking(), []
    for k in range(reps):
        t = time.perf_counter()
        idx = ch.warmup_indexes(0, min(n_frames, ch.chunk_frames), n_frames)
        MOG2Detector(det_cfg).warm_up("c", FrameSource(src_path).read(idx))
        out.append(time.perf_counter() - t)
    return float(np.median(out))

def noop_roundtrip(ray, n=200) -> float:
    "Median seconds of submitting an empty task and getting its result."
    f = ray.remote(num_cpus=1)(lambda x: x)
    ray.get(f.remote(0))
    ts = []
    for _ in range(n):
        t = time.perf_counter(); ray.get(f.remote(0)); ts.append(time.perf_counter() - t)
    return float(np.median(ts))

def full_resolution(n:int, det_cfg_full) -> dict:
    "Decode and detection ms/frame at 1600x1200 (one core), and a chunk's warm-up in seconds."
    rig = SyntheticRig(RigConfig(seed=0))
    d = Path(tempfile.mkdtemp())
    write_videos(rig, ["cam00"], n, d, (1200, 1600))
    src = FrameSource(str(d / "cam00.mp4"))
    t = time.perf_counter(); frames = [f for _, f in src.frames()]; dec = (time.perf_counter() - t) / n
    det = MOG2Detector(det_cfg_full)
    det.warm_up("cam00", frames[::max(1, n // 20)])
    t = time.perf_counter()
    for i, f in enumerate(frames): det.detect(f, "cam00", i)
    detect = (time.perf_counter() - t) / n
    warm = fixed_chunk_work(str(d / "cam00.mp4"), n, det_cfg_full)
    shutil.rmtree(d)
    return {"decode_ms": 1000 * dec, "detect_ms": 1000 * detect, "warmup_s": warm}

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cameras", type=int, default=4); ap.add_argument("--frames", type=int, default=480)
    ap.add_argument("--hw", default="300,400"); ap.add_argument("--chunk", type=int, default=60)
    ap.add_argument("--seg-frames", type=int, default=96); ap.add_argument("--seg-chunk", type=int, default=24)
    ap.add_argument("--full-frames", type=int, default=40); ap.add_argument("--skip", default="")
    a = ap.parse_args()
    skip = set(a.skip.split(",")) - {""}
    torch.set_num_threads(1); cv2.setNumThreads(1)      # one process = one core, as a Ray task of num_cpus=1 gets
    hw = tuple(int(v) for v in a.hw.split(","))
    rig = SyntheticRig(RigConfig(frame_hw=hw, seed=0, n_males=2, n_females=2, n_dark_females=1))
    L = rig.config.scale * rig.config.fish_length_cm
    cams = [f"cam{k:02d}" for k in range(a.cameras)]
    folder = Path(tempfile.mkdtemp())
    t = time.perf_counter(); write_videos(rig, cams, a.frames, folder, hw)
    print(f"# project: {a.cameras} cameras x {a.frames} frames at {hw[1]}x{hw[0]}, 5 fish, written in "
          f"{time.perf_counter() - t:.0f} s; {os.cpu_count()} CPUs; {load()}")
    det_cfg, seg = DetectorConfig(fish_length_px=L), tiny_segmentor(DetectorConfig(fish_length_px=L))
    n_det_chunks = a.cameras * len(Chunking(a.chunk).ranges(a.frames))
    n_seg_chunks = a.cameras * len(Chunking(a.seg_chunk).ranges(a.seg_frames))
    stages = {"detect": (lambda run, **kw: detect_chunks(jobs(folder, cams, a.frames, run), det_cfg,
                                                         chunk_frames=a.chunk, **kw), n_det_chunks),
              "segment": (lambda run, **kw: segment_chunks(jobs(folder, cams, a.seg_frames, run), seg,
                                                           chunk_frames=a.seg_chunk, **kw), n_seg_chunks)}
    res = {s: {} for s in stages}
    for s, (fn, n) in stages.items():
        r = fn(f"{s}_serial")
        res[s]["serial"] = r
        print(f"{s}, one process: {r.records} records in {r.seconds:.2f} s = {r.frames_per_s:.1f}/s "
              f"({n} chunks; {load()})")
    import ray
    rt = {}
    for w in (1, 2):
        t = time.perf_counter(); ray.init(num_cpus=w, include_dashboard=False, log_to_driver=False)
        print(f"ray.init(num_cpus={w}): {time.perf_counter() - t:.1f} s")
        if w == 1:
            rt["noop"] = noop_roundtrip(ray)
            t = time.perf_counter()
            srv = ray.remote(ModelServer).options(num_cpus=0).remote(functools.partial(
                _maskrcnn_runner, seg.model, None, 0.1, 0.5, 8))
            ray.get(srv.stats.remote()); rt["server_start"] = time.perf_counter() - t; ray.kill(srv)
        for s, (fn, n) in stages.items():
            fn(f"{s}_warm", workers=w)                       # untimed: the workers import aquapose
            r = fn(f"{s}_ray{w}", workers=w)
            res[s][f"ray{w}"] = r
            print(f"{s}, Ray {w} worker(s): {r.records} records in {r.seconds:.2f} s = {r.frames_per_s:.1f}/s "
                  f"({load()})" + (f"; server {r.server}" if r.server else ""))
        ray.shutdown()
    print("\n# throughput (records/s of wall time) and scaling")
    for s in stages:
        f = {k: v.frames_per_s for k, v in res[s].items()}
        print(f"{s}: one process {f['serial']:.1f} | Ray 1 worker {f['ray1']:.1f} | Ray 2 workers {f['ray2']:.1f} | "
              f"speed-up 2 vs 1 worker {f['ray2'] / f['ray1']:.2f}x, scaling efficiency "
              f"{f['ray2'] / (2 * f['ray1']):.0%}; Ray 2 workers vs one process {f['ray2'] / f['serial']:.2f}x")
    print("\n# Ray's overhead per chunk: wall time of the 1-worker run less the chunks' own time (as each worker timed "
          "it), per chunk; no model server in detect")
    d_ser, d_ray = res["detect"]["serial"], res["detect"]["ray1"]
    over = (d_ray.seconds - sum(d_ray.chunk_seconds)) / len(d_ray.chunk_seconds)
    fixed = fixed_chunk_work(str(folder / "cam00.mp4"), a.frames, det_cfg)
    per_frame = (sum(d_ser.chunk_seconds) - n_det_chunks * fixed) / d_ser.records
    print(f"detect: wall per chunk {d_ray.seconds / n_det_chunks * 1000:.1f} ms, of which in the chunk "
          f"{np.mean(d_ray.chunk_seconds) * 1000:.1f} ms -> Ray overhead {over * 1000:.1f} ms/chunk (one process: "
          f"{(d_ser.seconds - sum(d_ser.chunk_seconds)) / n_det_chunks * 1000:.1f} ms/chunk outside chunks); "
          f"empty Ray task round trip {rt['noop'] * 1000:.2f} ms")
    s_ser, s_ray = res["segment"]["serial"], res["segment"]["ray1"]
    busy = sum(x["busy_s"] for x in s_ray.server)
    print(f"segment: chunk time, one process {np.mean(s_ser.chunk_seconds):.2f} s, Ray 1 worker "
          f"{np.mean(s_ray.chunk_seconds):.2f} s (its crops through the model server; a task waiting on the server "
          f"frees its CPU, so chunks overlap); the server was busy {busy:.1f} s of the run's {s_ray.seconds:.1f} s "
          f"({s_ray.server[0]['items']} crops in {s_ray.server[0]['passes']} passes); a model server actor starts and "
          f"answers in {rt['server_start']:.1f} s (a new process importing torch: once per run and server)")
    print(f"chunk's own fixed work (warm-up) {fixed * 1000:.1f} ms; work per frame {per_frame * 1000:.2f} ms at "
          f"{hw[1]}x{hw[0]}")
    def l5(per_frame_s, fixed_s):
        return max(1, int(np.ceil((max(over, 0) / 0.05 - fixed_s) / per_frame_s))) if over > 0 else 1
    print(f"Ray overhead < 5% of a chunk's work from {l5(per_frame, fixed)} frames per chunk at {hw[1]}x{hw[0]}")
    if "full" not in skip:
        full = full_resolution(a.full_frames, DetectorConfig(fish_length_px=140.0))
        pf = (full["decode_ms"] + full["detect_ms"]) / 1000
        print(f"\n# 1600x1200, {a.full_frames} frames, one core ({load()}): decode {full['decode_ms']:.1f} ms/frame, "
              f"MOG2 detect {full['detect_ms']:.1f} ms/frame, chunk warm-up {full['warmup_s'] * 1000:.0f} ms")
        print(f"Ray overhead < 5% of a chunk's work (decode + detect) from {l5(pf, full['warmup_s'])} frames per chunk "
              f"at 1600x1200; a chunk of 900 frames: warm-up {full['warmup_s'] / (900 * pf + full['warmup_s']):.1%} "
              f"of its work, Ray overhead {max(over, 0) / (900 * pf + full['warmup_s']):.2%}")
    shutil.rmtree(folder)

if __name__ == "__main__":
    sys.exit(main())
