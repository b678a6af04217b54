package store_test

import (
	"errors"
	"testing"
	"time"

	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

func TestUserCRUD(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		n, err := st.CountUsers(ctx)
		if err != nil || n != 0 {
			t.Fatalf("CountUsers on a fresh database = %d, %v; want 0, nil", n, err)
		}
		u := &store.User{Email: "Ada@Example.test", Name: "Ada", Role: store.RoleAdmin, PasswordHash: "h1"}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatalf("CreateUser: %v", err)
		}
		if u.ID == store.NilID || u.CreatedAt.IsZero() || !u.UpdatedAt.Equal(u.CreatedAt) {
			t.Fatalf("CreateUser did not set ID/CreatedAt/UpdatedAt: %+v", u)
		}
		got, err := st.UserByEmail(ctx, "ada@example.TEST")
		if err != nil {
			t.Fatalf("UserByEmail (other case): %v", err)
		}
		if got.ID != u.ID || got.Email != "Ada@Example.test" || got.Name != "Ada" || got.Role != store.RoleAdmin ||
			got.PasswordHash != "h1" || !got.CreatedAt.Equal(u.CreatedAt) || got.DisabledAt != nil {
			t.Errorf("UserByEmail = %+v, want %+v", got, u)
		}
		byID, err := st.UserByID(ctx, u.ID)
		if err != nil || byID.Email != u.Email {
			t.Errorf("UserByID = %+v, %v", byID, err)
		}
		if err := st.SetUserPassword(ctx, u.ID, "h2"); err != nil {
			t.Fatalf("SetUserPassword: %v", err)
		}
		if got, _ := st.UserByID(ctx, u.ID); got.PasswordHash != "h2" || got.UpdatedAt.Before(u.UpdatedAt) {
			t.Errorf("after SetUserPassword: hash %q updated %v", got.PasswordHash, got.UpdatedAt)
		}
		if err := st.SetUserRole(ctx, u.ID, store.RoleViewer); err != nil {
			t.Fatalf("SetUserRole: %v", err)
		}
		if got, _ := st.UserByID(ctx, u.ID); got.Role != store.RoleViewer {
			t.Errorf("after SetUserRole: role %q", got.Role)
		}
		other := storetest.User(ctx, t, st, nil)
		users, err := st.UsersByIDs(ctx, []store.ID{other.ID, ident.New(), u.ID})
		if err != nil {
			t.Fatalf("UsersByIDs: %v", err)
		}
		if len(users) != 3 || users[0].ID != other.ID || users[1] != nil || users[2].ID != u.ID {
			t.Errorf("UsersByIDs = %v, want [%d nil %d]", users, other.ID, u.ID)
		}
		if n, err := st.CountUsers(ctx); err != nil || n != 2 {
			t.Errorf("CountUsers = %d, %v; want 2", n, err)
		}
		all, err := st.ListUsers(ctx)
		if err != nil || len(all) != 2 || all[0].ID != u.ID {
			t.Errorf("ListUsers = %v, %v", all, err)
		}
	})
}

func TestUserErrors(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		storetest.User(ctx, t, st, &store.User{Email: "bob@example.test"})
		tests := []struct {
			name string
			user store.User
			want error
		}{
			{"duplicate email", store.User{Email: "bob@example.test", Role: store.RoleViewer}, store.ErrConflict},
			{"duplicate email other case", store.User{Email: "BOB@example.TEST", Role: store.RoleViewer}, store.ErrConflict},
			{"empty email", store.User{Email: "  ", Role: store.RoleViewer}, store.ErrInvalid},
			{"unknown role", store.User{Email: "carol@example.test", Role: "owner"}, store.ErrInvalid},
			{"empty role", store.User{Email: "carol@example.test"}, store.ErrInvalid},
		}
		for _, tc := range tests {
			u := tc.user
			if err := st.CreateUser(ctx, &u); !errors.Is(err, tc.want) {
				t.Errorf("%s: CreateUser error = %v, want %v", tc.name, err, tc.want)
			}
		}
		// The CHECK constraint backs up the Go validation.
		_, err := st.DB().NewInsert().Model(&store.User{Email: "dave@example.test", Role: "root", CreatedAt: time.Now(), UpdatedAt: time.Now()}).Exec(ctx)
		if err == nil {
			t.Error("inserting role \"root\" directly succeeded; want a CHECK violation")
		}
		if _, err := st.UserByEmail(ctx, "nobody@example.test"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("UserByEmail(unknown) error = %v, want ErrNotFound", err)
		}
		if _, err := st.UserByID(ctx, ident.New()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("UserByID(unknown) error = %v, want ErrNotFound", err)
		}
		if err := st.SetUserPassword(ctx, ident.New(), "x"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SetUserPassword(unknown) error = %v, want ErrNotFound", err)
		}
		if err := st.SetUserRole(ctx, ident.New(), store.RoleAdmin); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SetUserRole(unknown) error = %v, want ErrNotFound", err)
		}
		if err := st.SetUserRole(ctx, ident.New(), "owner"); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("SetUserRole(bad role) error = %v, want ErrInvalid", err)
		}
		if users, err := st.UsersByIDs(ctx, nil); err != nil || len(users) != 0 {
			t.Errorf("UsersByIDs(nil) = %v, %v", users, err)
		}
	})
}

func TestUserNameAndDisabled(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		u := storetest.User(ctx, t, st, nil)
		if u.Disabled() {
			t.Fatal("a new user is disabled")
		}
		if err := st.SetUserName(ctx, u.ID, "Grace"); err != nil {
			t.Fatalf("SetUserName: %v", err)
		}
		if got, _ := st.UserByID(ctx, u.ID); got.Name != "Grace" {
			t.Errorf("after SetUserName: name %q", got.Name)
		}
		first := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
		if err := st.SetUserDisabled(ctx, u.ID, true, first); err != nil {
			t.Fatalf("SetUserDisabled(true): %v", err)
		}
		got, _ := st.UserByID(ctx, u.ID)
		if !got.Disabled() || !got.DisabledAt.Equal(first) {
			t.Errorf("after disabling: DisabledAt %v, want %v", got.DisabledAt, first)
		}
		// Disabling again keeps the first time.
		if err := st.SetUserDisabled(ctx, u.ID, true, first.Add(time.Hour)); err != nil {
			t.Fatalf("SetUserDisabled(true) again: %v", err)
		}
		if got, _ := st.UserByID(ctx, u.ID); !got.DisabledAt.Equal(first) {
			t.Errorf("after disabling twice: DisabledAt %v, want the first %v", got.DisabledAt, first)
		}
		if err := st.SetUserDisabled(ctx, u.ID, false, time.Time{}); err != nil {
			t.Fatalf("SetUserDisabled(false): %v", err)
		}
		if got, _ := st.UserByID(ctx, u.ID); got.Disabled() {
			t.Errorf("after enabling: DisabledAt %v, want nil", got.DisabledAt)
		}

		if err := st.SetUserName(ctx, u.ID, " "); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("SetUserName(empty) error = %v, want ErrInvalid", err)
		}
		if err := st.SetUserName(ctx, ident.New(), "x"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SetUserName(unknown) error = %v, want ErrNotFound", err)
		}
		if err := st.SetUserDisabled(ctx, ident.New(), true, first); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SetUserDisabled(unknown) error = %v, want ErrNotFound", err)
		}
	})
}

func TestLockEnabledAdmins(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		a := storetest.User(ctx, t, st, &store.User{Role: store.RoleAdmin})
		storetest.User(ctx, t, st, &store.User{Role: store.RoleScientist})
		off := storetest.User(ctx, t, st, &store.User{Role: store.RoleAdmin})
		if err := st.SetUserDisabled(ctx, off.ID, true, time.Now()); err != nil {
			t.Fatal(err)
		}
		b := storetest.User(ctx, t, st, &store.User{Role: store.RoleAdmin})
		err := st.InTx(ctx, func(tx *store.Tx) error {
			admins, err := tx.LockEnabledAdmins(ctx)
			if err != nil {
				return err
			}
			if len(admins) != 2 || admins[0].ID != a.ID || admins[1].ID != b.ID {
				t.Errorf("LockEnabledAdmins = %v, want [%d %d]", admins, a.ID, b.ID)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("LockEnabledAdmins: %v", err)
		}
	})
}
