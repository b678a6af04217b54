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

func TestSessions(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		u := storetest.User(ctx, t, st, nil)
		now := time.Now()
		live := sha256.Sum256([]byte("live"))
		old := sha256.Sum256([]byte("old"))
		sess := &store.Session{UserID: u.ID, Hash: live[:], ExpiresAt: now.Add(time.Hour)}
		if err := st.CreateSession(ctx, sess); err != nil {
			t.Fatalf("CreateSession: %v", err)
		}
		if sess.ID == store.NilID || sess.CreatedAt.IsZero() || !sess.LastSeenAt.Equal(sess.CreatedAt) {
			t.Fatalf("CreateSession did not set ID/CreatedAt/LastSeenAt: %+v", sess)
		}
		expired := &store.Session{UserID: u.ID, Hash: old[:], CreatedAt: now.Add(-2 * time.Hour), ExpiresAt: now.Add(-time.Hour)}
		if err := st.CreateSession(ctx, expired); err != nil {
			t.Fatalf("CreateSession(expired): %v", err)
		}
		got, gu, err := st.SessionByHash(ctx, live[:])
		if err != nil {
			t.Fatalf("SessionByHash: %v", err)
		}
		if got.ID != sess.ID || got.UserID != u.ID || !got.ExpiresAt.Equal(sess.ExpiresAt) || !got.CreatedAt.Equal(sess.CreatedAt) || gu.Email != u.Email {
			t.Errorf("SessionByHash = %+v, %+v; want %+v", got, gu, sess)
		}
		seen := now.Add(time.Minute)
		if err := st.TouchSession(ctx, live[:], seen); err != nil {
			t.Fatalf("TouchSession: %v", err)
		}
		if got, _, _ := st.SessionByHash(ctx, live[:]); !got.LastSeenAt.Equal(seen.UTC().Truncate(time.Microsecond)) {
			t.Errorf("LastSeenAt = %v, want %v", got.LastSeenAt, seen)
		}

		n, err := st.DeleteExpiredSessions(ctx, now)
		if err != nil || n != 1 {
			t.Fatalf("DeleteExpiredSessions = %d, %v; want 1", n, err)
		}
		if _, _, err := st.SessionByHash(ctx, old[:]); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("expired session still there: %v", err)
		}
		if err := st.DeleteSession(ctx, live[:]); err != nil {
			t.Fatalf("DeleteSession: %v", err)
		}
		if _, _, err := st.SessionByHash(ctx, live[:]); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SessionByHash after DeleteSession error = %v, want ErrNotFound", err)
		}
		if err := st.DeleteSession(ctx, live[:]); err != nil {
			t.Errorf("DeleteSession twice: %v", err)
		}
	})
}

func TestSessionErrors(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		u := storetest.User(ctx, t, st, nil)
		exp := time.Now().Add(time.Hour)
		if err := st.CreateSession(ctx, &store.Session{UserID: u.ID, Hash: []byte("h"), ExpiresAt: exp}); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			sess store.Session
			want error
		}{
			{"duplicate hash", store.Session{UserID: u.ID, Hash: []byte("h"), ExpiresAt: exp}, store.ErrConflict},
			{"unknown user", store.Session{UserID: ident.New(), Hash: []byte("x"), ExpiresAt: exp}, store.ErrNotFound},
			{"empty hash", store.Session{UserID: u.ID, ExpiresAt: exp}, store.ErrInvalid},
			{"no expiry", store.Session{UserID: u.ID, Hash: []byte("y")}, store.ErrInvalid},
		}
		for _, tc := range tests {
			s := tc.sess
			if err := st.CreateSession(ctx, &s); !errors.Is(err, tc.want) {
				t.Errorf("%s: CreateSession error = %v, want %v", tc.name, err, tc.want)
			}
		}
		if _, _, err := st.SessionByHash(ctx, []byte("nope")); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SessionByHash(unknown) error = %v, want ErrNotFound", err)
		}
		if err := st.TouchSession(ctx, []byte("nope"), time.Now()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("TouchSession(unknown) error = %v, want ErrNotFound", err)
		}
	})
}

func TestDeleteUserSessions(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		u := storetest.User(ctx, t, st, nil)
		other := storetest.User(ctx, t, st, nil)
		exp := time.Now().Add(time.Hour)
		for i, id := range []store.ID{u.ID, u.ID, other.ID} {
			h := sha256.Sum256([]byte{byte(i)})
			if err := st.CreateSession(ctx, &store.Session{UserID: id, Hash: h[:], ExpiresAt: exp}); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := st.DeleteUserSessions(ctx, u.ID); err != nil || n != 2 {
			t.Fatalf("DeleteUserSessions = %d, %v; want 2", n, err)
		}
		kept := sha256.Sum256([]byte{2})
		if _, _, err := st.SessionByHash(ctx, kept[:]); err != nil {
			t.Errorf("another user's session was deleted: %v", err)
		}
		if n, err := st.DeleteUserSessions(ctx, u.ID); err != nil || n != 0 {
			t.Errorf("DeleteUserSessions again = %d, %v; want 0", n, err)
		}
	})
}
