"""Webhook signature checks for Meta (WhatsApp Cloud API) and Twilio.

Both compare in constant time (``hmac.compare_digest``) and treat a missing secret or a
missing header as a failed check, never as a pass.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Iterable, List, Mapping, Optional, Sequence, Tuple, Union
from urllib.parse import urlsplit, urlunsplit

META_PREFIX = "sha256="

Params = Union[Mapping[str, Union[str, Sequence[str]]], Iterable[Tuple[str, str]]]


# --- Meta: X-Hub-Signature-256 = "sha256=" + hex(HMAC-SHA256(app_secret, raw body)) ---------

def meta_signature(app_secret: str, body: bytes) -> str:
    """The header value Meta sends for ``body`` (also used by the tests to sign)."""
    digest = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return META_PREFIX + digest


def verify_meta_signature(app_secret: Optional[str], body: bytes, header: Optional[str]) -> bool:
    """True only when ``header`` is the HMAC-SHA256 of the raw ``body`` with ``app_secret``."""
    if not app_secret or not header:
        return False
    header = header.strip()
    if not header.lower().startswith(META_PREFIX):
        return False
    received = header[len(META_PREFIX):].strip().lower()
    expected = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode("ascii"), received.encode("ascii", "replace"))


# --- Twilio: X-Twilio-Signature = base64(HMAC-SHA1(auth_token, url + sorted POST params)) ---

def _pairs(params: Params) -> List[Tuple[str, str]]:
    if isinstance(params, Mapping):
        pairs: List[Tuple[str, str]] = []
        for key, value in params.items():
            if isinstance(value, (list, tuple)):
                pairs.extend((key, str(v)) for v in value)
            else:
                pairs.append((key, str(value)))
        return pairs
    return [(str(k), str(v)) for k, v in params]


def twilio_signature(auth_token: str, url: str, params: Params) -> str:
    """Twilio's signature of a form POST: the full URL, then every parameter name
    immediately followed by its value, sorted by name (and value for repeated names)."""
    data = url + "".join(k + v for k, v in sorted(_pairs(params)))
    digest = hmac.new(auth_token.encode("utf-8"), data.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def _url_variants(url: str) -> List[str]:
    """The URL as configured, plus the same URL with/without the default port: Twilio
    signs the URL as it called it, and proxies differ in whether ``:443`` is kept."""
    variants = [url]
    parts = urlsplit(url)
    default = {"https": 443, "http": 80}.get(parts.scheme)
    if default and parts.hostname:
        host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
        if parts.port is None:
            variants.append(urlunsplit(parts._replace(netloc=f"{host}:{default}")))
        elif parts.port == default:
            variants.append(urlunsplit(parts._replace(netloc=host)))
    return variants


def verify_twilio_signature(auth_token: Optional[str], url: str, params: Params,
                            header: Optional[str]) -> bool:
    """True only when ``header`` is Twilio's signature of this URL and these parameters."""
    if not auth_token or not header or not url:
        return False
    received = header.strip().encode("ascii", "replace")
    ok = False
    for candidate in _url_variants(url):
        expected = twilio_signature(auth_token, candidate, params).encode("ascii")
        # evaluate every variant, so the time taken does not depend on which one matched
        ok = hmac.compare_digest(expected, received) or ok
    return ok
