"""Aanbieders: the gemeente's provider registry (registry/aanbieders.csv), edited with the
checks of lookup.registry_check shown inline. The action server reloads the file by itself,
so a saved change reaches residents without retraining."""
from __future__ import annotations

from typing import Dict, Optional

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from studio import registry_bridge as registry
from studio.content_bridge import write_lock
from studio.audit import record
from studio.roles import role_required

LABELS = {"naam": "Naam van de organisatie", "soort": "Soort", "gemeenten": "Gemeenten (gescheiden door |)",
          "adres": "Adres (straat en huisnummer)", "postcode": "Postcode", "plaats": "Plaats",
          "telefoon": "Telefoon", "website": "Website (https://…)", "openingstijden": "Openingstijden",
          "talen": "Talen (gescheiden door |)", "mantelzorgers": "Helpt ook mantelzorgers",
          "fictief": "Voorbeeldgegevens (bestaat niet echt)"}
YES_NO = ("mantelzorgers", "fictief")


@role_required
def provider_list(request: HttpRequest) -> HttpResponse:
    table = registry.read_registry()
    check = registry.check_registry(table)
    query = request.GET.get("zoek", "").strip().casefold()
    rows = [{"index": i, "row": row, "served": check.served.get(i, []), "errors": check.errors_for(i),
             "warnings": check.warnings_for(i)} for i, row in enumerate(table.rows)]
    if query:
        rows = [r for r in rows if query in r["row"].get("naam", "").casefold()
                or any(query in g.casefold() for g in r["served"]) or query in r["row"].get("gemeenten", "").casefold()]
    return render(request, "studio/providers.html", {"rows": rows, "query": request.GET.get("zoek", ""),
                                                     "file": registry.registry_path().name})


def _fields(row: Dict[str, str]) -> list:
    kinds = registry.registry_kinds()
    return [{"name": name, "label": LABELS[name], "value": row.get(name, ""),
             "choices": list(kinds.items()) if name == "soort" else None, "yes_no": name in YES_NO}
            for name in registry.REGISTRY_COLUMNS]


@role_required
def provider_edit(request: HttpRequest, index: Optional[int] = None) -> HttpResponse:
    with write_lock:  # read, check and write the registry as one step
        return _provider_edit(request, index)


def _provider_edit(request: HttpRequest, index: Optional[int]) -> HttpResponse:
    table = registry.read_registry()
    if index is not None and not 0 <= index < len(table.rows):
        raise Http404
    row = dict(table.rows[index]) if index is not None else {name: "" for name in table.header}
    errors, warnings = [], []
    if request.method == "POST":
        for name in registry.REGISTRY_COLUMNS:
            value = request.POST.get(name, "").strip()
            row[name] = ("ja" if value else "nee") if name in YES_NO else value
        position = index if index is not None else len(table.rows)
        if index is None:
            table.rows.append(row)
        else:
            table.rows[index] = row
        check = registry.check_registry(table)
        errors, warnings = check.errors_for(position), check.warnings_for(position)
        if not errors:
            registry.save_registry(table)
            record(request.user, "providers", row["naam"], "toegevoegd" if index is None else "gewijzigd")
            served = ", ".join(check.served.get(position, []))
            messages.success(request, f"Opgeslagen: {row['naam']} (werkt voor {served or 'geen gemeente'}). "
                                      "De assistent gebruikt de nieuwe gegevens binnen een paar seconden; "
                                      "trainen is niet nodig.")
            return redirect("studio:providers")
    return render(request, "studio/provider.html", {"fields": _fields(row), "index": index, "errors": errors,
                                                    "warnings": warnings}, status=400 if errors else 200)


@role_required
def provider_end(request: HttpRequest, index: int) -> HttpResponse:
    """GET asks to confirm; POST takes the provider out of the list."""
    table = registry.read_registry()
    if not 0 <= index < len(table.rows):
        raise Http404
    if request.method != "POST":
        return render(request, "studio/provider_end.html", {"index": index, "row": table.rows[index]})
    with write_lock:
        table = registry.read_registry()
        if not 0 <= index < len(table.rows) or table.rows[index].get("naam") != request.POST.get("naam"):
            messages.error(request, "De lijst is intussen veranderd; probeer het opnieuw.")
            return redirect("studio:providers")
        name = table.rows.pop(index).get("naam", "")
        registry.save_registry(table)
    record(request.user, "providers", name, "beëindigd (uit de lijst gehaald)")
    messages.success(request, f"{name} staat niet meer in de lijst.")
    return redirect("studio:providers")
