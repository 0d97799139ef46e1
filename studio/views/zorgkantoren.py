"""Zorgkantoren: the 31 zorgkantoorregio's with their zorgkantoor record. Editors change the
concern, phone or website (a source URL is required) and put a "gecontroleerd op … door …"
mark on a record. Both roles may do this: the mark carries the name of the person who did the
check, and every change and mark is in the audit log. Saved in registry/zorgkantoren.csv,
which the action server reloads by itself, so no retraining is needed."""
from __future__ import annotations

from typing import Any, Dict, List

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from actions.messages import dutch_date
from studio import zorgkantoor_bridge as bridge
from studio.audit import record
from studio.roles import role_required

FORM_FIELDS = (("concern", "Zorgverzekeraar die het zorgkantoor uitvoert"), ("phone", "Telefoon"),
               ("website", "Website (https://…)"), ("source", "Bron van de wijziging (webadres, https://…)"))


def editor_name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def status_of(current: Any) -> str:
    """One Dutch line on how sure the record is."""
    if current.confirmed:
        return f"gecontroleerd op {_date(current.confirmed_on)} door {current.confirmed_by}"
    if current.verified:
        return "bevestigd door een bron"
    if current.changed_by:
        return "gewijzigd, nog niet gecontroleerd"
    return "waarschijnlijk, niet gecontroleerd"


def _date(iso: str) -> str:
    return dutch_date(iso)  # one Dutch date format for residents and editors


@role_required
def zorgkantoor_list(request: HttpRequest) -> HttpResponse:
    parse = bridge.read_edits()
    query = request.GET.get("zoek", "").strip().casefold()
    rows = [{"view": v, "status": status_of(v.current)} for v in bridge.records(parse)]
    if query:
        rows = [r for r in rows if query in r["view"].region.name.casefold()
                or query in r["view"].current.concern.casefold()
                or any(query in g.casefold() for g in r["view"].gemeenten)]
    return render(request, "studio/zorgkantoren.html", {
        "rows": rows, "query": request.GET.get("zoek", ""), "file": bridge.edits_path().name,
        "file_errors": [str(i) for i in parse.errors]})


def _page(request: HttpRequest, view: bridge.RecordView, values: Dict[str, str], errors: Dict[str, List[str]],
          confirm_how: str = "", status: int = 200) -> HttpResponse:
    fields = [{"name": name, "label": label, "value": values.get(name, ""), "errors": errors.get(name, [])}
              for name, label in FORM_FIELDS]
    return render(request, "studio/zorgkantoor.html", {
        "view": view, "status": status_of(view.current), "fields": fields,
        "all_errors": [e for name in errors for e in errors[name]],
        "confirm_errors": errors.get("confirmed_source", []), "confirm_how": confirm_how,
        "confirmed_on": _date(view.current.confirmed_on) if view.current.confirmed else "",
        "changed_on": _date(view.current.changed_on) if view.current.changed_on else "",
        "file_errors": [str(i) for i in bridge.read_edits().errors]}, status=status)


def _form_values(view: bridge.RecordView) -> Dict[str, str]:
    return {"concern": view.current.concern, "phone": view.current.phone, "website": view.current.website,
            "source": ""}


def _errors_by_field(issues: List[Any]) -> Dict[str, List[str]]:
    errors: Dict[str, List[str]] = {}
    for issue in issues:
        if issue.error:
            message = issue.message[0].upper() + issue.message[1:]
            errors.setdefault(issue.field if issue.field in dict(FORM_FIELDS) or issue.field == "confirmed_source"
                              else "source", []).append(message)
    return errors


def _view_or_404(zk_code: str) -> bridge.RecordView:
    view = bridge.record_view(zk_code.upper())
    if view is None:
        raise Http404
    return view


def _file_broken(request: HttpRequest) -> bool:
    if bridge.read_edits().errors:
        messages.error(request, f"Niet opgeslagen: het bestand registry/{bridge.edits_path().name} heeft fouten "
                                "(zie hieronder). Laat die eerst herstellen, zodat er niets verloren gaat.")
        return True
    return False


@role_required
def zorgkantoor_edit(request: HttpRequest, zk_code: str) -> HttpResponse:
    """GET shows the record; POST saves a change of concern, phone or website (with a source)."""
    if request.method != "POST":
        view = _view_or_404(zk_code)
        return _page(request, view, _form_values(view), {})
    with bridge.write_lock:  # read, check and write as one step
        view = _view_or_404(zk_code)
        values = {name: request.POST.get(name, "") for name, _ in FORM_FIELDS}
        if _file_broken(request):
            return _page(request, view, values, {}, status=409)
        edit, issues, changed = bridge.propose_change(view, values, editor_name(request.user),
                                                      timezone.localdate())
        errors = _errors_by_field(issues)
        if errors:
            return _page(request, view, values, errors, status=400)
        if not changed:
            messages.info(request, "Er is niets veranderd.")
            return redirect("studio:zorgkantoor", zk_code=view.region.code)
        bridge.save_edit(edit)
    labels = ", ".join(bridge.FIELD_LABELS[name] for name in changed)
    record(request.user, "zorgkantoor", f"{view.region.code} {view.region.name}",
           f"gewijzigd: {labels}; bron: {edit.source or values['source'].strip()}")
    note = " De markering 'gecontroleerd' is vervallen, want de gegevens zijn veranderd." \
        if view.current.confirmed else ""
    messages.success(request, f"Opgeslagen: zorgkantoor {view.region.name} ({labels}).{note} De assistent gebruikt "
                              "de nieuwe gegevens binnen een paar seconden; trainen is niet nodig.")
    return redirect("studio:zorgkantoor", zk_code=view.region.code)


@role_required
@require_POST
def zorgkantoor_confirm(request: HttpRequest, zk_code: str) -> HttpResponse:
    """Mark the record as checked by the logged-in editor, today."""
    how = request.POST.get("hoe", "")
    with bridge.write_lock:
        view = _view_or_404(zk_code)
        if _file_broken(request):
            return _page(request, view, _form_values(view), {}, confirm_how=how, status=409)
        edit, issues = bridge.confirmation(view, editor_name(request.user), how, timezone.localdate())
        errors = _errors_by_field(issues)
        if errors:
            return _page(request, view, _form_values(view), errors, confirm_how=how, status=400)
        bridge.save_edit(edit)
    record(request.user, "zorgkantoor_check", f"{view.region.code} {view.region.name}",
           f"gecontroleerd: {view.current.concern or 'zorgverzekeraar onbekend'}; hoe: {edit.confirmed_source}")
    messages.success(request, f"Zorgkantoor {view.region.name} is gemarkeerd als gecontroleerd op "
                              f"{_date(edit.confirmed_on)} door {edit.confirmed_by}. De assistent noemt de "
                              "gegevens nu zonder voorbehoud; trainen is niet nodig.")
    return redirect("studio:zorgkantoor", zk_code=view.region.code)


@role_required
@require_POST
def zorgkantoor_withdraw(request: HttpRequest, zk_code: str) -> HttpResponse:
    """Take the "gecontroleerd" mark off (for example when the data turn out to be wrong)."""
    with bridge.write_lock:
        view = _view_or_404(zk_code)
        if _file_broken(request):
            return _page(request, view, _form_values(view), {}, status=409)
        if not (view.edit and view.edit.confirmed_by):
            messages.info(request, "Dit zorgkantoor had geen markering 'gecontroleerd' van een redacteur.")
            return redirect("studio:zorgkantoor", zk_code=view.region.code)
        bridge.save_edit(bridge.withdrawal(view))
    record(request.user, "zorgkantoor", f"{view.region.code} {view.region.name}",
           f"markering 'gecontroleerd' ingetrokken (was: {view.current.confirmed_by}, {view.current.confirmed_on})")
    messages.success(request, f"De markering 'gecontroleerd' bij zorgkantoor {view.region.name} is ingetrokken.")
    return redirect("studio:zorgkantoor", zk_code=view.region.code)
