package activelearning_test

import (
	"errors"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	"activelab/activelearning"
	"activelab/activelearning/ingest"
	"activelab/auth"
	"activelab/ident"
	"activelab/jobs"
	"activelab/store"
	"activelab/store/storetest"
)

// TestRolesEnforcedByService calls every role-gated method of the service
// as each role below the one it needs, with arguments that name nothing
// that exists: each must answer *auth.ForbiddenError naming its operation
// and both roles, before it looks anything up (a later check would answer
// NOT_FOUND or BAD_USER_INPUT first). The methods open to every signed-in
// user refuse a missing actor. Every exported method that takes an actor
// must be in one of the two tables, so a new one is classified here.
func TestRolesEnforcedByService(t *testing.T) {
	for name, open := range storetest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			st := open(t)
			svc := activelearning.New(st, nil, activelearning.Config{}, nil)
			svc.SetJobs(&jobs.Recorder{})
			users := map[store.Role]*store.User{
				store.RoleViewer:    storetest.User(ctx, t, st, &store.User{Role: store.RoleViewer}),
				store.RoleScientist: storetest.User(ctx, t, st, &store.User{Role: store.RoleScientist}),
			}
			nobody := ident.New() // an id of nothing
			gated := []struct {
				method, operation string
				need              store.Role
				call              func(actor *store.User) error
			}{
				{"ImportCompounds", "importCompounds", store.RoleScientist, func(a *store.User) error {
					_, err := svc.ImportCompounds(ctx, a, activelearning.ImportInput{})
					return err
				}},
				{"ImportFileInto", "importCompounds", store.RoleScientist, func(a *store.User) error {
					// A file no reader takes: the role is checked before it is read.
					_, err := svc.ImportFileInto(ctx, a, activelearning.ImportFile{Body: strings.NewReader("not,a,table\n"), Name: "x.csv", Format: ingest.FormatCSV})
					return err
				}},
				{"ImportJob", "importJob", store.RoleScientist, func(a *store.User) error { _, err := svc.ImportJob(ctx, a, 1); return err }},
				{"Import", "import", store.RoleScientist, func(a *store.User) error { _, err := svc.Import(ctx, a, nobody); return err }},
				{"Imports", "imports", store.RoleScientist, func(a *store.User) error { _, err := svc.Imports(ctx, a, nobody, 0); return err }},
				{"BeginImport", "importCompounds", store.RoleScientist, func(a *store.User) error {
					_, _, err := svc.BeginImport(ctx, a, activelearning.ImportStart{})
					return err
				}},
				{"ContinueImport", "importCompounds", store.RoleScientist, func(a *store.User) error {
					return svc.ContinueImport(ctx, a, nobody, activelearning.ImportInput{})
				}},
				{"PreviewSelection", "previewSelection", store.RoleScientist, func(a *store.User) error {
					_, err := svc.PreviewSelection(ctx, a, activelearning.SelectInput{ModelID: nobody})
					return err
				}},
				{"SelectSamples", "selectSamples", store.RoleScientist, func(a *store.User) error {
					_, err := svc.SelectSamples(ctx, a, activelearning.SelectInput{ModelID: nobody})
					return err
				}},
				{"ClaimNextItem", "claimNextItem", store.RoleScientist, func(a *store.User) error {
					_, err := svc.ClaimNextItem(ctx, a, nobody)
					return err
				}},
				{"ClaimItem", "claimItem", store.RoleScientist, func(a *store.User) error { _, err := svc.ClaimItem(ctx, a, nobody); return err }},
				{"RenewLease", "renewLease", store.RoleScientist, func(a *store.User) error { _, err := svc.RenewLease(ctx, a, nobody); return err }},
				{"ReleaseItem", "releaseItem", store.RoleScientist, func(a *store.User) error { _, err := svc.ReleaseItem(ctx, a, nobody); return err }},
				{"SubmitLabel", "submitLabel", store.RoleScientist, func(a *store.User) error {
					_, err := svc.SubmitLabel(ctx, a, activelearning.SubmitLabelInput{ItemID: nobody})
					return err
				}},
				{"SkipItem", "skipItem", store.RoleScientist, func(a *store.User) error { _, err := svc.SkipItem(ctx, a, nobody, ""); return err }},
				{"SkipItems", "skipItems", store.RoleScientist, func(a *store.User) error {
					_, err := svc.SkipItems(ctx, a, []store.ID{nobody}, "")
					return err
				}},
				{"AssignItems", "assignItems", store.RoleScientist, func(a *store.User) error {
					self := store.NilID
					if a != nil {
						self = a.ID
					}
					_, err := svc.AssignItems(ctx, a, []store.ID{nobody}, self)
					return err
				}},
				{"AmendLabel", "amendLabel", store.RoleScientist, func(a *store.User) error {
					_, err := svc.AmendLabel(ctx, a, activelearning.AmendLabelInput{ItemID: nobody})
					return err
				}},
				{"RetractLabel", "retractLabel", store.RoleScientist, func(a *store.User) error {
					_, err := svc.RetractLabel(ctx, a, nobody, "")
					return err
				}},
				{"CreateModel", "createModel", store.RoleAdmin, func(a *store.User) error {
					_, err := svc.CreateModel(ctx, a, activelearning.CreateModelInput{})
					return err
				}},
				{"TriggerRetrain", "triggerRetrain", store.RoleAdmin, func(a *store.User) error {
					_, err := svc.TriggerRetrain(ctx, a, nobody, 1)
					return err
				}},
				{"PromoteVersion", "promoteVersion", store.RoleAdmin, func(a *store.User) error {
					_, err := svc.PromoteVersion(ctx, a, nobody, "")
					return err
				}},
				{"RollbackModel", "rollbackModel", store.RoleAdmin, func(a *store.User) error {
					_, err := svc.RollbackModel(ctx, a, nobody, 1, "")
					return err
				}},
			}
			// Open to every signed-in user (VIEWER).
			open := []struct {
				method string
				call   func(actor *store.User) error
			}{
				{"ExportMeasurements", func(a *store.User) error {
					_, err := svc.ExportMeasurements(ctx, a, "logS", store.NilID, io.Discard)
					return err
				}},
				{"ExportPool", func(a *store.User) error {
					_, err := svc.ExportPool(ctx, a, activelearning.PoolExport{Model: nobody.String(), Format: activelearning.PoolCSV}, io.Discard)
					return err
				}},
				{"Predictor", func(a *store.User) error { _, err := svc.Predictor(ctx, a, nobody.String(), 0); return err }},
				{"Predict", func(a *store.User) error {
					_, err := svc.Predict(ctx, a, nobody.String(), 0, func() (string, error) { return "", io.EOF },
						func(*activelearning.PredictResult) error { return nil })
					return err
				}},
				{"PredictList", func(a *store.User) error { _, err := svc.PredictList(ctx, a, nobody, 0, []string{"CCO"}); return err }},
			}

			for _, tc := range gated {
				for _, role := range []store.Role{store.RoleViewer, store.RoleScientist} {
					if auth.AtLeast(role, tc.need) {
						continue
					}
					err := tc.call(users[role])
					var fe *auth.ForbiddenError
					if !errors.As(err, &fe) || !errors.Is(err, auth.ErrForbidden) ||
						fe.Operation != tc.operation || fe.Need != tc.need || fe.Have != role {
						t.Errorf("%s as %s: error %v, want *auth.ForbiddenError{%q, %s, %s}", tc.method, role, err, tc.operation, tc.need, role)
					}
				}
				if err := tc.call(nil); !errors.Is(err, auth.ErrUnauthenticated) {
					t.Errorf("%s without an actor: error %v, want ErrUnauthenticated", tc.method, err)
				}
			}
			// AssignItems' second rule: assigning to someone else needs admin.
			_, err := svc.AssignItems(ctx, users[store.RoleScientist], []store.ID{nobody}, nobody)
			var fe *auth.ForbiddenError
			if !errors.As(err, &fe) || fe.Operation != "assignItems to another user" || fe.Need != store.RoleAdmin || fe.Have != store.RoleScientist {
				t.Errorf("AssignItems to another user as a scientist: error %v, want *auth.ForbiddenError{\"assignItems to another user\", admin, scientist}", err)
			}
			for _, tc := range open {
				if err := tc.call(nil); !errors.Is(err, auth.ErrUnauthenticated) {
					t.Errorf("%s without an actor: error %v, want ErrUnauthenticated", tc.method, err)
				}
				if err := tc.call(users[store.RoleViewer]); errors.Is(err, auth.ErrForbidden) || errors.Is(err, auth.ErrUnauthenticated) {
					t.Errorf("%s as a viewer: error %v, want it let through (to find nothing)", tc.method, err)
				}
			}

			// Every exported method that takes an actor is in a table.
			listed := map[string]bool{}
			for _, tc := range gated {
				listed[tc.method] = true
			}
			for _, tc := range open {
				listed[tc.method] = true
			}
			actorType := reflect.TypeFor[*store.User]()
			typ := reflect.TypeOf(svc)
			var missing []string
			for i := range typ.NumMethod() {
				m := typ.Method(i)
				for j := 1; j < m.Type.NumIn(); j++ {
					if m.Type.In(j) == actorType && !listed[m.Name] {
						missing = append(missing, m.Name)
					}
				}
			}
			if len(missing) > 0 {
				slices.Sort(missing)
				t.Errorf("methods taking an actor missing from this test's tables: %v", missing)
			}
		})
	}
}
