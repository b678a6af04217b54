package store_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

func TestCompounds(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		c := &store.Compound{InputSMILES: "OCC", CanonicalSMILES: "CCO", Name: "Ethanol",
			Descriptors: json.RawMessage(`{"mw":46.069}`), Fingerprint: []byte{0x01, 0x00, 0xff}}
		if err := st.CreateCompound(ctx, c); err != nil {
			t.Fatalf("CreateCompound: %v", err)
		}
		got, err := st.CompoundByID(ctx, c.ID)
		if err != nil {
			t.Fatalf("CompoundByID: %v", err)
		}
		var desc map[string]float64
		if err := json.Unmarshal(got.Descriptors, &desc); err != nil || desc["mw"] != 46.069 {
			t.Errorf("Descriptors = %s (%v), want mw 46.069", got.Descriptors, err)
		}
		if got.InputSMILES != "OCC" || got.CanonicalSMILES != "CCO" || got.Name != "Ethanol" ||
			string(got.Fingerprint) != "\x01\x00\xff" || !got.CreatedAt.Equal(c.CreatedAt) {
			t.Errorf("CompoundByID = %+v, want %+v", got, c)
		}
		if got, err := st.CompoundBySMILES(ctx, "CCO"); err != nil || got.ID != c.ID {
			t.Errorf("CompoundBySMILES = %v, %v", got, err)
		}
		dup := &store.Compound{InputSMILES: "C(O)C", CanonicalSMILES: "CCO"}
		if err := st.CreateCompound(ctx, dup); !errors.Is(err, store.ErrConflict) {
			t.Errorf("CreateCompound(duplicate canonical SMILES) error = %v, want ErrConflict", err)
		}
		// EnsureCompound: an upsert that returns the existing row.
		again := &store.Compound{InputSMILES: "C(O)C", CanonicalSMILES: "CCO"}
		created, err := st.EnsureCompound(ctx, again)
		if err != nil || created || again.ID != c.ID || again.Name != "Ethanol" {
			t.Errorf("EnsureCompound(existing) = %v, %v, %+v; want false and compound %d", created, err, again, c.ID)
		}
		fresh := &store.Compound{CanonicalSMILES: "c1ccccc1", Name: "Benzene"}
		created, err = st.EnsureCompound(ctx, fresh)
		if err != nil || !created || fresh.ID == store.NilID || fresh.InputSMILES != "c1ccccc1" {
			t.Errorf("EnsureCompound(new) = %v, %v, %+v", created, err, fresh)
		}
		if _, err := st.CompoundByID(ctx, ident.New()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("CompoundByID(unknown) error = %v, want ErrNotFound", err)
		}
		if err := st.CreateCompound(ctx, &store.Compound{InputSMILES: "x"}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("CreateCompound(no canonical SMILES) error = %v, want ErrInvalid", err)
		}
		list, err := st.CompoundsByIDs(ctx, []store.ID{fresh.ID, ident.New(), c.ID})
		if err != nil || len(list) != 3 || list[0].ID != fresh.ID || list[1] != nil || list[2].ID != c.ID {
			t.Errorf("CompoundsByIDs = %v, %v", list, err)
		}
		// Summaries: the same compounds in the same order, without the
		// computed columns; the descriptors apart, only where computed.
		sum, err := st.CompoundSummariesByIDs(ctx, []store.ID{fresh.ID, ident.New(), c.ID})
		if err != nil || len(sum) != 3 || sum[0].ID != fresh.ID || sum[1] != nil || sum[2].ID != c.ID {
			t.Fatalf("CompoundSummariesByIDs = %v, %v", sum, err)
		}
		if s := sum[2]; s.CanonicalSMILES != "CCO" || s.InputSMILES != "OCC" || s.Name != "Ethanol" || !s.CreatedAt.Equal(c.CreatedAt) ||
			s.Descriptors != nil || s.Fingerprint != nil || s.Features != nil {
			t.Errorf("summary = %+v, want Ethanol without descriptors, fingerprint or features", s)
		}
		descs, err := st.CompoundDescriptors(ctx, []store.ID{fresh.ID, ident.New(), c.ID})
		var mw map[string]float64
		if err != nil || len(descs) != 1 || json.Unmarshal(descs[c.ID], &mw) != nil || mw["mw"] != 46.069 {
			t.Errorf("CompoundDescriptors = %s, %v; want Ethanol's only", descs, err)
		}
	})
}

func TestSearchCompounds(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		eth := storetest.Compound(ctx, t, st, &store.Compound{CanonicalSMILES: "CCO", Name: "Ethanol"})
		ben := storetest.Compound(ctx, t, st, &store.Compound{CanonicalSMILES: "c1ccccc1", Name: "Benzene"})
		pct := storetest.Compound(ctx, t, st, &store.Compound{CanonicalSMILES: "CC(=O)O", Name: "100% acetic_acid"})
		tests := []struct {
			search string
			want   []store.ID
		}{
			{"", []store.ID{eth.ID, ben.ID, pct.ID}},
			{"ETHAN", []store.ID{eth.ID}},   // name, case ignored
			{"benz", []store.ID{ben.ID}},    // name, case ignored
			{"c1cc", []store.ID{ben.ID}},    // SMILES substring
			{"C1CC", nil},                   // SMILES case matters (aromatic c)
			{"%", []store.ID{pct.ID}},       // wildcards are literal
			{"enz_ne", nil},                 // _ is literal, not a wildcard
			{"acetic_", []store.ID{pct.ID}}, // _ matches itself
			{"no such thing", nil},
		}
		for _, tc := range tests {
			got, err := st.SearchCompounds(ctx, store.CompoundFilter{Search: tc.search}, store.NilID, 10)
			if err != nil {
				t.Fatalf("SearchCompounds(%q): %v", tc.search, err)
			}
			var ids []store.ID
			for _, c := range got {
				ids = append(ids, c.ID)
			}
			if len(ids) != len(tc.want) {
				t.Errorf("SearchCompounds(%q) = %v, want %v", tc.search, ids, tc.want)
				continue
			}
			if n, err := st.CountCompounds(ctx, store.CompoundFilter{Search: tc.search}); err != nil || n != len(tc.want) {
				t.Errorf("CountCompounds(%q) = %d, %v; want %d", tc.search, n, err, len(tc.want))
			}
			for i := range ids {
				if ids[i] != tc.want[i] {
					t.Errorf("SearchCompounds(%q) = %v, want %v", tc.search, ids, tc.want)
					break
				}
			}
		}
		page, err := st.SearchCompounds(ctx, store.CompoundFilter{}, eth.ID, 1)
		if err != nil || len(page) != 1 || page[0].ID != ben.ID {
			t.Errorf("second page of size 1 = %v, %v; want benzene", page, err)
		}
		// Within a set: only its members, searched and counted alike.
		u := storetest.User(ctx, t, st, nil)
		set := &store.CompoundSet{Name: "acids and benzene", CreatedBy: &u.ID}
		if err := st.CreateCompoundSet(ctx, set); err != nil {
			t.Fatal(err)
		}
		if err := st.AddCompoundSetMembers(ctx, set.ID, []store.ID{pct.ID, ben.ID}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			search string
			want   []store.ID
		}{{"", []store.ID{ben.ID, pct.ID}}, {"c", []store.ID{ben.ID, pct.ID}}, {"eth", nil}, {"ACETIC", []store.ID{pct.ID}}} {
			f := store.CompoundFilter{Search: tc.search, SetID: set.ID}
			got, err := st.SearchCompounds(ctx, f, store.NilID, 10)
			n, cerr := st.CountCompounds(ctx, f)
			var ids []store.ID
			for _, c := range got {
				ids = append(ids, c.ID)
			}
			if err != nil || cerr != nil || !slices.Equal(ids, tc.want) || n != len(tc.want) {
				t.Errorf("set search %q = %v (count %d), %v %v; want %v", tc.search, ids, n, err, cerr, tc.want)
			}
		}
	})
}

func TestCompoundSets(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		u := storetest.User(ctx, t, st, nil)
		a := storetest.Compound(ctx, t, st, nil)
		b := storetest.Compound(ctx, t, st, nil)
		cs := &store.CompoundSet{Name: "ESOL pool", Kind: store.SetPool, CreatedBy: &u.ID}
		if err := st.CreateCompoundSet(ctx, cs); err != nil {
			t.Fatalf("CreateCompoundSet: %v", err)
		}
		got, err := st.CompoundSetByName(ctx, "ESOL pool")
		if err != nil || got.ID != cs.ID || got.Kind != store.SetPool || got.CreatedBy == nil || *got.CreatedBy != u.ID {
			t.Errorf("CompoundSetByName = %+v, %v", got, err)
		}
		if _, err := st.CompoundSetByID(ctx, cs.ID); err != nil {
			t.Errorf("CompoundSetByID: %v", err)
		}
		if err := st.AddCompoundSetMembers(ctx, cs.ID, []store.ID{b.ID, a.ID}); err != nil {
			t.Fatalf("AddCompoundSetMembers: %v", err)
		}
		if err := st.AddCompoundSetMembers(ctx, cs.ID, []store.ID{a.ID}); err != nil {
			t.Errorf("adding a member twice: %v", err)
		}
		ids, err := st.CompoundSetMemberIDs(ctx, cs.ID)
		if err != nil || len(ids) != 2 || ids[0] != a.ID || ids[1] != b.ID {
			t.Errorf("CompoundSetMemberIDs = %v, %v; want [%d %d]", ids, err, a.ID, b.ID)
		}
		if err := st.AddCompoundSetMembers(ctx, cs.ID, []store.ID{ident.New()}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("adding an unknown compound: %v, want ErrNotFound", err)
		}
		if err := st.CreateCompoundSet(ctx, &store.CompoundSet{Name: "ESOL pool"}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate set name: %v, want ErrConflict", err)
		}
		if err := st.CreateCompoundSet(ctx, &store.CompoundSet{Name: "x", Kind: "bag"}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("unknown kind: %v, want ErrInvalid", err)
		}
		if _, err := st.CompoundSetByID(ctx, ident.New()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("CompoundSetByID(unknown): %v, want ErrNotFound", err)
		}
	})
}
