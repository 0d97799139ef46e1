"""The HTML report of one retrain: scores per topic, confusion matrix, errors, live comparison.

Written to reports/<timestamp>/index.html with confusion.png and results.json beside it.
"""
from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path
from typing import Any, Dict, List, Optional

from editor.evaluate import EvalResult
from editor.settings import ROOT

REPORTS_DIR = ROOT / "reports"


def new_report_dir(base: Path = REPORTS_DIR) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = base / stamp
    n = 1
    while path.exists():
        n += 1
        path = base / f"{stamp}-{n}"
    path.mkdir(parents=True)
    return path


def _short(label: str) -> str:
    return label[4:] if label.startswith("faq/") else label


def confusion_png(result: EvalResult, path: Path, title: str = "Verwarringsmatrix (testvragen)") -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    labels = [_short(label) for label in result.labels]
    matrix = np.array(result.confusion or [[0]], dtype=float)
    n = max(len(labels), 1)
    size = min(max(6.0, 0.32 * n + 3.0), 30.0)
    fig, ax = plt.subplots(figsize=(size, size * 0.9))
    row_sums = matrix.sum(axis=1, keepdims=True)
    shares = np.divide(matrix, row_sums, out=np.zeros_like(matrix), where=row_sums > 0)
    image = ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)))
    ax.set_yticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=90, fontsize=8)
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_xlabel("voorspeld door het model")
    ax.set_ylabel("juiste onderwerp")
    ax.set_title(title)
    if n <= 60:
        for i in range(matrix.shape[0]):
            for j in range(matrix.shape[1]):
                if matrix[i, j]:
                    ax.text(j, i, int(matrix[i, j]), ha="center", va="center", fontsize=7,
                            color="white" if shares[i, j] > 0.5 else "black")
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="deel van de vragen")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _fmt(value: Optional[float], digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _delta(new: Optional[float], old: Optional[float]) -> str:
    if new is None or old is None:
        return ""
    d = new - old
    cls = "up" if d > 0.0005 else ("down" if d < -0.0005 else "same")
    return f'<span class="{cls}">{d:+.3f}</span>'


CSS = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
.ok{background:#e6f4ea;padding:.6em 1em;border-left:6px solid #1e8e3e}
.bad{background:#fce8e6;padding:.6em 1em;border-left:6px solid #d93025}
.up{color:#1e8e3e}.down{color:#d93025}.same{color:#666}.low{background:#fff4e5}
.headline td{font-size:1.1em}
"""


def write_report(out_dir: Path, new: EvalResult, live: Optional[EvalResult] = None,
                 cv: Optional[EvalResult] = None, decision: Optional[Dict[str, Any]] = None,
                 problems: Optional[List[Dict[str, Any]]] = None, publication: Optional[str] = None,
                 new_model: str = "", live_model: str = "", timings: Optional[Dict[str, float]] = None,
                 realistic: Optional[Dict[str, Any]] = None,
                 later_sets: Optional[Dict[str, Dict[str, Any]]] = None) -> Path:
    """Write index.html, confusion.png and results.json into ``out_dir``; return the HTML path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    confusion_png(new, out_dir / "confusion.png")
    (out_dir / "results.json").write_text(json.dumps({
        "new_model": new_model, "live_model": live_model, "heldout": new.to_dict(),
        "live": live.to_dict() if live else None, "cross_validation": cv.to_dict() if cv else None,
        "decision": decision, "publication": publication, "problems": problems or [], "timings": timings or {},
        "realistic": realistic, "realistic_later_sets": later_sets or {},
    }, ensure_ascii=False, indent=1), encoding="utf-8")
    parts: List[str] = [f"<!doctype html><html lang='nl'><head><meta charset='utf-8'>"
                        f"<title>Rapport nieuw model</title><style>{CSS}</style></head><body>",
                        "<h1>Rapport: nieuw model</h1>",
                        f"<p>Gemaakt op {_esc(dt.datetime.now().strftime('%d-%m-%Y %H:%M'))}. "
                        f"Nieuw model: <code>{_esc(new_model or new.model)}</code>. "
                        f"Live model: <code>{_esc(live_model or (live.model if live else 'geen'))}</code>.</p>"]
    if decision is not None:
        cls = "ok" if decision.get("accepted") else "bad"
        verdict = "Goedgekeurd" if decision.get("accepted") else "Afgekeurd"
        parts.append(f"<div class='{cls}'><strong>{verdict}.</strong> "
                     + " ".join(_esc(r) for r in decision.get("reasons", []))
                     + (f"<br>{_esc(publication)}" if publication else "") + "</div>")
    parts.append("<h2>Samenvatting</h2><table class='headline'><tr><th></th><th>Nieuw model</th>"
                 "<th>Live model</th><th>Verschil</th></tr>")
    for name, attr in (("Macro-F1 (testvragen)", "macro_f1"), ("Nauwkeurigheid (testvragen)", "accuracy"),
                       ("Gewogen F1", "weighted_f1")):
        new_v = getattr(new, attr)
        live_v = getattr(live, attr) if live else None
        parts.append(f"<tr><td>{name}</td><td class='num'>{_fmt(new_v)}</td><td class='num'>{_fmt(live_v)}</td>"
                     f"<td class='num'>{_delta(new_v, live_v)}</td></tr>")
    parts.append(f"<tr><td>Aantal testvragen / fout</td><td class='num'>{new.n} / {len(new.errors)}</td>"
                 f"<td class='num'>{(str(live.n) + ' / ' + str(len(live.errors))) if live else '–'}</td><td></td></tr>")
    if cv is not None:
        parts.append(f"<tr><td>Kruisvalidatie macro-F1 ({_esc(cv.extra.get('method'))}, "
                     f"{_esc(cv.extra.get('folds'))} vouwen)</td><td class='num'>{_fmt(cv.macro_f1)}</td>"
                     "<td></td><td></td></tr>")
    parts.append("</table>")

    parts.append("<h2>Per onderwerp</h2><p>Precisie: hoe vaak het model gelijk had als het dit onderwerp koos. "
                 "Herkenning (recall): welk deel van de vragen over dit onderwerp het model herkende. "
                 "F1: beide samen. Gemarkeerd: F1 onder 0,80.</p>")
    parts.append("<table><tr><th>Onderwerp</th><th>Precisie</th><th>Herkenning</th><th>F1</th>"
                 "<th>Testvragen</th><th>F1 live</th><th>Verschil</th>"
                 + ("<th>F1 kruisvalidatie</th>" if cv else "") + "</tr>")
    for label in sorted(new.per_label, key=lambda name: (new.per_label[name]["f1"], name)):
        s = new.per_label[label]
        old = live.per_label.get(label) if live else None
        cv_s = cv.per_label.get(label) if cv else None
        cls = " class='low'" if s["f1"] < 0.8 else ""
        parts.append(f"<tr{cls}><td>{_esc(label)}</td><td class='num'>{_fmt(s['precision'], 2)}</td>"
                     f"<td class='num'>{_fmt(s['recall'], 2)}</td><td class='num'>{_fmt(s['f1'], 2)}</td>"
                     f"<td class='num'>{s['support']}</td><td class='num'>{_fmt(old['f1'], 2) if old else '–'}</td>"
                     f"<td class='num'>{_delta(s['f1'], old['f1']) if old else ''}</td>"
                     + (f"<td class='num'>{_fmt(cv_s['f1'], 2) if cv_s else '–'}</td>" if cv else "") + "</tr>")
    parts.append("</table>")

    parts.append("<h2>Verwarringsmatrix</h2><p>Rij: het juiste onderwerp; kolom: wat het model koos. "
                 "Alles buiten de diagonaal is een fout.</p>"
                 "<img src='confusion.png' alt='Verwarringsmatrix van de testvragen' style='max-width:100%'>")

    parts.append(f"<h2>Testvragen die fout gingen ({len(new.errors)})</h2>")
    parts.append(_errors_table(new.errors, with_confidence=True))
    if live is not None:
        fixed = _keys(live.errors) - _keys(new.errors)
        broken = _keys(new.errors) - _keys(live.errors)
        parts.append(f"<p>Vergeleken met het live model: {len(fixed)} vraag/vragen nu goed die eerst fout "
                     f"gingen, {len(broken)} nu fout die eerst goed gingen.</p>")
        if broken:
            parts.append("<h3>Nieuw fout</h3>" + _errors_table([e for e in new.errors if _key(e) in broken], True))
    if cv is not None and cv.errors:
        parts.append(f"<h2>Kruisvalidatie: trainingsvragen die op een ander onderwerp lijken ({len(cv.errors)})</h2>"
                     "<p>Deze voorbeeldvragen werden bij de kruisvalidatie aan een ander onderwerp toegekend. "
                     "Misschien zijn ze te algemeen, of lijken twee onderwerpen te veel op elkaar.</p>")
        parts.append(_errors_table(cv.errors[:200], with_confidence=False))
    if realistic:
        parts.append(_realistic_section(realistic))
    for name, result in (later_sets or {}).items():
        parts.append(_later_set_section(name, result))
    if problems:
        parts.append(f"<h2>Opmerkingen uit de controle ({len(problems)})</h2><ul>"
                     + "".join(f"<li><code>{_esc(p['path'])}:{p['line']}</code> {_esc(p['message'])}</li>"
                               for p in problems) + "</ul>")
    if timings:
        parts.append("<h2>Duur</h2><ul>" + "".join(f"<li>{_esc(k)}: {v:.0f} s</li>" for k, v in timings.items())
                     + "</ul>")
    parts.append("</body></html>")
    index = out_dir / "index.html"
    index.write_text("\n".join(parts), encoding="utf-8")
    return index


def _realistic_section(realistic: Dict[str, Any]) -> str:
    """Real people's messages the model missed, by kind: what editors could add examples or topics for."""
    from editor.realistic import KIND_NAMES

    parts = [_set_heading("Echte vragen en verhalen", realistic,
                          "Berichten van echte mensen van openbare pagina's (<code>tests/nlu/realistic</code>). "
                          "Train er nooit op: voeg geen van deze zinnen toe als voorbeeldvraag, maar bedenk eigen "
                          "voorbeelden van hetzelfde soort, of een nieuw onderwerp.")]
    by_kind: Dict[str, List[Dict[str, Any]]] = {}
    for miss in realistic["misses"]:
        by_kind.setdefault(str(miss.get("kind")), []).append(miss)
    for kind, rows in sorted(by_kind.items()):
        parts.append(f"<h3>Gemist: {_esc(KIND_NAMES.get(kind, kind))} ({len(rows)})</h3><table>"
                     "<tr><th>Bericht</th><th>Verwacht</th><th>Gekozen</th></tr>")
        parts.extend(f"<tr><td>{_esc(m['text'])}</td><td>{_esc(', '.join(m['expected']))}</td>"
                     f"<td>{_esc(m['predicted'])}</td></tr>" for m in rows)
        parts.append("</table>")
    return "\n".join(parts)


def _later_set_section(name: str, result: Dict[str, Any]) -> str:
    """A later realistic set (set 2, 3, ...): figures only, so that fixes are never made from its messages."""
    from editor.realistic import SETS

    path = SETS.get(name)
    where = f" (<code>{_esc(str(path.relative_to(ROOT)))}</code>)" if path else ""
    number = name.split()[-1]
    return _set_heading(f"Echte vragen, set {_esc(number)}", result,
                        f"Berichten van andere openbare pagina's{where}. Deze set toetst of verbeteringen na de "
                        "eerste set ook werken op nieuwe berichten. Daarom staan hier alleen de cijfers, niet de "
                        "gemiste berichten.")


def _set_heading(title: str, result: Dict[str, Any], explanation: str) -> str:
    """A realistic set's heading with its score, what the set is, and its by-kind table."""
    return "\n".join([f"<h2>{title} ({result['accuracy']:.0%} goed van {result['covered']})</h2>",
                      f"<p>{explanation}</p>", _by_kind_table(result["by_kind"])])


def _by_kind_table(by_kind: Dict[str, Dict[str, Any]]) -> str:
    """Per kind of message (vragen, verhalen, ...): how many, and the share right."""
    from editor.realistic import KIND_NAMES

    rows = [f"<tr><td>{_esc(KIND_NAMES.get(kind, kind))}</td><td class='num'>{row['n']}</td>"
            f"<td class='num'>{row['accuracy']:.0%}</td></tr>" for kind, row in sorted(by_kind.items())]
    return "<table><tr><th>Soort bericht</th><th>Aantal</th><th>Goed</th></tr>" + "".join(rows) + "</table>"


def _key(e: Dict[str, Any]) -> tuple:
    return (e["text"], e["expected"])


def _keys(errors: List[Dict[str, Any]]) -> set:
    return {_key(e) for e in errors}


def _errors_table(errors: List[Dict[str, Any]], with_confidence: bool) -> str:
    if not errors:
        return "<p>Geen.</p>"
    rows = ["<table><tr><th>Vraag</th><th>Juist</th><th>Model koos</th>"
            + ("<th>Zekerheid</th>" if with_confidence else "") + "<th>Waar</th></tr>"]
    for e in errors:
        rows.append(f"<tr><td>{_esc(e['text'])}</td><td>{_esc(e['expected'])}</td><td>{_esc(e['predicted'])}</td>"
                    + (f"<td class='num'>{_fmt(e.get('confidence'), 2)}</td>" if with_confidence else "")
                    + f"<td><code>{_esc(e.get('path'))}:{_esc(e.get('line'))}</code></td></tr>")
    rows.append("</table>")
    return "\n".join(rows)
