#!/usr/bin/env bash
# One whole active-learning cycle over ActiveLab's GraphQL API with curl and
# jq, as docs/walkthrough.md explains step by step: sign in, preview and
# select 25 compounds, claim and label every queued item (the "lab" answers
# with ESOL's measured logS from examples/esol.csv), retrain, and compare the
# validation metrics before and after.
#
#   make run    # first start prints the demo admin's password once
#   ACTIVELAB_ADMIN_PASSWORD=... examples/walkthrough.sh
#
# Environment: ACTIVELAB_URL (default http://localhost:8080),
# ACTIVELAB_ADMIN_EMAIL (default admin@localhost), ACTIVELAB_ADMIN_PASSWORD
# (required), ESOL_CSV (default: esol.csv next to this script).
set -euo pipefail

URL=${ACTIVELAB_URL:-http://localhost:8080}
API=$URL/graphql
EMAIL=${ACTIVELAB_ADMIN_EMAIL:-admin@localhost}
PASSWORD=${ACTIVELAB_ADMIN_PASSWORD:?set ACTIVELAB_ADMIN_PASSWORD (the first start printed it)}
ESOL_CSV=${ESOL_CSV:-$(dirname "$0")/esol.csv}
JAR=$(mktemp)
trap 'rm -f "$JAR"' EXIT

# gql QUERY [VARIABLES]: POST a GraphQL operation with the session cookie;
# print .data, or the errors on stderr and fail.
gql() {
  local vars=${2:-'{}'}
  jq -cn --arg q "$1" --argjson v "$vars" '{query: $q, variables: $v}' |
    curl -sS -b "$JAR" -c "$JAR" -H 'Content-Type: application/json' --data @- "$API" |
    jq 'if .errors then (.errors | tostring + "\n" | halt_error(1)) else .data end'
}

echo "== sign in as $EMAIL"
gql 'mutation($in: LoginInput!) { login(input: $in) { user { id email role } expiresAt } }' \
  "$(jq -cn --arg e "$EMAIL" --arg p "$PASSWORD" '{in: {email: $e, password: $p}}')" | jq -c '.login.user'

echo "== the demo model and its active version"
MODEL=$(gql '{ models { id name } }' | jq -r '.models[] | select(.name == "ESOL solubility (logS)") | .id')
gql 'query($id: ID!) { model(id: $id) { id name activeVersion { version trainingSize validationHash metrics { name value } } } }' \
  "{\"id\": \"$MODEL\"}" | jq -c '.model | .activeVersion.metrics |= (map({(.name): .value}) | add)'

echo "== preview: the 5 compounds the default strategy would pick"
gql 'query($in: SelectionInput!) { previewSelection(input: $in) {
       rank compound { id inputSmiles name } prediction uncertainty applicabilityDistance priority } }' \
  "{\"in\": {\"modelId\": \"$MODEL\", \"strategy\": \"default\", \"batchSize\": 5}}" |
  jq -r '.previewSelection[] | "\(.rank)\t\(.prediction * 100 | round / 100)\t±\(.uncertainty * 100 | round / 100)\t\(.compound.inputSmiles)"'

echo "== select 25: a new cycle"
cycle=$(gql 'mutation($in: SelectSamplesInput!) { selectSamples(input: $in) { cycle { id cycleNumber status itemsSelected } } }' \
  "{\"in\": {\"selection\": {\"modelId\": \"$MODEL\", \"strategy\": \"default\", \"batchSize\": 25, \"seed\": 1}}}" |
  jq -c '.selectSamples.cycle')
echo "$cycle"
CYCLE=$(jq -r '.id' <<<"$cycle")

echo "== claim and label until the queue is empty"
declare -A LOGS # SMILES -> measured logS, the answers of our "lab"
while IFS= read -r line; do
  rest=${line#*,}
  LOGS[${line%%,*}]=${rest%%,*}
done < <(tail -n +2 "$ESOL_CSV")
labeled=0
while :; do
  item=$(gql 'mutation($m: ID!) { claimNextItem(input: {modelId: $m}) { item { id compound { inputSmiles } } } }' \
    "{\"m\": \"$MODEL\"}" | jq -r '.claimNextItem.item // empty | "\(.id)\t\(.compound.inputSmiles)"')
  [[ -z $item ]] && break
  IFS=$'\t' read -r id smiles <<<"$item"
  value=${LOGS[$smiles]:-}
  if [[ -z $value ]]; then
    gql 'mutation($id: ID!) { skipItem(input: {itemId: $id, reason: "not in the lab notebook"}) { item { id status } } }' \
      "{\"id\": \"$id\"}" >/dev/null
    continue
  fi
  gql 'mutation($in: SubmitLabelInput!) { submitLabel(input: $in) { item { id status } } }' \
    "{\"in\": {\"itemId\": \"$id\", \"value\": $value, \"source\": \"EXPERIMENTAL\", \"confidence\": \"HIGH\", \"notes\": \"ESOL (Delaney 2004)\"}}" >/dev/null
  labeled=$((labeled + 1))
done
echo "labeled $labeled items"

echo "== retrain and wait"
gql 'mutation($c: ID!) { triggerRetrain(input: {cycleId: $c, minNewLabels: 25}) { cycle { id status } } }' \
  "{\"c\": \"$CYCLE\"}" | jq -c '.triggerRetrain.cycle'
for _ in $(seq 600); do
  cycle=$(gql 'query($c: ID!) { cycle(id: $c) { status itemsLabeled error
             metricsBefore { name value } metricsAfter { name value } } }' "{\"c\": \"$CYCLE\"}" | jq -c '.cycle')
  case $(jq -r '.status' <<<"$cycle") in
    COMPLETE) break ;;
    FAILED) echo "retrain failed: $cycle" >&2; exit 1 ;;
  esac
  sleep 0.5
done
jq '{itemsLabeled, before: (.metricsBefore | map({(.name): .value}) | add), after: (.metricsAfter | map({(.name): .value}) | add)}' <<<"$cycle"

echo "== versions and statistics"
gql 'query($id: ID!) { model(id: $id) { activeVersion { version trainingSize } versions { version status validationHash } }
       stats(modelId: $id) { cycles learningCurve { cycle labels metrics { name value } }
         counts { pending inProgress labeled skipped } labelers { user { email } labeled skipped } } }' \
  "{\"id\": \"$MODEL\"}" | jq -c '.model, .stats.counts, .stats.labelers, (.stats.learningCurve[] | {cycle, labels, rmse: (.metrics[] | select(.name == "rmse") | .value)})'
