"""Detections and pseudo-labels on the real reference clip (issue 17): `../shared/data/rig-reference/occlusion_investigation.mp4`
(200 frames, 350x300, one camera of the cichlid rig, with the upstream authors' overlays burned in), through a project:
init (fish_length_px measured), detect, label (the no-weights fallback) every 10th frame. Writes a contact sheet,
left the detector's boxes and masks, right the pseudo-labels, on frames 50, 100, 110 and 150 of the clip (source
frames 350, 400, 410, 450), to benchmarks/results/occlusion_overlay.jpg, and prints what each frame holds.

    .venv/bin/python benchmarks/occlusion_overlay.py
"""
import shutil, tempfile, cv2, numpy as np
from pathlib import Path
import aquapose as aq
from aquapose.io import read_store, FrameSource
from aquapose.core import FrameSegmentation, draw_overlay, contact_sheet
from aquapose.detect import detections_overlay, MotionDetections
from aquapose.pseudo_label import PseudoLabelConfig
d = Path(tempfile.mkdtemp()) / "occ"
clip = Path(__file__).resolve().parents[2] / "shared" / "data" / "rig-reference" / "occlusion_investigation.mp4"
p = aq.Project.create(d, [clip], label_every=10)
p.pseudo_label = PseudoLabelConfig(backend="grabcut"); p.save()
print("fish_length_px", p.detector.fish_length_px)
p.detect(progress=False); p.label(progress=False)
cam = p.cameras[0]; src = FrameSource(cam.source)
dets = {r["frame_index"]: r for r in read_store(p.store_path("detections", cam), "detections")[1]}
labs = {r["frame_index"]: r for r in read_store(p.store_path("labels", cam), "pseudo_labels")[1]}
tiles = []
for k in (50, 100, 110, 150):
    img = src.read([k])[0]
    md = MotionDetections.from_segmentation(FrameSegmentation.from_dict(dets[k]))
    lab = FrameSegmentation.from_dict(labs[k])
    tiles += [detections_overlay(img, md), draw_overlay(img, lab.rles, lab.xyxy)]
    print(k, "detections", len(md), "pseudo-labels", len(lab.rles))
sheet = contact_sheet(tiles, ncols=2, tile_width=350)
cv2.imwrite(str(Path(__file__).parent / "results" / "occlusion_overlay.jpg"), sheet, [cv2.IMWRITE_JPEG_QUALITY, 85])
print(p.status())
shutil.rmtree(d.parent)
