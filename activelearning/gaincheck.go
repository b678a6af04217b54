package activelearning

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"activelab/activelearning/selfcheck"
	"activelab/store"
)

// labelGain is a cycle's gain check as stored with it
// (store.ActiveLearningCycle.LabelGain): the lineage's validation metric
// before the retrain and for two extra models, each trained like the new
// version but without the compounds of one group of the cycle's labeled
// picks, so each has the other group's labels only.
type labelGain struct {
	Metric         string  `json:"metric"` // "rmse" or "auc" (metricOf)
	HigherIsBetter bool    `json:"higher_is_better"`
	Before         float64 `json:"before"`
	// WithExploit is the metric of the model without the random picks
	// (the earlier data and the strategy's picks); WithExplore the one
	// without the strategy's picks.
	WithExploit float64 `json:"with_exploit"`
	WithExplore float64 `json:"with_explore"`
	// ExploitLabels and ExploreLabels count the cycle's labeled picks of
	// each group when the check ran.
	ExploitLabels int `json:"exploit_labels"`
	ExploreLabels int `json:"explore_labels"`
	// ExploitTrainingSize and ExploreTrainingSize are the two models'
	// training compounds.
	ExploitTrainingSize int `json:"exploit_training_size"`
	ExploreTrainingSize int `json:"explore_training_size"`
}

// gainCheck runs a retrain's gain check for cycle c of a lineage created
// with GainCheck: when the cycle has labeled picks of both kinds (the
// strategy's and the random ones), it trains two more models with the
// retrain's seed, one without the random picks' compounds and one without
// the strategy's, and measures both on the validation set. before is the
// active version's metrics. It returns nil (no check) when the lineage
// did not ask for it, a group is empty or the metric is missing. A
// compound left out is left out with all its measurements, so a picked
// compound that was also measured elsewhere counts as its group's label.
func (s *Service) gainCheck(ctx context.Context, root *store.MLModel, c *store.ActiveLearningCycle, before map[string]float64, seed int64,
	report func(string, float64, string)) (json.RawMessage, error) {
	p, err := parseParams(root)
	if err != nil || !p.GainCheck {
		return nil, err
	}
	name, b, ok := metricOf(root.Task, before)
	if !ok {
		return nil, nil
	}
	labels, err := s.st.LabeledItemsOfCycles(ctx, []store.ID{c.ID})
	if err != nil {
		return nil, fmt.Errorf("gain check: %w", err)
	}
	exploit, explore := map[store.ID]bool{}, map[store.ID]bool{}
	if cl := labels[c.ID]; cl != nil {
		for _, it := range cl.Items {
			if it.Explore {
				explore[it.CompoundID] = true
			} else {
				exploit[it.CompoundID] = true
			}
		}
	}
	if len(exploit) == 0 || len(explore) == 0 {
		return nil, nil
	}
	g := labelGain{Metric: name, HigherIsBetter: root.Task == store.TaskClassification, Before: b,
		ExploitLabels: len(exploit), ExploreLabels: len(explore)}
	one := func(leaveOut map[store.ID]bool, what string, from, to float64) (float64, int, error) {
		t, err := s.trainWithout(ctx, root, seed, leaveOut, func(stage string, f float64, msg string) {
			report("gain check", from+(to-from)*f, what+": "+msg)
		})
		if err != nil {
			return 0, 0, fmt.Errorf("gain check, %s: %w", what, err)
		}
		_, v, ok := metricOf(root.Task, t.metrics)
		if !ok {
			return 0, 0, fmt.Errorf("gain check, %s: no validation %s", what, name)
		}
		return v, t.size, nil
	}
	if g.WithExploit, g.ExploitTrainingSize, err = one(explore, "only the strategy's picks", 0.85, 0.87); err != nil {
		return nil, err
	}
	if g.WithExplore, g.ExploreTrainingSize, err = one(exploit, "only the random picks", 0.87, 0.89); err != nil {
		return nil, err
	}
	out, err := json.Marshal(g)
	if err != nil {
		return nil, fmt.Errorf("gain check: %w", err)
	}
	return out, nil
}

// selfcheckGain turns a stored gain check into selfcheck's input; nil
// when there is none or it cannot be read.
func selfcheckGain(raw json.RawMessage) *selfcheck.Gain {
	if len(raw) == 0 {
		return nil
	}
	var g labelGain
	if err := json.Unmarshal(raw, &g); err != nil || g.Metric == "" {
		return nil
	}
	return &selfcheck.Gain{Before: g.Before, WithExploit: g.WithExploit, WithExplore: g.WithExplore,
		HigherIsBetter: g.HigherIsBetter, Metric: strings.ToUpper(g.Metric)}
}
