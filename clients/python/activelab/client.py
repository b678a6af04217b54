"""The synchronous ActiveLab client (GraphQL over HTTP with requests)."""

import csv
import io
import math
import os
import re
import time

import requests

from . import errors
from .subscription import subscribe

try:  # pandas is optional: tables come back as DataFrames when it is there.
    import pandas as _pd
except ImportError:  # pragma: no cover - depends on the machine
    _pd = None

_ITEM_FIELDS = """
  id status priority prediction uncertainty applicabilityDistance predictedClass
  selectionStrategy selectionBatch label labelClass labelSource labelConfidence notes skipReason
  version createdAt updatedAt leaseExpiresAt
  compound { id name inputSmiles canonicalSmiles }
  assignedTo { email } labeledBy { email } modelVersion { id version }
"""

_CYCLE_FIELDS = """
  id cycleNumber status selectionStrategy batchSize seed
  itemsSelected itemsLabeled itemsSkipped error startedAt completedAt
  metricsBefore { name value } metricsAfter { name value }
  model { id name endpoint }
  diagnosis { sentence labeled needed strategyPicks randomPicks strategyError randomError
              hardnessRatio rho coverage coverageLabels level
              gainPerStrategyLabel gainPerRandomLabel gainRatio }
"""

# The columns predict() adds, named as the server's batch prediction names them.
PREDICT_COLUMNS = ["prediction", "uncertainty", "interval_low", "interval_high", "interval_level",
                   "probability", "applicability_distance", "nearest_compound_id", "nearest_smiles", "nearest_similarity",
                   "model_version", "error"]

# The GraphQL predict query's limit per call (activelearning.MaxPredictList).
MAX_PREDICT_LIST = 1000

_PREDICT_QUERY = """query($m: ID!, $s: [String!]!, $v: Int, $l: Float!) { predict(modelId: $m, smiles: $s, version: $v) {
  smiles prediction uncertainty interval(level: $l) { low high level } probability applicabilityDistance
  nearestCompoundId nearestSmiles similarity modelVersion error predictedClass probabilities { class probability } } }"""


def class_columns(classes):
    """The per-class probability columns of a model of more than two
    classes, as the server's exports and batch predictions name them
    (activelearning.ClassColumns): "p_" then the class name with every
    character other than an ASCII letter, digit or "_" replaced by "_"
    (low -> p_low); a name already taken gets "_" and the class index
    appended. [] for two classes or regression."""
    classes = list(classes or [])
    if len(classes) <= 2:
        return []
    out, taken = [], set()
    for k, c in enumerate(classes):
        name = "p_" + re.sub(r"[^A-Za-z0-9_]", "_", c)
        while name in taken:
            name += f"_{k}"
        taken.add(name)
        out.append(name)
    return out


def _class_of(rows):
    """The class names of a model of more than two classes, from the first
    scored prediction of rows (GraphQL Predictions); [] otherwise."""
    for p in rows:
        ps = p.get("probabilities") or []
        if len(ps) > 2:
            return [x["class"] for x in ps]
    return []


def _flat_prediction(p, classes=()):
    """A GraphQL Prediction as the PREDICT_COLUMNS of one row (None where the
    server gave null), with, for a model of more than two classes (its
    ``classes``), "class" (the most probable class) and its class_columns
    after "probability"."""
    iv = p.get("interval") or {}
    extra = {}
    if len(classes) > 2:
        extra["class"] = p.get("predictedClass")
        got = {x["class"]: x["probability"] for x in (p.get("probabilities") or [])}
        for c, col in zip(classes, class_columns(classes)):
            extra[col] = got.get(c)
    return {
        "prediction": p.get("prediction"),
        "uncertainty": p.get("uncertainty"),
        "interval_low": iv.get("low"),
        "interval_high": iv.get("high"),
        "interval_level": iv.get("level"),
        "probability": p.get("probability"),
        **extra,
        "applicability_distance": p.get("applicabilityDistance"),
        "nearest_compound_id": p.get("nearestCompoundId"),
        "nearest_smiles": p.get("nearestSmiles"),
        "nearest_similarity": p.get("similarity"),
        "model_version": p.get("modelVersion"),
        "error": p.get("error"),
    }


# Cycle statuses a selection or a retrain waits to leave.
_SELECTING, _TRAINING = "SELECTING", "TRAINING"
_DONE = ("LABELING", "COMPLETE", "FAILED", "CANCELLED")


def _id(obj):
    """The GraphQL ID of obj: a dict with "id", or the ID itself: a UUID
    string as the server returns it (a uuid.UUID is taken too). An integer is
    refused here, with the reason: IDs are no longer numbers."""
    if isinstance(obj, dict):
        obj = obj.get("id")
    if obj is None or obj == "":
        raise ValueError("want an object with an id or an ID string")
    if isinstance(obj, (int, float)):
        raise TypeError(f"ID {obj!r} is a number: IDs are UUID strings such as "
                        "'0193a5f2-7c4e-7d8a-9b1c-2d3e4f5a6b7c' (pass the dict or the id the client returned)")
    return str(obj)


def _flat_item(it):
    """A queue item as one flat record (the columns of queue())."""
    if it is None:
        return None
    c = it.get("compound") or {}
    mv = it.get("modelVersion") or {}
    return {
        "id": it["id"],
        "status": it.get("status"),
        "priority": it.get("priority"),
        "prediction": it.get("prediction"),
        "uncertainty": it.get("uncertainty"),
        "applicability_distance": it.get("applicabilityDistance"),
        "strategy": it.get("selectionStrategy"),
        "batch": it.get("selectionBatch"),
        "compound_id": c.get("id"),
        "name": c.get("name"),
        "smiles": c.get("inputSmiles"),
        "canonical_smiles": c.get("canonicalSmiles"),
        "label": it.get("label"),
        "label_class": it.get("labelClass"),
        "predicted_class": it.get("predictedClass"),
        "label_source": it.get("labelSource"),
        "label_confidence": it.get("labelConfidence"),
        "notes": it.get("notes"),
        "skip_reason": it.get("skipReason"),
        "assigned_to": (it.get("assignedTo") or {}).get("email"),
        "labeled_by": (it.get("labeledBy") or {}).get("email"),
        "model_version": mv.get("version"),
        "version": it.get("version"),
        "created_at": it.get("createdAt"),
        "lease_expires_at": it.get("leaseExpiresAt"),
    }


class Retrain:
    """A retrain started by Client.retrain: ``cycle`` is the cycle as it was
    then; ``wait()`` follows it to the end."""

    def __init__(self, client, cycle):
        self._client = client
        self.cycle = cycle
        self.id = cycle["id"]

    def wait(self, timeout=None, poll_interval=0.5, on_progress=None):
        """Polls the cycle until the retrain job is over and returns the cycle
        (status COMPLETE, metricsBefore and metricsAfter on the same
        validation set). Raises CycleFailed when it failed (the cycle's
        ``error`` says why) and TimeoutError after ``timeout`` seconds.
        ``on_progress(cycle)`` is called whenever the cycle changes."""
        self.cycle = self._client._wait_cycle(self.id, (_TRAINING,), timeout, poll_interval, on_progress, "retrain")
        return self.cycle

    def __repr__(self):
        return f"Retrain(cycle={self.id!r}, status={self.cycle.get('status')!r})"


class Client:
    """An ActiveLab server reached with an API token.

    ``url`` is the server's base address (``http://localhost:8080``; a
    trailing ``/graphql`` is accepted), ``token`` an API token (``al_...``:
    ``activelab token create`` or the web app's API tokens page). Every call
    raises an ActiveLabError subclass matching the server's
    ``extensions.code`` when the server refuses it.

    Tables (``queue``, ``export``) come back as pandas DataFrames when
    pandas is installed, else as lists of dicts; ``frame=False`` asks for
    the list, ``frame=True`` insists on a DataFrame.
    """

    def __init__(self, url, token, timeout=60, session=None):
        url = url.rstrip("/")
        if url.endswith("/graphql"):
            url = url[: -len("/graphql")]
        self.url = url
        self.token = token
        self.timeout = timeout
        self.http = session or requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    def close(self):
        """Closes the HTTP connections (also on leaving a ``with`` block)."""
        self.http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"Client({self.url!r})"

    # --- GraphQL -------------------------------------------------------

    def execute(self, query, variables=None):
        """Runs a query or mutation and returns its ``data``; GraphQL errors
        raise the matching ActiveLabError."""
        try:
            r = self.http.post(self.url + "/graphql", json={"query": query, "variables": variables or {}},
                               timeout=self.timeout)
        except requests.RequestException as e:
            raise errors.ActiveLabError(f"cannot reach {self.url}: {e}") from e
        body = None
        if "json" in r.headers.get("Content-Type", ""):
            try:
                body = r.json()
            except ValueError:
                body = None
        if body and body.get("errors"):
            raise errors.from_graphql(body["errors"], status=r.status_code)
        if r.status_code >= 400 or body is None:
            raise errors.from_status(r.status_code, r.text[:500])
        return body.get("data")

    def me(self):
        """The token's user: id, email, name, role."""
        return self.execute("{ me { id email name role } }")["me"]

    def models(self):
        """Every model lineage: id, name, endpoint, task, status and the active version's metrics."""
        return self.execute("""{ models { id name endpoint task status classes
                                  activeVersion { id version trainingSize metrics { name value } } } }""")["models"]

    def model(self, name_or_id):
        """The model with this id, else the one with this name (NotFoundError when none)."""
        if isinstance(name_or_id, (int, float)):
            _id(name_or_id)  # raises: IDs are UUID strings, and a name is not a number
        models = self.models()
        for m in models:
            if m["id"] == str(name_or_id):
                return m
        for m in models:
            if m["name"] == name_or_id:
                return m
        raise errors.NotFoundError(f"NOT_FOUND: no model with id or name {name_or_id!r}", code="NOT_FOUND")

    def cycle(self, cycle):
        """A cycle (dict or ID) as it is now, with its ``diagnosis``: what
        the cycle's own labels say about its selection (``sentence``, the
        strategy's picks against the random ones, rho, interval coverage)."""
        return self.execute(f"query($id: ID!) {{ cycle(id: $id) {{ {_CYCLE_FIELDS} }} }}", {"id": _id(cycle)})["cycle"]

    # --- the label queue ----------------------------------------------

    def queue(self, model, status=None, limit=None, frame=None):
        """The model's queue items by priority, as one row per item
        (columns: id, status, priority, prediction, uncertainty,
        applicability_distance, strategy, batch, compound_id, name, smiles,
        canonical_smiles, label, label_class, predicted_class, label_source, label_confidence, notes,
        skip_reason, assigned_to, labeled_by, model_version, version,
        created_at, lease_expires_at). ``status`` is one status or a list
        (PENDING, IN_PROGRESS, LABELED, SKIPPED); ``limit`` caps the rows
        (default all, fetched 100 at a time)."""
        if isinstance(status, str):
            status = [status]
        flt = {"modelId": _id(model)}
        if status:
            flt["status"] = [s.upper() for s in status]
        q = f"""query($f: QueueFilter, $first: Int, $after: String) {{
                  labelQueue(filter: $f, first: $first, after: $after) {{
                    edges {{ node {{ {_ITEM_FIELDS} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"""
        rows, after = [], None
        while limit is None or len(rows) < limit:
            first = 100 if limit is None else min(100, limit - len(rows))
            page = self.execute(q, {"f": flt, "first": first, "after": after})["labelQueue"]
            rows.extend(_flat_item(e["node"]) for e in page["edges"])
            if not page["pageInfo"]["hasNextPage"] or not page["edges"]:
                break
            after = page["pageInfo"]["endCursor"]
        return self._table(rows, frame, columns=list(_flat_item({"id": None}).keys()))

    def claim(self, model):
        """Leases the model's next item to the token's user and returns it
        (a queue() row), or None when nothing is left to claim."""
        q = f"mutation($m: ID!) {{ claimNextItem(input: {{modelId: $m}}) {{ item {{ {_ITEM_FIELDS} }} }} }}"
        return _flat_item(self.execute(q, {"m": _id(model)})["claimNextItem"]["item"])

    def label(self, item, value, source="EXPERIMENTAL", confidence="HIGH", notes=""):
        """Labels an item (a queue() row or its ID) and returns it. ``value``
        is a number (regression; or a class index), a string holding one
        (``"-2.31"``, as read from a CSV file), or a string naming one of a
        classification model's classes (``"medium"``; the model's
        ``classes``), which the server checks. Sending the same label again
        is harmless; a different one for an item already labeled raises
        ConflictError."""
        inp = {"itemId": _id(item), "source": source.upper(), "confidence": confidence.upper(), "notes": notes}
        if isinstance(value, str):
            if not value.strip():
                raise errors.BadUserInputError("BAD_USER_INPUT: empty class name", code="BAD_USER_INPUT")
            try:
                value = float(value)
            except ValueError:
                inp["class"] = value
        if "class" not in inp:
            value = float(value)
            if not math.isfinite(value):
                raise errors.BadUserInputError(f"BAD_USER_INPUT: value {value} is not finite", code="BAD_USER_INPUT")
            inp["value"] = value
        q = f"mutation($in: SubmitLabelInput!) {{ submitLabel(input: $in) {{ item {{ {_ITEM_FIELDS} }} }} }}"
        return _flat_item(self.execute(q, {"in": inp})["submitLabel"]["item"])

    def skip(self, item, reason):
        """Skips an item with a reason (it is not selected again) and returns it."""
        q = f"mutation($in: SkipItemInput!) {{ skipItem(input: $in) {{ item {{ {_ITEM_FIELDS} }} }} }}"
        return _flat_item(self.execute(q, {"in": {"itemId": _id(item), "reason": reason}})["skipItem"]["item"])

    # --- cycles ---------------------------------------------------------

    def select(self, model, batch_size, strategy="default", seed=0, set_id=None, compound_ids=None,
               diversity=None, include_labeled=False, include_skipped=False,
               wait=True, timeout=None, poll_interval=0.5, on_progress=None):
        """Starts a cycle that selects ``batch_size`` compounds and returns the cycle.

        A large pool is scored by a background job: the cycle starts as
        SELECTING and its items appear when the job is done. With ``wait``
        (the default) this polls the cycle until it leaves SELECTING,
        calling ``on_progress(cycle)`` whenever it changes, and returns it
        LABELING (CycleFailed if the job failed or an admin cancelled it, TimeoutError after
        ``timeout`` seconds); without, it returns the cycle at once."""
        sel = {"modelId": _id(model), "strategy": strategy, "batchSize": int(batch_size), "seed": int(seed),
               "includeLabeled": bool(include_labeled), "includeSkipped": bool(include_skipped)}
        if set_id is not None:
            sel["setId"] = _id(set_id)
        if compound_ids is not None:
            sel["compoundIds"] = [_id(c) for c in compound_ids]
        if diversity is not None:
            sel["diversity"] = float(diversity)
        q = f"mutation($in: SelectSamplesInput!) {{ selectSamples(input: $in) {{ cycle {{ {_CYCLE_FIELDS} }} }} }}"
        cycle = self.execute(q, {"in": {"selection": sel}})["selectSamples"]["cycle"]
        if not wait or cycle["status"] != _SELECTING:
            if on_progress and wait:
                on_progress(cycle)
            return cycle
        if on_progress:
            on_progress(cycle)
        return self._wait_cycle(cycle["id"], (_SELECTING,), timeout, poll_interval, on_progress, "selection", cycle)

    def retrain(self, cycle, min_new_labels=1):
        """Starts retraining the cycle's model on its labels (a job; ADMIN)
        and returns a Retrain whose ``wait()`` follows it to the end."""
        q = f"""mutation($in: TriggerRetrainInput!) {{ triggerRetrain(input: $in) {{ cycle {{ {_CYCLE_FIELDS} }} }} }}"""
        c = self.execute(q, {"in": {"cycleId": _id(cycle), "minNewLabels": int(min_new_labels)}})["triggerRetrain"]["cycle"]
        return Retrain(self, c)

    def _wait_cycle(self, cycle_id, busy, timeout, poll_interval, on_progress, what, last=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            cur = self.cycle(cycle_id)
            if on_progress and cur != last:
                on_progress(cur)
            last = cur
            if cur["status"] in ("FAILED", "CANCELLED"):
                verb = "failed" if cur["status"] == "FAILED" else "was cancelled"
                raise errors.CycleFailed(f"{what} of cycle {cycle_id} {verb}: {cur.get('error') or 'no reason given'}", cur)
            if cur["status"] not in busy:
                return cur
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError(f"{what} of cycle {cycle_id} still {cur['status']} after {timeout} s")
            time.sleep(poll_interval)

    # --- predictions ----------------------------------------------------

    def predict(self, model, smiles, version=None, smiles_column="smiles", chunk_size=MAX_PREDICT_LIST, frame=None,
                level=0.9):
        """Scores SMILES with a model (dict or id; ``version`` a version
        number, default the active one) without storing them, and returns
        one row per SMILES, in order: ``smiles`` then PREDICT_COLUMNS
        (prediction, uncertainty, interval_low/high/level for calibrated
        regression models at ``level``, a coverage in (0, 1), default 0.9;
        probability, the calibrated probability of class 1, for
        two-class models; for a model of more than two classes, after
        probability, ``class`` (the most probable class's name) and one
        calibrated probability column per class, ``p_<class>``
        (class_columns: p_low, p_medium, p_high), as the server's batch
        prediction writes them; applicability_distance, nearest_compound_id,
        nearest_smiles, nearest_similarity, model_version, error). A SMILES
        that does not parse gets its ``error`` and no scores; the others are
        scored all the same.

        ``smiles`` is a list (any iterable) of strings, a pandas Series, or
        a DataFrame whose ``smiles_column`` holds them: then every column of
        the frame is kept (your ID columns come back beside the scores).
        Lists longer than the server's limit per call (1000) are sent in
        chunks of ``chunk_size``; send files of millions to POST /predict or
        ``activelab predict``."""
        if not 1 <= int(chunk_size) <= MAX_PREDICT_LIST:
            raise ValueError(f"chunk_size {chunk_size} is outside 1..{MAX_PREDICT_LIST}")
        if not 0 < float(level) < 1:
            raise ValueError(f"level {level} is not a coverage in (0, 1), e.g. 0.9 for 90 % intervals")
        base = None
        if _pd is not None and isinstance(smiles, _pd.DataFrame):
            if smiles_column not in smiles.columns:
                raise KeyError(f"the DataFrame has no {smiles_column!r} column (its columns: {list(smiles.columns)})")
            base = smiles.reset_index(drop=True)
            items = [str(x) for x in base[smiles_column]]
        elif isinstance(smiles, str):
            raise TypeError("predict takes a list of SMILES, not one string: predict(model, [smiles])")
        else:
            items = [str(x) for x in smiles]
        got_all = []
        for i in range(0, len(items), int(chunk_size)):
            part = items[i:i + int(chunk_size)]
            got = self.execute(_PREDICT_QUERY, {"m": _id(model), "s": part, "v": version, "l": float(level)})["predict"]
            if len(got) != len(part):
                raise errors.ActiveLabError(f"the server scored {len(got)} of {len(part)} SMILES")
            got_all.extend(got)
        classes = _class_of(got_all)
        rows = [_flat_prediction(p, classes) for p in got_all]
        at = PREDICT_COLUMNS.index("probability") + 1
        columns = PREDICT_COLUMNS[:at] + (["class"] + class_columns(classes) if classes else []) + PREDICT_COLUMNS[at:]
        if base is not None:
            if not self._want_frame(frame):
                return [dict(r, **{k: v for k, v in zip(base.columns, vals)}) for r, vals in
                        zip(rows, base.itertuples(index=False, name=None))]
            out = base.copy()
            scores = _pd.DataFrame.from_records(rows, columns=columns)
            for c in columns:
                out[c if c not in base.columns else f"{c}_predicted"] = scores[c]
            return out
        rows = [{"smiles": s_, **r} for s_, r in zip(items, rows)]
        return self._table(rows, frame, columns=["smiles"] + columns)

    # --- export ---------------------------------------------------------

    def export(self, what, format=None, path=None, set=None, version=None, frame=None, raw=False):  # noqa: A002 - the server's names
        """Two exports, told apart by ``path``.

        ``export(model, format, path)``: the compounds (all, or of compound
        set ``set``) scored by a model (dict, id or name; ``version``
        default the active one) from GET /export/pool.csv or .sdf, streamed
        into the file ``path`` (written beside it and renamed when complete,
        so a failure leaves no partial file). ``format`` is "csv" or "sdf"
        (default: from the path's extension, else csv). Columns / SDF data
        items: compound_id, name, smiles, input_smiles, your imported
        columns, prediction, uncertainty, interval_low, interval_high,
        interval_level, probability, applicability_distance, applicability (in, edge,
        out), in_domain, nearest_compound_id, nearest_similarity, model,
        model_version, endpoint, measurement (the latest, with its
        qualifier: ">10" for a censored value), measurement_origin,
        measured_at, error; a model of more than two classes adds class and
        p_<class> after probability and measurement_class (the
        measurement's class name) after measurement. Returns ``path``.

        ``export(endpoint)``: every measurement of an endpoint (optionally
        of one compound set) from GET /export/measurements.csv: columns
        compound_id, name, smiles, canonical_smiles, endpoint, value (a
        float), source, confidence, origin, entered_by, created_at,
        qualifier ("" exact, "<", "<=", ">", ">=" a bound, "~"
        approximate), and, for an endpoint whose models have more than two
        classes, class (the value's class name; value is its index).
        ``raw=True`` returns the CSV text."""
        if path is not None or format is not None or isinstance(what, dict):
            if path is None:
                raise ValueError("a model's pool is exported to a file: export(model, format, path)")
            return self._export_pool(what, format, path, set, version)
        params = {"endpoint": what}
        if set is not None:
            params["set"] = _id(set)
        try:
            r = self.http.get(self.url + "/export/measurements.csv", params=params, timeout=self.timeout)
        except requests.RequestException as e:
            raise errors.ActiveLabError(f"cannot reach {self.url}: {e}") from e
        if r.status_code >= 400:
            raise errors.from_status(r.status_code, r.text[:500])
        r.encoding = "utf-8"
        text = r.text
        if raw:
            return text
        if self._want_frame(frame):
            df = _pd.read_csv(io.StringIO(text), dtype={"compound_id": str, "qualifier": str})
            if "qualifier" in df.columns:
                df["qualifier"] = df["qualifier"].fillna("")
            return df
        rows = list(csv.DictReader(io.StringIO(text)))
        for row in rows:
            if row.get("value") not in (None, ""):
                row["value"] = float(row["value"])
        return rows

    def _export_pool(self, model, format, path, set, version):  # noqa: A002
        path = os.fspath(path)
        if format is None:
            format = "sdf" if path.lower().endswith((".sdf", ".sd")) else "csv"
        format = format.lower().lstrip(".")
        if format not in ("csv", "sdf"):
            raise ValueError(f"format {format!r}: want csv or sdf")
        params = {"model": model["id"] if isinstance(model, dict) else str(model)}
        if set is not None:
            params["set"] = _id(set)
        if version is not None:
            params["version"] = str(int(version))
        part = f"{path}.part"
        try:
            with self.http.get(f"{self.url}/export/pool.{format}", params=params, timeout=self.timeout, stream=True) as r:
                if r.status_code >= 400:
                    raise errors.from_status(r.status_code, r.text[:500])
                with open(part, "wb") as f:
                    for block in r.iter_content(1 << 16):
                        f.write(block)
            os.replace(part, path)
        except requests.RequestException as e:
            raise errors.ActiveLabError(f"export of {params['model']} from {self.url} broke off: {e}") from e
        finally:
            if os.path.exists(part):
                os.remove(part)
        return path

    # --- subscriptions --------------------------------------------------

    def subscribe_queue(self, model, after_seq=None, reconnect=True, max_retries=None,
                        retry_delay=0.5, max_retry_delay=10.0):
        """An async iterator over the model's queue events (dicts: seq, type,
        itemId, cycleId, actorId, item {id status}, payload, createdAt).

        With ``after_seq`` the server first sends every event after it, then
        live ones; without, live ones only. When the connection drops, the
        iterator reconnects (waiting ``retry_delay`` doubling up to
        ``max_retry_delay``; ``max_retries`` consecutive failures at most,
        default unlimited) and resumes after the last event it yielded, so
        nothing is lost or repeated (before the first event, a subscription
        started without ``after_seq`` resumes live only). A refused token
        raises UnauthenticatedError, a refused subscription the matching
        ActiveLabError; neither is retried. Use it with ``async for``; break
        out of the loop to stop::

            async for ev in client.subscribe_queue(model_id, after_seq=0):
                print(ev["seq"], ev["type"], ev["itemId"])
        """
        query = """subscription($m: ID!, $a: Int) { queueEvents(modelId: $m, afterSeq: $a) {
                     seq type modelId itemId cycleId actorId item { id status } payload createdAt } }"""
        return subscribe(self.url, self.token, query, {"m": _id(model)}, "queueEvents", after_seq,
                         reconnect=reconnect, max_retries=max_retries, retry_delay=retry_delay,
                         max_retry_delay=max_retry_delay)

    # --- helpers --------------------------------------------------------

    @staticmethod
    def _want_frame(frame):
        if frame and _pd is None:
            raise ImportError("frame=True needs pandas (apt-get install python3-pandas)")
        return _pd is not None if frame is None else bool(frame)

    def _table(self, rows, frame, columns):
        if self._want_frame(frame):
            return _pd.DataFrame.from_records(rows, columns=columns)
        return rows
