"""One HTTP POST to a messaging API, with a short retry on network errors, 429 and 5xx.

Returns the status and the parsed JSON answer. Never logs request or response bodies
(they contain message text); callers log ids and status codes only.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, Optional, Tuple

import aiohttp

logger = logging.getLogger(__name__)

TIMEOUT = aiohttp.ClientTimeout(total=15)
RETRY_STATUS = {429, 500, 502, 503, 504}


async def post(url: str, *, json: Optional[Dict[str, Any]] = None,
               data: Optional[Dict[str, str]] = None,
               headers: Optional[Dict[str, str]] = None,
               auth: Optional[aiohttp.BasicAuth] = None,
               attempts: int = 3) -> Tuple[int, Optional[Dict[str, Any]]]:
    status, body = 0, None
    for attempt in range(attempts):
        try:
            async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
                async with session.post(url, json=json, data=data, headers=headers, auth=auth) as resp:
                    status = resp.status
                    try:
                        body = await resp.json(content_type=None)
                    except (ValueError, aiohttp.ContentTypeError):
                        body = None
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            status, body = 0, None
            logger.warning("outbound POST failed (%s), attempt %d/%d", type(exc).__name__,
                           attempt + 1, attempts)
        if status and status not in RETRY_STATUS:
            break
        if attempt + 1 < attempts:
            await asyncio.sleep(0.5 * (2 ** attempt))
    return status, body if isinstance(body, dict) else None
