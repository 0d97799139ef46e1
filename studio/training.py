"""One training at a time, in a background thread that reads the real retrain command's
output and keeps the run's progress in the database (the page polls it)."""
from __future__ import annotations

import threading
from typing import Any, Optional

from django.db import close_old_connections
from django.utils import timezone

from studio import content_bridge as content
from studio.audit import record
from studio.models import TrainingRun

_lock = threading.Lock()
LOG_LIMIT = 20_000


class AlreadyRunning(RuntimeError):
    pass


def start(user: Any) -> TrainingRun:
    with _lock:
        if TrainingRun.objects.filter(state=TrainingRun.RUNNING).exists():
            raise AlreadyRunning("Er loopt al een training. Wacht tot die klaar is.")
        run = TrainingRun.objects.create(started_by=user, started_by_name=user.get_username(),
                                         step_text="starten")
    record(user, "train", f"training {run.pk}", "training gestart")
    threading.Thread(target=_follow, args=(run.pk, user.pk), daemon=True, name=f"training-{run.pk}").start()
    return run


def _follow(run_id: int, user_id: Optional[int]) -> None:
    try:
        run = TrainingRun.objects.get(pk=run_id)
        progress = content.RetrainProgress(components_total=content.component_count())
        proc = content.start_retrain()
        lines = []
        last_save = 0.0
        for line in content.output_lines(proc):
            lines.append(line)
            progress.feed(line)
            now = timezone.now().timestamp()
            if now - last_save > 0.5:
                _update(run, progress, lines)
                last_save = now
        code = proc.wait()
        _update(run, progress, lines)
        run.result = content.report_results(progress.report)
        run.model = str(run.result.get("new_model") or progress.model)
        run.report = progress.report
        run.finished_at = timezone.now()
        run.percent = 100
        run.state = {0: TrainingRun.ACCEPTED, 2: TrainingRun.REJECTED}.get(code, TrainingRun.FAILED)
        if code == 0 and not (run.result.get("decision") or {}).get("accepted", False):
            run.state = TrainingRun.REJECTED
        if code == 1:  # retrain's exit code for content with errors: nothing was trained
            run.step_text = "De controle vond fouten in de inhoud; er is niet getraind. Zie het verslag."
        elif code not in (0, 2):
            run.step_text = f"De training is mislukt (code {code}). Zie het verslag."
        run.save()
        from django.contrib.auth import get_user_model
        user = get_user_model().objects.filter(pk=user_id).first()
        record(user, "train", f"training {run.pk}", f"klaar: {run.get_state_display()}; model {run.model or '-'}")
    except Exception as e:  # noqa: BLE001 - the run must end in a state the page can show
        TrainingRun.objects.filter(pk=run_id).update(state=TrainingRun.FAILED, finished_at=timezone.now(),
                                                     step_text=f"fout: {type(e).__name__}")
    finally:
        close_old_connections()


def _update(run: TrainingRun, progress: content.RetrainProgress, lines: list) -> None:
    run.step = progress.step
    run.step_text = progress.step_text
    run.components_done = progress.components_done
    run.percent = progress.percent()
    run.log = "\n".join(lines)[-LOG_LIMIT:]
    run.save(update_fields=["step", "step_text", "components_done", "percent", "log"])


def recover_interrupted() -> None:
    """A run that was going when the studio stopped did not finish."""
    TrainingRun.objects.filter(state=TrainingRun.RUNNING).update(
        state=TrainingRun.FAILED, finished_at=timezone.now(), step_text="onderbroken (de studio is herstart)")
