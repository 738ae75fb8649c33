"""Training step speed: `aquapose.train.train` (data loading, augmentation, loss logging, lr schedule included) against a
bare torchvision training step (forward, backward, SGD step) on one pre-loaded batch of the same model, measured
side by side in one run. Also prints CPU steps/s of R50-FPN-v2 at 256x256, fp32 and bf16 autocast.

    python benchmarks/bench_train.py [--steps 4] [--batch 4]
"""
import argparse, sys, tempfile, time
from pathlib import Path
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from aquapose.synthetic import SyntheticRig, RigConfig, coco_from_rig
from aquapose.dataset import CropDataset
from aquapose.train import TrainConfig, train, build_model

def collate(samples): return tuple(zip(*samples))   # (images, targets), as torchvision detection models take them

def bare_steps(batch, steps:int, amp:str=None, seed:int=0) -> float:
    "Seconds per bare training step (forward, backward, SGD step) on one fixed batch."
    torch.manual_seed(seed)
    model = build_model(None, crop_size=batch[0][0].shape[-1]); model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.005, momentum=0.9, weight_decay=5e-4)
    images, targets = batch
    tg = [{k: t[k] for k in ("boxes", "labels", "masks")} for t in targets]
    t0 = time.perf_counter()
    for _ in range(steps):
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=amp == "bf16"):
            loss = sum(model(list(images), tg).values())
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
    return (time.perf_counter() - t0) / steps

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--batch", type=int, default=4)
    a = ap.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, cpu")
    tmp = Path(tempfile.mkdtemp())
    rig = SyntheticRig(RigConfig(n_cameras=13, seed=0))
    tr = coco_from_rig(rig, ["cam05"], 2000, 500, tmp / "tr")
    va = coco_from_rig(rig, ["cam11"], 1, 1, tmp / "va")
    n = a.steps * a.batch
    cfg = TrainConfig(str(tr), str(va), out_dir=str(tmp / "run"), pretrained=None, epochs=1, batch_size=a.batch,
                      max_train_samples=n, num_workers=0, progress=False, device="cpu")
    ds = CropDataset(tr, crop_size=256, augment=True)
    batch = collate([ds[i] for i in range(a.batch)])
    bare0 = bare_steps(batch, a.steps)                       # bare, ours, bare: the machine's drift shows in the two bares
    res = train(cfg)
    ours = res.history[0]["train_s"] / res.history[0]["iters"]
    bare1 = bare_steps(batch, a.steps)
    bare = (bare0 + bare1) / 2
    bf16 = bare_steps(batch, a.steps, amp="bf16")
    print(f"R50-FPN-v2 at 256x256, batch {a.batch}, {a.steps} steps each, cpu:")
    print(f"  bare torchvision step  {bare0:.2f} s, {bare1:.2f} s (before, after) -> {bare:.2f} s")
    print(f"  aquapose train() step  {ours:.2f} s (data loading with 0 workers, augmentation, logging included)")
    print(f"  ratio ours / bare      {ours / bare:.3f}   (target <= 1.10)")
    print(f"  steps/s fp32 {1 / bare:.3f} | bf16 autocast {1 / bf16:.3f} (bf16/fp32 speed {bare / bf16:.2f}x)")

if __name__ == "__main__":
    main()
