"""The demo's training crop (issue 16): train variants of the demo's tiny model on copies of a demo project whose review is
done, each for the same time budget, and print the crop-level validation IoU per epoch.

    .venv/bin/aquapose demo --out /tmp/demo    # (stop it during training, or let it finish)
    .venv/bin/python benchmarks/demo_crop_variants.py /tmp/demo/project 3 \
        '{"crop256": {}, "crop128": {"crop_size": 128}, "crop128_lr05": {"crop_size": 128, "lr": 0.05}}'
"""
import dataclasses, shutil, sys, json
from pathlib import Path
import aquapose as aq
src = Path(sys.argv[1]); minutes = float(sys.argv[2])
variants = json.loads(sys.argv[3])
for name, ch in variants.items():
    dst = Path(f"/tmp/demo_var_{name}")
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst, ignore=lambda d, n: [x for x in n if x in ("train", "segments", "evaluation", "report")])
    p = aq.Project(dst)
    r = p.train(**{**dict(time_limit_min=minutes, progress=False), **ch})
    print(name, ch, "stopped", r.stopped, "epochs", len(r.history), "best val IoU", round(r.best_val_iou, 3),
          [round(h["val_mask_iou"], 3) for h in r.history], flush=True)
