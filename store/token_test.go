package store_test

import (
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

func TestAPITokens(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		alice := storetest.User(ctx, t, st, nil)
		bob := storetest.User(ctx, t, st, nil)
		hash := sha256.Sum256([]byte("secret-1"))
		expires := time.Now().Add(24 * time.Hour)
		tok := &store.APIToken{UserID: alice.ID, Name: "notebook", Prefix: "al_secr", Hash: hash[:], ExpiresAt: &expires}
		if err := st.CreateAPIToken(ctx, tok); err != nil {
			t.Fatalf("CreateAPIToken: %v", err)
		}
		if tok.ID == store.NilID || tok.CreatedAt.IsZero() {
			t.Fatalf("CreateAPIToken did not set ID/CreatedAt: %+v", tok)
		}
		got, u, err := st.APITokenByHash(ctx, hash[:])
		if err != nil {
			t.Fatalf("APITokenByHash: %v", err)
		}
		if got.ID != tok.ID || got.Name != "notebook" || got.Prefix != "al_secr" || string(got.Hash) != string(hash[:]) ||
			got.ExpiresAt == nil || !got.ExpiresAt.Equal(*tok.ExpiresAt) || got.RevokedAt != nil || got.LastUsedAt != nil {
			t.Errorf("APITokenByHash = %+v, want %+v", got, tok)
		}
		if u.ID != alice.ID {
			t.Errorf("APITokenByHash user = %d, want %d", u.ID, alice.ID)
		}

		used := time.Now().Add(time.Minute)
		if err := st.TouchAPIToken(ctx, tok.ID, used); err != nil {
			t.Fatalf("TouchAPIToken: %v", err)
		}
		got, _, _ = st.APITokenByHash(ctx, hash[:])
		if got.LastUsedAt == nil || !got.LastUsedAt.Equal(used.UTC().Truncate(time.Microsecond)) {
			t.Errorf("LastUsedAt = %v, want %v", got.LastUsedAt, used)
		}

		hash2 := sha256.Sum256([]byte("secret-2"))
		tok2 := &store.APIToken{UserID: alice.ID, Name: "dashboard", Hash: hash2[:]}
		if err := st.CreateAPIToken(ctx, tok2); err != nil {
			t.Fatalf("CreateAPIToken 2: %v", err)
		}
		list, err := st.APITokensByUser(ctx, alice.ID)
		if err != nil || len(list) != 2 || list[0].ID != tok2.ID {
			t.Errorf("APITokensByUser(alice) = %v, %v; want newest first", list, err)
		}
		if list, err := st.APITokensByUser(ctx, bob.ID); err != nil || len(list) != 0 || list == nil {
			t.Errorf("APITokensByUser(bob) = %#v, %v; want empty non-nil", list, err)
		}

		if err := st.RevokeAPIToken(ctx, bob.ID, tok.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("RevokeAPIToken(another user's token) error = %v, want ErrNotFound", err)
		}
		if err := st.RevokeAPIToken(ctx, alice.ID, tok.ID); err != nil {
			t.Fatalf("RevokeAPIToken: %v", err)
		}
		got, _, _ = st.APITokenByHash(ctx, hash[:])
		if got.RevokedAt == nil {
			t.Fatal("RevokedAt not set after RevokeAPIToken")
		}
		first := *got.RevokedAt
		if err := st.RevokeAPIToken(ctx, alice.ID, tok.ID); err != nil {
			t.Errorf("revoking twice: %v", err)
		}
		got, _, _ = st.APITokenByHash(ctx, hash[:])
		if !got.RevokedAt.Equal(first) {
			t.Errorf("second revoke moved RevokedAt from %v to %v", first, got.RevokedAt)
		}
	})
}

func TestAPITokenErrors(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		u := storetest.User(ctx, t, st, nil)
		hash := sha256.Sum256([]byte("dup"))
		if err := st.CreateAPIToken(ctx, &store.APIToken{UserID: u.ID, Name: "a", Hash: hash[:]}); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			tok  store.APIToken
			want error
		}{
			{"duplicate hash", store.APIToken{UserID: u.ID, Name: "b", Hash: hash[:]}, store.ErrConflict},
			{"unknown user", store.APIToken{UserID: ident.New(), Name: "c", Hash: []byte("other")}, store.ErrNotFound},
			{"empty hash", store.APIToken{UserID: u.ID, Name: "d"}, store.ErrInvalid},
		}
		for _, tc := range tests {
			tok := tc.tok
			if err := st.CreateAPIToken(ctx, &tok); !errors.Is(err, tc.want) {
				t.Errorf("%s: CreateAPIToken error = %v, want %v", tc.name, err, tc.want)
			}
		}
		if _, _, err := st.APITokenByHash(ctx, []byte("unknown")); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("APITokenByHash(unknown) error = %v, want ErrNotFound", err)
		}
		if err := st.RevokeAPIToken(ctx, u.ID, ident.New()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("RevokeAPIToken(unknown) error = %v, want ErrNotFound", err)
		}
		if err := st.TouchAPIToken(ctx, ident.New(), time.Now()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("TouchAPIToken(unknown) error = %v, want ErrNotFound", err)
		}
	})
}
