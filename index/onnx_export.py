"""Export the sentence-transformer's encoder to ONNX once, into the cache directory.

The export needs torch (slow to import), but only the first time on a machine;
afterwards queries run on onnxruntime alone. Writes are atomic, so a crash or two
processes exporting at once never leave a broken file behind.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
from pathlib import Path

INPUTS = ["input_ids", "attention_mask", "token_type_ids"]


def onnx_path(model_path: Path, cache_dir: Path) -> Path:
    """Where the export of ``model_path`` lives (keyed by the weights' size and path)."""
    weights = model_path / "model.safetensors"
    stamp = f"{model_path.resolve()}:{weights.stat().st_size if weights.exists() else 0}"
    digest = hashlib.sha256(stamp.encode()).hexdigest()[:16]
    return cache_dir / "onnx" / f"{model_path.name}-{digest}.onnx"


def ensure_onnx(model_path: Path, cache_dir: Path) -> Path:
    """The ONNX file for ``model_path``, exporting it first if needed."""
    target = onnx_path(model_path, cache_dir)
    if target.exists() and target.stat().st_size > 0:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, suffix=".onnx.part")
    os.close(handle)
    try:
        export_onnx(model_path, Path(temp))
        os.replace(temp, target)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return target


def export_onnx(model_path: Path, destination: Path) -> None:
    """Trace the transformer (token embeddings out) and write it as ONNX."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    model = AutoModel.from_pretrained(str(model_path)).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(model_path))

    class Encoder(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    sample = tokenizer(
        ["a short sentence", "and a slightly longer one"], return_tensors="pt", padding=True
    )
    axes = {name: {0: "batch", 1: "tokens"} for name in [*INPUTS, "last_hidden_state"]}
    with torch.no_grad(), warnings.catch_warnings():
        # The tracer warns about shape checks that are constant for this encoder.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Encoder(model),
            tuple(sample[name] for name in INPUTS),
            str(destination),
            input_names=INPUTS,
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
