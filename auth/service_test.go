package auth_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"activelab/auth"
	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// fixture is a Service over a fresh store, with a clock tests can read.
type fixture struct {
	svc *auth.Service
	st  *store.Store
	now time.Time
}

// eachBackend runs fn once per available database (see storetest.Backends).
func eachBackend(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	for name, open := range storetest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := &fixture{st: open(t), now: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}
			f.svc = auth.NewService(f.st, auth.Options{Now: func() time.Time { return f.now }})
			fn(t, f)
		})
	}
}

const password = "correct horse"

// admin is the signed-in admin who manages users in these tests. The role
// check reads the actor it is handed (the HTTP layer hands over the
// authenticated user), so it is not stored: a stored admin would change
// the user counts and the last-admin rules the tests are about.
var admin = &store.User{ID: ident.New(), Name: "Test admin", Email: "test-admin@example.test", Role: auth.RoleAdmin}

// user creates a user with the role and the password "correct horse".
func (f *fixture) user(t *testing.T, email string, role auth.Role) *store.User {
	t.Helper()
	u, err := f.svc.CreateUserAsOperator(t.Context(), auth.NewUser{Email: email, Name: "Test " + email, Role: role, Password: password})
	if err != nil {
		t.Fatalf("CreateUser(%s): %v", email, err)
	}
	return u
}

// login opens a session and returns its secret.
func (f *fixture) login(t *testing.T, email, pw string) string {
	t.Helper()
	res, err := f.svc.Login(t.Context(), email, pw)
	if err != nil {
		t.Fatalf("Login(%s): %v", email, err)
	}
	return res.Secret
}

func (f *fixture) token(t *testing.T, u *store.User) string {
	t.Helper()
	_, secret, err := f.svc.CreateAPIToken(t.Context(), u, "notebook", nil)
	if err != nil {
		t.Fatalf("CreateAPIToken: %v", err)
	}
	return secret
}

func ptr[T any](v T) *T { return &v }

// wantInputError fails unless err is an *auth.InputError on field whose
// message contains fragment.
func wantInputError(t *testing.T, err error, field, fragment string) {
	t.Helper()
	var in *auth.InputError
	if !errors.As(err, &in) {
		t.Fatalf("error = %v, want *auth.InputError on %q", err, field)
	}
	if in.Field != field || !strings.Contains(in.Message, fragment) {
		t.Errorf("InputError{%q, %q}, want field %q and a message containing %q", in.Field, in.Message, field, fragment)
	}
}

func TestCreateUser(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		u, err := f.svc.CreateUser(ctx, admin, auth.NewUser{Email: "  Ada@Example.test ", Name: " Ada ", Role: auth.RoleScientist, Password: password})
		if err != nil {
			t.Fatalf("CreateUser: %v", err)
		}
		if u.ID == store.NilID || u.Email != "Ada@Example.test" || u.Name != "Ada" || u.Role != auth.RoleScientist || u.Disabled() {
			t.Errorf("created %+v, want trimmed email and name, scientist, enabled", u)
		}
		if ok, err := auth.VerifyPassword(u.PasswordHash, password); !ok || err != nil {
			t.Errorf("stored hash does not verify the password: %v, %v", ok, err)
		}
		// Login ignores the email's case, as the unique index does.
		f.login(t, "ada@EXAMPLE.test", password)

		for _, tc := range []struct {
			name            string
			in              auth.NewUser
			field, fragment string
		}{
			{"empty email", auth.NewUser{Email: " ", Name: "B", Role: auth.RoleViewer, Password: password}, "email", "is empty"},
			{"no at sign", auth.NewUser{Email: "bob.example.test", Name: "B", Role: auth.RoleViewer, Password: password}, "email", "not an email address"},
			{"two at signs", auth.NewUser{Email: "bob@x@example.test", Name: "B", Role: auth.RoleViewer, Password: password}, "email", "not an email address"},
			{"nothing after at", auth.NewUser{Email: "bob@", Name: "B", Role: auth.RoleViewer, Password: password}, "email", "not an email address"},
			{"empty name", auth.NewUser{Email: "bob@example.test", Name: "  ", Role: auth.RoleViewer, Password: password}, "name", "is empty"},
			{"unknown role", auth.NewUser{Email: "bob@example.test", Name: "B", Role: "owner", Password: password}, "role", "not viewer, scientist or admin"},
			{"short password", auth.NewUser{Email: "bob@example.test", Name: "B", Role: auth.RoleViewer, Password: "1234567"}, "password", "at least 8 characters"},
			{"empty password", auth.NewUser{Email: "bob@example.test", Name: "B", Role: auth.RoleViewer}, "password", "at least 8 characters"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.svc.CreateUser(ctx, admin, tc.in)
				wantInputError(t, err, tc.field, tc.fragment)
			})
		}

		_, err = f.svc.CreateUser(ctx, admin, auth.NewUser{Email: "ADA@example.TEST", Name: "Other Ada", Role: auth.RoleViewer, Password: password})
		if !errors.Is(err, store.ErrConflict) || !strings.Contains(err.Error(), `"ADA@example.TEST"`) || !strings.Contains(err.Error(), "already exists") {
			t.Errorf("duplicate email in another case: error = %v, want ErrConflict naming the email", err)
		}
		if users, err := f.svc.Users(ctx, admin); err != nil || len(users) != 1 {
			t.Errorf("Users = %d users, %v; want only Ada (rejected calls create nothing)", len(users), err)
		}
	})
}

func TestUpdateUser(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		f.user(t, "admin@example.test", auth.RoleAdmin)
		u := f.user(t, "bob@example.test", auth.RoleViewer)

		got, err := f.svc.UpdateUser(ctx, admin, auth.UserUpdate{ID: u.ID, Name: ptr("  Robert "), Role: ptr(auth.RoleScientist)})
		if err != nil {
			t.Fatalf("UpdateUser: %v", err)
		}
		if got.Name != "Robert" || got.Role != auth.RoleScientist || got.Email != u.Email || got.Disabled() || got.PasswordHash != u.PasswordHash {
			t.Errorf("after name and role: %+v", got)
		}
		// Nothing to change: the user as stored.
		if got, err := f.svc.UpdateUser(ctx, admin, auth.UserUpdate{ID: u.ID}); err != nil || got.Name != "Robert" {
			t.Errorf("empty update = %+v, %v", got, err)
		}
		// Promoting to admin and demoting again (another admin remains).
		if got, err := f.svc.UpdateUser(ctx, admin, auth.UserUpdate{ID: u.ID, Role: ptr(auth.RoleAdmin)}); err != nil || got.Role != auth.RoleAdmin {
			t.Errorf("promote = %+v, %v", got, err)
		}
		if got, err := f.svc.UpdateUser(ctx, admin, auth.UserUpdate{ID: u.ID, Role: ptr(auth.RoleViewer)}); err != nil || got.Role != auth.RoleViewer {
			t.Errorf("demote = %+v, %v", got, err)
		}

		for _, tc := range []struct {
			name            string
			in              auth.UserUpdate
			field, fragment string
		}{
			{"empty name", auth.UserUpdate{ID: u.ID, Name: ptr(" ")}, "name", "is empty"},
			{"long name", auth.UserUpdate{ID: u.ID, Name: ptr(strings.Repeat("n", 201))}, "name", "longer than 200"},
			{"unknown role", auth.UserUpdate{ID: u.ID, Role: ptr(auth.Role("owner"))}, "role", "not viewer, scientist or admin"},
			{"short password", auth.UserUpdate{ID: u.ID, Password: ptr("short")}, "password", "at least 8 characters"},
			{"bad password with a good name", auth.UserUpdate{ID: u.ID, Name: ptr("Bobby"), Password: ptr("")}, "password", "at least 8 characters"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.svc.UpdateUser(ctx, admin, tc.in)
				wantInputError(t, err, tc.field, tc.fragment)
			})
		}
		if got, _ := f.st.UserByID(ctx, u.ID); got.Name != "Robert" {
			t.Errorf("a rejected update changed the name to %q", got.Name)
		}

		unknownUser := ident.New()
		_, err = f.svc.UpdateUser(ctx, admin, auth.UserUpdate{ID: unknownUser, Name: ptr("Nobody")})
		if !errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), "user "+unknownUser.String()) {
			t.Errorf("unknown user: error = %v, want ErrNotFound naming user %s", err, unknownUser)
		}
	})
}

// TestDisableUser: disabling refuses the user's session and API token at
// once; enabling brings the token back, while the session stays ended (the
// user logs in again).
func TestDisableUser(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		f.user(t, "admin@example.test", auth.RoleAdmin)
		u := f.user(t, "bob@example.test", auth.RoleScientist)
		session := f.login(t, u.Email, password)
		token := f.token(t, u)

		got, err := f.svc.UpdateUser(ctx, admin, auth.UserUpdate{ID: u.ID, Disabled: ptr(true)})
		if err != nil {
			t.Fatalf("disable: %v", err)
		}
		if !got.Disabled() || !got.DisabledAt.Equal(f.now) {
			t.Errorf("disabled user has DisabledAt %v, want %v", got.DisabledAt, f.now)
		}
		if _, err := f.svc.AuthenticateSession(ctx, session); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("session of a disabled user: error = %v, want ErrUnauthenticated", err)
		}
		if _, err := f.svc.AuthenticateToken(ctx, token); !errors.Is(err, auth.ErrUnauthenticated) || !strings.Contains(err.Error(), "disabled") {
			t.Errorf("token of a disabled user: error = %v, want ErrUnauthenticated saying disabled", err)
		}
		if _, err := f.svc.Login(ctx, u.Email, password); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("login of a disabled user: error = %v, want ErrUnauthenticated", err)
		}
		// Disabling again keeps the first time.
		f.now = f.now.Add(time.Hour)
		if got, err := f.svc.UpdateUser(ctx, admin, auth.UserUpdate{ID: u.ID, Disabled: ptr(true)}); err != nil || !got.DisabledAt.Equal(f.now.Add(-time.Hour)) {
			t.Errorf("disable twice = %v, %v; want the first DisabledAt", got.DisabledAt, err)
		}

		got, err = f.svc.UpdateUser(ctx, admin, auth.UserUpdate{ID: u.ID, Disabled: ptr(false)})
		if err != nil || got.Disabled() {
			t.Fatalf("enable = %+v, %v", got, err)
		}
		if p, err := f.svc.AuthenticateToken(ctx, token); err != nil || p.User.ID != u.ID {
			t.Errorf("token after enabling: %v, %v; want it to work again", p, err)
		}
		if _, err := f.svc.AuthenticateSession(ctx, session); !errors.Is(err, auth.ErrUnauthenticated) || !strings.Contains(err.Error(), "log in again") {
			t.Errorf("session after enabling: error = %v, want it ended (log in again)", err)
		}
		if p, err := f.svc.AuthenticateSession(ctx, f.login(t, u.Email, password)); err != nil || p.User.ID != u.ID {
			t.Errorf("new session after enabling: %v, %v", p, err)
		}
	})
}

// TestChangePassword: a new password ends the user's sessions (only
// theirs), keeps their API tokens, and is the one that logs in.
func TestChangePassword(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		admin := f.user(t, "admin@example.test", auth.RoleAdmin)
		u := f.user(t, "bob@example.test", auth.RoleScientist)
		s1, s2 := f.login(t, u.Email, password), f.login(t, u.Email, password)
		adminSession := f.login(t, admin.Email, password)
		token := f.token(t, u)

		// A weak password changes nothing.
		_, err := f.svc.UpdateUser(ctx, admin, auth.UserUpdate{ID: u.ID, Password: ptr("weak")})
		wantInputError(t, err, "password", "at least 8 characters")
		if _, err := f.svc.AuthenticateSession(ctx, s1); err != nil {
			t.Fatalf("a rejected password change ended a session: %v", err)
		}

		if _, err := f.svc.UpdateUser(ctx, admin, auth.UserUpdate{ID: u.ID, Password: ptr("battery staple")}); err != nil {
			t.Fatalf("change password: %v", err)
		}
		for i, s := range []string{s1, s2} {
			if _, err := f.svc.AuthenticateSession(ctx, s); !errors.Is(err, auth.ErrUnauthenticated) {
				t.Errorf("session %d after a password change: error = %v, want ErrUnauthenticated", i+1, err)
			}
		}
		if _, err := f.svc.AuthenticateSession(ctx, adminSession); err != nil {
			t.Errorf("another user's session ended: %v", err)
		}
		if _, err := f.svc.AuthenticateToken(ctx, token); err != nil {
			t.Errorf("API token after a password change: %v; want it still valid", err)
		}
		if _, err := f.svc.Login(ctx, u.Email, password); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("old password: error = %v, want ErrUnauthenticated", err)
		}
		if p, err := f.svc.AuthenticateSession(ctx, f.login(t, u.Email, "battery staple")); err != nil || p.User.ID != u.ID {
			t.Errorf("new password's session: %v, %v", p, err)
		}
	})
}

// TestLastAdmin: the last enabled admin can be neither demoted nor disabled,
// by anyone including themselves; a disabled admin does not count.
func TestLastAdmin(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		a := f.user(t, "ada@example.test", auth.RoleAdmin)
		b := f.user(t, "bob@example.test", auth.RoleScientist)
		off := f.user(t, "off@example.test", auth.RoleAdmin)
		if _, err := f.svc.UpdateUser(ctx, admin, auth.UserUpdate{ID: off.ID, Disabled: ptr(true)}); err != nil {
			t.Fatalf("disable the second admin: %v", err)
		}

		_, err := f.svc.UpdateUser(ctx, admin, auth.UserUpdate{ID: a.ID, Role: ptr(auth.RoleScientist), Name: ptr("Renamed")})
		wantInputError(t, err, "role", "last enabled admin")
		if err != nil && !strings.Contains(err.Error(), "cannot demote ada@example.test") {
			t.Errorf("message %q does not say who", err)
		}
		_, err = f.svc.UpdateUser(ctx, admin, auth.UserUpdate{ID: a.ID, Disabled: ptr(true)})
		wantInputError(t, err, "disabled", "last enabled admin")
		got, _ := f.st.UserByID(ctx, a.ID)
		if got.Role != auth.RoleAdmin || got.Disabled() || got.Name == "Renamed" {
			t.Errorf("a refused update changed the last admin: %+v", got)
		}
		// What keeps them an enabled admin is allowed.
		if _, err := f.svc.UpdateUser(ctx, admin, auth.UserUpdate{ID: a.ID, Role: ptr(auth.RoleAdmin), Disabled: ptr(false), Name: ptr("Ada L.")}); err != nil {
			t.Errorf("keeping the last admin an enabled admin: %v", err)
		}
		// Demoting or disabling a disabled admin or a non-admin is fine.
		if _, err := f.svc.UpdateUser(ctx, admin, auth.UserUpdate{ID: off.ID, Role: ptr(auth.RoleViewer)}); err != nil {
			t.Errorf("demote a disabled admin: %v", err)
		}
		if _, err := f.svc.UpdateUser(ctx, admin, auth.UserUpdate{ID: b.ID, Disabled: ptr(true)}); err != nil {
			t.Errorf("disable a scientist: %v", err)
		}
		if _, err := f.svc.UpdateUser(ctx, admin, auth.UserUpdate{ID: b.ID, Disabled: ptr(false), Role: ptr(auth.RoleAdmin)}); err != nil {
			t.Fatalf("enable and promote bob: %v", err)
		}
		// With a second enabled admin, the first may go; then bob is the last.
		if _, err := f.svc.UpdateUser(ctx, admin, auth.UserUpdate{ID: a.ID, Disabled: ptr(true)}); err != nil {
			t.Errorf("disable ada with bob an admin: %v", err)
		}
		_, err = f.svc.UpdateUser(ctx, admin, auth.UserUpdate{ID: b.ID, Role: ptr(auth.RoleViewer)})
		wantInputError(t, err, "role", "last enabled admin")
	})
}

// TestLastAdminConcurrent: two admins demoting each other at the same time
// cannot both succeed (the guard locks the enabled admins).
func TestLastAdminConcurrent(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		for round := range 5 {
			a := f.user(t, "a"+string(rune('0'+round))+"@example.test", auth.RoleAdmin)
			var b *store.User
			if round == 0 {
				b = f.user(t, "b@example.test", auth.RoleAdmin)
			} else {
				// The survivor of the last round is the other admin.
				admins := enabledAdmins(t, f)
				if len(admins) != 2 {
					t.Fatalf("round %d: %d enabled admins, want 2", round, len(admins))
				}
				b = admins[0]
				if b.ID == a.ID {
					b = admins[1]
				}
			}
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, id := range []store.ID{a.ID, b.ID} {
				wg.Go(func() {
					upd := auth.UserUpdate{ID: id, Role: ptr(auth.RoleScientist)}
					if i == 1 {
						upd = auth.UserUpdate{ID: id, Disabled: ptr(true)}
					}
					_, errs[i] = f.svc.UpdateUser(ctx, admin, upd)
				})
			}
			wg.Wait()
			var in *auth.InputError
			if ok := (errs[0] == nil) != (errs[1] == nil); !ok {
				t.Fatalf("round %d: errors %v and %v, want exactly one refusal", round, errs[0], errs[1])
			}
			for _, err := range errs {
				if err != nil && !errors.As(err, &in) {
					t.Fatalf("round %d: refusal %v is not an *auth.InputError", round, err)
				}
			}
			if n := len(enabledAdmins(t, f)); n != 1 {
				t.Fatalf("round %d: %d enabled admins remain, want 1", round, n)
			}
		}
	})
}

func enabledAdmins(t *testing.T, f *fixture) []*store.User {
	t.Helper()
	users, err := f.svc.Users(t.Context(), admin)
	if err != nil {
		t.Fatal(err)
	}
	var out []*store.User
	for _, u := range users {
		if u.Role == auth.RoleAdmin && !u.Disabled() {
			out = append(out, u)
		}
	}
	return out
}

// TestRecheck: a session's and a token's principal hold until the session
// ends, the token is revoked or expires, or the user is disabled; then
// Recheck says unauthenticated.
func TestRecheck(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		f.user(t, "admin@example.test", auth.RoleAdmin)
		u := f.user(t, "sci@example.test", auth.RoleScientist)
		sess, err := f.svc.AuthenticateSession(ctx, f.login(t, u.Email, password))
		if err != nil {
			t.Fatal(err)
		}
		tok, err := f.svc.AuthenticateToken(ctx, f.token(t, u))
		if err != nil {
			t.Fatal(err)
		}
		expiring, secret, err := f.svc.CreateAPIToken(ctx, u, "short-lived", ptr(f.now.Add(time.Hour)))
		if err != nil {
			t.Fatal(err)
		}
		short, err := f.svc.AuthenticateToken(ctx, secret)
		if err != nil || short.Token.ID != expiring.ID {
			t.Fatal(err)
		}
		for name, p := range map[string]*auth.Principal{"session": sess, "token": tok, "expiring token": short} {
			if err := f.svc.Recheck(ctx, p); err != nil {
				t.Errorf("%s: %v, want still valid", name, err)
			}
		}
		if err := f.svc.Recheck(ctx, nil); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("nil principal: %v", err)
		}

		f.now = f.now.Add(2 * time.Hour)
		if err := f.svc.Recheck(ctx, short); !errors.Is(err, auth.ErrUnauthenticated) || !strings.Contains(err.Error(), "expired") {
			t.Errorf("expired token: %v", err)
		}
		if _, err := f.svc.RevokeAPIToken(ctx, u.ID, tok.Token.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Recheck(ctx, tok); !errors.Is(err, auth.ErrUnauthenticated) || !strings.Contains(err.Error(), "revoked") {
			t.Errorf("revoked token: %v", err)
		}
		if err := f.svc.Recheck(ctx, sess); err != nil {
			t.Errorf("session, still open: %v", err)
		}
		if _, err := f.svc.UpdateUser(ctx, admin, auth.UserUpdate{ID: u.ID, Disabled: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Recheck(ctx, sess); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("session of a disabled user: %v", err)
		}
	})
}

// TestUserManagementNeedsAdmin: listing, creating and updating users are
// admin operations, checked by the service itself (RequireRole): a viewer
// or a scientist gets *auth.ForbiddenError naming the operation, roles
// and changing nothing; no actor at all is ErrUnauthenticated.
func TestUserManagementNeedsAdmin(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		target := f.user(t, "target@example.test", auth.RoleViewer)
		ops := []struct {
			name string
			call func(actor *store.User) error
		}{
			{"users", func(actor *store.User) error { _, err := f.svc.Users(ctx, actor); return err }},
			{"createUser", func(actor *store.User) error {
				_, err := f.svc.CreateUser(ctx, actor, auth.NewUser{Email: "new@example.test", Name: "New", Role: auth.RoleAdmin, Password: password})
				return err
			}},
			{"updateUser", func(actor *store.User) error {
				_, err := f.svc.UpdateUser(ctx, actor, auth.UserUpdate{ID: target.ID, Role: ptr(auth.RoleAdmin)})
				return err
			}},
		}
		for _, role := range []auth.Role{auth.RoleViewer, auth.RoleScientist} {
			actor := f.user(t, string(role)+"@example.test", role)
			for _, op := range ops {
				var fe *auth.ForbiddenError
				err := op.call(actor)
				if !errors.As(err, &fe) || !errors.Is(err, auth.ErrForbidden) || fe.Operation != op.name || fe.Need != auth.RoleAdmin || fe.Have != role {
					t.Errorf("%s as %s: error %v, want *auth.ForbiddenError{%s, admin, %s}", op.name, role, err, op.name, role)
				}
				if want := op.name + " requires role ADMIN; you are " + strings.ToUpper(string(role)); err != nil && err.Error() != want {
					t.Errorf("message %q, want %q", err, want)
				}
			}
		}
		for _, op := range ops {
			if err := op.call(nil); !errors.Is(err, auth.ErrUnauthenticated) {
				t.Errorf("%s without an actor: error %v, want ErrUnauthenticated", op.name, err)
			}
		}
		if got, err := f.st.UserByID(ctx, target.ID); err != nil || got.Role != auth.RoleViewer {
			t.Errorf("target after refused updates: %+v, %v; want a viewer still", got, err)
		}
		if users, err := f.svc.Users(ctx, admin); err != nil || len(users) != 3 {
			t.Errorf("users after a refused create: %d (%v), want 3", len(users), err)
		}
	})
}
