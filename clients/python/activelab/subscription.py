"""GraphQL subscriptions over graphql-transport-ws, with reconnect and catch-up."""

import asyncio
import itertools
import json

import websockets
import websockets.exceptions

from . import errors

# Connection problems after which a subscription reconnects.
_RETRYABLE = (OSError, asyncio.TimeoutError, websockets.exceptions.WebSocketException)


def _close_info(exc):
    """(code, reason) of a ConnectionClosed across websockets versions."""
    rcvd = getattr(exc, "rcvd", None)
    if rcvd is not None:
        return rcvd.code, rcvd.reason
    return getattr(exc, "code", None), getattr(exc, "reason", "")


async def subscribe(base_url, token, query, variables, field, after_seq, reconnect=True, max_retries=None,
                    retry_delay=0.5, max_retry_delay=10.0, open_timeout=10.0):
    """Yields ``data[field]`` of each ``next`` message of one subscription.

    ``variables`` get ``a`` set to the sequence to resume after: after_seq
    at first, then the ``seq`` of the last event yielded. See
    Client.subscribe_queue for the reconnect rules.
    """
    ws_url = "ws" + base_url[len("http"):] + "/graphql" if base_url.startswith("http") else base_url + "/graphql"
    last = after_seq
    failures = 0
    ids = itertools.count(1)
    while True:
        try:
            async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"], open_timeout=open_timeout,
                                          max_size=None) as ws:
                await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
                ack = json.loads(await asyncio.wait_for(ws.recv(), open_timeout))
                if ack.get("type") != "connection_ack":
                    raise errors.ActiveLabError(f"websocket refused: {ack}")
                sub_id = str(next(ids))
                vars_ = dict(variables, a=last)
                await ws.send(json.dumps({"id": sub_id, "type": "subscribe",
                                          "payload": {"query": query, "variables": vars_}}))
                async for raw in ws:
                    msg = json.loads(raw)
                    kind = msg.get("type")
                    if kind == "ping":
                        await ws.send(json.dumps({"type": "pong"}))
                    elif kind == "next" and msg.get("id") == sub_id:
                        payload = msg.get("payload") or {}
                        if payload.get("errors"):
                            raise errors.from_graphql(payload["errors"])
                        ev = (payload.get("data") or {}).get(field)
                        if ev is None:
                            continue
                        if isinstance(ev.get("seq"), int):
                            last = ev["seq"]
                        failures = 0  # a working connection: the next drop starts a new count
                        yield ev
                    elif kind == "error" and msg.get("id") == sub_id:
                        raise errors.from_graphql(msg.get("payload") or [])
                    elif kind == "complete" and msg.get("id") == sub_id:
                        return
                # The server closed the socket cleanly: treat as a drop.
                raise websockets.exceptions.ConnectionClosedOK(None, None)
        except websockets.exceptions.ConnectionClosed as e:
            code, reason = _close_info(e)
            refused = errors.from_close(code, reason)
            if refused is not None:
                raise refused from e
            err = e
        except websockets.exceptions.InvalidHandshake as e:  # InvalidStatusCode / InvalidStatus are subclasses
            status = getattr(e, "status_code", None) or getattr(getattr(e, "response", None), "status_code", None)
            if status in (401, 403):
                raise errors.from_status(status, str(e)) from e
            err = e
        except _RETRYABLE as e:
            err = e
        if not reconnect:
            raise errors.ActiveLabError(f"subscription connection lost: {err!r}") from err
        failures += 1
        if max_retries is not None and failures > max_retries:
            raise errors.ActiveLabError(f"subscription: {failures - 1} reconnects failed, last: {err!r}") from err
        await asyncio.sleep(min(max_retry_delay, retry_delay * 2 ** (failures - 1)))
