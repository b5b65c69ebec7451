"""The contextual member of the classifier: a small transformer encoder (MiniLM-L6, fine-tuned by
``scripts/train_encoder.py``) with an attention-pooled read-out. Every word piece gets a weight (a
softmax over the text's pieces) and a log-odds per head: "hostile", and the kinds of hostility (threat,
dehumanising, aimed at a group, aimed at a person, vulgar). A head's log-odds are its bias plus the
weighted sum of its pieces' log-odds, so each token's share is exact: the sum of its pieces' weighted
log-odds. Trained with the toxic spans people marked, a neutral word's share is close to nothing.

The encoder reads the scorer's normalised tokens, never the raw text: @handles, URLs, identity, faction
and name terms arrive as fixed placeholders, and quoted or reported words, and negated ones with their
negator, are each replaced by one ``[omitted]``. It runs with onnxruntime (int8 weights shipped in
``threadlens/scoring/weights/encoder/``, activations quantised per word piece by
``scripts/quantise_by_row.py``), texts of one length batched together; no network is used.
"""

from __future__ import annotations

import json
import math
import os
from bisect import bisect_right
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from threadlens.errors import ConfigError
from threadlens.scoring.normalise import FACTION, IDENTITY, NAME, URL, USER, Token

ENCODER_DIR = Path(__file__).resolve().parent / "weights" / "encoder"
OMITTED = "[omitted]"
BATCH_PIECES = 2048  # word pieces per run of the model
HEADS = ("hostile", "threat", "dehumanising", "group", "person", "vulgar")  # "hostile", then datasets.KINDS
PLACEHOLDERS = {USER: "@user", URL: "http", IDENTITY: "[identity]", FACTION: "[faction]", NAME: "[name]"}


@dataclass(frozen=True, slots=True)
class EncoderInput:
    """The text the encoder reads, and for each of its tokens the index of the scorer token it stands for
    and its start offset in that text."""

    text: str
    token_index: tuple[int, ...]
    token_start: tuple[int, ...]


def encoder_input(tokens: Sequence[Token], omitted: Collection[int], mark_omitted: bool = True) -> EncoderInput:
    """The tokens in their normalised forms, placeholders for masks, each run of ``omitted`` tokens as one
    ``[omitted]`` (which stands for the run's first token), joined by spaces.

    Training leaves the runs out instead (``mark_omitted=False``): the corpora label quoted abuse as
    offensive, and the encoder must not learn that a quotation is hostile. When scoring, the mark keeps
    a sentence whole, so "you are not a loser" does not read as "you are a ___"."""
    parts: list[str] = []
    index: list[int] = []
    starts: list[int] = []
    offset = 0
    for i, token in enumerate(tokens):
        if i in omitted:
            if i - 1 in omitted or not mark_omitted:
                continue
            form = OMITTED
        else:
            form = PLACEHOLDERS.get(token.norm, token.norm)
        index.append(i)
        starts.append(offset)
        parts.append(form)
        offset += len(form) + 1
    return EncoderInput(" ".join(parts), tuple(index), tuple(starts))


@dataclass(frozen=True, slots=True)
class Reading:
    """The encoder's reading of one input. Per head (``HEADS``): its log-odds (bias included) and each scorer
    token's exact share of them (bias excluded); per token, how hostile the model reads it on its own (the
    probability of the hostile head at its most hostile piece)."""

    logits: dict[str, float]
    shares: dict[str, dict[int, float]]
    hostility: dict[int, float]


class Encoder:
    """The exported encoder and its tokenizer; ``read`` gives each input's per-head log-odds and shares."""

    def __init__(self, directory: Path) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        try:
            meta = json.loads((directory / "encoder.json").read_text(encoding="utf-8"))
            self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
            options = onnxruntime.SessionOptions()
            options.log_severity_level = 3
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            self.model_path = directory / meta["model_file"]
            self.session = onnxruntime.InferenceSession(
                str(self.model_path), options, providers=["CPUExecutionProvider"]
            )
            self.heads = tuple(meta["heads"])
            self.bias = dict(zip(self.heads, (float(b) for b in meta["bias"]), strict=True))
        except Exception as error:  # missing, incomplete or corrupt files: onnxruntime raises its own types
            raise ConfigError(
                f"encoder weights missing or unreadable ({type(error).__name__}: {error})",
                path=str(directory),
                hint="Reinstall threadlens, or run scripts/train_encoder.py to create them",
            ) from error
        self.version = str(meta["version"])
        self.max_pieces = int(meta["max_pieces"])
        self.tokenizer.enable_truncation(self.max_pieces)
        self.tokenizer.no_padding()
        self.threads = encoder_threads()

    def read(self, inputs: Sequence[EncoderInput]) -> list[Reading]:
        """Each input's reading; identical texts are run once."""
        pieces = self._pieces(sorted({item.text for item in inputs}))
        return [self._reading(item, *pieces[item.text]) for item in inputs]

    def _reading(self, item: EncoderInput, offsets: list[int], weights: np.ndarray, logits: np.ndarray) -> Reading:
        """Pieces' weighted log-odds (each rounded to 6 decimals) summed per scorer token, in piece order."""
        tokens = [item.token_index[bisect_right(item.token_start, offset) - 1] for offset in offsets]
        contributions = np.round(weights[:, None] * logits, 6).tolist()
        hostile = np.round(1.0 / (1.0 + np.exp(-logits[:, 0].astype(np.float64))), 6).tolist()
        shares: dict[str, dict[int, float]] = {head: {} for head in self.heads}
        hostility: dict[int, float] = {}
        for token, row, probability in zip(tokens, contributions, hostile, strict=True):
            for head, value in zip(self.heads, row, strict=True):
                shares[head][token] = shares[head].get(token, 0.0) + value
            hostility[token] = max(hostility.get(token, 0.0), probability)
        totals = {head: self.bias[head] + math.fsum(shares[head].values()) for head in self.heads}
        return Reading(totals, shares, hostility)

    def _pieces(self, texts: list[str]) -> dict[str, tuple[list[int], np.ndarray, np.ndarray]]:
        """Each text's word pieces' start offsets, pooling weights and per-head log-odds (special tokens left
        out). Texts run in batches of one length (see ``batches``); the model quantises each
        piece's activations on their own, so a text's values do not depend on the texts batched with it."""
        encodings = self.tokenizer.encode_batch(texts)
        groups = batches(encodings)
        with ThreadPoolExecutor(self.threads) as pool:
            outputs = list(pool.map(self._run, [[encodings[i] for i in batch] for batch in groups]))
        rows = {
            i: row for batch, output in zip(groups, outputs, strict=True) for i, row in zip(batch, output, strict=True)
        }
        results = {}
        for index, (text, encoding) in enumerate(zip(texts, encodings, strict=True)):
            attention, logits = rows[index]
            keep = [i for i, special in enumerate(encoding.special_tokens_mask) if not special]
            results[text] = ([encoding.offsets[i][0] for i in keep], _softmax(attention[keep]), logits[keep])
        return results

    def _run(self, encodings: list) -> list[tuple[np.ndarray, np.ndarray]]:
        """The piece attention and per-head log-odds of encoded texts of one length."""
        ids = np.array([encoding.ids for encoding in encodings], dtype=np.int64)
        attention, logits = self.session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})
        return list(zip(attention, logits, strict=True))


def batches(encodings: Sequence) -> list[list[int]]:
    """Indices of ``encodings`` in batches of one length in word pieces, shortest first, each of at most
    ``BATCH_PIECES`` pieces (or one text). Texts are not padded: padding to shared lengths measured slower
    than the padding saves, and a text of n pieces is computed with the same shapes in any batch."""
    result: list[list[int]] = []
    for i in sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids)):
        length = len(encodings[i].ids)
        last = result[-1] if result else None
        if last and len(encodings[last[0]].ids) == length and (len(last) + 1) * length <= BATCH_PIECES:
            last.append(i)
        else:
            result.append([i])
    return result


def encoder_threads() -> int:
    """Threads for the encoder: the CPUs this process may use, or ``OMP_NUM_THREADS`` where set (Dask
    sets it to 1 in its worker processes, which each take a CPU)."""
    configured = os.environ.get("OMP_NUM_THREADS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _softmax(values: np.ndarray) -> np.ndarray:
    """Softmax in float64 (empty stays empty)."""
    if not len(values):
        return values.astype(np.float64)
    shifted = np.exp(values.astype(np.float64) - values.max())
    return shifted / shifted.sum()


@lru_cache(maxsize=2)
def load_encoder(name: str) -> Encoder:
    """The shipped encoder ``name`` (a folder in ``threadlens/scoring/weights/``) or a folder path."""
    path = Path(name)
    return Encoder(path if path.is_dir() else ENCODER_DIR.parent / name)
