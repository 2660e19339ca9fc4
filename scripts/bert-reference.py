#!/usr/bin/env python3
"""Reference sentence vectors for a BERT model folder, computed with NumPy only.

Independent of onnxruntime and transformers.js: it reads the weights out of onnx/model.onnx with
its own protobuf reader (initializers only; the graph is not executed), tokenizes with its own
BERT basic tokenizer + greedy WordPiece over tokenizer.json's vocabulary, and runs BertModel's
forward pass (Devlin et al. 2019; Hugging Face modeling_bert.py) in float64, then mean pooling over
the attention mask and L2 normalisation, as sentence-transformers' all-MiniLM-L6-v2 does.
Truncation follows sentence-transformers: keep [CLS], the first max_len - 2 tokens, then [SEP], with
max_len = min(tokenizer model_max_length, max_position_embeddings, sentence_bert max_seq_length).

Usage: python3 scripts/bert-reference.py test/fixtures/models/minilm-arch-small > out.json
The committed fixture test/fixtures/embedding/minilm-arch-small.expected.json is this script's output.
"""
import json
import struct
import sys
import unicodedata
from pathlib import Path

import numpy as np

TEXTS = [
    "hello",
    "Write a Python function that merges two sorted lists.",
    "Summarize this meeting, please: the team agreed on the Q3 roadmap and the budget!",
    "Translate 'good morning' into French",
    "Café owners' unbelievably overcomplicated refund paperwork",
    "how many apples can you buy with ten dollars",
]
# Far past every budget: the reference keeps [CLS] + the first max_len - 2 tokens + [SEP].
LONG_TEXT = " ".join(["please help me write a sorted list of words for the weekly report"] * 12)
PADDED_BATCH = [0, 1, 2, 4]  # mixed lengths, so the short ones are padded in one batch
# The long text again under smaller budgets, for a folder whose sentence_bert_config.json says so.
SMALLER_MAX_LENGTHS = [48]


# --- protobuf: just the fields needed to read initializers (onnx.proto3 field numbers) ---
def read_varint(buf, pos):
    result = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, pos


def fields(buf):
    """Yields (field number, wire type, value) of one message; value is int or bytes."""
    pos = 0
    while pos < len(buf):
        key, pos = read_varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = read_varint(buf, pos)
        elif wire == 2:
            length, pos = read_varint(buf, pos)
            value, pos = buf[pos:pos + length], pos + length
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        else:
            raise ValueError(f"unsupported wire type {wire}")
        yield number, wire, value


def initializers(model_path):
    """name -> float64 array for every float32 initializer with raw_data (ModelProto.graph.initializer)."""
    model = Path(model_path).read_bytes()
    graph = next(v for n, w, v in fields(model) if n == 7)
    weights = {}
    for n, _, tensor in fields(graph):
        if n != 5:
            continue
        dims, dtype, name, raw = [], None, None, None
        for fn, _, fv in fields(tensor):
            if fn == 1:
                dims.append(fv)
            elif fn == 2:
                dtype = fv
            elif fn == 8:
                name = bytes(fv).decode()
            elif fn == 9:
                raw = bytes(fv)
        if dtype == 1:  # FLOAT
            weights[name] = np.frombuffer(raw, dtype="<f4").astype(np.float64).reshape(dims)
    return weights


# --- tokenizer: BERT basic tokenizer + greedy longest-match WordPiece ---
def is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def basic_tokens(text):
    dropped = lambda ch: ord(ch) in (0, 0xFFFD) or (unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\t\n\r")
    text = "".join(" " if ch.isspace() else ch for ch in text if not dropped(ch))
    text = unicodedata.normalize("NFD", text.lower())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    out = []
    for word in text.split():
        current = ""
        for ch in word:
            if is_punctuation(ch):
                if current:
                    out.append(current)
                out.append(ch)
                current = ""
            else:
                current += ch
        if current:
            out.append(current)
    return out


def wordpiece(word, vocab, unk="[UNK]", max_chars=100):
    if len(word) > max_chars:
        return [unk]
    pieces, start = [], 0
    while start < len(word):
        end, found = len(word), None
        while start < end:
            piece = ("##" if start > 0 else "") + word[start:end]
            if piece in vocab:
                found = piece
                break
            end -= 1
        if found is None:
            return [unk]
        pieces.append(found)
        start = end
    return pieces


def encode(text, vocab, max_len):
    tokens = [p for w in basic_tokens(text) for p in wordpiece(w, vocab)]
    tokens = tokens[: max_len - 2]
    return [vocab["[CLS]"]] + [vocab[t] for t in tokens] + [vocab["[SEP]"]]


# --- BertModel forward ---
def layer_norm(x, w, prefix, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w[prefix + ".weight"] + w[prefix + ".bias"]


def gelu(x):
    erf = np.vectorize(__import__("math").erf)
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


def forward(ids, mask, w, cfg, mask_attention=True):
    """ids, mask: [batch, seq] int arrays. Returns last_hidden_state [batch, seq, hidden]."""
    batch, seq = ids.shape
    heads, hidden, eps = cfg["num_attention_heads"], cfg["hidden_size"], cfg["layer_norm_eps"]
    head_dims = hidden // heads
    x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:seq][None] + w["embeddings.token_type_embeddings.weight"][0][None, None]
    x = layer_norm(x, w, "embeddings.LayerNorm", eps)
    bias = (1.0 - mask[:, None, None, :]) * np.finfo(np.float32).min if mask_attention else 0.0
    for layer in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{layer}"
        lin = lambda t, name: t @ w[f"{p}.{name}.weight"] + w[f"{p}.{name}.bias"]
        split = lambda t: t.reshape(batch, seq, heads, head_dims).transpose(0, 2, 1, 3)
        q, k, v = (split(lin(x, f"attention.self.{n}")) for n in ("query", "key", "value"))
        scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head_dims) + bias
        scores = scores - scores.max(-1, keepdims=True)
        probs = np.exp(scores)
        probs /= probs.sum(-1, keepdims=True)
        context = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, seq, hidden)
        x = layer_norm(lin(context, "attention.output.dense") + x, w, f"{p}.attention.output.LayerNorm", eps)
        x = layer_norm(lin(gelu(lin(x, "intermediate.dense")), "output.dense") + x, w, f"{p}.output.LayerNorm", eps)
    return x


def sentence_vectors(id_lists, w, cfg, pool_over_mask=True, mask_attention=True):
    """Pads to the longest, runs one batch, mean-pools (over the mask unless told not to), L2-normalises."""
    seq = max(len(ids) for ids in id_lists)
    ids = np.zeros((len(id_lists), seq), dtype=np.int64)
    mask = np.zeros((len(id_lists), seq), dtype=np.float64)
    for i, row in enumerate(id_lists):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1.0
    hidden = forward(ids, mask, w, cfg, mask_attention)
    weights = mask if pool_over_mask else np.ones_like(mask)
    pooled = (hidden * weights[..., None]).sum(1) / weights.sum(1, keepdims=True)
    return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def rounded(v):
    return [float(f"{x:.8g}") for x in v]


def main(folder):
    folder = Path(folder)
    cfg = json.loads((folder / "config.json").read_text())
    tok_cfg = json.loads((folder / "tokenizer_config.json").read_text())
    vocab = json.loads((folder / "tokenizer.json").read_text())["model"]["vocab"]
    sbert = folder / "sentence_bert_config.json"
    limits = [tok_cfg["model_max_length"], cfg["max_position_embeddings"]]
    if sbert.exists():
        limits.append(json.loads(sbert.read_text())["max_seq_length"])
    max_len = min(limits)
    w = initializers(folder / "onnx" / "model.onnx")
    texts = TEXTS + [LONG_TEXT]
    encoded = [encode(t, vocab, max_len) for t in texts]
    singles = [sentence_vectors([ids], w, cfg)[0] for ids in encoded]
    batch = [encoded[i] for i in PADDED_BATCH]
    print(json.dumps({
        "about": "Expected sentence vectors for the model folder, from scripts/bert-reference.py (NumPy only; see its docstring).",
        "command": f"python3 scripts/bert-reference.py {folder.as_posix()}",
        "numpy": np.__version__,
        "maxLength": max_len,
        "texts": [{"text": t, "ids": ids, "vector": rounded(v)} for t, ids, v in zip(texts, encoded, singles)],
        "longTextByMaxLength": {
            str(n): rounded(sentence_vectors([encode(LONG_TEXT, vocab, n)], w, cfg)[0]) for n in SMALLER_MAX_LENGTHS if n < max_len
        },
        "paddedBatch": {
            "indices": PADDED_BATCH,
            "meanOverAllPositions": [rounded(v) for v in sentence_vectors(batch, w, cfg, pool_over_mask=False)],
            "attentionWithoutMask": [rounded(v) for v in sentence_vectors(batch, w, cfg, mask_attention=False)],
        },
    }, indent=1))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "test/fixtures/models/minilm-arch-small")
