package activelearning

import (
	"context"
	"fmt"

	"activelab/activelearning/selfcheck"
	"activelab/store"
)

// DiagnosisMinLabels is how many labeled items a cycle needs before its
// diagnosis gives any number: Spearman(|error|, std) and interval coverage
// both need selfcheck.MinRho (= selfcheck.MinCoverage) labels, the
// comparison with the random picks selfcheck.MinGroup of each kind.
const DiagnosisMinLabels = selfcheck.MinRho

// CycleDiagnosis is what a cycle's own labels say about its selection
// (selfcheck.Diagnose over its labeled items): how much harder the
// strategy's picks were than the random (explore) picks of the same batch,
// Spearman(|error|, std) over the labels, and how many labels fell inside
// the 90 % intervals given at selection. Numbers the labels cannot support
// yet are nil; Sentence says it all in plain words ("not enough labels
// yet (3 of 5 needed)" while fewer than Needed are in).
//
// It is computed on read from stored rows only: each item's label, its
// prediction, spread and interval (those of the version that selected it,
// or of the retrained version that re-scored it while it was still open)
// and its explore mark. So it is reproducible and never stale: an amended
// label changes it, a retracted one leaves it. The per-label validation
// gain of the two groups (selfcheck.Gain) needs two extra trainings a
// cycle: a lineage created with CreateModelInput.GainCheck has them run
// by each retrain (gainCheck) and stored with the cycle, and its
// diagnosis then gives GainPerExploitLabel, GainPerExploreLabel and
// GainRatio (per label counted now, over the metric measured then).
type CycleDiagnosis struct {
	selfcheck.Diagnostics
	// Labeled counts the cycle's labeled items; Needed is
	// DiagnosisMinLabels.
	Labeled int
	Needed  int
}

// CycleDiagnoses returns the diagnosis of each of the cycles that exists,
// by cycle id, reading every cycle's labeled items in two queries. An
// error wrapping selfcheck.ErrInput means a stored row is not what the
// diagnosis expects (for example a classification label other than 0 or
// 1).
func (s *Service) CycleDiagnoses(ctx context.Context, cycleIDs []store.ID) (map[store.ID]*CycleDiagnosis, error) {
	labels, err := s.st.LabeledItemsOfCycles(ctx, cycleIDs)
	if err != nil {
		return nil, fmt.Errorf("cycle diagnoses: %w", err)
	}
	out := make(map[store.ID]*CycleDiagnosis, len(labels))
	for id, cl := range labels {
		d, err := diagnose(cl)
		if err != nil {
			return nil, fmt.Errorf("diagnose cycle %v: %w", id, err)
		}
		out[id] = d
	}
	return out, nil
}

// diagnose runs selfcheck.Diagnose on one cycle's labeled items; items
// without a stored prediction or spread are left out (every selection
// stores both). For more than two classes a pick is judged by the stored
// probability of its labeled class.
func diagnose(cl *store.CycleLabels) (*CycleDiagnosis, error) {
	in := selfcheck.Input{Task: selfcheck.Regression, Level: PredictInterval, Gain: selfcheckGain(cl.LabelGain)}
	if cl.Task == store.TaskClassification {
		in.Task = selfcheck.Classification
	}
	for _, it := range cl.Items {
		if it.Label == nil || it.Prediction == nil || it.Uncertainty == nil {
			continue
		}
		p := selfcheck.Pick{Label: *it.Label, Mean: *it.Prediction, Std: *it.Uncertainty, Explore: it.Explore}
		if probs := it.ClassProbabilities; len(probs) > 2 {
			// More than two classes: the error is 1 − p(labeled class),
			// the binary rule's |label − p| with label 1 and p that.
			k := int(*it.Label)
			if k < 0 || k >= len(probs) {
				continue
			}
			p.Label, p.Mean = 1, probs[k]
		}
		if it.IntervalLow != nil && it.IntervalHigh != nil {
			p.Low, p.High, p.HasInterval = *it.IntervalLow, *it.IntervalHigh, true
		}
		in.Picks = append(in.Picks, p)
	}
	d, err := selfcheck.Diagnose(in)
	if err != nil {
		return nil, err
	}
	out := &CycleDiagnosis{Diagnostics: d, Labeled: len(cl.Items), Needed: DiagnosisMinLabels}
	if n := len(in.Picks); n < DiagnosisMinLabels {
		out.Sentence = thinSentence(n)
	}
	return out, nil
}

// thinSentence is a diagnosis' sentence while fewer than
// DiagnosisMinLabels labels are in.
func thinSentence(n int) string {
	if n == 0 {
		return fmt.Sprintf("no labels yet (%d needed to check the selection)", DiagnosisMinLabels)
	}
	return fmt.Sprintf("not enough labels yet (%d of %d needed)", n, DiagnosisMinLabels)
}
