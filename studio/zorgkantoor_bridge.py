"""The zorgkantoor records for the studio: the shipped records (lookup/data/zorgkantoren.csv,
part of the model's hashed inputs, never written here) with the editors' changes and
confirmations from registry/zorgkantoren.csv on top. The studio writes only that second file,
with lookup.zorgkantoor's own checks; the action server reloads it by itself, so a change or a
"gecontroleerd op … door …" mark reaches residents without retraining."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from lookup.registry import Issue, website_is_valid
from lookup.zorgkantoor import (
    CLEARED,
    EDITABLE,
    EditsParse,
    Region,
    Zorgkantoor,
    ZorgkantoorEdit,
    Zorgkantoren,
    apply_edit,
    check_edit,
    default_edits_path,
    edits_text,
    parse_edits_text,
)
from studio.content_bridge import write_lock
from studio.registry_bridge import places_data

_loaded: Dict[str, Zorgkantoren] = {}
FIELD_LABELS = {"concern": "zorgverzekeraar", "phone": "telefoon", "website": "website"}


def edits_path() -> Path:
    return default_edits_path()


def _zorgkantoren() -> Zorgkantoren:
    """Regions and shipped records, loaded once; the editors' file is read fresh per request."""
    if "zk" not in _loaded:
        _loaded["zk"] = Zorgkantoren(places_data(), check_interval_s=3600)
    return _loaded["zk"]


@dataclass
class RecordView:
    region: Region
    gemeenten: List[str]
    shipped: Zorgkantoor
    current: Zorgkantoor        # what residents are told now
    edit: Optional[ZorgkantoorEdit]


def read_edits() -> EditsParse:
    """The editors' file as it is on disk now (a missing file has no edits)."""
    path = edits_path()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return EditsParse()
    return parse_edits_text(text, _zorgkantoren().regions, path.name)


def records(parse: Optional[EditsParse] = None) -> List[RecordView]:
    zk = _zorgkantoren()
    parse = parse or read_edits()
    places = places_data()
    return [RecordView(region=region,
                       gemeenten=sorted(places.gemeente(code).name for code in region.gm_codes),
                       shipped=zk.shipped[code], current=apply_edit(zk.shipped[code], parse.edits.get(code)),
                       edit=parse.edits.get(code))
            for code, region in sorted(zk.regions.items())]


def record_view(zk_code: str) -> Optional[RecordView]:
    return next((r for r in records() if r.region.code == zk_code), None)


def _stored(value: str, shipped: str) -> str:
    """What the editors' file keeps for one field: '' for the shipped value, CLEARED for empty."""
    if value == shipped:
        return ""
    return value or CLEARED


def propose_change(view: RecordView, values: Dict[str, str], editor: str,
                   today: dt.date) -> Tuple[ZorgkantoorEdit, List[Issue], List[str]]:
    """The edit that saving the form would store, its problems, and the fields that change.

    A change of concern, phone or website drops an earlier confirmation (it confirmed other data)."""
    old = view.edit or ZorgkantoorEdit(zk_code=view.region.code)
    website = values.get("website", "").strip()
    if website.lower().startswith("www."):
        website = "https://" + website
    source = values.get("source", "").strip()
    if source.lower().startswith("www."):
        source = "https://" + source
    new = {"concern": values.get("concern", "").strip(), "phone": values.get("phone", "").strip(), "website": website}
    changed = [name for name in EDITABLE if new[name] != getattr(view.current, name)]
    stored = {name: _stored(new[name], getattr(view.shipped, name)) for name in EDITABLE}
    has_change = any(stored.values())
    edit = replace(old, zk_name=view.region.name, **stored,
                   source=source if has_change else "",
                   changed_by=editor if has_change else "", changed_on=today.isoformat() if has_change else "")
    if changed:
        edit = replace(edit, confirmed_by="", confirmed_on="", confirmed_source="")
    issues = check_edit(edit, _zorgkantoren().regions, edits_path().name, today) if changed else []
    # a source is required for every change made now, also one back to the shipped value
    if changed and not has_change:
        if not source:
            issues.append(Issue(edits_path().name, 0, "bron_ontbreekt", "source",
                                "bij een wijziging hoort een bron: het webadres (https://…) van de pagina waar de "
                                "nieuwe gegevens staan."))
        elif not website_is_valid(source):
            issues.append(Issue(edits_path().name, 0, "ongeldige_bron", "source",
                                f"bron '{source}' is geen webadres. Begin met https://."))
    return edit, issues, changed


def confirmation(view: RecordView, editor: str, how: str, today: dt.date) -> Tuple[ZorgkantoorEdit, List[Issue]]:
    """The edit with a "gecontroleerd op … door …" mark by `editor` today."""
    old = view.edit or ZorgkantoorEdit(zk_code=view.region.code)
    edit = replace(old, zk_name=view.region.name, confirmed_by=editor, confirmed_on=today.isoformat(),
                   confirmed_source=how.strip())
    issues = check_edit(edit, _zorgkantoren().regions, edits_path().name, today)
    if not how.strip():
        issues.append(Issue(edits_path().name, 0, "controle_zonder_bron", "confirmed_source",
                            "schrijf erbij hoe u het heeft gecontroleerd: het webadres van de pagina, of "
                            "bijvoorbeeld 'gebeld met het zorgkantoor'."))
    elif len(how.strip()) > 200:
        issues.append(Issue(edits_path().name, 0, "controle_te_lang", "confirmed_source",
                            "houd de uitleg kort: hoogstens 200 tekens."))
    return edit, issues


def withdrawal(view: RecordView) -> ZorgkantoorEdit:
    old = view.edit or ZorgkantoorEdit(zk_code=view.region.code)
    return replace(old, confirmed_by="", confirmed_on="", confirmed_source="")


def save_edit(edit: ZorgkantoorEdit) -> None:
    """Write the editors' file with `edit` in it (a row with nothing left in it is dropped).
    Callers hold studio.content_bridge.write_lock for the whole read-check-write."""
    parse = read_edits()
    edits = dict(parse.edits)
    if edit.changes_data or edit.confirmed_by:
        edits[edit.zk_code] = replace(edit, line=0)
    else:
        edits.pop(edit.zk_code, None)
    path = edits_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(edits_text(list(edits.values())), encoding="utf-8")
    tmp.replace(path)


__all__ = ["FIELD_LABELS", "RecordView", "confirmation", "edits_path", "propose_change", "read_edits",
           "record_view", "records", "save_edit", "withdrawal", "write_lock"]
