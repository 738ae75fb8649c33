"""The ceiling of the mask head (issue 15, part 2): the mask IoU lost by resolution alone.

Each ground-truth mask is encoded through the mask head's M x M RoI grid exactly as Mask R-CNN makes its mask
targets (torchvision `roi_align` of the binary mask over the fish's box, as `project_masks_on_boxes` does), then
pasted back into the frame as the model's output is (`paste_masks_in_image`, threshold 0.5), and scored against the
truth by `aquapose.evaluate.evaluate` (mask IoU and boundary error per fish). A perfect mask head can do no better.

The box is the mask's tight box, far edge exclusive, as `CropDataset` makes the training boxes. Crops are cut at the
frame's own scale (`CropDataset`: no resizing; `build_model`: min_size = max_size = crop size), and the RoI grid is
relative to the box, so the ceiling at the training crop scale is the full-frame one below.

Broken down by look (`RigConfig.look`: cichlid, thin-dark, school, compressed), by fish length (the long side of
the mask's minimum-area rectangle) and by shape (width / length), for M = 28 (torchvision's head) and 56, and for
M = 28 on a crop seen at twice its scale ("crop x2": the truth upsampled 2x, encoded and pasted there, the mask
area-downsampled back to the frame), which tells the grid's loss from the paste's pixel rounding. With
`--speed`, also the cost of a 56 x 56 head: `MaskRCNNSegmentor.segment_batch` frames/s of the tiny architecture,
and R50-FPN-v2 crops/s, at 28 and 56 side by side in one run (CPU, random weights).

    python benchmarks/bench_mask_ceiling.py --out benchmarks/results/mask_ceiling_cpu.txt --speed
"""
import argparse, sys, time
from pathlib import Path
import cv2
import numpy as np
import torch
from torchvision.ops import roi_align
from torchvision.models.detection.roi_heads import paste_masks_in_image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from aquapose.core import atomic_write, decode_window, paste_mask, rle_to_box, Detection, FrameSegmentation
from aquapose.synthetic import SyntheticRig, RigConfig
from aquapose.evaluate import evaluate, EvaluationConfig

LENGTH_BINS = (0, 40, 60, 80, 110, 140, 170, 10_000)   # fish length bins, px
CAMERAS = ("cam00", "cam03", "cam09", "cam11")          # centre, inner ring, and two wall cameras

def encode_decode(mask:np.ndarray,  # (h, w) bool window holding the whole fish
                  xyxy,             # the fish's box in the window, far edge exclusive
                  M:int,            # the RoI grid side: 28 (torchvision) or 56
                  scale:int=1,      # the model sees the crop `scale` times upsampled (its masks downsampled back)
                 ) -> np.ndarray:
    "The mask after Mask R-CNN's M x M target encoding and paste-back: the best any M x M head can output."
    h, w = mask.shape
    if scale > 1: mask = cv2.resize(mask.astype(np.uint8), (w * scale, h * scale), interpolation=cv2.INTER_NEAREST)
    box = torch.tensor([[float(v) * scale for v in xyxy]])
    grid = roi_align(torch.from_numpy(mask).float()[None, None], [box], (M, M), 1.0)   # as project_masks_on_boxes
    out = paste_masks_in_image(grid, box, mask.shape, padding=1)[0, 0].numpy() >= 0.5
    if scale == 1: return out
    return cv2.resize(out.astype(np.float32), (w, h), interpolation=cv2.INTER_AREA) >= 0.5

def fish_shape(mask:np.ndarray) -> tuple:
    "(length, width) in px of a mask: the sides of its minimum-area rectangle, longest first."
    pts = cv2.findNonZero(mask.astype(np.uint8))
    (_, _), (a, b), _ = cv2.minAreaRect(pts)
    return max(a, b), min(a, b)

def ceiling_frames(rig:SyntheticRig, cams, frames, resolutions) -> tuple:
    "Per (M, scale) in `resolutions`, the re-encoded masks as `FrameSegmentation`s; the truth frames; fish shapes."
    preds, truths, shapes = {M: [] for M in resolutions}, [], []
    H, W = rig.config.frame_hw
    for cam in cams:
        for t in frames:
            fr = rig.render(cam, t); truths.append(fr)
            dets = {M: [] for M in resolutions}
            for f in fr.truths:
                x0, y0, x1, y1 = rle_to_box(f.mask_rle).astype(int)
                pad = int(0.15 * max(x1 - x0, y1 - y0)) + 4          # room for the paste's 1-cell expansion
                wx0, wy0, wx1, wy1 = max(x0 - pad, 0), max(y0 - pad, 0), min(x1 + pad, W), min(y1 + pad, H)
                win = decode_window(f.mask_rle, (wx0, wy0, wx1, wy1)).astype(bool)
                shapes.append(fish_shape(win) if win.any() else (0.0, 0.0))
                for M in resolutions:
                    m = encode_decode(win, (x0 - wx0, y0 - wy0, x1 - wx0, y1 - wy0), *M)
                    dets[M].append(Detection(f.xyxy, paste_mask(m, (wx0, wy0), (H, W)), 1.0))
            for M in resolutions:
                preds[M].append(FrameSegmentation(dets[M], (H, W), cam, t, source=f"truth-through-{M}"))
    return preds, truths, shapes

def _row(label:str, fish:list) -> str:
    ious = [f.iou for f in fish]
    bpx = [f.boundary_px for f in fish if f.matched]
    return (f"{label:<34} {len(fish):>5} {np.mean(ious):.4f} {np.percentile(ious, 5) if ious else float('nan'):.4f} "
            f"{np.mean(bpx) if bpx else float('nan'):.2f}")

def ceiling_table(name:str, rig:SyntheticRig, n_frames:int, resolutions=((28, 1), (56, 1), (28, 2))) -> list:
    "Lines of the ceiling table of one rig: overall, by sex, by fish length and by shape, for each resolution."
    frames = range(0, 300 * n_frames, 300)
    preds, truths, shapes = ceiling_frames(rig, CAMERAS, frames, resolutions)
    keys = [(fr.camera_id, fr.frame_index, k) for fr in truths for k in range(len(fr.truths))]
    L = rig.config.scale * rig.config.fish_length_cm
    lines = [f"## {name}: {rig.config.frame_hw[1]}x{rig.config.frame_hw[0]}, nominal fish length {L:.0f} px, body "
             f"width {rig.config.body_width} of the length; {len(truths)} frames of {list(CAMERAS)}; fish under "
             f"{0.05 * L * L:.0f} px (slivers at the frame edge) ignored",
             f"{'group':<34} {'n':>5} meanIoU p5_IoU boundary_px"]
    for M in resolutions:
        label = f"M={M[0]}" + (f" crop x{M[1]}" if M[1] > 1 else "")
        rep = evaluate(preds[M], truths, EvaluationConfig(match="mask", ap=False, min_area_px=0.05 * L * L))
        shape_of = dict(zip(keys, shapes))
        fish = [(f, shape_of[(f.camera_id, f.frame_index, f.fish_index)]) for f in rep.fish if not f.ignored]
        lines.append(_row(f"{label} all", [f for f, _ in fish]))
        for sex in ("female", "male"): lines.append(_row(f"{label} {sex}", [f for f, _ in fish if f.sex == sex]))
        for lo, hi in zip(LENGTH_BINS[:-1], LENGTH_BINS[1:]):
            sel = [f for f, (ln, _) in fish if lo <= ln < hi]
            if sel: lines.append(_row(f"{label} length {lo}-{hi if hi < 10_000 else ''} px", sel))
        for lo, hi in ((0, 0.12), (0.12, 0.2), (0.2, 0.3), (0.3, 10)):
            sel = [f for f, (ln, wd) in fish if ln > 0 and lo <= wd / ln < hi]
            if sel: lines.append(_row(f"{label} width/length {lo}-{hi if hi < 10 else ''}", sel))
    return lines

def speed_lines(n_frames:int=6) -> list:
    "segment_batch frames/s of the tiny model (800x600 rig, 128 px crops) and R50 crops/s, mask head 28 vs 56."
    from aquapose.train import build_model
    from aquapose.segment import MaskRCNNSegmentor, SegmentorConfig
    from aquapose.detect import DetectorConfig
    rig = SyntheticRig(RigConfig(n_cameras=13, frame_hw=(600, 800), seed=0))
    warm = [rig.render("cam00", t).image for t in range(0, 3000, 300)]
    frames = np.stack([rig.render("cam00", t).image for t in range(1000, 1000 + n_frames)])
    L = rig.config.scale * rig.config.fish_length_cm
    out = [f"## speed of the mask head, cpu, {torch.get_num_threads()} threads, random weights (every candidate "
           "detection gets a mask: a worst case for the head)"]
    def segs(M):
        torch.manual_seed(0)
        s = MaskRCNNSegmentor(build_model(None, crop_size=128, arch="tiny", mask_resolution=M),
                              DetectorConfig(fish_length_px=L), SegmentorConfig(score_thr=0.0), device="cpu")
        s.detector.warm_up("cam00", warm)
        return s
    seg = {M: segs(M) for M in (28, 56)}
    times = {28: [], 56: []}
    for rep in range(3):                                   # alternate, so drift hits both alike
        for M in (28, 56):
            seg[M].detector.reset("cam00"); seg[M].detector.warm_up("cam00", warm)
            t = time.perf_counter(); seg[M].segment_batch(frames, "cam00", 1000); times[M].append(time.perf_counter() - t)
    fps = {M: n_frames / min(v) for M, v in times.items()}
    out.append(f"tiny, segment_batch on {n_frames} frames of 800x600 (best of 3): 28x28 {fps[28]:.2f} frames/s, "
               f"56x56 {fps[56]:.2f} frames/s -> 56/28 speed {fps[56] / fps[28]:.3f}")
    crops = [torch.rand(3, 256, 256) for _ in range(4)]
    r50 = {}
    for M in (28, 56):
        torch.manual_seed(0); r50[M] = build_model(None, crop_size=256, mask_resolution=M).eval()
    times = {28: [], 56: []}
    with torch.inference_mode():
        for M in (28, 56): r50[M](crops[:1])               # first call
        for rep in range(2):
            for M in (28, 56):
                t = time.perf_counter(); r50[M](crops); times[M].append(time.perf_counter() - t)
    cps = {M: len(crops) / min(v) for M, v in times.items()}
    out.append(f"R50-FPN-v2, forward on {len(crops)} crops of 256x256 (best of 2): 28x28 {cps[28]:.2f} crops/s, "
               f"56x56 {cps[56]:.2f} crops/s -> 56/28 speed {cps[56] / cps[28]:.3f}")
    return out

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--frames", type=int, default=8, help="frames per camera (every 300th)")
    ap.add_argument("--out", default=None, help="also write the tables here")
    ap.add_argument("--speed", action="store_true", help="also time the 56x56 head against the 28x28 one")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    t0 = time.time()
    rigs = [(f"{look} (full resolution)", RigConfig.look(look, n_cameras=13, seed=0))
            for look in ("cichlid", "thin-dark", "school", "compressed")]
    rigs += [("cichlid at 800x600 (the CPU comparison's rig)", RigConfig.look("cichlid", n_cameras=13, seed=0, frame_hw=(600, 800))),
             ("cichlid at 400x300 (the notebooks' test rig)", RigConfig.look("cichlid", n_cameras=13, seed=0, frame_hw=(300, 400)))]
    lines = [f"mask-head ceiling: ground truth -> roi_align to MxM over the box -> paste_masks_in_image -> >= 0.5, "
             f"scored by aquapose.evaluate (mean IoU, 5th percentile IoU, boundary px); torch {torch.__version__}"]
    for name, cfg in rigs:
        table = ceiling_table(name, SyntheticRig(cfg), a.frames)
        lines += [""] + table; print("\n".join(table), flush=True)
    if a.speed: lines += [""] + speed_lines(); print("\n".join(lines[-3:]), flush=True)
    lines.append(f"\ntotal {time.time() - t0:.0f} s")
    if a.out: atomic_write(a.out, "\n".join(lines) + "\n")
    print(lines[-1])

if __name__ == "__main__":
    main()
