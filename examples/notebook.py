#!/usr/bin/env python3
"""ActiveLab from Python, notebook style.

Queries and mutations are plain HTTP POSTs with `requests`; the
`queueEvents` subscription runs over a websocket speaking the
graphql-transport-ws protocol (the `websockets` package). On Debian:
``apt-get install python3-requests python3-websockets`` and run with
``/usr/bin/python3 examples/notebook.py``.

It signs in (or uses ACTIVELAB_TOKEN), creates an API token, subscribes to
the demo model's queue events, claims and labels a few queued compounds
with ESOL's measured values (examples/esol.csv plays the lab), and prints
the events the subscription saw. With --retrain it labels the whole queue,
retrains and prints the validation metrics before and after.

Environment: ACTIVELAB_URL (default http://localhost:8080), ACTIVELAB_TOKEN
(an API token, al_...) or ACTIVELAB_ADMIN_EMAIL (default admin@localhost) and
ACTIVELAB_ADMIN_PASSWORD.
"""

import asyncio
import csv
import json
import os
import pathlib
import sys
import threading
import time

import requests
import websockets

URL = os.environ.get("ACTIVELAB_URL", "http://localhost:8080").rstrip("/")
MODEL_NAME = "ESOL solubility (logS)"


class GraphQLError(Exception):
    """The server answered with GraphQL errors (each has extensions.code)."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{e.get('extensions', {}).get('code')}: {e['message']}" for e in errors))
        self.errors = errors


class ActiveLab:
    """A tiny GraphQL client: call it with a query and variables."""

    def __init__(self, url=URL, token=None):
        self.url = url + "/graphql"
        self.http = requests.Session()
        if token:
            self.http.headers["Authorization"] = f"Bearer {token}"

    def __call__(self, query, **variables):
        r = self.http.post(self.url, json={"query": query, "variables": variables}, timeout=60)
        body = r.json()
        if body.get("errors"):
            raise GraphQLError(body["errors"])
        r.raise_for_status()
        return body["data"]

    def login(self, email, password):
        """Signs in with the session cookie (kept by the requests session)."""
        return self("mutation($in: LoginInput!) { login(input: $in) { user { email role } } }",
                    **{"in": {"email": email, "password": password}})["login"]["user"]


QUEUE_EVENTS = """
subscription($modelId: ID!, $afterSeq: Int) {
  queueEvents(modelId: $modelId, afterSeq: $afterSeq) {
    seq type itemId cycleId actorId item { status } createdAt
  }
}"""


async def subscribe(url, token, query, variables, on_data, ready, stop):
    """Runs one subscription over graphql-transport-ws until stop is set."""
    ws_url = url.replace("http", "ws", 1) + "/graphql"
    async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
        ack = json.loads(await ws.recv())
        if ack["type"] != "connection_ack":
            raise RuntimeError(f"websocket refused: {ack}")
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables}}))
        ready.set()
        while not stop.is_set():
            try:
                msg = json.loads(await asyncio.wait_for(ws.recv(), timeout=0.2))
            except asyncio.TimeoutError:
                continue
            if msg["type"] == "next":
                on_data(msg["payload"])
            elif msg["type"] == "ping":
                await ws.send(json.dumps({"type": "pong"}))
            elif msg["type"] in ("error", "complete"):
                print("subscription ended:", msg, file=sys.stderr)
                return
        await ws.send(json.dumps({"id": "1", "type": "complete"}))


def metrics(pairs):
    """[{name, value}] -> {name: value rounded}."""
    return {m["name"]: round(m["value"], 3) for m in pairs}


def esol_values():
    """SMILES -> measured logS, the answers of our pretend lab."""
    path = pathlib.Path(__file__).with_name("esol.csv")
    with path.open(newline="") as f:
        return {row["smiles"]: float(row["value"]) for row in csv.DictReader(f)}


def main():
    token = os.environ.get("ACTIVELAB_TOKEN")
    if not token:
        api = ActiveLab()
        user = api.login(os.environ.get("ACTIVELAB_ADMIN_EMAIL", "admin@localhost"),
                         os.environ["ACTIVELAB_ADMIN_PASSWORD"])
        print("signed in as", user)
        token = api("mutation { createApiToken(input: {name: \"notebook.py\"}) { secret } }")["createApiToken"]["secret"]
    api = ActiveLab(token=token)

    models = api("{ models { id name activeVersion { version metrics { name value } } } }")["models"]
    model = next(m for m in models if m["name"] == MODEL_NAME)
    version = model["activeVersion"]
    print("model", model["id"], "version", version["version"], "metrics", metrics(version["metrics"]))

    # The subscription runs in a thread with its own event loop.
    events, ready, stop = [], threading.Event(), threading.Event()
    sub = threading.Thread(target=lambda: asyncio.run(subscribe(
        URL, token, QUEUE_EVENTS, {"modelId": model["id"], "afterSeq": None},
        lambda payload: events.append(payload["data"]["queueEvents"]), ready, stop)), daemon=True)
    sub.start()
    if not ready.wait(10):
        sys.exit("the subscription did not start")

    preview = api("""query($in: SelectionInput!) { previewSelection(input: $in) {
                       rank prediction uncertainty compound { inputSmiles } } }""",
                  **{"in": {"modelId": model["id"], "strategy": "default", "batchSize": 3}})["previewSelection"]
    for c in preview:
        print(f"preview #{c['rank']}: {c['compound']['inputSmiles']}  {c['prediction']:.2f} ± {c['uncertainty']:.2f}")

    values = esol_values()
    full = "--retrain" in sys.argv
    cycle_id = None
    if full:
        cycle = api("""mutation($in: SelectSamplesInput!) { selectSamples(input: $in) { cycle { id cycleNumber } } }""",
                    **{"in": {"selection": {"modelId": model["id"], "strategy": "default", "batchSize": 25, "seed": 2}}})
        cycle_id = cycle["selectSamples"]["cycle"]["id"]
    labeled = 0
    while full or labeled < 5:
        item = api("mutation($m: ID!) { claimNextItem(input: {modelId: $m}) { item { id compound { inputSmiles } } } }",
                   m=model["id"])["claimNextItem"]["item"]
        if item is None:
            break
        value = values.get(item["compound"]["inputSmiles"])
        if value is None:
            api('mutation($id: ID!) { skipItem(input: {itemId: $id, reason: "not measured"}) { item { id } } }', id=item["id"])
            continue
        api("mutation($in: SubmitLabelInput!) { submitLabel(input: $in) { item { id status } } }",
            **{"in": {"itemId": item["id"], "value": value, "source": "EXPERIMENTAL", "confidence": "HIGH"}})
        labeled += 1
    print("labeled", labeled, "items")

    if full:
        api("mutation($c: ID!) { triggerRetrain(input: {cycleId: $c, minNewLabels: 25}) { cycle { id status } } }", c=cycle_id)
        while True:
            cycle = api("""query($c: ID!) { cycle(id: $c) { status error
                             metricsBefore { name value } metricsAfter { name value } } }""", c=cycle_id)["cycle"]
            if cycle["status"] in ("COMPLETE", "FAILED"):
                break
            time.sleep(0.5)
        print("cycle", cycle["status"], cycle["error"])
        print("  before", metrics(cycle["metricsBefore"]))
        print("  after ", metrics(cycle["metricsAfter"]))

    time.sleep(1)  # let the last events arrive
    stop.set()
    sub.join(5)
    kinds = {}
    for e in events:
        kinds[e["type"]] = kinds.get(e["type"], 0) + 1
    print(f"queueEvents delivered {len(events)} events:", kinds)


if __name__ == "__main__":
    main()
