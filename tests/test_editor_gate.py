"""Evaluation, report, gate and publishing with two tiny real models.

Two NLU models are trained once on the sample project (tests/editor_project.py): a good one and a
deliberately worse one whose labels are rotated (every topic's questions are taught as the
next topic). Both are measured on the same held-out questions.
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Iterator

import pytest
import requests

from editor.content import Example
from editor.evaluate import EvalResult, _nlu_yaml, cross_validate, evaluate_model, training_examples
from editor.gate import decide
from editor.publish import PublishError, hot_swap, load_state, publish, record_live, rollback, server_status
from editor.report import write_report
from tests.editor_project import make_project
from ops.stack import free_port


def _train(root: Path, nlu: Path, name: str) -> Path:
    from rasa.model_training import train_nlu

    path = train_nlu(config=str(root / "config.yml"), nlu_data=str(nlu), output=str(root / "models"),
                     domain=str(root / "domain.yml"), fixed_model_name=name)
    assert path and Path(path).exists()
    return Path(path)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    from editor.content import load_corpus

    root = make_project(tmp_path_factory.mktemp("tiny"), epochs=40)
    examples = training_examples(root)
    labels = sorted({e.intent for e in examples})
    rotate = {label: labels[(i + 1) % len(labels)] for i, label in enumerate(labels)}
    rotated = [Example(e.text, rotate[e.intent], e.path, e.line) for e in examples]
    responses = [r for r in load_corpus(root).responses if r.name.startswith("utter_faq/")]
    good_nlu = root / "good.yml"
    good_nlu.write_text(_nlu_yaml(examples, root, responses), encoding="utf-8")
    bad_nlu = root / "bad.yml"
    bad_nlu.write_text(_nlu_yaml(rotated, root, responses), encoding="utf-8")
    good = _train(root, good_nlu, "tiny-good")
    bad = _train(root, bad_nlu, "tiny-worse")
    heldout = root / "tests/nlu/heldout"
    return SimpleNamespace(root=root, good=good, bad=bad, heldout=heldout,
                           good_result=evaluate_model(good, heldout), bad_result=evaluate_model(bad, heldout))


def test_evaluation_labels_faq_by_topic(tiny: SimpleNamespace) -> None:
    result = tiny.good_result
    assert result.n == 8
    assert set(result.per_label) == {"faq/kosten", "faq/respijtzorg", "faq/keukentafelgesprek", "greet"}
    assert result.macro_f1 >= 0.6 and result.accuracy >= 0.6
    for scores in result.per_label.values():
        assert set(scores) == {"precision", "recall", "f1", "support"}
    assert len(result.confusion) == len(result.labels)
    assert sum(map(sum, result.confusion)) == result.n
    bad = tiny.bad_result
    assert bad.accuracy <= 0.25
    assert bad.errors and {"text", "expected", "predicted", "confidence", "path", "line"} <= set(bad.errors[0])
    assert bad.errors[0]["path"].endswith(".yml") and bad.errors[0]["line"] >= 5


def test_eval_result_json_roundtrip(tiny: SimpleNamespace) -> None:
    result = tiny.bad_result
    again = EvalResult.from_json(result.to_json())
    assert again == result
    assert json.loads(result.to_json())["macro_f1"] == result.macro_f1


def test_gate_refuses_worse_model(tiny: SimpleNamespace) -> None:
    decision = decide(new=tiny.bad_result, live=tiny.good_result, tolerance=0.01)
    assert not decision.accepted
    assert any("macro-F1 daalt" in r for r in decision.reasons)


def test_gate_accepts_better_model(tiny: SimpleNamespace) -> None:
    decision = decide(new=tiny.good_result, live=tiny.bad_result, tolerance=0.01)
    assert decision.accepted
    assert any("beter" in r for r in decision.reasons)


def test_gate_tolerance_and_minimum(tiny: SimpleNamespace) -> None:
    live = tiny.good_result
    slightly_worse = dataclasses.replace(live, macro_f1=live.macro_f1 - 0.005, accuracy=live.accuracy - 0.005)
    assert decide(slightly_worse, live, tolerance=0.01).accepted
    assert not decide(slightly_worse, live, tolerance=0.0).accepted
    assert decide(live, live, tolerance=0.0).accepted
    assert not decide(tiny.bad_result, None, min_macro_f1=0.5).accepted  # first model must reach the minimum
    assert decide(tiny.good_result, None, min_macro_f1=0.5).accepted


def test_cross_validation_proxy(tiny: SimpleNamespace) -> None:
    cv = cross_validate(tiny.root, folds=3, method="proxy")
    assert cv.kind == "cross-validation" and cv.extra == {"method": "proxy", "folds": 3}
    assert cv.n == len(training_examples(tiny.root))
    assert 0.5 <= cv.macro_f1 <= 1.0
    assert cv.seconds < 30


def test_report_has_tables_image_errors_and_comparison(tiny: SimpleNamespace, tmp_path: Path) -> None:
    cv = cross_validate(tiny.root, folds=3)
    decision = decide(tiny.bad_result, tiny.good_result, 0.01)
    index = write_report(tmp_path / "rapport", new=tiny.bad_result, live=tiny.good_result, cv=cv,
                         decision=decision.to_dict(), new_model="tiny-worse.tar.gz", live_model="tiny-good.tar.gz",
                         publication="Niet gepubliceerd.")
    html = index.read_text(encoding="utf-8")
    image = tmp_path / "rapport" / "confusion.png"
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and image.stat().st_size > 5000
    assert "<img src='confusion.png'" in html
    assert "Afgekeurd" in html and "Niet gepubliceerd." in html
    for label in tiny.bad_result.per_label:
        assert f"<td>{label}</td>" in html
    assert "Precisie" in html and "Herkenning" in html and "F1 live" in html
    assert tiny.bad_result.errors[0]["text"] in html  # the examples that went wrong
    assert f"{tiny.good_result.macro_f1:.3f}" in html  # the live model's score
    results = json.loads((tmp_path / "rapport" / "results.json").read_text(encoding="utf-8"))
    assert results["decision"]["accepted"] is False


def test_publish_and_rollback_without_server_only_record(tiny: SimpleNamespace, tmp_path: Path) -> None:
    state_file = tmp_path / "live.json"
    url = f"http://127.0.0.1:{free_port()}"
    first = publish(tiny.good, url=url, token="x", scores={"macro_f1": 0.9}, state_file=state_file)
    assert first["published"] is False
    publish(tiny.bad, url=url, token="x", state_file=state_file)
    state = load_state(state_file)
    assert Path(state["live"]["model"]).name == tiny.bad.name
    assert Path(state["previous"]["model"]).name == tiny.good.name
    rollback(url=url, token="x", state_file=state_file)
    state = load_state(state_file)
    assert Path(state["live"]["model"]).name == tiny.good.name
    assert state["live"]["action"] == "rollback" and state["live"]["macro_f1"] == 0.9
    assert Path(state["previous"]["model"]).name == tiny.bad.name
    with pytest.raises(PublishError):
        publish(tiny.good, url=url, token="x", state_file=state_file, require_server=True)


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest, tiny: SimpleNamespace,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """The session's running assistant (tests/conftest.py), or one of our own on the tiny model."""
    from ops.model_state import current_model

    if current_model() is not None:
        stack = request.getfixturevalue("stack")
        yield SimpleNamespace(url=stack.rasa_url, token=stack.token, original=Path(stack.model))
        return
    from ops.stack import Stack

    # Only the Rasa server: hot-swapping a model needs no action server.
    own = Stack(model=tiny.good, workdir=tmp_path_factory.mktemp("editor-stack"))
    try:
        own.start_rasa()
        yield SimpleNamespace(url=own.rasa_url, token=own.token, original=tiny.good)
    finally:
        own.stop_rasa()


@pytest.mark.server
def test_hot_swap_and_rollback_on_running_server(server: SimpleNamespace, tiny: SimpleNamespace,
                                                 tmp_path: Path) -> None:
    state_file = tmp_path / "live.json"
    other = tiny.bad if server.original.name != tiny.bad.name else tiny.good
    assert Path(server_status(server.url, server.token)["model_file"]).name == server.original.name
    record_live(server.original, state_file=state_file)
    try:
        result = publish(other, url=server.url, token=server.token, state_file=state_file, require_server=True)
        assert result["published"] is True
        assert Path(server_status(server.url, server.token)["model_file"]).name == other.name
        parsed = requests.post(f"{server.url}/model/parse", params={"token": server.token},
                               json={"text": "wat kost het"}, timeout=30).json()
        assert parsed["intent"]["name"]  # the swapped-in model answers
        back = rollback(url=server.url, token=server.token, state_file=state_file, require_server=True)
        assert back["published"] is True
        assert Path(server_status(server.url, server.token)["model_file"]).name == server.original.name
        assert Path(load_state(state_file)["previous"]["model"]).name == other.name
    finally:
        status = server_status(server.url, server.token)
        if Path(status["model_file"]).name != server.original.name:
            hot_swap(server.original, server.url, server.token)


@pytest.mark.server
def test_wrong_token_is_refused(server: SimpleNamespace, tiny: SimpleNamespace) -> None:
    with pytest.raises(PublishError, match="token"):
        hot_swap(tiny.good, server.url, "verkeerd-token")
    assert Path(server_status(server.url, server.token)["model_file"]).name == server.original.name
