// The GraphQL client: queries and mutations over POST /graphql with the
// session cookie, subscriptions over a graphql-ws websocket on the same
// origin (the server checks the Origin and reads the cookie of the upgrade).
import { Client, fetchExchange, mapExchange, subscriptionExchange } from 'urql';
import { createClient as createWSClient } from 'graphql-ws';
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

export const ME = `query Me { me { id email name role } }`;

export const LOGIN = `mutation Login($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) { user { id email name role } }
}`;

export const LOGOUT = `mutation Logout { logout }`;

export const MODELS = `query Models {
  models {
    id name endpoint task status
    activeVersion { version trainingSize metrics { name value } }
    currentVersion { version status error }
  }
}`;

/** What the create-model form offers: endpoints with measurements, compound sets, the names taken. */
export const MODEL_CHOICES = `query ModelChoices {
  endpoints { name compounds measurements min max binary }
  compoundSets { id name size }
  models { id name }
}`;

export const CREATE_MODEL = `mutation CreateModel($input: CreateModelInput!) { createModel(input: $input) { model { id name status } } }`;

const ITEM = `id status prediction uncertainty applicabilityDistance selectionStrategy leaseExpiresAt
  label labelSource labeledAt assignedTo { id name email }
  compound { id inputSmiles canonicalSmiles name descriptors }`;

export const MODEL = `query Model($id: ID!) {
  model(id: $id) {
    id name endpoint task status
    activeVersion { version metrics { name value } }
  }
  endpoints { name min max }
  stats(modelId: $id) {
    cycles counts { pending inProgress labeled skipped }
    learningCurve { cycle labels metrics { name value } }
    labelers { user { id name email } labeled skipped }
  }
}`;

/** The item the user holds in a model's queue, to resume it after a reload. */
export const HELD = `query Held($id: ID!, $me: ID!) {
  labelQueue(filter: {modelId: $id, status: [IN_PROGRESS], assignedTo: $me}, first: 1) { edges { node { ${ITEM} } } }
}`;

/** One queue item, opened from the queue table (to claim it, or see who holds it). */
export const QUEUE_ITEM = `query QueueItem($id: ID!) { queueItem(id: $id) { ${ITEM} } }`;

/** My labels in a model's queue, for the session's progress and my history. */
export const MY_LABELS = `query MyLabels($id: ID!, $me: ID!) {
  labelQueue(filter: {modelId: $id, status: [LABELED], assignedTo: $me}, orderBy: CREATED_AT_DESC, first: 100) {
    totalCount edges { node { ${ITEM} } }
  }
}`;

/** Corrects a label (label-lifecycle API: used only when the schema has it). */
export const AMEND = `mutation Amend($itemId: ID!, $value: Float!, $source: LabelSource!, $confidence: LabelConfidence!, $notes: String!, $reason: String!) {
  amendLabel(input: {itemId: $itemId, value: $value, source: $source, confidence: $confidence, notes: $notes, reason: $reason}) { item { id status label } }
}`;

/** Hands a claimed item back unlabeled (used only when the schema has it). */
export const RELEASE = `mutation Release($itemId: ID!) { releaseItem(input: {itemId: $itemId}) { item { id status } } }`;

/** A label resubmitted after the server called it implausible (label-lifecycle API). */
export const SUBMIT_CONFIRMED = `mutation SubmitConfirmed($itemId: ID!, $value: Float!, $source: LabelSource!, $confidence: LabelConfidence!, $notes: String!) {
  submitLabel(input: {itemId: $itemId, value: $value, source: $source, confidence: $confidence, notes: $notes, confirm: true}) { item { id status } }
}`;

export const CLAIM = `mutation Claim($modelId: ID!) { claimNextItem(input: {modelId: $modelId}) { item { ${ITEM} } } }`;

export const SUBMIT = `mutation Submit($itemId: ID!, $value: Float!, $source: LabelSource!, $confidence: LabelConfidence!, $notes: String!) {
  submitLabel(input: {itemId: $itemId, value: $value, source: $source, confidence: $confidence, notes: $notes}) { item { id status } }
}`;

export const ASSIGN_ITEMS = `mutation AssignItems($itemIds: [ID!]!, $userId: ID!) { assignItems(input: {itemIds: $itemIds, userId: $userId}) { items { id status } } }`;

export const SKIP_ITEMS = `mutation SkipItems($itemIds: [ID!]!, $reason: String!) { skipItems(input: {itemIds: $itemIds, reason: $reason}) { items { id status } } }`;

export const SKIP = `mutation Skip($itemId: ID!, $reason: String!) { skipItem(input: {itemId: $itemId, reason: $reason}) { item { id status } } }`;

const CYCLE = `id cycleNumber status selectionStrategy batchSize itemsSelected itemsLabeled itemsSkipped
  metricsBefore { name value } metricsAfter { name value } error startedAt completedAt`;

export const CYCLES = `query Cycles($id: ID!) { model(id: $id) { id cycles { ${CYCLE} } } }`;

/** The selection fields both preview and start take; $setId null = every unlabeled compound. */
const SELECTION = `modelId: $modelId, strategy: $strategy, batchSize: $batchSize, seed: $seed, setId: $setId`;
const SELECTION_VARS = `$modelId: ID!, $strategy: String!, $batchSize: Int!, $seed: Int!, $setId: ID`;

export const SELECT = `mutation Select(${SELECTION_VARS}) {
  selectSamples(input: {selection: {${SELECTION}}}) { cycle { id cycleNumber status } }
}`;

/** SELECT_PASTED starts a cycle on a pasted list (label-lifecycle API: used only when SelectionInput has smiles). */
export const SELECT_PASTED = `mutation SelectPasted(${SELECTION_VARS}, $smiles: [String!]) {
  selectSamples(input: {selection: {${SELECTION}, smiles: $smiles}}) { cycle { id cycleNumber status } }
}`;

const CANDIDATE = `rank prediction uncertainty applicabilityDistance priority compound { id name inputSmiles }`;

/** The compounds a selection would queue, best first, without queuing them. */
export const PREVIEW = `query Preview(${SELECTION_VARS}) {
  previewSelection(input: {${SELECTION}}) { ${CANDIDATE} }
}`;

export const PREVIEW_PASTED = `query PreviewPasted(${SELECTION_VARS}, $smiles: [String!]) {
  previewSelection(input: {${SELECTION}, smiles: $smiles}) { ${CANDIDATE} }
}`;

/** What the Sample Selection tab offers: the models, the compound sets (pools). */
export const SELECTION_CHOICES = `query SelectionChoices { models { id name task } compoundSets { id name size } }`;

export interface Candidate {
  rank: number;
  prediction: number;
  uncertainty: number;
  applicabilityDistance: number;
  priority: number;
  compound: { id: string; name: string; inputSmiles: string };
}

export const RETRAIN = `mutation Retrain($cycleId: ID!) { triggerRetrain(input: {cycleId: $cycleId, minNewLabels: 1}) { cycle { id status } } }`;

export const CYCLE_UPDATED = `subscription CycleUpdated($modelId: ID!) { cycleUpdated(modelId: $modelId) { id status } }`;

export const RETRAIN_PROGRESS = `subscription RetrainProgress($cycleId: ID!) {
  retrainProgress(cycleId: $cycleId, afterSeq: 0) { seq stage fraction message }
}`;

export interface Cycle {
  id: string;
  cycleNumber: number;
  status: 'SELECTING' | 'LABELING' | 'TRAINING' | 'COMPLETE' | 'FAILED';
  selectionStrategy: string;
  batchSize: number;
  itemsSelected: number;
  itemsLabeled: number;
  itemsSkipped: number;
  metricsBefore: Metric[];
  metricsAfter: Metric[];
  error: string;
  startedAt: string;
  completedAt: string | null;
}

/** The compounds most similar to one, with their measured values of the endpoint. */
export const NEIGHBOURS = `query Neighbours($id: ID!, $endpoint: String!) {
  compound(id: $id) { id similar(first: 5) { similarity compound { id name inputSmiles measurements(endpoint: $endpoint) { value source } } } }
}`;

export interface Neighbour {
  similarity: number;
  compound: { id: string; name: string; inputSmiles: string; measurements: { value: number; source: string }[] };
}

const IMPORT_REPORT = `rows created existing measurements jobId errorsNotListed
    set { id name }
    errors { row column reason offset }`;

export const IMPORT = `mutation Import($input: ImportCompoundsInput!) {
  importCompounds(input: $input) { ${IMPORT_REPORT} }
}`;

/** A background import's state, progress and, once complete, its report. */
export const IMPORT_JOB = `query ImportJob($id: ID!) {
  importJob(id: $id) { id state fraction message error report { ${IMPORT_REPORT} } }
}`;

export interface ImportJob {
  id: string;
  state: 'QUEUED' | 'RUNNING' | 'COMPLETE' | 'FAILED';
  fraction: number;
  message: string;
  error: string | null;
  report: ImportReport | null;
}

export interface ImportReport {
  rows: number;
  created: number;
  existing: number;
  measurements: number;
  jobId: string | null;
  errorsNotListed: number;
  set: { id: string; name: string } | null;
  errors: { row: number; column: string; reason: string; offset: number | null }[];
}

export const QUEUE = `query Queue($modelId: ID!, $status: [QueueStatus!], $assignedTo: ID, $after: String) {
  labelQueue(filter: {modelId: $modelId, status: $status, assignedTo: $assignedTo}, first: 25, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id status priority prediction uncertainty label labelSource skipReason notes assignedTo { id name email }
      compound { name inputSmiles } } }
  }
}`;

export interface QueueRow {
  id: string;
  status: string;
  priority: number;
  prediction: number | null;
  uncertainty: number | null;
  label: number | null;
  labelSource: string | null;
  skipReason: string;
  notes: string;
  assignedTo: { id: string; name: string; email: string } | null;
  compound: { name: string; inputSmiles: string };
}

export interface QueuePage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: QueueRow }[];
}

export const QUEUE_EVENTS = `subscription QueueEvents($modelId: ID!) { queueEvents(modelId: $modelId) { seq type itemId } }`;

export type Role = 'VIEWER' | 'SCIENTIST' | 'ADMIN';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface Metric {
  name: string;
  value: number;
}

export interface ModelSummary {
  id: string;
  name: string;
  endpoint: string;
  task: 'REGRESSION' | 'CLASSIFICATION';
  status: string;
  activeVersion: { version: number; trainingSize?: number; metrics: Metric[] } | null;
  currentVersion?: { version: number; status: string; error: string };
}

/** One labeler's work on a model. */
export interface Labeler {
  user: { id: string; name: string; email: string };
  labeled: number;
  skipped: number;
}

export interface Counts {
  pending: number;
  inProgress: number;
  labeled: number;
  skipped: number;
}

export interface QueueItem {
  id: string;
  status: string;
  prediction: number | null;
  uncertainty: number | null;
  applicabilityDistance: number | null;
  selectionStrategy: string;
  leaseExpiresAt: string | null;
  label: number | null;
  labelSource: string | null;
  labeledAt: string | null;
  assignedTo: { id: string; name: string; email: string } | null;
  compound: { id: string; inputSmiles: string; canonicalSmiles: string; name: string; descriptors: string | null };
}
