"""Hot-swapping a model into the running Rasa server, rollback, and the live-model CLI.

Which model is live is kept in models/live.json; the ledger that reads and writes it lives in
ops/model_state.py (the run command reads it too) and is re-exported here.

Publishing is ``PUT /model?token=...`` with ``{"model_file": "<absolute path>"}`` on the
running server (the HTTP API started with --enable-api and --auth-token); afterwards
``GET /status`` must name the new model file.

    python -m editor.publish status
    python -m editor.publish rollback
    python -m editor.publish publish models/model-abc.tar.gz    # by hand, without the gate
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any, Dict, Optional

import requests

from editor.settings import load_settings, rasa_url
from ops.model_state import (  # noqa: F401 - re-exported: the studio and the tests import them from here
    HISTORY_LIMIT,
    STATE_FILE,
    live_model_path,
    load_state,
    record_live,
    resolve_model,
    save_state,
)
from ops.settings import api_token


class PublishError(RuntimeError):
    """Publishing failed; the message is Dutch and says what to do."""


class ServerUnreachable(PublishError):
    pass


def server_status(url: str, token: Optional[str], timeout: float = 10) -> Dict[str, Any]:
    try:
        response = requests.get(f"{url.rstrip('/')}/status", params=_params(token), timeout=timeout)
    except requests.RequestException as e:
        raise ServerUnreachable(f"De Rasa-server op {url} is niet bereikbaar ({type(e).__name__}). "
                                "Draait hij? Start hem met 'make run'.") from e
    if response.status_code in (401, 403):
        raise PublishError(f"De Rasa-server op {url} weigert het token (HTTP {response.status_code}). "
                           "Zet het juiste token in RASA_TOKEN of in .env.local.")
    if response.status_code != 200:
        raise PublishError(f"De Rasa-server op {url} antwoordt met HTTP {response.status_code}.")
    return response.json()


def _params(token: Optional[str]) -> Dict[str, str]:
    return {"token": token} if token else {}


def hot_swap(model: Path, url: str, token: Optional[str], timeout: float = 300) -> Dict[str, Any]:
    """Load ``model`` into the running server and check that it is the one served now."""
    model = Path(model).resolve()
    if not model.exists():
        raise PublishError(f"Het modelbestand {model} bestaat niet.")
    server_status(url, token)  # reachable, token accepted
    try:
        response = requests.put(f"{url.rstrip('/')}/model", params=_params(token),
                                json={"model_file": str(model)}, timeout=timeout)
    except requests.RequestException as e:
        raise PublishError(f"Het laden van het model in de server mislukte ({type(e).__name__}).") from e
    if response.status_code != 204:
        raise PublishError(f"De server kon het model niet laden (HTTP {response.status_code}): "
                           f"{response.text[:300]}")
    status = server_status(url, token)
    served = Path(str(status.get("model_file") or "")).name
    if served != model.name:
        raise PublishError(f"Na het laden gebruikt de server '{served}' in plaats van '{model.name}'.")
    return status


def publish(model: Path, url: Optional[str] = None, token: Optional[str] = None,
            scores: Optional[Dict[str, Any]] = None, report: Optional[str] = None,
            state_file: Path = STATE_FILE, require_server: bool = False) -> Dict[str, Any]:
    """Hot-swap ``model`` into the server and record it as live.

    When no server is running (and ``require_server`` is false) the model is only recorded:
    it is what the next start will serve.
    """
    settings = load_settings()
    url = url or rasa_url(settings)
    token = token if token is not None else api_token()
    timeout = float(settings.get("server", {}).get("timeout_seconds", 300))
    published = True
    try:
        hot_swap(model, url, token, timeout)
    except ServerUnreachable:
        if require_server:
            raise
        published = False
    return {"state": record_live(model, scores, report, published, state_file), "published": published,
            "url": url}


def rollback(url: Optional[str] = None, token: Optional[str] = None,
             state_file: Path = STATE_FILE, require_server: bool = False) -> Dict[str, Any]:
    """Put the previous model back in the server; live and previous swap places."""
    settings = load_settings()
    url = url or rasa_url(settings)
    token = token if token is not None else api_token()
    state = load_state(state_file)
    previous = state.get("previous")
    if not previous:
        raise PublishError("Er is geen vorig model om naar terug te gaan (models/live.json kent er geen).")
    model = resolve_model(previous["model"])
    if not model.exists():
        raise PublishError(f"Het vorige model {previous['model']} bestaat niet meer.")
    published = True
    try:
        hot_swap(model, url, token, float(settings.get("server", {}).get("timeout_seconds", 300)))
    except ServerUnreachable:
        if require_server:
            raise
        published = False
    entry = dict(previous)
    entry.update({"published_at": dt.datetime.now().isoformat(timespec="seconds"),
                  "published": published, "action": "rollback"})
    state["previous"], state["live"] = state.get("live"), entry
    state.setdefault("history", []).append(entry)
    state["history"] = state["history"][-HISTORY_LIMIT:]
    save_state(state, state_file)
    return {"state": state, "published": published, "url": url}


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(description="Live model: status, terugdraaien, handmatig publiceren.")
    parser.add_argument("command", choices=["status", "rollback", "publish"])
    parser.add_argument("model", nargs="?", help="bij publish: het modelbestand")
    parser.add_argument("--url", help="Rasa-server (standaard RASA_URL of http://localhost:5005)")
    parser.add_argument("--token", help="API-token (standaard RASA_TOKEN of .env.local)")
    args = parser.parse_args(argv)
    try:
        if args.command == "status":
            state = load_state()
            live, previous = state.get("live"), state.get("previous")
            print(f"Live model:  {live['model'] if live else '(onbekend)'}"
                  + (f"  macro-F1 {live.get('macro_f1')}" if live and live.get("macro_f1") is not None else ""))
            print(f"Vorig model: {previous['model'] if previous else '(geen)'}")
            try:
                status = server_status(args.url or rasa_url(), args.token or api_token())
                print(f"Server gebruikt nu: {status.get('model_file')}")
            except PublishError as e:
                print(str(e))
            return 0
        if args.command == "rollback":
            result = rollback(args.url, args.token)
            live = result["state"]["live"]
            where = "in de server geladen" if result["published"] else \
                "vastgelegd; de server draait niet, het wordt gebruikt bij de volgende start"
            print(f"Teruggezet naar {live['model']} ({where}).")
            return 0
        if not args.model:
            parser.error("geef het modelbestand op")
        result = publish(resolve_model(args.model), args.url, args.token, require_server=True)
        print(f"Gepubliceerd: {args.model} draait nu op {result['url']}.")
        return 0
    except PublishError as e:
        print(f"Mislukt: {e}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
