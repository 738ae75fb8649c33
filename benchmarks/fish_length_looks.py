"""`estimate_fish_length` against the rig's true fish length (issue 17, item 5): per look, per frame size and per camera,
from 20 frames spread over the clip (3600, 1800 or 9000 rig frames). Each line gives the named cameras (centre cam00,
inner cam06, wall cameras cam09 and cam12) and then what a project measures: `measure_fish_length`'s rule, the median
over every camera of the rig (all 13), with the spread of the single cameras.

    .venv/bin/python benchmarks/fish_length_looks.py
"""
import numpy as np
from aquapose.synthetic import SyntheticRig, RigConfig, LOOKS
from aquapose.detect import estimate_fish_length
from aquapose.io import spread_indexes
for look in LOOKS:
  for w, span in ((800, 3600), (640, 1800), (1600, 9000)):
    cfg = RigConfig.look(look, frame_hw=(w * 3 // 4, w), seed=0); rig = SyntheticRig(cfg); L = cfg.scale * cfg.fish_length_cm
    est = {c: estimate_fish_length([rig.render(c, int(i)).image for i in spread_indexes(0, span, 20)]) for c in rig.camera_ids}
    named = " | ".join(f"{c} {est[c].length_px:.1f} ({est[c].length_px / L - 1:+.0%}, {est[c].n_blobs})"
                       for c in ("cam00", "cam06", "cam09", "cam12"))
    v = np.array([e.length_px for e in est.values()]); v = v[np.isfinite(v)]
    med = float(np.median(v))     # the rule of aquapose.project.measure_fish_length: the median over cameras
    print(f"{look} {w} {span} truth {L:.1f} {named} || all {len(est)} cameras ({len(v)} measured): median {med:.1f} "
          f"({med / L - 1:+.1%}); single cameras {v.min() / L - 1:+.0%}..{v.max() / L - 1:+.0%}", flush=True)
