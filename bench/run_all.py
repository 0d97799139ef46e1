"""Every benchmark figure of issue 6 in one run, written to results/benchmarks.{md,json}.

    PYTHONPATH=. .venv/bin/python -m bench.run_all            # about 25–35 min on 2 CPUs
    PYTHONPATH=. .venv/bin/python -m bench.run_all --reuse    # reuse reference models

One run, same data, same machine:
1. train our configuration (config.yml), Rasa's default configuration
   (config/bench_default.yml) and our previous DIET configuration (config/bench_diet.yml)
   on the same data/ and domain.yml; training time of each;
2. held-out NLU scores of the three, plus two TF-IDF + logistic-regression baselines; ours
   with and without the sentence embedding (config.yml with ``sentence_embedding: 0``) on the
   held-out set and on the realistic set (tests/nlu/realistic: real people's messages);
3. serving: load time, the three load shapes and peak RSS for ours, ours on stock Rasa
   (RASA_PATCHES=off: what ops/rasa_patches.py buys), the previous DIET configuration and
   the Rasa default configuration on stock Rasa (the `rasa init` reference).
The machine is noisy: compare the rows of one run with each other (ratios), not with
another day's run. Nothing here is asserted; the test command does not run it.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from bench.common import BENCH_MODELS, RESULTS, stamp
from bench.nlu_bench import rasa_model_scores, tfidf_lr_baselines
from bench.serving_bench import SCRIPTS, goal_rows, measure
from editor.realistic import evaluate_realistic_sets
from ops.model_state import ROOT, TRAINING_RECORD, ensure_spacy_pipeline, rasa_bin, rasa_env

# figures that ordinary runs keep in ignored places; only `make bench` puts them in results/
RUN_FIGURES = [(TRAINING_RECORD, "training.json"),
               (ROOT / "tests" / "artifacts" / "nlu_heldout.json", "nlu_heldout.json")]

NO_EMBEDDING_CONFIG = ROOT / "build" / "bench_no_embedding.yml"
CONFIGS: List[Tuple[str, str]] = [
    ("ours", "config.yml"),
    ("ours_no_embedding", str(NO_EMBEDDING_CONFIG.relative_to(ROOT))),
    ("rasa_default", "config/bench_default.yml"),
    ("previous_diet", "config/bench_diet.yml"),
]
LABELS = {
    "ours": "ours (config.yml)",
    "ours_stock_rasa": "ours on stock Rasa (RASA_PATCHES=off)",
    "ours_no_embedding": "ours without the sentence embedding (n-grams only)",
    "rasa_default": "Rasa default config (stock Rasa)",
    "previous_diet": "previous config: DIET + ResponseSelector + TED",
}
GOALS = {"seq_p50_ms": 25, "saturated_msg_s": 40, "realistic_p95_ms": 150, "load_s": 15,
         "rasa_rss_mb": 400, "train_s": 300, "macro_f1": 0.95}


def write_no_embedding_config() -> None:
    """config.yml with the topic classifier's sentence embedding switched off (nothing else)."""
    import yaml

    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    for component in config["pipeline"]:
        if component.get("sentence_embedding"):
            component["sentence_embedding"] = 0.0
    NO_EMBEDDING_CONFIG.parent.mkdir(parents=True, exist_ok=True)
    NO_EMBEDDING_CONFIG.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


def train(key: str, config: str, reuse: bool) -> Tuple[Path, Optional[float]]:
    """Train one configuration on data/ into models/bench/; (model, seconds or None if reused)."""
    BENCH_MODELS.mkdir(parents=True, exist_ok=True)
    path = BENCH_MODELS / f"{key}.tar.gz"
    if reuse and path.exists() and key != "ours":
        return path, None
    # a fresh, empty training cache: Rasa would otherwise reuse components trained before
    # (.rasa/cache) and the time would not be a full training
    with tempfile.TemporaryDirectory(prefix="rasa-cache-") as cache:
        started = time.monotonic()
        subprocess.run([rasa_bin(), "train", "--config", config, "--domain", "domain.yml", "--data", "data",
                        "--out", str(BENCH_MODELS), "--fixed-model-name", key],
                       cwd=ROOT, env={**rasa_env(), "RASA_CACHE_DIRECTORY": cache}, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return path, round(time.monotonic() - started, 1)


def run(reuse: bool, saturated_seconds: float, realistic_seconds: float) -> Dict[str, Any]:
    ensure_spacy_pipeline()
    out: Dict[str, Any] = {"stamp": stamp(), "goals": GOALS, "training": {}, "nlu": {}, "serving": {},
                           "scripts": SCRIPTS}
    models: Dict[str, Path] = {}
    write_no_embedding_config()
    for key, config in CONFIGS:
        print(f"training {key} ({config}) ...", flush=True)
        models[key], seconds = train(key, config, reuse)
        out["training"][key] = {"config": config, "seconds": seconds}
    print("held-out NLU ...", flush=True)
    for key in ("ours", "ours_no_embedding", "rasa_default", "previous_diet"):
        out["nlu"][LABELS[key]] = rasa_model_scores(models[key])
    out["nlu"].update(tfidf_lr_baselines())
    print("realistic set ...", flush=True)
    out["realistic"] = {}
    for key in ("ours", "ours_no_embedding"):
        for set_name, realistic in evaluate_realistic_sets(models[key]).items():
            realistic = realistic or {}
            out["realistic"][f"{LABELS[key]}, {set_name}"] = {
                k: realistic.get(k) for k in ("n", "covered", "accuracy", "by_kind")}
    targets = [("ours", models["ours"], {}),
               ("ours_stock_rasa", models["ours"], {"RASA_PATCHES": "off"}),
               ("previous_diet", models["previous_diet"], {}),
               ("rasa_default", models["rasa_default"], {"RASA_PATCHES": "off"})]
    for key, model, env in targets:
        print(f"serving {key} ...", flush=True)
        out["serving"][key] = measure(model, saturated_seconds=saturated_seconds,
                                      realistic_seconds=realistic_seconds, extra_env=env,
                                      long_turns=1000 if key == "ours" else 0)
        print(json.dumps(out["serving"][key]), flush=True)
    return out


def _row(values: List[Any]) -> str:
    return "| " + " | ".join(str(v) for v in values) + " |"


def markdown(r: Dict[str, Any]) -> str:
    s, m = r["stamp"], r["stamp"]["machine"]
    ours, ours_nlu = r["serving"]["ours"], r["nlu"][LABELS["ours"]]
    best_baseline = max(v["macro_f1"] for k, v in r["nlu"].items() if k.startswith("TF-IDF"))
    train_s = r["training"]["ours"]["seconds"]
    lines = [
        "# Benchmarks: accuracy, speed, memory, training", "",
        f"- date: {s['date']}; commit: {s['commit']}",
        f"- machine: {m['cpu']}, {m['cpus']} CPUs, {m['memory_gb']} GB; {m['os']}; Python {m['python']}",
        "- command: `PYTHONPATH=. .venv/bin/python -m bench.run_all` (one run; the load generator shares the 2 CPUs)",
        "", "## Against the goals (ours)", "",
        _row(["figure", "goal", "measured", "met"]), _row(["---"] * 4),
        _row(["held-out intent macro-F1", f"≥ {GOALS['macro_f1']} and above both baselines",
              f"{ours_nlu['macro_f1']} (best baseline {best_baseline})",
              _yes(ours_nlu["macro_f1"] >= GOALS["macro_f1"] and ours_nlu["macro_f1"] > best_baseline)]),
        _row(["sequential p50", f"≤ {GOALS['seq_p50_ms']} ms", f"{ours['sequential']['p50_ms']} ms",
              _yes(ours["sequential"]["p50_ms"] <= GOALS["seq_p50_ms"])]),
        _row(["saturated, 20 conversations", f"≥ {GOALS['saturated_msg_s']} msg/s",
              f"{ours['saturated']['messages_per_second']} msg/s",
              _yes(ours["saturated"]["messages_per_second"] >= GOALS["saturated_msg_s"])]),
        _row(["realistic, 50 residents, p95", f"≤ {GOALS['realistic_p95_ms']} ms", f"{ours['realistic']['p95_ms']} ms",
              _yes(ours["realistic"]["p95_ms"] <= GOALS["realistic_p95_ms"])]),
        _row(["model load (process start → /status)", f"≤ {GOALS['load_s']} s", f"{ours['load_seconds']} s",
              _yes(ours["load_seconds"] <= GOALS["load_s"])]),
        _row(["peak RSS Rasa server", f"≤ {GOALS['rasa_rss_mb']} MB", f"{ours['rasa_peak_rss_mb']} MB",
              _yes((ours["rasa_peak_rss_mb"] or 1e9) <= GOALS["rasa_rss_mb"])]),
        *[_row([f, g, m, _yes(ok)]) for f, g, m, ok in goal_rows(ours)[5:]],
        _row(["full training", f"≤ {GOALS['train_s']} s", f"{train_s} s",
              _yes(train_s is not None and train_s <= GOALS["train_s"])]),
        "", "## Held-out NLU (tests/nlu/heldout, never trained on; FAQ on the full faq/<topic> label)", "",
        _row(["model", "macro-F1", "accuracy", "n"]), _row(["---"] * 4),
    ]
    for name, v in r["nlu"].items():
        lines.append(_row([name, v["macro_f1"], v["accuracy"], v["n"]]))
    lines += ["", "## Realistic set (tests/nlu/realistic: real people's messages from public pages; "
              "parse only, top-1 label right)", "",
              _row(["model, set", "accuracy", "covered", "questions", "stories", "places", "English"]), _row(["---"] * 7)]
    for name, v in r.get("realistic", {}).items():
        kinds = v.get("by_kind") or {}
        lines.append(_row([name, v.get("accuracy"), v.get("covered"),
                           *[(kinds.get(k) or {}).get("accuracy") for k in ("question", "story", "place", "english")]]))
    lines += ["", "## Serving over the REST webhook (real Rasa server + action server)", "",
              _row(["configuration", "load s", "seq p50 ms", "seq p95 ms", "saturated msg/s", "saturated p95 ms",
                    "realistic p50 ms", "realistic p95 ms", "realistic p99 ms", "failures",
                    "Rasa peak RSS MB", "action server peak RSS MB"]), _row(["---"] * 12)]
    for key, v in r["serving"].items():
        failures = sum(v[shape]["failures"] for shape in ("sequential", "saturated", "realistic"))
        lines.append(_row([LABELS[key], v["load_seconds"], v["sequential"]["p50_ms"], v["sequential"]["p95_ms"],
                           v["saturated"]["messages_per_second"], v["saturated"]["p95_ms"],
                           v["realistic"]["p50_ms"], v["realistic"]["p95_ms"], v["realistic"]["p99_ms"],
                           failures, v["rasa_peak_rss_mb"], v["action_peak_rss_mb"]]))
    lines += ["", "## Training time (rasa train, same data)", "", _row(["configuration", "seconds"]), _row(["---"] * 2)]
    for key, v in r["training"].items():
        lines.append(_row([f"{LABELS[key]} — {v['config']}", v["seconds"] if v["seconds"] is not None else "reused"]))
    lines += ["", "Shapes: *sequential* = one conversation at a time, 25 scripted conversations in a row; "
              "*saturated* = 20 conversations sending without pause for the stated seconds; *realistic* = 50 residents "
              "pausing 1–5 s (seeded) before each message, arrivals spread over 5 s. "
              "Scripts: see results/benchmarks.json.",
              ""]
    return "\n".join(lines)


def _yes(ok: bool) -> str:
    return "yes" if ok else "**no**"


def copy_run_figures() -> None:
    """The last training time and held-out scores (from the training and the test command)."""
    for source, name in RUN_FIGURES:
        if source.exists():
            shutil.copyfile(source, RESULTS / name)


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", action="store_true", help="reuse trained reference models in models/bench/")
    parser.add_argument("--saturated-seconds", type=float, default=30)
    parser.add_argument("--realistic-seconds", type=float, default=60)
    args = parser.parse_args(argv)
    result = run(args.reuse, args.saturated_seconds, args.realistic_seconds)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "benchmarks.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    text = markdown(result)
    (RESULTS / "benchmarks.md").write_text(text, encoding="utf-8")
    copy_run_figures()
    print(text)


if __name__ == "__main__":
    main()
