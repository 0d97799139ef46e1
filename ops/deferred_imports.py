"""Keep TensorFlow (and what it drags in) out of a Rasa server whose pipeline does not use it.

Rasa 3.6 imports TensorFlow while loading any policy, even one that never touches it:
``rasa.core.policies.policy`` → ``rasa.core.featurizers`` → ``rasa.nlu.extractors.extractor``
→ ``import rasa.utils.train_utils`` → ``rasa.utils.tensorflow.callback`` → ``import
tensorflow`` (with Keras, JAX, TensorBoard and SciPy parts: about 450 MB of the server's
~650 MB, and most of its load time; measured in results/memory.md). Our pipeline and
policies (config.yml) use none of it: ``rasa.utils.train_utils`` is only used inside
functions of the machine-learned components (DIET, TED, CRF, ...).

Two places import it:

1. ``defer("rasa.utils.train_utils")`` puts a stand-in module in ``sys.modules``: importing it
costs nothing, and the first attribute anyone reads from it imports the real module (and so
TensorFlow) and turns the stand-in into it. A model that does use those components still
works; it only pays for TensorFlow when it first needs it.
2. Loading a model reads its *training* graph too (``ModelMetadata.from_dict``), whose
   validator node imports DIET, TED and the CRF extractor. Serving never runs that graph, so
   it is read when first used (``DeferredGraphSchema``): same content, same ``as_dict()``.

3. spaCy's thinc tries ``import tensorflow`` at import, to offer TensorFlow layers; a blank
   spaCy pipeline (ours) has none. ``thinc`` is imported while ``tensorflow`` is marked as
   absent, so thinc goes without its TensorFlow shims; Rasa's own components still find
   TensorFlow afterwards.

No file of Rasa is changed.
``ops/rasa_cli.py`` applies this for ``rasa run`` (``RASA_DEFER_TENSORFLOW=off`` turns it off).
"""
from __future__ import annotations

import copy
import importlib
import importlib.util
import sys
import types
from typing import Any, Dict, Optional

# rasa.utils.plotting: rasa.server imports rasa.nlu.test, which imports matplotlib (~10 MB)
# for evaluation plots that a running server never draws
DEFERRED_FOR_SERVING = ("rasa.utils.train_utils", "rasa.utils.plotting")


class DeferredModule(types.ModuleType):
    """A module that imports its real self on first attribute access."""

    def __getattr__(self, attribute: str) -> Any:
        real = self.__dict__.get("_deferred_real")
        if real is None:
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
            real = importlib.import_module(self.__name__)
            self.__dict__.update(real.__dict__)
            self.__dict__["_deferred_real"] = real
        return getattr(real, attribute)


def defer(name: str) -> None:
    """Let ``import name`` succeed without running the module until it is used."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None:
        return
    module = DeferredModule(name)
    module.__spec__ = spec
    module.__file__ = spec.origin
    module.__loader__ = spec.loader
    module.__package__ = name.rpartition(".")[0]
    sys.modules[name] = module


def _deferred_graph_schema_class() -> Any:
    from rasa.engine.graph import GraphSchema

    class DeferredGraphSchema(GraphSchema):
        """A graph schema whose component classes are imported when first needed."""

        def __init__(self, serialized: Dict[str, Any]) -> None:  # noqa: no super(): lazy
            self._serialized = serialized
            self._loaded: Optional[GraphSchema] = None

        @property  # type: ignore[override]
        def nodes(self) -> Dict[str, Any]:
            if self._loaded is None:
                self._loaded = GraphSchema.from_dict(copy.deepcopy(self._serialized))
            return self._loaded.nodes

        def __repr__(self) -> str:
            return f"DeferredGraphSchema({len(self._serialized.get('nodes', {}))} nodes)"

    return DeferredGraphSchema


def _defer_training_schema() -> None:
    from rasa.engine.storage.storage import ModelMetadata

    deferred_schema = _deferred_graph_schema_class()
    original = ModelMetadata.from_dict.__func__  # type: ignore[attr-defined]

    def from_dict(cls: Any, serialized: Dict[str, Any]) -> Any:
        metadata = original(cls, {**serialized, "train_schema": {"nodes": {}}})
        metadata.train_schema = deferred_schema(serialized["train_schema"])
        return metadata

    ModelMetadata.from_dict = classmethod(from_dict)  # type: ignore[assignment]


def apply() -> None:
    """Call before anything imports Rasa's policies (ops/rasa_cli.py does, for serving)."""
    for name in DEFERRED_FOR_SERVING:
        defer(name)
    _defer_training_schema()
    _thinc_without_tensorflow()


def _thinc_without_tensorflow() -> None:
    if "tensorflow" in sys.modules or "thinc" in sys.modules:
        return
    sys.modules["tensorflow"] = None  # type: ignore[assignment]  # "import tensorflow" -> ImportError
    try:
        import thinc.compat  # noqa: F401
    finally:
        del sys.modules["tensorflow"]
