package activelearning_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"activelab/activelearning"
	"activelab/store"
	"activelab/store/storetest"
)

// TestGainCheck: a lineage created with GainCheck measures, at each
// retrain, two models trained without one group of the cycle's picks. The
// test labels the strategy's picks with their ESOL values and the random
// picks 8 log units off, so the model with only the random picks must be
// worse on validation than the one with only the strategy's picks; each
// model's training set is the new version's less the other group; the
// diagnosis' gains per label are the stored metrics' differences over the
// label counts. A lineage without GainCheck stores nothing.
func TestGainCheck(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{MaxBatchSize: 60})
		e.tolerance = &alwaysPromote
		plain := e.createModel(t, "esol", "random")
		checked, err := e.svc.CreateModel(e.ctx, e.admin, activelearning.CreateModelInput{
			Name: "esol-checked", Endpoint: "logS", Task: store.TaskRegression, Members: members, TrainingSetID: e.trainSet,
			Split: activelearning.SplitInput{Kind: "random", Fraction: 0.25, Seed: 7}, PromotionTolerance: e.tolerance, GainCheck: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.jobs.Run(e.ctx, e.svc); err != nil {
			t.Fatal(err)
		}
		truth := e.truthOf(t)

		retrain := func(m *store.MLModel, wrongRandom bool) (*store.ActiveLearningCycle, []string) {
			c, err := e.svc.SelectSamples(e.ctx, e.sci, activelearning.SelectInput{ModelID: m.ID, SetID: e.poolSet,
				Strategy: "mix", BatchSize: 10, Seed: 3, IncludeLabeled: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range e.items(t, "lineage_id = ? AND selection_batch = ?", m.ID, c.CycleNumber) {
				v := truth[it.CompoundID]
				if wrongRandom && it.Explore {
					v += 8
				}
				if _, err := e.svc.SubmitLabel(e.ctx, e.sci, activelearning.SubmitLabelInput{ItemID: it.ID, Value: v, Confirm: true}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := e.svc.TriggerRetrain(e.ctx, e.admin, c.ID, 1); err != nil {
				t.Fatal(err)
			}
			var stages []string
			if err := e.svc.Retrain(e.ctx, c.ID, func(stage string, _ float64, _ string) { stages = append(stages, stage) }); err != nil {
				t.Fatal(err)
			}
			if c, err = e.svc.Cycle(e.ctx, c.ID); err != nil {
				t.Fatal(err)
			}
			return c, stages
		}

		c, stages := retrain(plain, false)
		if len(c.LabelGain) != 0 || strings.Contains(strings.Join(stages, ","), "gain check") {
			t.Errorf("without GainCheck: label gain %s, stages %v", c.LabelGain, stages)
		}
		if d := e.diagnosis(t, c.ID); d.GainPerExploitLabel != nil || d.GainPerExploreLabel != nil {
			t.Errorf("without GainCheck: diagnosis gains %v %v", d.GainPerExploitLabel, d.GainPerExploreLabel)
		}

		c, stages = retrain(checked, true)
		if !strings.Contains(strings.Join(stages, ","), "gain check") {
			t.Errorf("no gain check progress: stages %v", stages)
		}
		var g struct {
			Metric              string  `json:"metric"`
			HigherIsBetter      bool    `json:"higher_is_better"`
			Before              float64 `json:"before"`
			WithExploit         float64 `json:"with_exploit"`
			WithExplore         float64 `json:"with_explore"`
			ExploitLabels       int     `json:"exploit_labels"`
			ExploreLabels       int     `json:"explore_labels"`
			ExploitTrainingSize int     `json:"exploit_training_size"`
			ExploreTrainingSize int     `json:"explore_training_size"`
		}
		if err := json.Unmarshal(c.LabelGain, &g); err != nil {
			t.Fatalf("label gain %q: %v", c.LabelGain, err)
		}
		t.Logf("gain check: %+v", g)
		var before map[string]float64
		if err := json.Unmarshal(c.MetricsBefore, &before); err != nil {
			t.Fatal(err)
		}
		if g.Metric != "rmse" || g.HigherIsBetter || g.Before != before["rmse"] || g.ExploitLabels != 5 || g.ExploreLabels != 5 {
			t.Errorf("gain check %+v; want rmse, lower is better, before %g, 5 labels of each kind", g, before["rmse"])
		}
		vs, err := e.svc.ModelVersions(e.ctx, checked.ID)
		if err != nil || len(vs) != 2 {
			t.Fatalf("versions %d, %v", len(vs), err)
		}
		if n := vs[1].TrainingSize; g.ExploitTrainingSize != n-5 || g.ExploreTrainingSize != n-5 {
			t.Errorf("training sizes %d and %d; want the new version's %d less the other group's 5", g.ExploitTrainingSize, g.ExploreTrainingSize, n)
		}
		if !(g.WithExplore > g.WithExploit+0.05) {
			t.Errorf("RMSE with only the 8-off random labels %.4f, with only the true strategy labels %.4f: want clearly worse", g.WithExplore, g.WithExploit)
		}
		d := e.diagnosis(t, c.ID)
		if d.GainPerExploitLabel == nil || d.GainPerExploreLabel == nil {
			t.Fatalf("diagnosis without gains: %+v", d)
		}
		wantU, wantE := (g.Before-g.WithExploit)/5, (g.Before-g.WithExplore)/5
		if math.Abs(*d.GainPerExploitLabel-wantU) > 1e-12 || math.Abs(*d.GainPerExploreLabel-wantE) > 1e-12 {
			t.Errorf("gains per label %g, %g; want %g, %g", *d.GainPerExploitLabel, *d.GainPerExploreLabel, wantU, wantE)
		}
		if !strings.Contains(d.Sentence, "per label, uncertainty picks improved RMSE by") {
			t.Errorf("sentence %q says nothing of the gains", d.Sentence)
		}
	})
}
