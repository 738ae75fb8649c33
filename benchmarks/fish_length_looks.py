"""`estimate_fish_length` against the rig's true fish length (issue 17, item 5): per look, per frame size and per camera
(centre cam00, inner cam06, wall cameras cam09 and cam12), from 20 frames spread over the clip (3600, 1800 or 9000
rig frames).

    .venv/bin/python benchmarks/fish_length_looks.py
"""
from aquapose.synthetic import SyntheticRig, RigConfig, LOOKS
from aquapose.detect import estimate_fish_length
from aquapose.io import spread_indexes
for look in LOOKS:
  for w, span in ((800, 3600), (640, 1800), (1600, 9000)):
    cfg = RigConfig.look(look, frame_hw=(w * 3 // 4, w), seed=0); rig = SyntheticRig(cfg); L = cfg.scale * cfg.fish_length_cm
    out = []
    for cam in ("cam00", "cam06", "cam09", "cam12"):
        e = estimate_fish_length([rig.render(cam, int(i)).image for i in spread_indexes(0, span, 20)])
        out.append(f"{cam} {e.length_px:.1f} ({e.length_px / L - 1:+.0%}, {e.n_blobs})")
    print(look, w, span, f"truth {L:.1f}", " | ".join(out), flush=True)
