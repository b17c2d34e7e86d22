"""Fine-tune the PP-OCRv6 small recogniser on seal-ring strips (``make_data.py``), export ONNX.

Three steps, the middle one on a GPU machine (PyTorch there; nothing here needs PyTorch at run
time, the product only runs the exported ONNX file):

    python models/seal_rec/train.py prepare --train T.npz --val V.npz --dir .seal_train
    python models/seal_rec/train.py train --dir .seal_train --out OUT       # GPU
    python models/seal_rec/train.py export --dir .seal_train --weights OUT --onnx models/PP-OCRv6_rec_seal.onnx

``prepare`` turns the stock model (the rapidocr wheel's ``PP-OCRv6_rec_small.onnx``) into a
PyTorch graph (``onnx2torch``; its two SAME_UPPER 2x2 stride-1 convolutions and max-pools get the
explicit end padding that means) without the final softmax, and maps each strip's text to class
indices of the model's own charset (the charset is unchanged, so the decoder is too).

Why the loss is a minimum over label pieces: a strip starts at the ring's widest gap as the reader
judges it, sometimes a character early or late, and runs a little past a full turn, so the text in
it is some cyclic piece of the ring text of about its length, not known exactly. Every such piece
(each start, lengths n-1..n+2) is scored with CTC and the likeliest is learned. CTC needs only the
label's and the blank's log-probabilities, so each strip's loss is taken over those columns alone.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

REC_H = 48
DEV = "cuda"


# ----------------------------------------------------------------------------- shared
def _decode_jpegs(blobs) -> list[np.ndarray]:
    import cv2

    return [cv2.imdecode(np.frombuffer(b, np.uint8), cv2.IMREAD_COLOR) for b in blobs]


def _pieces(tokens: list[int]) -> list[list[int]]:
    """Every cyclic piece of ``tokens`` of length n-1..n+2 (see the module's docstring)."""
    n = len(tokens)
    ring = tokens * 3
    out = {tuple(ring[s:s + ln]) for s in range(n) for ln in range(max(1, n - 1), n + 3)}
    return [list(p) for p in sorted(out)]


def _batch(imgs: list[np.ndarray]):
    w = max(max(8, im.shape[1]) for im in imgs)
    x = np.zeros((len(imgs), 3, REC_H, w), np.float32)
    for i, im in enumerate(imgs):
        x[i, :, :, : im.shape[1]] = im.transpose(2, 0, 1) * (2.0 / 255.0) - 1.0
    return x


# ----------------------------------------------------------------------------- prepare (here)
def _stock_onnx() -> Path:
    import rapidocr

    return Path(rapidocr.__file__).parent / "models" / "PP-OCRv6_rec_small.onnx"


def _explicit_pads(model) -> None:
    """SAME_UPPER on the 2x2 stride-1 convolutions and max-pools means one row and column of
    padding at the end, which onnx2torch needs spelt out."""
    from onnx import helper

    for n in model.graph.node:
        attrs = {a.name: helper.get_attribute_value(a) for a in n.attribute}
        if n.op_type in ("Conv", "MaxPool") and attrs.get("auto_pad") == b"SAME_UPPER":
            assert list(attrs.get("kernel_shape", [])) == [2, 2] and list(attrs.get("strides", [1, 1])) == [1, 1]
            keep = [a for a in n.attribute if a.name != "auto_pad"]
            del n.attribute[:]
            n.attribute.extend(keep)
            n.attribute.append(helper.make_attribute("pads", [0, 0, 1, 1]))


def torch_model():
    """The stock recogniser as a PyTorch module returning logits (no final softmax)."""
    import onnx
    from onnx2torch import convert

    m = onnx.load(str(_stock_onnx()))
    _explicit_pads(m)
    gm = convert(m)
    out = next(n for n in gm.graph.nodes if n.op == "output")
    last = out.args[0]
    assert last.op == "call_module" and "softmax" in type(gm.get_submodule(last.target)).__name__.lower()
    out.args = (last.args[0],)
    gm.graph.erase_node(last)
    gm.recompile()
    return gm.eval()


def prepare(a) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    from masker.ocr.rapid import RapidOcrEngine

    d = Path(a.dir)
    d.mkdir(parents=True, exist_ok=True)
    charset = RapidOcrEngine().line_recognizer.charset
    index: dict[str, int] = {}
    for k, ch in enumerate(charset[1:], 1):
        index.setdefault(ch, k)
    for split, path, mb in (("train", a.train, a.train_mb), ("val", a.val, a.val_mb)):
        z = dict(np.load(path, allow_pickle=True))
        keep, labels = [], []
        # a random subset within ``mb`` megabytes: what travels to the GPU machine is limited
        rng = np.random.default_rng(0)
        order = rng.permutation(len(z["text"]))
        size = 0
        for i in sorted(order[: int(np.searchsorted(np.cumsum([len(z["jpeg"][k]) for k in order]), mb * 1e6))]):
            t = z["text"][i]
            tok = [index.get(ch, 0) for ch in str(t)]
            if tok and all(tok):
                keep.append(i)
                labels.append(np.asarray(tok, np.int32))
                size += len(z["jpeg"][i])
        lab = np.empty(len(labels), dtype=object)
        lab[:] = labels
        jp = np.empty(len(keep), dtype=object)
        jp[:] = [z["jpeg"][i] for i in keep]
        np.savez(d / f"{split}.npz", jpeg=jp, label=lab)
        print(split, len(keep), "strips of", len(z["text"]), f"{size / 1e6:.1f} MB")
    import torch

    torch.save(torch_model().half(), d / "stock_f16.pt")
    return 0


# ----------------------------------------------------------------------------- train (GPU)
def _loss(logits, widths, labels, torch):
    """Mean over strips of the least CTC loss over each strip's label pieces."""
    F = torch.nn.functional
    n, T, _C = logits.shape
    logp = F.log_softmax(logits.float(), dim=-1)
    cols, targets, tlen, owner = [], [], [], []
    cmax = 1 + max(len(set(lb.tolist())) for lb in labels)
    for i, lb in enumerate(labels):
        uniq = sorted(set(lb.tolist()))
        remap = {c: j + 1 for j, c in enumerate(uniq)}
        cols.append([0] + uniq + [0] * (cmax - 1 - len(uniq)))
        for p in _pieces(lb.tolist()):
            targets.extend(remap[c] for c in p)
            tlen.append(len(p))
            owner.append(i)
    idx = torch.tensor(cols, device=logits.device)  # (n, cmax)
    sub = torch.gather(logp, 2, idx[:, None, :].expand(n, T, cmax))  # (n, T, cmax)
    pad = torch.zeros(n, cmax, dtype=torch.bool, device=logits.device)
    for i, lb in enumerate(labels):
        pad[i, 1 + len(set(lb.tolist())):] = True
    sub = sub.masked_fill(pad[:, None, :], -1e4)
    own = torch.tensor(owner, device=logits.device)
    lens = torch.tensor([min(T, math.ceil(w / 8)) for w in widths], device=logits.device)
    per = F.ctc_loss(sub[own].permute(1, 0, 2), torch.tensor(targets, device=logits.device),
                     lens[own], torch.tensor(tlen, device=logits.device), blank=0,
                     reduction="none", zero_infinity=True)
    best = torch.full((n,), float("inf"), device=logits.device).scatter_reduce(0, own, per, "amin")
    return best.mean()


def _greedy(logits) -> list[list[int]]:
    idx = logits.argmax(-1).cpu().numpy()
    out = []
    for row in idx:
        keep = np.ones(len(row), bool)
        keep[1:] = row[1:] != row[:-1]
        out.append([int(c) for c in row[keep] if c])
    return out


def _ring_errors(got: list[int], label: list[int]) -> int:
    """Characters wrong in reading ``got`` of a ring reading ``label``: edits to the nearest
    stretch of the ring (any start, read round up to twice), plus characters short of n-1."""
    ref = label * 3
    prev = [0] * (len(ref) + 1)  # free start anywhere on the ring
    for i, x in enumerate(got, 1):
        cur = [i] + [0] * len(ref)
        for j, y in enumerate(ref, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y))
        prev = cur
    return min(prev) + max(0, len(label) - 1 - len(got))


def _augment(im: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Contrast, brightness, blur and a shift of a pixel or two: what differs from one stamp's
    scan to another's beyond what the generator already varies."""
    import cv2

    x = im.astype(np.float32)
    if rng.random() < 0.5:
        x = 255 - (255 - x) * rng.uniform(0.6, 1.2)
    if rng.random() < 0.3:
        x = cv2.GaussianBlur(x, (0, 0), rng.uniform(0.4, 1.0))
    if rng.random() < 0.3:
        x = np.roll(x, int(rng.integers(-2, 3)), axis=0)
    return np.clip(x, 0, 255).astype(np.uint8)


def evaluate(model, imgs, labels, torch, bs: int = 64) -> dict:
    """Greedy reading against the nearest label piece: characters wrong per character, and the
    share of strips read exactly."""
    order = np.argsort([im.shape[1] for im in imgs])
    errs = chars = exact = 0
    model.eval()
    with torch.no_grad():
        for s in range(0, len(order), bs):
            ids = order[s:s + bs]
            x = torch.from_numpy(_batch([imgs[i] for i in ids])).to(DEV)
            with torch.autocast(DEV, dtype=torch.bfloat16, enabled=DEV == "cuda"):
                lg = model(x)
            for i, got in zip(ids, _greedy(lg.float())):
                e = _ring_errors(got, labels[i].tolist())
                errs += e
                chars += len(labels[i])
                exact += e == 0
    return {"cer": errs / max(1, chars), "exact": exact / max(1, len(imgs))}


def train(a) -> int:
    import torch

    global DEV
    DEV = "cuda" if torch.cuda.is_available() else "cpu"
    t0 = time.time()
    d = Path(a.dir)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    tr, va = np.load(d / "train.npz", allow_pickle=True), np.load(d / "val.npz", allow_pickle=True)
    X, Y = _decode_jpegs(tr["jpeg"]), list(tr["label"])
    VX, VY = _decode_jpegs(va["jpeg"]), list(va["label"])
    model = torch.load(d / "stock_f16.pt", weights_only=False).float().to(DEV)
    if a.limit:
        X, Y, VX, VY = X[: a.limit], Y[: a.limit], VX[: a.limit], VY[: a.limit]
    log = {"strips": len(X), "val_strips": len(VX), "before": evaluate(model, VX, VY, torch)}
    print("before", log["before"], flush=True)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=a.lr, weight_decay=1e-4)
    rng = np.random.default_rng(0)
    order = np.argsort([im.shape[1] for im in X])
    batches = [order[s:s + a.bs] for s in range(0, len(order), a.bs)]
    steps = a.epochs * len(batches)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=a.lr, total_steps=steps, pct_start=0.1)
    step = 0
    for ep in range(a.epochs):
        model.train()
        for m in model.modules():  # keep the stock normalisation statistics
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                m.eval()
        tot = 0.0
        for k in rng.permutation(len(batches)):
            ids = batches[k]
            imgs = [_augment(X[i], rng) for i in ids]
            x = torch.from_numpy(_batch(imgs)).to(DEV)
            with torch.autocast(DEV, dtype=torch.bfloat16, enabled=DEV == "cuda"):
                lg = model(x)
            loss = _loss(lg, [im.shape[1] for im in imgs], [Y[i] for i in ids], torch)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 5.0)
            opt.step()
            sched.step()
            step += 1
            tot += float(loss.detach())
        ev = evaluate(model, VX, VY, torch)
        log[f"epoch{ep}"] = {"loss": tot / len(batches), **ev, "s": round(time.time() - t0, 1)}
        print(ep, log[f"epoch{ep}"], flush=True)
        if ep + 1 == a.epochs // 2:  # an earlier copy, should the later epochs overfit
            _save(model, out / "mid", torch)
        if time.time() - t0 > a.budget_s:
            break
    _save(model, out, torch)
    (out / "log.json").write_text(json.dumps(log, indent=1))
    return 0


def _save(model, out: Path, torch) -> None:
    """The weights in two files (the GPU machine returns files of 16 MB at most)."""
    out.mkdir(parents=True, exist_ok=True)
    sd = {k: v.detach().float().cpu() for k, v in model.state_dict().items()}
    keys = sorted(sd)
    half = len(keys) // 2
    torch.save({k: sd[k] for k in keys[:half]}, out / "weights_a.pt")
    torch.save({k: sd[k] for k in keys[half:]}, out / "weights_b.pt")


# ----------------------------------------------------------------------------- export (here)
def export(a) -> int:
    import onnxruntime as ort
    import torch

    w = Path(a.weights)
    sd = {**torch.load(w / "weights_a.pt"), **torch.load(w / "weights_b.pt")}
    gm = torch_model()
    gm.load_state_dict(sd)

    class WithSoftmax(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, x):
            return torch.softmax(self.m(x), dim=-1)

    net = WithSoftmax(gm).eval()
    x = torch.zeros(1, 3, REC_H, 320)
    torch.onnx.export(net, x, a.onnx, input_names=["x"], output_names=["softmax"],
                      dynamic_axes={"x": {0: "n", 3: "w"}, "softmax": {0: "n", 1: "t"}},
                      opset_version=17, dynamo=False)
    va = np.load(Path(a.dir) / "val.npz", allow_pickle=True)
    imgs = _decode_jpegs(va["jpeg"][:32])
    s = ort.InferenceSession(a.onnx)
    got = s.run(None, {"x": _batch(imgs)})[0]
    with torch.no_grad():
        ref = net(torch.from_numpy(_batch(imgs))).numpy()
    print("exported", a.onnx, "max |onnx - torch|", float(np.abs(got - ref).max()))
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--train", required=True)
    p.add_argument("--val", required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--train-mb", type=float, default=49.0)
    p.add_argument("--val-mb", type=float, default=1.5)
    t = sub.add_parser("train")
    t.add_argument("--dir", required=True)
    t.add_argument("--out", required=True)
    t.add_argument("--epochs", type=int, default=12)
    t.add_argument("--bs", type=int, default=48)
    t.add_argument("--lr", type=float, default=3e-4)
    t.add_argument("--budget-s", type=float, default=300)
    t.add_argument("--limit", type=int, default=0, help="strips of each split (a quick trial)")
    e = sub.add_parser("export")
    e.add_argument("--dir", required=True)
    e.add_argument("--weights", required=True)
    e.add_argument("--onnx", required=True)
    a = ap.parse_args(argv)
    return {"prepare": prepare, "train": train, "export": export}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
