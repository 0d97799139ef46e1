"""The Rasa server runs without TensorFlow, and whatever needs TensorFlow still gets it.

ops/deferred_imports.py keeps TensorFlow out of the server (results/memory.md: about 670 →
335 MB). The running stack of the test session must not have it loaded while it answers
every test's messages; in a fresh process the deferred parts must come back intact when
used: the training graph of the model, rasa.utils.train_utils (with TensorFlow) and
rasa.utils.plotting (with matplotlib).
"""
from __future__ import annotations

import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from ops.model_state import ROOT, rasa_env
from ops.stack import Stack
from tests.conversation import bot_texts

CHECK = r'''
import json, sys, tarfile
sys.path.insert(0, {root!r})
from ops.deferred_imports import apply
apply()
import rasa.core.policies.rule_policy, safety.policy, spacy
from rasa.engine.storage.local_model_storage import LocalModelStorage
import tempfile
from pathlib import Path
with tempfile.TemporaryDirectory() as tmp:
    _, metadata = LocalModelStorage.from_model_archive(Path(tmp), Path({model!r}))
    out = {{"tf_after_load": "tensorflow" in sys.modules,
            "train_schema": metadata.train_schema.as_dict(),
            "predict_nodes": sorted(metadata.predict_schema.nodes)}}
import rasa.utils.train_utils as train_utils
out["normalize_works"] = callable(train_utils.rank_and_mask)
out["tf_after_use"] = "tensorflow" in sys.modules
import rasa.server
out["matplotlib_after_server_import"] = "matplotlib" in sys.modules
import rasa.utils.plotting as plotting
out["plotting_works"] = callable(plotting.plot_confusion_matrix) and "matplotlib" in sys.modules
print("RESULT" + json.dumps(out))
'''


@pytest.mark.server
def test_the_running_server_has_no_tensorflow_and_answers(stack: Stack) -> None:
    assert "Groningen" in bot_texts(stack.send("deferred-check", "ik zoek een clientondersteuner in 9712 CP"))
    assert stack.rasa_proc is not None
    maps = Path(f"/proc/{stack.rasa_proc.pid}/maps").read_text()
    assert "libtensorflow" not in maps and "matplotlib" not in maps


def test_deferred_parts_come_back_when_used(model_path: Path) -> None:
    code = CHECK.format(root=str(ROOT), model=str(model_path))
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=rasa_env(), capture_output=True,
                          text=True, timeout=600)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT")]
    assert lines, done.stderr[-3000:]
    out = json.loads(lines[0][len("RESULT"):])
    assert out["tf_after_load"] is False
    with tarfile.open(model_path) as archive:
        stored = json.load(archive.extractfile("metadata.json"))  # type: ignore[arg-type]
    assert out["train_schema"] == stored["train_schema"]
    assert out["predict_nodes"] == sorted(stored["predict_schema"]["nodes"])
    assert out["normalize_works"] is True and out["tf_after_use"] is True
    # matplotlib (rasa.server -> rasa.nlu.test -> rasa.utils.plotting) waits until a plot is drawn
    assert out["matplotlib_after_server_import"] is False and out["plotting_works"] is True
