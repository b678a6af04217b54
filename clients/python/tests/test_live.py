"""The client against a live ActiveLab server (clients/python/run_tests.sh
starts one with the demo and sets the environment).

ACTIVELAB_URL: the server; ACTIVELAB_TOKEN: an admin's API token;
ACTIVELAB_SCIENTIST_TOKEN: a scientist's. Without them every test here is
skipped, loudly.
"""

import asyncio
import csv
import math
import os
import pathlib
import re
import sys
import tempfile
import time
import unittest

import activelab

URL = os.environ.get("ACTIVELAB_URL")
TOKEN = os.environ.get("ACTIVELAB_TOKEN")
SCI_TOKEN = os.environ.get("ACTIVELAB_SCIENTIST_TOKEN")
BIG_SET = os.environ.get("ACTIVELAB_BIG_SET")  # a compound set over the inline selection limit
MODEL_NAME = "ESOL solubility (logS)"
# Every entity's ID: a UUID in canonical text (lower case, hyphenated), time ordered (version 7).
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

try:
    import pandas
except ImportError:
    pandas = None


def setUpModule():
    if not (URL and TOKEN and SCI_TOKEN):
        print("\nSKIPPED: test_live needs ACTIVELAB_URL, ACTIVELAB_TOKEN and ACTIVELAB_SCIENTIST_TOKEN "
              "(clients/python/run_tests.sh sets them)", file=sys.stderr)
        raise unittest.SkipTest("no live server")


def esol():
    """SMILES -> measured logS (examples/esol.csv), the answers of our pretend lab."""
    path = pathlib.Path(__file__).resolve().parents[3] / "examples" / "esol.csv"
    with path.open(newline="") as f:
        return {r["smiles"]: float(r["value"]) for r in csv.DictReader(f)}


async def collect(agen, n=None, idle=None, timeout=30):
    """Items of an async iterator: the first n, or (with idle) those that
    arrive until none comes for idle seconds; then it is closed."""
    out = []
    it = agen.__aiter__()
    try:
        async with asyncio.timeout(timeout):
            while n is None or len(out) < n:
                try:
                    nxt = it.__anext__()
                    out.append(await (asyncio.wait_for(nxt, idle) if idle else nxt))
                except asyncio.TimeoutError:
                    if idle:
                        break
                    raise
    finally:
        await agen.aclose()
    return out


class Live(unittest.TestCase):
    """One labeling loop, in order: the tests share the server's state."""

    @classmethod
    def setUpClass(cls):
        cls.al = activelab.Client(URL, TOKEN)
        cls.sci = activelab.Client(URL, SCI_TOKEN)
        cls.values = esol()
        # The demo's model trains at first start; wait for it and its first cycle.
        deadline = time.monotonic() + 180
        while True:
            models = [m for m in cls.al.models() if m["name"] == MODEL_NAME and m["activeVersion"]]
            if models and len(cls.al.queue(models[0], status="PENDING", frame=False)) >= 25:
                cls.model = models[0]
                break
            if time.monotonic() > deadline:
                raise AssertionError("the demo model or its first cycle did not appear in 180 s")
            time.sleep(0.5)
        # Selections draw from the demo's pool (every compound would include the large set).
        cls.pool = next(s for s in cls.al.execute("{ compoundSets { id name } }")["compoundSets"] if s["name"] == "ESOL pool")

    def label_value(self, item):
        return self.values.get(item["smiles"], item["prediction"] or 0.0)

    def test_01_me_models_queue(self):
        self.assertEqual(self.al.me()["role"], "ADMIN")
        self.assertEqual(self.sci.me()["email"], "sci@example.org")
        m = self.al.model(MODEL_NAME)
        self.assertRegex(m["id"], UUID)
        self.assertRegex(self.al.me()["id"], UUID)
        self.assertEqual(self.al.model(m["id"])["name"], MODEL_NAME)
        with self.assertRaises(TypeError):  # an integer id (the old form) is refused before any request
            self.al.model(1)
        rows = self.al.queue(m, frame=False)
        self.assertEqual(len(rows), 25)  # the demo's first cycle
        self.assertTrue(all(r["status"] == "PENDING" for r in rows))
        for r in rows:
            self.assertRegex(r["id"], UUID)
            self.assertRegex(r["compound_id"], UUID)
        prios = [r["priority"] for r in rows]
        self.assertEqual(prios, sorted(prios, reverse=True))
        self.assertEqual(len(self.al.queue(m, limit=7, frame=False)), 7)
        if pandas is not None:
            df = self.al.queue(m)
            self.assertIsInstance(df, pandas.DataFrame)
            self.assertEqual(list(df["id"]), [r["id"] for r in rows])
            self.assertEqual(list(df["compound_id"]), [r["compound_id"] for r in rows])
            self.assertIn("applicability_distance", df.columns)
        else:
            print("\nNOTE: pandas not installed: DataFrame results not tested", file=sys.stderr)

    def test_02_claim_label_skip_and_conflict(self):
        m = self.model
        item = self.sci.claim(m)
        self.assertEqual((item["status"], item["assigned_to"]), ("IN_PROGRESS", "sci@example.org"))
        v = self.label_value(item)
        done = self.sci.label(item, v, source="literature", confidence="medium", notes="from the Python client")
        self.assertEqual((done["status"], done["label"], done["label_source"], done["label_confidence"]),
                         ("LABELED", v, "LITERATURE", "MEDIUM"))
        again = self.sci.label(item["id"], v, source="literature", confidence="medium", notes="from the Python client")
        self.assertEqual((again["status"], again["version"]), ("LABELED", done["version"]))  # the same label again is harmless
        with self.assertRaises(activelab.ConflictError) as cm:
            self.al.label(item, v + 1)
        self.assertEqual(cm.exception.code, "CONFLICT")
        other = self.sci.claim(m)
        self.assertNotEqual(other["id"], item["id"])
        skipped = self.sci.skip(other, "no sample left")
        self.assertEqual((skipped["status"], skipped["skip_reason"]), ("SKIPPED", "no sample left"))
        Live.first_labeled, Live.first_value, Live.skipped = item, v, other
        counts = {}
        for r in self.al.queue(m, frame=False):
            counts[r["status"]] = counts.get(r["status"], 0) + 1
        self.assertEqual(counts, {"PENDING": 23, "LABELED": 1, "SKIPPED": 1})

    def test_03_errors_carry_codes(self):
        with activelab.Client(URL, "al_not-a-token") as bad, self.assertRaises(activelab.UnauthenticatedError) as cm:
            bad.me()
        self.assertEqual(cm.exception.code, "UNAUTHENTICATED")
        with self.assertRaises(activelab.ForbiddenError) as cm:  # retraining is for admins
            self.sci.retrain(self.al.queue(self.model, limit=1, frame=False)[0]["id"])
        self.assertEqual(cm.exception.code, "FORBIDDEN")
        # An ID that is not a UUID (an integer, as IDs were once) is bad input,
        # naming the value; a well-formed one that names nothing is not found.
        for bad in ("no-such-cycle", "1", self.model["id"].upper()):
            with self.assertRaises(activelab.BadUserInputError, msg=bad) as cm:
                self.al.cycle(bad)
            self.assertIn(bad, str(cm.exception))
        with self.assertRaises(activelab.NotFoundError):
            self.al.cycle("00000000-0000-7000-8000-000000000000")
        with self.assertRaises(TypeError):
            self.al.cycle(1)
        with self.assertRaises(activelab.BadUserInputError):
            self.al.select(self.model, 0)
        with self.assertRaises(activelab.BadUserInputError) as cm:
            self.al.export("no such endpoint")
        self.assertEqual(cm.exception.status, 400)

    def test_04_select_label_retrain(self):
        m = self.model
        seen = []
        c = self.sci.select(m, 10, strategy="uncertainty", seed=3, set_id=self.pool, on_progress=lambda c: seen.append(c["status"]))
        self.assertEqual((c["status"], c["itemsSelected"], c["cycleNumber"]), ("LABELING", 10, 2))
        self.assertEqual(seen, ["LABELING"])  # the demo's pool is scored inline: no SELECTING phase
        before = self.al.model(m["id"])["activeVersion"]["metrics"]
        self.assertTrue(before)
        labeled = 0
        while True:
            item = self.sci.claim(m)
            if item is None:
                break
            self.sci.label(item, self.label_value(item))
            labeled += 1
        self.assertEqual(labeled, 23 + 10)
        progress = []
        r = self.al.retrain(c, min_new_labels=10)
        self.assertIn(r.cycle["status"], ("TRAINING", "COMPLETE"))
        done = r.wait(timeout=300, on_progress=lambda c: progress.append(c["status"]))
        self.assertEqual(done["status"], "COMPLETE", done["error"])
        self.assertEqual(progress[-1], "COMPLETE")
        names = lambda ms: sorted(x["name"] for x in ms)  # noqa: E731
        self.assertEqual(names(done["metricsAfter"]), names(before))
        self.assertTrue(all(math.isfinite(x["value"]) for x in done["metricsAfter"]))
        self.assertEqual(self.al.model(m["id"])["activeVersion"]["version"], 2)
        # The cycle's self-check counts the labels it just got.
        d = self.al.cycle(c)["diagnosis"]
        self.assertEqual(d["labeled"], 10, d)
        self.assertEqual(d["strategyPicks"] + d["randomPicks"], 10, d)
        self.assertTrue(d["sentence"], d)

    def test_05_export(self):
        rows = self.al.export("logS", frame=False)
        mine = [r for r in rows if r["compound_id"] == self.first_labeled["compound_id"] and r["origin"] == "label"]
        self.assertEqual(len(mine), 1, mine)
        self.assertEqual((mine[0]["value"], mine[0]["source"], mine[0]["entered_by"]),
                         (self.first_value, "literature", "sci@example.org"))
        labels = [r for r in rows if r["origin"] == "label"]
        self.assertEqual(len(labels), 1 + 23 + 10)
        self.assertTrue(self.al.export("logS", raw=True).startswith("compound_id,name,smiles,"))
        if pandas is not None:
            df = self.al.export("logS")
            self.assertEqual(len(df), len(rows))
            self.assertAlmostEqual(df["value"].sum(), sum(r["value"] for r in rows), places=6)
            self.assertEqual(list(df["compound_id"]), [r["compound_id"] for r in rows])  # UUID text, not parsed as numbers

    def test_06_subscribe_catch_up_and_live(self):
        m = self.model

        async def run():
            history = await collect(self.al.subscribe_queue(m, after_seq=0), idle=2, timeout=60)
            seqs = [e["seq"] for e in history]
            self.assertEqual(seqs, sorted(set(seqs)))
            kinds = {e["type"] for e in history}
            self.assertLessEqual({"item_enqueued", "item_claimed", "item_labeled", "item_skipped"}, kinds)
            first = [e["type"] for e in history if e["itemId"] == self.first_labeled["id"]]
            self.assertEqual(first[:3], ["item_enqueued", "item_claimed", "item_labeled"])
            # Live: a subscription from the last seen sequence gets what happens next, and only that.
            agen = self.al.subscribe_queue(m, after_seq=seqs[-1])
            events = asyncio.ensure_future(collect(agen, 2, timeout=30))
            await asyncio.sleep(0.5)
            c = await asyncio.to_thread(self.sci.select, m, 1, seed=9, set_id=self.pool)
            item = await asyncio.to_thread(self.sci.claim, m)
            live = await events
            self.assertEqual([e["type"] for e in live], ["item_enqueued", "item_claimed"])
            self.assertEqual(live[1]["itemId"], item["id"])
            self.assertEqual(live[0]["cycleId"], c["id"])
            Live.claimed_live = item
        asyncio.run(run())

    def test_07_subscription_refuses_a_bad_token(self):
        async def run():
            bad = activelab.Client(URL, "al_not-a-token")
            with self.assertRaises(activelab.UnauthenticatedError):
                await collect(bad.subscribe_queue(self.model, after_seq=0, max_retries=3), 1, timeout=20)
        asyncio.run(run())

    def test_08_subscription_reconnects_and_catches_up(self):
        """Through a proxy that cuts connections: once during the catch-up,
        and once before new events happen, which the iterator can only get
        by reconnecting and resuming after its last event. It yields exactly
        what an uncut subscription yields, then the new events."""
        async def run():
            reference = await collect(self.al.subscribe_queue(self.model, after_seq=0), idle=2, timeout=60)
            self.assertGreater(len(reference), 40)
            proxy = Proxy(URL)
            await proxy.start()
            cut = activelab.Client(proxy.url, TOKEN)
            agen = cut.subscribe_queue(self.model, after_seq=0, retry_delay=0.1)
            got = []
            try:
                async with asyncio.timeout(60):
                    while len(got) < len(reference):
                        got.append(await agen.__anext__())
                        if len(got) == 5:
                            proxy.drop()  # what was already received may still come first
                    self.assertEqual([e["seq"] for e in got], [e["seq"] for e in reference])
                    self.assertEqual([e["type"] for e in got], [e["type"] for e in reference])
                    conns = proxy.connections
                    proxy.drop()
                    # New events while the iterator is cut off.
                    c = await asyncio.to_thread(self.sci.select, self.model, 1, seed=11, set_id=self.pool)
                    item = await asyncio.to_thread(self.sci.claim, self.model)
                    new = [await agen.__anext__(), await agen.__anext__()]
            finally:
                await agen.aclose()
                cut.close()
                await proxy.close()
            self.assertEqual([(e["type"], e["cycleId"]) for e in new], [("item_enqueued", c["id"]), ("item_claimed", c["id"])])
            self.assertEqual(new[1]["itemId"], item["id"])
            self.assertGreater(new[0]["seq"], got[-1]["seq"])
            self.assertGreater(proxy.connections, conns)  # it reconnected to get them
        asyncio.run(run())

    def test_09_select_waits_for_a_background_selection(self):
        if not BIG_SET:
            self.skipTest("SKIPPED: ACTIVELAB_BIG_SET (a set over the inline pool limit) not given")
        sets = [s for s in self.al.execute("{ compoundSets { id name size } }")["compoundSets"] if s["name"] == BIG_SET]
        self.assertEqual(len(sets), 1, f"no compound set {BIG_SET!r}")
        self.assertGreater(sets[0]["size"], 20000)
        seen = []
        c = self.sci.select(self.model, 5, set_id=sets[0], seed=1, timeout=300, poll_interval=0.2,
                            on_progress=lambda c: seen.append((c["status"], c["itemsSelected"])))
        self.assertEqual(seen[0], ("SELECTING", 0))  # scored by a job, as README's notebook met it
        self.assertEqual(seen[-1], ("LABELING", 5))
        self.assertEqual((c["status"], c["itemsSelected"]), ("LABELING", 5))
        # The cycle's items are in the queue now, from the large set.
        items = [r for r in self.al.queue(self.model, status="PENDING", frame=False) if r["name"].startswith("big-")]
        self.assertEqual(len(items), 5)

    def test_10_predict_in_chunks(self):
        m = self.model
        smiles = list(self.values)[:1100] + ["C1CC", "not a smiles"]  # over the 1000 a call: two calls
        rows = self.al.predict(m, smiles, frame=False)
        self.assertEqual([r["smiles"] for r in rows], smiles)
        self.assertEqual(list(rows[0]), ["smiles"] + activelab.client.PREDICT_COLUMNS)
        for r in rows[-2:]:
            self.assertTrue(r["error"] and r["prediction"] is None, r)
        version = self.al.model(m["id"])["activeVersion"]["version"]
        for r in rows[:-2]:
            self.assertIsNone(r["error"], r)
            self.assertTrue(math.isfinite(r["prediction"]) and r["uncertainty"] >= 0 and 0 <= r["applicability_distance"] <= 1, r)
            self.assertEqual(r["model_version"], version)
        # Regression: an interval at the level asked (wider at a higher level), no probability.
        r90 = rows[0]
        self.assertIsNone(r90["probability"], r90)
        self.assertEqual(r90["interval_level"], 0.9)
        self.assertTrue(r90["interval_low"] <= r90["prediction"] <= r90["interval_high"], r90)
        r50, r99 = (self.al.predict(m, smiles[:1], level=lv, frame=False)[0] for lv in (0.5, 0.99))
        self.assertEqual((r50["interval_level"], r99["interval_level"]), (0.5, 0.99))
        width = lambda r: r["interval_high"] - r["interval_low"]  # noqa: E731
        self.assertLess(width(r50), width(r90))
        self.assertLess(width(r90), width(r99))
        with self.assertRaises(ValueError):
            self.al.predict(m, smiles[:1], level=1.5)
        # Chunk boundaries change nothing: one SMILES alone, or chunks of 7, score the same.
        self.assertEqual(self.al.predict(m, [smiles[1050]], frame=False)[0]["prediction"], rows[1050]["prediction"])
        again = self.al.predict(m, smiles[:30], chunk_size=7, frame=False)
        self.assertEqual([r["prediction"] for r in again], [r["prediction"] for r in rows[:30]])
        with self.assertRaises(activelab.BadUserInputError) as cm:
            self.al.predict(m, smiles[:3], version=99)
        self.assertEqual(cm.exception.code, "BAD_USER_INPUT")
        with self.assertRaises(TypeError):
            self.al.predict(m, "CCO")
        if pandas is not None:
            df = self.al.predict(m, smiles[:5])
            self.assertIsInstance(df, pandas.DataFrame)
            self.assertEqual(list(df.columns), ["smiles"] + activelab.client.PREDICT_COLUMNS)
            mine = pandas.DataFrame({"reg_id": [f"R-{i}" for i in range(5)], "smiles": smiles[:5]}, index=range(10, 15))
            out = self.al.predict(m, mine)
            self.assertEqual(list(out["reg_id"]), list(mine["reg_id"]))  # the ID column comes back beside the scores
            self.assertEqual(list(out["prediction"]), [r["prediction"] for r in rows[:5]])

    def test_11_export_pool_to_files(self):
        m = self.model
        size = next(s["size"] for s in self.al.execute("{ compoundSets { id name size } }")["compoundSets"]
                    if s["id"] == self.pool["id"])
        with tempfile.TemporaryDirectory() as tmp:
            sdf = os.path.join(tmp, "pool.sdf")
            self.assertEqual(self.al.export(m, "sdf", sdf, set=self.pool), sdf)
            with open(sdf, encoding="utf-8") as f:
                text = f.read()
            self.assertEqual(text.count("$$$$\n"), size)
            self.assertEqual(text.count("M  END\n"), size)
            self.assertEqual(text.count("> <prediction>\n"), size)

            path = os.path.join(tmp, "pool.csv")
            self.sci.export(m["name"], path=path, set=self.pool)  # CSV from the extension; any user may export
            with open(path, newline="", encoding="utf-8") as f:
                rows = list(csv.DictReader(f))
            self.assertEqual(len(rows), size)
            self.assertTrue(all(r["prediction"] and r["applicability"] in ("in", "edge", "out") for r in rows))
            by_id = {r["compound_id"]: r for r in rows}
            first = by_id[self.first_labeled["compound_id"]]
            self.assertEqual((float(first["measurement"]), first["measurement_origin"]), (self.first_value, "label"))
            labels = {r["compound_id"]: r["value"] for r in self.al.export("logS", frame=False)
                      if r["origin"] == "label" and r["compound_id"] in by_id}
            self.assertGreater(len(labels), 1)
            self.assertEqual({i: float(r["measurement"]) for i, r in by_id.items() if r["measurement_origin"] == "label"}, labels)

            bad = os.path.join(tmp, "bad.csv")
            with self.assertRaises(activelab.BadUserInputError) as cm:
                self.al.export("no such model", "csv", bad)
            self.assertIn("no model has id or name", str(cm.exception))
            with self.assertRaises(ValueError):
                self.al.export(m)  # a pool goes to a file
            self.assertEqual(sorted(os.listdir(tmp)), ["pool.csv", "pool.sdf"])  # nothing half-written


class Proxy:
    """A TCP proxy to the server whose drop() aborts every open connection."""

    def __init__(self, target):
        host_port = target.split("://", 1)[1].split("/", 1)[0]
        self.host, port = host_port.rsplit(":", 1)
        self.port = int(port)
        self.open = []
        self.connections = 0

    async def start(self):
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    async def handle(self, reader, writer):
        self.connections += 1
        up_r, up_w = await asyncio.open_connection(self.host, self.port)
        self.open.append((writer, up_w))

        async def pipe(r, w):
            try:
                while data := await r.read(65536):
                    w.write(data)
                    await w.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                w.transport.abort()
        await asyncio.gather(pipe(reader, up_w), pipe(up_r, writer))

    def drop(self):
        for a, b in self.open:
            a.transport.abort()
            b.transport.abort()
        self.open = []

    async def close(self):
        self.drop()
        self.server.close()
        await self.server.wait_closed()


if __name__ == "__main__":
    unittest.main()
