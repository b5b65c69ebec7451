"""The contextual member of the classifier: a small transformer encoder (MiniLM-L6, fine-tuned by
``scripts/train_encoder.py``) with a linear read-out on every word piece. The text's log-odds are the
bias plus the mean of the pieces' log-odds, so each token's share is exact: the sum of its pieces'
log-odds divided by the number of pieces read.

The encoder reads the scorer's normalised tokens, never the raw text: @handles, URLs, identity, faction
and name terms arrive as fixed placeholders, and quoted or reported words, and negated ones with their
negator, are each replaced by one ``[omitted]``. It runs with onnxruntime (int8 weights shipped in
``threadlens/scoring/weights/encoder/``); no network is used.
"""

from __future__ import annotations

import json
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


class Encoder:
    """The exported encoder and its tokenizer; ``token_logits`` gives each scorer token's log-odds share."""

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
        except Exception as error:  # missing, incomplete or corrupt files: onnxruntime raises its own types
            raise ConfigError(
                f"encoder weights missing or unreadable ({type(error).__name__}: {error})",
                path=str(directory),
                hint="Reinstall threadlens, or run scripts/train_encoder.py to create them",
            ) from error
        self.version = str(meta["version"])
        self.bias = float(meta["bias"])
        self.max_pieces = int(meta["max_pieces"])
        self.tokenizer.enable_truncation(self.max_pieces)
        self.tokenizer.no_padding()
        self.threads = min(4, os.cpu_count() or 1)

    def token_logits(self, inputs: Sequence[EncoderInput]) -> list[dict[int, float]]:
        """Per input, each scorer token's share of the encoder's log-odds (bias excluded)."""
        pieces = self._piece_logits(sorted({item.text for item in inputs}))
        out = []
        for item in inputs:
            offsets, logits = pieces[item.text]
            shares: dict[int, float] = {}
            for offset, logit in zip(offsets, logits, strict=True):
                token = item.token_index[bisect_right(item.token_start, offset) - 1]
                shares[token] = shares.get(token, 0.0) + logit / len(logits)
            out.append(shares)
        return out

    def _piece_logits(self, texts: list[str]) -> dict[str, tuple[list[int], list[float]]]:
        """Each text's word pieces' start offsets and log-odds (special tokens left out). Each text is run
        on its own: the int8 model quantises a batch's activations together, so batching would make a
        text's score depend on its neighbours. Threads run texts side by side instead."""
        encodings = self.tokenizer.encode_batch(texts)
        with ThreadPoolExecutor(self.threads) as pool:
            logits = list(pool.map(self._run, encodings, chunksize=32))
        results = {}
        for text, encoding, row in zip(texts, encodings, logits, strict=True):
            keep = [i for i, special in enumerate(encoding.special_tokens_mask) if not special]
            results[text] = ([encoding.offsets[i][0] for i in keep], [round(float(row[i]), 6) for i in keep])
        return results

    def _run(self, encoding) -> np.ndarray:
        """The piece log-odds of one encoded text."""
        ids = np.array([encoding.ids], dtype=np.int64)
        return self.session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0][0]


@lru_cache(maxsize=2)
def load_encoder(name: str) -> Encoder:
    """The shipped encoder ``name`` (a folder in ``threadlens/scoring/weights/``) or a folder path."""
    path = Path(name)
    return Encoder(path if path.is_dir() else ENCODER_DIR.parent / name)
