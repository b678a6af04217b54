"""The client's waiting and error rules against a scripted HTTP server.

A live server selects a pool as large as the demo's inline (status LABELING
at once), so the SELECTING path is driven here by a small server on
127.0.0.1 that answers the client's real requests from a script.
"""

import json
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import activelab


MODEL_ID = "0190c2d4-6f00-7b2e-8d3c-4a5b6c7d8e9f"


def cycle(status, **kw):
    c = {"id": "0190c2d4-7a3e-7c4a-9f1e-1b2c3d4e5f60", "cycleNumber": 2, "status": status, "selectionStrategy": "default",
         "batchSize": 10, "seed": 0, "itemsSelected": 0, "itemsLabeled": 0, "itemsSkipped": 0, "error": "",
         "startedAt": "2026-12-06T03:00:00Z", "completedAt": None, "metricsBefore": [], "metricsAfter": [],
         "model": {"id": MODEL_ID, "name": "m", "endpoint": "logS"}}
    c.update(kw)
    return c


class Script:
    """Answers each GraphQL operation by the first of its names found in the query."""

    def __init__(self):
        self.answers = {}   # operation name -> list of bodies, the last repeated
        self.requests = []
        self.lock = threading.Lock()

    def next(self, op):
        with self.lock:
            q = self.answers[op]
            return q.pop(0) if len(q) > 1 else q[0]


def serve(script):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def reply(self, status, body, ctype="application/json"):
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            req = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with script.lock:
                script.requests.append((self.headers.get("Authorization"), req))
            for op in script.answers:
                if op in req["query"]:
                    status, body = script.next(op)
                    return self.reply(status, body)
            self.reply(500, {"errors": [{"message": "unscripted", "extensions": {"code": "INTERNAL"}}]})

        def do_GET(self):
            status, body = script.next("GET")
            self.reply(status, body, "text/plain; charset=utf-8")

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


class ScriptedTest(unittest.TestCase):
    """A client of a scripted server of its own (self.script answers)."""

    def setUp(self):
        self.script = Script()
        self.srv = serve(self.script)
        self.addCleanup(self.srv.server_close)
        self.addCleanup(self.srv.shutdown)
        self.client = activelab.Client(f"http://127.0.0.1:{self.srv.server_port}/graphql", "al_test")


class WaitTest(ScriptedTest):

    def test_select_waits_for_the_job(self):
        self.script.answers["selectSamples"] = [(200, {"data": {"selectSamples": {"cycle": cycle("SELECTING")}}})]
        self.script.answers["cycle(id"] = [
            (200, {"data": {"cycle": cycle("SELECTING")}}),
            (200, {"data": {"cycle": cycle("SELECTING")}}),
            (200, {"data": {"cycle": cycle("LABELING", itemsSelected=10)}}),
        ]
        seen = []
        c = self.client.select(MODEL_ID, 10, poll_interval=0.01, on_progress=lambda c: seen.append(c["status"]))
        self.assertEqual(c["status"], "LABELING")
        self.assertEqual(c["itemsSelected"], 10)
        # Called on the start and on each change, not on every unchanged poll.
        self.assertEqual(seen, ["SELECTING", "LABELING"])
        polls = [r for _, r in self.script.requests if "cycle(id" in r["query"]]
        self.assertEqual(len(polls), 3)
        self.assertEqual(polls[0]["variables"], {"id": "0190c2d4-7a3e-7c4a-9f1e-1b2c3d4e5f60"})
        auth, sel = self.script.requests[0]
        self.assertEqual(auth, "Bearer al_test")
        self.assertEqual(sel["variables"]["in"]["selection"]["modelId"], MODEL_ID)

    def test_integer_ids_are_refused_before_any_request(self):
        for call in (lambda: self.client.cycle(3), lambda: self.client.claim(1), lambda: self.client.select(1, 10),
                     lambda: self.client.select(MODEL_ID, 10, set_id=2), lambda: self.client.model(1)):
            with self.assertRaisesRegex(TypeError, "UUID"):
                call()
        self.assertEqual(self.script.requests, [])

    def test_select_without_wait(self):
        self.script.answers["selectSamples"] = [(200, {"data": {"selectSamples": {"cycle": cycle("SELECTING")}}})]
        self.assertEqual(self.client.select(MODEL_ID, 10, wait=False)["status"], "SELECTING")
        self.assertEqual(len(self.script.requests), 1)

    def test_select_failed_job(self):
        self.script.answers["selectSamples"] = [(200, {"data": {"selectSamples": {"cycle": cycle("SELECTING")}}})]
        self.script.answers["cycle(id"] = [(200, {"data": {"cycle": cycle("FAILED", error="pool vanished")}})]
        with self.assertRaises(activelab.CycleFailed) as cm:
            self.client.select(MODEL_ID, 10, poll_interval=0.01)
        self.assertIn("pool vanished", str(cm.exception))
        self.assertEqual(cm.exception.cycle["status"], "FAILED")

    def test_select_cancelled_job(self):
        self.script.answers["selectSamples"] = [(200, {"data": {"selectSamples": {"cycle": cycle("SELECTING")}}})]
        self.script.answers["cycle(id"] = [(200, {"data": {"cycle": cycle("CANCELLED", error="select_samples job 9 cancelled by admin Ada")}})]
        with self.assertRaises(activelab.CycleFailed) as cm:
            self.client.select(MODEL_ID, 10, poll_interval=0.01)
        self.assertIn("was cancelled: select_samples job 9 cancelled by admin Ada", str(cm.exception))
        self.assertEqual(cm.exception.cycle["status"], "CANCELLED")

    def test_select_timeout(self):
        self.script.answers["selectSamples"] = [(200, {"data": {"selectSamples": {"cycle": cycle("SELECTING")}}})]
        self.script.answers["cycle(id"] = [(200, {"data": {"cycle": cycle("SELECTING")}})]
        with self.assertRaises(TimeoutError):
            self.client.select(MODEL_ID, 10, timeout=0.1, poll_interval=0.02)

    def test_retrain_wait(self):
        self.script.answers["triggerRetrain"] = [(200, {"data": {"triggerRetrain": {"cycle": cycle("TRAINING")}}})]
        self.script.answers["cycle(id"] = [
            (200, {"data": {"cycle": cycle("TRAINING")}}),
            (200, {"data": {"cycle": cycle("COMPLETE", metricsAfter=[{"name": "rmse", "value": 0.9}])}}),
        ]
        r = self.client.retrain(cycle("LABELING"))
        self.assertEqual(r.cycle["status"], "TRAINING")
        self.assertEqual(r.wait(poll_interval=0.01)["metricsAfter"], [{"name": "rmse", "value": 0.9}])

    def test_error_codes(self):
        for code, exc in [("CONFLICT", activelab.ConflictError), ("NOT_FOUND", activelab.NotFoundError),
                          ("FORBIDDEN", activelab.ForbiddenError), ("BAD_USER_INPUT", activelab.BadUserInputError),
                          ("UNAUTHENTICATED", activelab.UnauthenticatedError), ("INTERNAL", activelab.InternalError),
                          ("SOMETHING_NEW", activelab.ActiveLabError)]:
            self.script.answers["claimNextItem"] = [(200, {"errors": [{"message": "no", "extensions": {"code": code}}], "data": None})]
            with self.assertRaises(exc) as cm:
                self.client.claim(MODEL_ID)
            self.assertEqual(cm.exception.code, code)
            self.assertEqual(cm.exception.errors[0]["message"], "no")
        self.script.answers["claimNextItem"] = [(502, "bad gateway")]
        with self.assertRaises(activelab.InternalError) as cm:
            self.client.claim(MODEL_ID)
        self.assertEqual(cm.exception.status, 502)

    def test_export_http_errors(self):
        self.script.answers["GET"] = [(400, "endpoint: no measurements of \"nope\"\n")]
        with self.assertRaises(activelab.BadUserInputError) as cm:
            self.client.export("nope")
        self.assertEqual((cm.exception.code, cm.exception.status), ("BAD_USER_INPUT", 400))
        self.script.answers["GET"] = [(401, "unauthenticated")]
        with self.assertRaises(activelab.UnauthenticatedError):
            self.client.export("logS")

    def test_label_refuses_non_finite_before_sending(self):
        with self.assertRaises(activelab.BadUserInputError):
            self.client.label("i-1", float("nan"))
        self.assertEqual(self.script.requests, [])


class SubscriptionRetryTest(unittest.TestCase):
    def test_gives_up_after_max_retries(self):
        import asyncio
        import socket
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()  # nothing listens there now
        client = activelab.Client(f"http://127.0.0.1:{port}", "al_test")

        async def first(**kw):
            async for ev in client.subscribe_queue(MODEL_ID, after_seq=0, retry_delay=0.01, **kw):
                return ev
        with self.assertRaises(activelab.ActiveLabError) as cm:
            asyncio.run(first(max_retries=2))
        self.assertIn("2 reconnects failed", str(cm.exception))
        with self.assertRaises(activelab.ActiveLabError) as cm:
            asyncio.run(first(reconnect=False))
        self.assertIn("connection lost", str(cm.exception))




class LabelTest(ScriptedTest):
    """label() sends a number as value and a string as a class name."""

    def test_value_or_class(self):
        item = {"id": "0190c2d4-7a3e-7c4a-9f1e-1b2c3d4e5f61", "status": "LABELED", "label": 2, "labelClass": "high",
                "predictedClass": "medium"}
        self.script.answers["submitLabel"] = [(200, {"data": {"submitLabel": {"item": item}}})]
        row = self.client.label(item["id"], "high", confidence="medium")
        self.assertEqual((row["label"], row["label_class"], row["predicted_class"]), (2, "high", "medium"))
        self.client.label(item["id"], -2.5)
        sent = [r["variables"]["in"] for _, r in self.script.requests]
        self.assertEqual(sent[0]["class"], "high")
        self.assertNotIn("value", sent[0])
        self.assertEqual(sent[0]["confidence"], "MEDIUM")
        self.assertEqual(sent[1]["value"], -2.5)
        self.assertNotIn("class", sent[1])
        # A number as text (a CSV cell) is a value, not a class name.
        self.client.label(item["id"], " -2.31")
        sent = [r["variables"]["in"] for _, r in self.script.requests]
        self.assertEqual(sent[2]["value"], -2.31)
        self.assertNotIn("class", sent[2])
        for bad in (float("nan"), " ", "nan"):
            with self.assertRaises(activelab.BadUserInputError):
                self.client.label(item["id"], bad)
        self.assertEqual(len(self.script.requests), 3)


class PredictClassesTest(ScriptedTest):
    """predict() of a model of more than two classes adds class and
    p_<class> columns after probability, as the server's batch prediction."""

    def test_three_classes(self):
        def pred(smiles, ps):
            if ps is None:
                return {"smiles": smiles, "error": "unclosed ring 1", "modelVersion": 1}
            names = ["low", "medium", "high"]
            top = max(range(3), key=lambda k: ps[k])
            return {"smiles": smiles, "prediction": ps[top], "uncertainty": 0.1, "interval": None, "probability": None,
                    "applicabilityDistance": 0.2, "nearestCompoundId": MODEL_ID, "nearestSmiles": "CCO", "similarity": 0.8,
                    "modelVersion": 1, "error": None, "predictedClass": names[top],
                    "probabilities": [{"class": c, "probability": p} for c, p in zip(names, ps)]}
        self.script.answers["predict("] = [(200, {"data": {"predict": [
            pred("C1CC", None), pred("CCCCCC", [0.7, 0.2, 0.1]), pred("OCCO", [0.1, 0.3, 0.6])]}})]
        rows = self.client.predict(MODEL_ID, ["C1CC", "CCCCCC", "OCCO"], frame=False)
        cols = activelab.client.PREDICT_COLUMNS
        at = cols.index("probability") + 1
        self.assertEqual(list(rows[0]), ["smiles"] + cols[:at] + ["class", "p_low", "p_medium", "p_high"] + cols[at:])
        self.assertEqual((rows[0]["class"], rows[0]["p_low"], rows[0]["error"]), (None, None, "unclosed ring 1"))
        self.assertEqual([(r["class"], r["p_low"], r["p_medium"], r["p_high"]) for r in rows[1:]],
                         [("low", 0.7, 0.2, 0.1), ("high", 0.1, 0.3, 0.6)])
        self.assertIn("probabilities { class probability }", self.script.requests[0][1]["query"])

    def test_class_columns(self):
        cc = activelab.client.class_columns
        self.assertEqual(cc(["low", "medium", "high"]), ["p_low", "p_medium", "p_high"])
        self.assertEqual(cc(["0", "1"]), [])
        self.assertEqual(cc(None), [])
        # The server's names (activelearning.TestClassColumns).
        self.assertEqual(cc(["> 10 uM", "1-10 uM", "<1 uM"]), ["p___10_uM", "p_1_10_uM", "p__1_uM"])
        self.assertEqual(cc(["a b", "a-b", "a_b_1", "B"]), ["p_a_b", "p_a_b_1", "p_a_b_1_2", "p_B"])


if __name__ == "__main__":
    unittest.main()
