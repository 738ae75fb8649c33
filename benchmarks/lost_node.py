"""A node lost in the middle of a cluster run (issue 14): detection, then segmentation, over a two-node Ray cluster
made on this machine with `ray.cluster_utils.Cluster` (a head node of 1 CPU and a worker node of 1 CPU, each its own
raylet). As soon as the first chunk file is on disk the worker node is removed, which kills its raylet and every
worker process and actor on it, as a crashed machine would. The run goes on with the head node alone; Ray retries
the tasks that were on the lost node (and, for segmentation, restarts the model server elsewhere when it was there).
Printed: whether the run finished, every frame's record exactly once, and equal to the one-process run of the same
chunks.

    .venv/bin/python benchmarks/lost_node.py [--frames 120] [--chunk 20]
"""
import argparse, shutil, tempfile, threading, time
from pathlib import Path
import cv2, torch
from aquapose.synthetic import SyntheticRig, RigConfig
from aquapose.detect import DetectorConfig
from aquapose.io import read_store
from aquapose.segment import MaskRCNNSegmentor, SegmentorConfig
from aquapose.train import build_model
from aquapose.cluster import CameraJob, detect_chunks, segment_chunks

ap = argparse.ArgumentParser()
ap.add_argument("--frames", type=int, default=120)
ap.add_argument("--chunk", type=int, default=20)
a = ap.parse_args()
d = Path(tempfile.mkdtemp(prefix="aq-lost-"))
rig = SyntheticRig(RigConfig(frame_hw=(300, 400), n_males=2, n_females=2, n_dark_females=1, seed=2))
cams = ("cam00", "cam05")
for c in cams:
    vw = cv2.VideoWriter(str(d / f"{c}.mp4"), cv2.VideoWriter_fourcc(*"mp4v"), 30, (400, 300))
    for fr in rig.stream(c, 0, a.frames * 10, 10): vw.write(fr.image)
    vw.release()
det_cfg = DetectorConfig(fish_length_px=rig.config.scale * rig.config.fish_length_cm)

def jobs(run, stage):
    return [CameraJob(c, str(d / f"{c}.mp4"), a.frames, d / run / f"{c}.{stage}.jsonl",
                      detections=d / run.replace("seg", "det") / f"{c}.det.jsonl") for c in cams]
def stores(run, stage):
    return {c: read_store(d / run / f"{c}.{stage}.jsonl") for c in cams}
def once(run, stage):
    idx = [r["frame_index"] for c in cams for r in read_store(d / run / f"{c}.{stage}.jsonl")[1]]
    return len(idx) == len(cams) * a.frames and len(set(zip(idx, [c for c in cams for _ in range(a.frames)]))) == len(idx)

torch.manual_seed(0)
m = build_model(None, crop_size=64, arch="tiny")
m.rpn._pre_nms_top_n["testing"], m.rpn._post_nms_top_n["testing"], m.roi_heads.detections_per_img = 50, 10, 3
seg = MaskRCNNSegmentor(m, det_cfg, SegmentorConfig(), "cpu")
t = time.perf_counter()
detect_chunks(jobs("det_serial", "det"), det_cfg, chunk_frames=a.chunk)
segment_chunks(jobs("seg_serial", "seg"), seg, chunk_frames=a.chunk)
print(f"one process: detect + segment of {len(cams)} cameras x {a.frames} frames in {time.perf_counter() - t:.1f} s")

from ray.cluster_utils import Cluster
import ray
cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
node = cluster.add_node(num_cpus=1)
ray.init(address=cluster.address, log_to_driver=False)
cluster.wait_for_nodes()
print(f"cluster: {len(ray.nodes())} nodes, {ray.cluster_resources().get('CPU')} CPUs")

def lose_node_when(folder: Path, removed: list):
    "Remove the worker node as soon as a chunk file appears under `folder`."
    while not removed:
        if any(folder.glob("*.chunks/*.jsonl")):
            cluster.remove_node(node, allow_graceful=False); removed.append(time.perf_counter()); return
        time.sleep(0.01)

for stage, run, fn in (("det", "det_ray", lambda: detect_chunks(jobs("det_ray", "det"), det_cfg,
                                                                 chunk_frames=a.chunk, address=cluster.address)),
                       ("seg", "seg_ray", lambda: segment_chunks(jobs("seg_ray", "seg"), seg, chunk_frames=a.chunk,
                                                                 address=cluster.address))):
    (d / run).mkdir(exist_ok=True)
    removed = []
    th = threading.Thread(target=lose_node_when, args=(d / run, removed), daemon=True); th.start()
    t = time.perf_counter()
    r = fn()
    th.join(timeout=1)
    print(f"{stage}: worker node lost: {bool(removed)} "
          f"({removed[0] - t:.1f} s into the run); run ended in {r.seconds:.1f} s: {r.done} chunks computed, "
          f"{r.records} records")
    print(f"{stage}: every frame exactly once: {once(run, stage)}; stores equal to the one-process run's: "
          f"{stores(run, stage) == stores(run.replace('ray', 'serial'), stage)}")
    if stage == "det":   # the lost node comes back for the next stage
        node = cluster.add_node(num_cpus=1); cluster.wait_for_nodes()
ray.shutdown(); cluster.shutdown()
shutil.rmtree(d)
