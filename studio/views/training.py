"""Train (any role), propose (redacteur), publish and roll back (beheerder only)."""
from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from studio import content_bridge as content
from studio import training
from studio.audit import record
from studio.models import TrainingRun
from studio.roles import beheerder_required, role_required


def _live_entries() -> list:
    return content.published_versions()[:20]


@role_required
def train_page(request: HttpRequest) -> HttpResponse:
    runs = TrainingRun.objects.all()[:10]
    state = content.live_state()
    return render(request, "studio/train.html", {
        "runs": runs, "running": TrainingRun.objects.filter(state=TrainingRun.RUNNING).first(),
        "proposals": TrainingRun.objects.filter(state=TrainingRun.ACCEPTED, proposed=True)[:5],
        "live": state.get("live"), "previous": state.get("previous"), "history": _live_entries()})


@require_POST
@role_required
def train_start(request: HttpRequest) -> HttpResponse:
    try:
        run = training.start(request.user)
    except training.AlreadyRunning as e:
        messages.error(request, str(e))
        return redirect("studio:train")
    return redirect("studio:run", run_id=run.pk)


@role_required
def run_page(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(TrainingRun, pk=run_id)
    result = run.result or {}
    new = (result.get("heldout") or {}).get("per_label") or {}
    live = (result.get("live") or {}).get("per_label") or {}
    topics = [{"label": label, "new": scores, "live": live.get(label, {}).get("f1"),
               "low": scores.get("f1", 1) < 0.8} for label, scores in sorted(new.items())]
    errors = (result.get("heldout") or {}).get("errors") or []
    return render(request, "studio/run.html", {"run": run, "result": result, "topics": topics,
                                               "errors": errors[:30], "live_model": content.live_model_name(),
                                               "already_live": bool(run.model) and
                                               run.model.split("/")[-1] == content.live_model_name()})


@role_required
def run_status(request: HttpRequest, run_id: int) -> JsonResponse:
    run = get_object_or_404(TrainingRun, pk=run_id)
    return JsonResponse({"state": run.state, "state_label": run.get_state_display(), "percent": run.percent,
                         "step": run.step, "step_text": run.step_text, "done": run.state != TrainingRun.RUNNING})


@role_required
def run_report(request: HttpRequest, run_id: int, name: str = "index.html") -> HttpResponse:
    """The retrain report (HTML and its picture), only files inside reports/."""
    run = get_object_or_404(TrainingRun, pk=run_id)
    index = content.report_path(run.report)
    if index is None or name not in ("index.html", "confusion.png"):
        raise Http404
    path = content.report_path(str((index.parent / name).relative_to(content.content_root())))
    if path is None:
        raise Http404
    response = FileResponse(open(path, "rb"), content_type="image/png" if name.endswith(".png") else "text/html")
    # the report's own inline style may apply; no script at all
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'"
    return response


@require_POST
@role_required
def propose(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(TrainingRun, pk=run_id, state=TrainingRun.ACCEPTED)
    run.proposed = True
    run.save(update_fields=["proposed"])
    record(request.user, "propose", f"training {run.pk}", f"model {run.model}")
    messages.success(request, "Voorgesteld. Een beheerder kan het model nu publiceren.")
    return redirect("studio:run", run_id=run.pk)


@require_POST
@beheerder_required
def publish(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(TrainingRun, pk=run_id)
    decision = (run.result or {}).get("decision") or {}
    if run.state != TrainingRun.ACCEPTED or not decision.get("accepted"):
        messages.error(request, "Dit model is niet goedgekeurd door de poortwachter en wordt niet gepubliceerd.")
        return redirect("studio:run", run_id=run.pk)
    compared = str((run.result or {}).get("live_model") or "")
    if compared and content.live_model_name() and content.live_model_name() != compared.split("/")[-1]:
        messages.error(request, "Sinds deze training is een ander model live gezet. Train opnieuw, zodat het "
                                "nieuwe model met het huidige live model wordt vergeleken.")
        return redirect("studio:run", run_id=run.pk)
    new = (run.result or {}).get("heldout") or {}
    scores = {k: new.get(k) for k in ("macro_f1", "accuracy") if new.get(k) is not None}
    scores["published_by"] = request.user.get_username()
    try:
        result = content.publish_model(run.model, scores, run.report)
    except content.PublishFailed as e:
        messages.error(request, f"Publiceren mislukt: {e}")
        return redirect("studio:run", run_id=run.pk)
    run.state = TrainingRun.PUBLISHED
    run.save(update_fields=["state"])
    where = "in de draaiende assistent geladen" if result["published"] else \
        "vastgelegd; de assistent draait niet en gebruikt het bij de volgende start"
    record(request.user, "publish", run.model, f"training {run.pk}; {where}")
    messages.success(request, f"Gepubliceerd: het nieuwe model is {where}.")
    return redirect("studio:train")


@require_POST
@beheerder_required
def rollback(request: HttpRequest) -> HttpResponse:
    try:
        result = content.rollback()
    except content.PublishFailed as e:
        messages.error(request, f"Terugzetten mislukt: {e}")
        return redirect("studio:train")
    live = result["state"]["live"]
    record(request.user, "rollback", live["model"], f"teruggezet om {timezone.now():%H:%M}")
    messages.success(request, f"Teruggezet: de assistent gebruikt weer {live['model']}.")
    return redirect("studio:train")


@require_POST
@beheerder_required
def restore(request: HttpRequest) -> HttpResponse:
    model = request.POST.get("model", "")
    try:
        content.restore_version(model, request.user.get_username())
    except content.PublishFailed as e:
        messages.error(request, f"Terugzetten mislukt: {e}")
        return redirect("studio:train")
    record(request.user, "rollback", model, "teruggezet naar een eerder gepubliceerde versie")
    messages.success(request, f"Teruggezet: de assistent gebruikt weer {model}.")
    return redirect("studio:train")
