// Package activelearning is ActiveLab's service: every rule of importing
// compounds, training model lineages, selecting compounds to label, the label
// queue, retraining in cycles, and statistics. Resolvers and commands call a
// *Service; it calls store, ml, ml/sampling and chem, and enqueues River jobs
// through JobEnqueuer (package jobs), whose workers call back into it.
//
// # Actors and errors
//
// Every call that changes something takes the acting *store.User. Viewers
// read; scientists import, select, claim, label, skip and assign to
// themselves; admins also create models, trigger retrains and assign to
// others. Each such method checks its role first, before it reads or
// changes anything, with auth.RequireRole (the one role check; the GraphQL
// @hasRole directive only documents it): a missing role is an
// *auth.ForbiddenError naming the operation (it wraps auth.ErrForbidden).
// Bad arguments are
// *InputError (Field names the GraphQL input field); a state that forbids the
// change (a labeled item, someone else's claim, a cycle that is not labeling)
// wraps store.ErrConflict; unknown ids wrap store.ErrNotFound. A rejected call
// changes nothing.
//
// # Features
//
// Featurize turns a SMILES into a storable compound: canonical SMILES (every
// fragment), and for the largest fragment the chem descriptors (JSON) and
// the Morgan fingerprint (radius 2, 2048 bits, chem.BitVec bytes). Features
// builds ml.Features from stored compounds: the fingerprint plus the
// descriptors activelearning/simulation uses (features.DenseNames), so
// the product and the simulator learn from the same features.
//
// # Models and lineages
//
// A model is a lineage of versions; its ID is version 1's. CreateModel fixes,
// once, a validation split of the compounds measured for the endpoint
// (random, or Bemis–Murcko scaffold groups kept whole; fraction and seed),
// stored as a validation set with a SHA-256 of its members and values, and
// stores the remaining compounds as the lineage's training set. Every later
// version is measured on that same set (the hash is checked). Training uses
// every measurement of the training compounds plus every label of the
// endpoint, one value per compound (confidence-weighted mean) with the label
// confidence as sample weight: high 1.0, medium 0.7, low 0.4. Exactly one
// version per lineage is active.
//
// # Classes
//
// A classification model has K >= 2 named classes (CreateModelInput.Classes,
// stored on every version; none given means the binary "0", "1", stored
// as nothing, so binary models look as they always did). A classification
// measurement's value is its class index 0..K−1: imports read class names
// (or indexes) with ingest.Options.Classes, and SubmitLabel/AmendLabel take
// a class name (Class) or index (Value); anything else is an *InputError
// naming the valid classes. A class is valid or not: no plausibility
// check. Two classes train one binary ensemble (Prediction = p(class 1));
// more than two train ml.MultiClass (one-vs-rest ensembles, normalised,
// then calibrated on the out-of-bag probabilities: every probability the
// service uses or shows, in predictions, queue items, candidates,
// selection and metrics, is the calibrated one), a compound's Prediction
// is then the probability of its most probable class, Uncertainty the
// mean of the classes' member spreads, and the queue item keeps the
// per-class probabilities. Exports and batch predictions of such a model
// name the classes: a "class" column (the most probable class), one
// "p_<class>" probability column per class (ClassColumns), and the class
// name beside a measurement (pool export: "measurement_class";
// measurements export: "class"). Margin is
// (1 − (p(first) − p(second)))/2 and entropy is over the K classes
// (ml/sampling); validation metrics are metrics.MultiClassSummary (auc =
// macro one-vs-rest ROC-AUC, accuracy, log_loss, ece = top-label ECE), and
// promotion compares auc. Several measurements of one compound train as
// the class of the largest total confidence. The self-check judges a pick
// by 1 − p(labeled class).
//
// # Selection
//
// The pool is a compound set, an explicit list, or every compound, minus the
// validation set, compounds measured for the endpoint, and compounds already
// queued for the lineage (pending, in progress or labeled). The active
// version scores it (mean, ensemble std, applicability distance
// 1 − max Tanimoto to its training set) and ml/sampling ranks it with a spec
// ("default", "mix", "uncertainty", "hybrid+diverse", ...). PreviewSelection writes
// nothing. SelectSamples starts cycle N (N = the items' selection_batch)
// recording the version, spec, parameters and seed, and enqueues the batch
// with its events in one transaction; a pool above Config.InlinePoolLimit is
// scored by a select_samples job. Each item keeps its prediction, spread,
// 90 % interval (regression, calibrated versions) and whether it was a
// uniform random (explore) pick; a retrain's re-scoring of open items
// rewrites the first three, never the mark.
//
// # Self-check
//
// CycleDiagnoses (GraphQL Cycle.diagnosis, the Cycle History's sentence)
// runs selfcheck.Diagnose on a cycle's labeled items whenever it is read:
// the strategy's picks against the batch's random picks (the control
// group), Spearman(|error|, std) and interval coverage, from stored rows
// only. The default strategy, "default" or "adaptive" (see
// docs/simulation/adaptive), takes each batch's explore share from
// selfcheck.Policy rebuilt from the lineage's cycles and their diagnoses
// (AdaptiveShare).
//
// # Queue
//
// ClaimNextItem hands out the highest-priority item nobody holds (pending and
// unassigned or assigned to the caller, or in progress with an expired
// lease) with a lease of Config.LeaseDuration (RenewLease extends it). On
// PostgreSQL the candidate row is locked FOR UPDATE SKIP LOCKED; on both
// databases the update is conditional on the row's version, and a lost race
// retries. SubmitLabel is idempotent for the same submission and a conflict
// for any other on a labeled item; the label also becomes a measurement
// (origin label). LabelQueue pages with opaque keyset cursors (the last
// item's sort key), stable while the queue changes.
//
// # Retraining
//
// TriggerRetrain (at least minNewLabels labels in the cycle) moves the cycle to
// training and enqueues retrain_model. Retrain trains the next version, then in
// one transaction activates it, supersedes the old one, moves pending and
// in-progress items to it with fresh scores (labeled and skipped items stay
// with the version that selected them), and completes the cycle with metrics
// before (the old version on the validation set) and after. Nothing but
// progress events is written before that transaction, and it re-checks the
// cycle, so a killed job that River retries after a restart finishes once.
// A failure that retrying cannot fix marks only the cycle failed.
//
// # Events
//
// Each change appends its events (item_enqueued, item_claimed,
// item_released, item_labeled, item_skipped, item_assigned, cycle_started,
// cycle_updated, retrain_progress, model_trained, model_activated,
// import_progress) in its own transaction, with the lineage as model_id, then
// calls the broker's Notify after commit.
package activelearning
