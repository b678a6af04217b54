// The GraphQL client: queries and mutations over POST /graphql with the
// session cookie, subscriptions over a graphql-ws websocket on the same
// origin (the server checks the Origin and reads the cookie of the upgrade).
import { Client, fetchExchange, mapExchange, subscriptionExchange } from 'urql';
import { createClient as createWSClient } from 'graphql-ws';
import { graphql, type ResultOf } from './graphql';
import { liveClosed, liveConnected } from './live';

export function wsURL(loc: Location = window.location): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/graphql`;
}

/** UNAUTHENTICATED is the event newClient fires when the server says the session is gone. */
export const UNAUTHENTICATED = 'activelab:unauthenticated';

export function newClient(): Client {
  const ws = createWSClient({
    url: wsURL(),
    lazy: true,
    retryAttempts: Infinity,
    // Retry after any failure, not only a close: a browser reports a refused
    // connection (the server restarting) as an error event first, which the
    // default gives up on, ending every live subscription for good. Fatal
    // close codes (4401 unauthorized, 4403 forbidden…) still end them.
    shouldRetry: () => true,
    on: {
      connected: (_socket, _payload, wasRetry) => liveConnected(wasRetry),
      closed: (event) => liveClosed((event as CloseEvent | undefined)?.code),
    },
  });
  return new Client({
    url: '/graphql',
    // No document cache: the queue changes under every labeler, so each
    // query asks the server.
    requestPolicy: 'network-only',
    fetchOptions: { credentials: 'same-origin' },
    exchanges: [
      // A session that expired or was ended elsewhere: tell the app, which
      // goes back to the sign-in form instead of failing page by page.
      mapExchange({
        onError(error) {
          if (error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) {
            window.dispatchEvent(new Event(UNAUTHENTICATED));
          }
        },
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' };
          return {
            subscribe(sink) {
              return { unsubscribe: ws.subscribe(input, sink) };
            },
          };
        },
      }),
    ],
  });
}

// Every operation below is typed from the schema by gql.tada (src/graphql.ts):
// its result and variables are ResultOf / VariablesOf of the document, and
// the named types exported here are those results, not hand-written copies.

export const ME = graphql(`query Me { me { id email name role } }`);

export const LOGIN = graphql(`mutation Login($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) { user { id email name role } }
}`);

export const LOGOUT = graphql(`mutation Logout { logout }`);

export const MODELS = graphql(`query Models {
  models {
    id name endpoint task status
    activeVersion { version trainingSize metrics { name value } }
    currentVersion { version status error }
  }
}`);

/** What the create-model form offers: endpoints with measurements, compound sets, the names taken. */
export const MODEL_CHOICES = graphql(`query ModelChoices {
  endpoints { name compounds measurements min max binary }
  compoundSets { id name size }
  models { id name }
}`);

export const CREATE_MODEL = graphql(`mutation CreateModel($input: CreateModelInput!) { createModel(input: $input) { model { id name status } } }`);

/** What the labeling card shows of a queue item. */
export const ITEM = graphql(`fragment Item on QueueItem {
  id status prediction uncertainty interval { low high level } applicabilityDistance selectionStrategy leaseExpiresAt
  probabilities { class probability } predictedClass
  label labelClass labelSource labelConfidence labeledAt labelImplausible assignedTo { id name email }
  labeledBy { id } archivedAt archivedWith { version }
  compound { id inputSmiles canonicalSmiles name descriptors }
}`);

export const MODEL = graphql(`query Model($id: ID!) {
  model(id: $id) {
    id name endpoint task classes status
    activeVersion { version metrics { name value } }
  }
  endpoints { name min max }
  stats(modelId: $id) {
    cycles counts { pending inProgress labeled skipped }
    learningCurve { cycle labels metrics { name value } }
    labelers { user { id name email } labeled skipped }
  }
}`);

/** The item the user holds in a model's queue, to resume it after a reload. */
export const HELD = graphql(
  `query Held($id: ID!, $me: ID!) {
  labelQueue(filter: {modelId: $id, status: [IN_PROGRESS], assignedTo: $me}, first: 1) { edges { node { ...Item } } }
}`,
  [ITEM],
);

/** One queue item, opened from the queue table (to claim it, or see who holds it). */
export const QUEUE_ITEM = graphql(`query QueueItem($id: ID!) { queueItem(id: $id) { ...Item } }`, [ITEM]);

/**
 * My labels in a model's queue, for the session's progress, my history and
 * Previous: archived ones included (archived: null), since a retrain
 * archives the labels it trained on and they are still mine to see and,
 * within the correction window, to correct.
 */
export const MY_LABELS = graphql(
  `query MyLabels($id: ID!, $me: ID!) {
  labelQueue(filter: {modelId: $id, status: [LABELED], assignedTo: $me, archived: null}, orderBy: LABELED_AT_DESC, first: 100) {
    totalCount edges { node { ...Item } }
  }
}`,
  [ITEM],
);

export const CLAIM = graphql(`mutation Claim($modelId: ID!) { claimNextItem(input: {modelId: $modelId}) { item { ...Item } } }`, [ITEM]);

/** Claims one particular item (a row opened from the queue table); CONFLICT when someone else holds it. */
export const CLAIM_ITEM = graphql(`mutation ClaimItem($itemId: ID!) { claimItem(input: {itemId: $itemId}) { item { ...Item } } }`, [ITEM]);

/** Hands a claimed item back unlabeled (Next). */
export const RELEASE = graphql(`mutation Release($itemId: ID!) { releaseItem(input: {itemId: $itemId}) { item { id status } } }`);

/** Submits a label; confirm keeps a value the server called implausible (IMPLAUSIBLE_VALUE). */
export const SUBMIT = graphql(`mutation Submit($itemId: ID!, $value: Float!, $source: LabelSource!, $confidence: LabelConfidence!, $notes: String!, $confirm: Boolean) {
  submitLabel(input: {itemId: $itemId, value: $value, source: $source, confidence: $confidence, notes: $notes, confirm: $confirm}) { item { id status } }
}`);

export const ASSIGN_ITEMS = graphql(`mutation AssignItems($itemIds: [ID!]!, $userId: ID!) { assignItems(input: {itemIds: $itemIds, userId: $userId}) { items { id status } } }`);

export const SKIP_ITEMS = graphql(`mutation SkipItems($itemIds: [ID!]!, $reason: String!) { skipItems(input: {itemIds: $itemIds, reason: $reason}) { items { id status } } }`);

export const SKIP = graphql(`mutation Skip($itemId: ID!, $reason: String!) { skipItem(input: {itemId: $itemId, reason: $reason}) { item { id status } } }`);

export const CYCLE = graphql(`fragment CycleFields on Cycle {
  id cycleNumber status selectionStrategy batchSize itemsSelected itemsLabeled itemsSkipped
  metricsBefore { name value } metricsAfter { name value } error promotionNote startedAt completedAt
  startedBy { id name email }
  diagnosis { sentence labeled needed }
}`);

export const CYCLES = graphql(`query Cycles($id: ID!) { model(id: $id) { id cycles { ...CycleFields } } }`, [CYCLE]);

export const SELECT = graphql(`mutation Select($modelId: ID!, $strategy: String!, $batchSize: Int!, $seed: Int!, $setId: ID) {
  selectSamples(input: {selection: {modelId: $modelId, strategy: $strategy, batchSize: $batchSize, seed: $seed, setId: $setId}}) { cycle { id cycleNumber status } }
}`);

/** The compounds a selection would queue, best first, without queuing them. */
export const PREVIEW = graphql(`query Preview($modelId: ID!, $strategy: String!, $batchSize: Int!, $seed: Int!, $setId: ID) {
  previewSelection(input: {modelId: $modelId, strategy: $strategy, batchSize: $batchSize, seed: $seed, setId: $setId}) {
    rank prediction uncertainty applicabilityDistance priority compound { id name inputSmiles }
  }
}`);

/** What the Sample Selection tab offers: the models, the compound sets (pools). */
export const SELECTION_CHOICES = graphql(`query SelectionChoices { models { id name task } compoundSets { id name size } }`);

export const RETRAIN = graphql(`mutation Retrain($cycleId: ID!) { triggerRetrain(input: {cycleId: $cycleId, minNewLabels: 1}) { cycle { id status } } }`);

export const CYCLE_UPDATED = graphql(`subscription CycleUpdated($modelId: ID!) { cycleUpdated(modelId: $modelId) { id status } }`);

export const RETRAIN_PROGRESS = graphql(`subscription RetrainProgress($cycleId: ID!) {
  retrainProgress(cycleId: $cycleId, afterSeq: 0) { seq stage fraction message }
}`);

/** The compounds most similar to one, with their measured values of the endpoint. */
export const NEIGHBOURS = graphql(`query Neighbours($id: ID!, $endpoint: String!) {
  compound(id: $id) { id similar(first: 5) { similarity compound { id name inputSmiles measurements(endpoint: $endpoint) { value source } } } }
}`);

export const IMPORT_REPORT = graphql(`fragment ImportReport on ImportCompoundsPayload {
  rows created existing measurements jobId errorsNotListed
  set { id name }
  errors { row column reason offset }
}`);

export const IMPORT = graphql(`mutation Import($input: ImportCompoundsInput!) { importCompounds(input: $input) { ...ImportReport } }`, [IMPORT_REPORT]);

/** A background import's state, progress and, once complete, its report. */
export const IMPORT_JOB = graphql(
  `query ImportJob($id: JobID!) {
  importJob(id: $id) { id state fraction message error report { ...ImportReport } }
}`,
  [IMPORT_REPORT],
);

/**
 * A page of the Label Queue tab. archived: false (the server's default)
 * leaves out the items whose labels a version has trained on; null shows
 * them too, each with the version it was archived with.
 */
export const QUEUE = graphql(`query Queue($modelId: ID!, $status: [QueueStatus!], $assignedTo: ID, $archived: Boolean, $after: String) {
  labelQueue(filter: {modelId: $modelId, status: $status, assignedTo: $assignedTo, archived: $archived}, first: 25, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id status priority prediction uncertainty predictedClass label labelClass labelSource labelImplausible skipReason notes assignedTo { id name email }
      archivedAt archivedWith { version }
      labelHistory { action value previousValue reason createdAt user { id name email } }
      compound { name inputSmiles } } }
  }
}`);

/** How many archived items a queue filter hides (the Label Queue tab says so, with a way to show them). */
export const ARCHIVED_COUNT = graphql(`query ArchivedCount($modelId: ID!, $status: [QueueStatus!], $assignedTo: ID) {
  labelQueue(filter: {modelId: $modelId, status: $status, assignedTo: $assignedTo, archived: true}, first: 1) { totalCount }
}`);

export const QUEUE_EVENTS = graphql(`subscription QueueEvents($modelId: ID!) { queueEvents(modelId: $modelId) { seq type itemId } }`);

/** A lineage's versions, oldest first, with their validation metrics. */
export const VERSIONS = graphql(`query Versions($id: ID!) {
  model(id: $id) { id versions { id version status trainingSize error createdAt activatedAt metrics { name value } } }
}`);

/** Enabled users who can be given queue items (admins), for filters and assignment. */
export const USERS = graphql(`query QueueUsers { users { id name email role disabled } }`);

// The types the components share: results of the documents above.

export type User = ResultOf<typeof ME>['me'];
export type Role = User['role'];
export type ModelSummary = ResultOf<typeof MODELS>['models'][number];
export type QueueItem = ResultOf<typeof ITEM>;
export type Cycle = ResultOf<typeof CYCLE>;
export type Metric = Cycle['metricsBefore'][number];
export type Candidate = ResultOf<typeof PREVIEW>['previewSelection'][number];
export type Neighbour = ResultOf<typeof NEIGHBOURS>['compound']['similar'][number];
export type ImportReport = ResultOf<typeof IMPORT_REPORT>;
export type ImportJob = ResultOf<typeof IMPORT_JOB>['importJob'];
export type QueuePage = ResultOf<typeof QUEUE>['labelQueue'];
export type QueueRow = QueuePage['edges'][number]['node'];
export type ModelData = ResultOf<typeof MODEL>;
export type Counts = ModelData['stats']['counts'];
/** One labeler's work on a model. */
export type Labeler = ModelData['stats']['labelers'][number];
/** One entry of an item's label history (labeled, amended, retracted). */
export type LabelChange = QueueRow['labelHistory'][number];
export type Version = ResultOf<typeof VERSIONS>['model']['versions'][number];

// The label lifecycle (issue 11): corrections and retractions of a label,
// and an admin's promotion of a candidate version or rollback to an earlier one.

/** Corrects a label (the labeler within the correction window, an admin at any time); confirm keeps an implausible value. */
export const AMEND = graphql(
  `mutation Amend($itemId: ID!, $value: Float!, $reason: String!, $confirm: Boolean) {
  amendLabel(input: {itemId: $itemId, value: $value, reason: $reason, confirm: $confirm}) { item { ...Item } }
}`,
  [ITEM],
);

/** Takes a label back: the item is pending again for anyone, its measurement deleted, the history keeps it. */
export const RETRACT = graphql(
  `mutation Retract($itemId: ID!, $reason: String!) { retractLabel(input: {itemId: $itemId, reason: $reason}) { item { ...Item } } }`,
  [ITEM],
);

/** Activates a candidate version (admins; with a reason for the audit). */
export const PROMOTE = graphql(`mutation Promote($versionId: ID!, $reason: String!) {
  promoteVersion(input: {versionId: $versionId, reason: $reason}) { model { id } version { id version status } }
}`);

/** Reactivates an earlier version of a lineage (admins; the reason is recorded). */
export const ROLLBACK = graphql(`mutation Rollback($modelId: ID!, $toVersion: Int!, $reason: String) {
  rollbackModel(input: {modelId: $modelId, toVersion: $toVersion, reason: $reason}) { model { id } version { id version status } }
}`);

/** Starts a cycle on a pasted list (SelectionInput.smiles: one SMILES a line, bad lines refused with their numbers). */
export const SELECT_PASTED = graphql(`mutation SelectPasted($modelId: ID!, $strategy: String!, $batchSize: Int!, $seed: Int!, $smiles: [String!]!) {
  selectSamples(input: {selection: {modelId: $modelId, strategy: $strategy, batchSize: $batchSize, seed: $seed, smiles: $smiles}}) { cycle { id cycleNumber status } }
}`);

/** Previews a pasted list (its unknown compounds are imported on the way). */
export const PREVIEW_PASTED = graphql(`query PreviewPasted($modelId: ID!, $strategy: String!, $batchSize: Int!, $seed: Int!, $smiles: [String!]!) {
  previewSelection(input: {modelId: $modelId, strategy: $strategy, batchSize: $batchSize, seed: $seed, smiles: $smiles}) {
    rank prediction uncertainty applicabilityDistance priority compound { id name inputSmiles }
  }
}`);
