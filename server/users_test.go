package server

import (
	"net/http"
	"testing"

	"activelab/auth"
	"activelab/store"
)

const (
	createUserMutation = `mutation($in: CreateUserInput!) { createUser(input: $in) { user { id email name role disabled disabledAt } } }`
	updateUserMutation = `mutation($in: UpdateUserInput!) { updateUser(input: $in) { user { id email name role disabled disabledAt } } }`
	loginMutation      = `mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { user { email } } }`
)

type userData struct {
	ID         string  `json:"id"`
	Email      string  `json:"email"`
	Name       string  `json:"name"`
	Role       string  `json:"role"`
	Disabled   bool    `json:"disabled"`
	DisabledAt *string `json:"disabledAt"`
}

// wantInputField fails unless r's first error is BAD_USER_INPUT on field
// with a message containing every fragment.
func wantInputField(t *testing.T, r gqlResponse, field string, fragments ...string) {
	t.Helper()
	wantError(t, r, CodeBadUserInput, fragments...)
	if got := r.Errors[0].Extensions["field"]; got != field {
		t.Errorf("extensions.field = %v, want %q (message %q)", got, field, r.Errors[0].Message)
	}
}

// loginCookie logs in through the API and returns the session cookie header.
func (e *env) loginCookie(email, password string) map[string]string {
	e.t.Helper()
	r := e.post(loginMutation, map[string]any{"e": email, "p": password}, nil)
	wantData(e.t, r, nil)
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == auth.SessionCookieName {
			return map[string]string{"Cookie": c.Name + "=" + c.Value}
		}
	}
	e.t.Fatalf("login set no session cookie: %v", r.header.Values("Set-Cookie"))
	return nil
}

// TestCreateUserMutation: only admins create users; the new user can log
// in at once; bad input is BAD_USER_INPUT naming the field, a taken email
// CONFLICT.
func TestCreateUserMutation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		e := setup(t, open)
		admin := e.token(e.user(store.RoleAdmin))
		in := func(email, name, role, password string) map[string]any {
			return map[string]any{"in": map[string]any{"email": email, "name": name, "role": role, "password": password}}
		}

		for _, role := range []store.Role{store.RoleViewer, store.RoleScientist} {
			wantError(t, e.post(createUserMutation, in("eve@example.test", "Eve", "ADMIN", "correct horse"), bearer(e.token(e.user(role)))),
				CodeForbidden, "createUser requires role ADMIN")
		}
		wantError(t, e.post(createUserMutation, in("eve@example.test", "Eve", "ADMIN", "correct horse"), nil), CodeUnauthenticated)

		var d struct{ CreateUser struct{ User userData } }
		wantData(t, e.post(createUserMutation, in(" Grace@Example.test", " Grace Hopper ", "SCIENTIST", "battery staple"), bearer(admin)), &d)
		got := d.CreateUser.User
		if got.ID == "" || got.Email != "Grace@Example.test" || got.Name != "Grace Hopper" || got.Role != "SCIENTIST" || got.Disabled || got.DisabledAt != nil {
			t.Errorf("createUser = %+v", got)
		}
		var me meData
		wantData(t, e.post(meQuery, nil, e.loginCookie("grace@example.TEST", "battery staple")), &me)
		if me.Me.ID != got.ID || me.Me.Role != "SCIENTIST" {
			t.Errorf("the new user's me = %+v, want id %s SCIENTIST", me.Me, got.ID)
		}

		for _, tc := range []struct {
			name                        string
			email, userName, role, pass string
			field                       string
			fragment                    string
		}{
			{"empty email", "", "Eve", "VIEWER", "correct horse", "email", "email: is empty"},
			{"not an email", "eve.example.test", "Eve", "VIEWER", "correct horse", "email", "is not an email address"},
			{"empty name", "eve@example.test", "  ", "VIEWER", "correct horse", "name", "name: is empty"},
			{"weak password", "eve@example.test", "Eve", "VIEWER", "short", "password", "must be at least 8 characters"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				wantInputField(t, e.post(createUserMutation, in(tc.email, tc.userName, tc.role, tc.pass), bearer(admin)), tc.field, tc.fragment)
			})
		}
		// An unknown role is refused by the schema, before any resolver runs.
		wantError(t, e.post(createUserMutation, in("eve@example.test", "Eve", "OWNER", "correct horse"), bearer(admin)),
			"GRAPHQL_VALIDATION_FAILED", "OWNER is not a valid Role")
		// Emails ignore case.
		wantError(t, e.post(createUserMutation, in("GRACE@example.test", "Other", "VIEWER", "correct horse"), bearer(admin)),
			CodeConflict, `"GRACE@example.test"`, "already exists")

		var list struct {
			Users []userData
		}
		wantData(t, e.post(`{ users { email disabled disabledAt } }`, nil, bearer(admin)), &list)
		if len(list.Users) != 4 { // the admin, a viewer, a scientist and Grace
			t.Errorf("users = %+v, want 4 (refused calls create nothing)", list.Users)
		}
		for _, u := range list.Users {
			if u.Disabled || u.DisabledAt != nil {
				t.Errorf("user %s is disabled", u.Email)
			}
		}
	})
}

// TestUpdateUserMutation: admins change names and roles, disable and enable
// accounts (access ends at once), set passwords (sessions end); unknown ids
// are NOT_FOUND; the last admin cannot lock everyone out.
func TestUpdateUserMutation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		e := setup(t, open)
		adminUser := e.user(store.RoleAdmin)
		admin := e.token(adminUser)
		bob := e.user(store.RoleScientist)
		bobToken := e.token(bob)
		bobSession := e.loginCookie(bob.Email, "correct horse")
		id := func(u *store.User) string { return u.ID.String() }
		update := func(tok string, fields map[string]any) gqlResponse {
			return e.post(updateUserMutation, map[string]any{"in": fields}, bearer(tok))
		}
		var d struct{ UpdateUser struct{ User userData } }

		wantError(t, update(bobToken, map[string]any{"id": id(bob), "role": "ADMIN"}), CodeForbidden, "updateUser requires role ADMIN")

		// Name and role.
		wantData(t, update(admin, map[string]any{"id": id(bob), "name": "Robert", "role": "VIEWER"}), &d)
		if u := d.UpdateUser.User; u.Name != "Robert" || u.Role != "VIEWER" || u.Email != bob.Email || u.Disabled {
			t.Errorf("updateUser(name, role) = %+v", u)
		}
		var me meData
		wantData(t, e.post(meQuery, nil, bearer(bobToken)), &me)
		if me.Me.Role != "VIEWER" {
			t.Errorf("bob's role after the update = %s, want VIEWER", me.Me.Role)
		}
		wantError(t, e.post(`{ users { id } }`, nil, bearer(bobToken)), CodeForbidden)

		// Disabling ends access at once, token and session; login is refused.
		wantData(t, update(admin, map[string]any{"id": id(bob), "disabled": true}), &d)
		if u := d.UpdateUser.User; !u.Disabled || u.DisabledAt == nil {
			t.Errorf("updateUser(disabled: true) = %+v", u)
		}
		wantError(t, e.post(meQuery, nil, bearer(bobToken)), CodeUnauthenticated, "disabled")
		wantError(t, e.post(meQuery, nil, bobSession), CodeUnauthenticated)
		wantError(t, e.post(loginMutation, map[string]any{"e": bob.Email, "p": "correct horse"}, nil), CodeUnauthenticated, "invalid email or password")
		var list struct{ Users []userData }
		wantData(t, e.post(`{ users { email disabled disabledAt } }`, nil, bearer(admin)), &list)
		for _, u := range list.Users {
			if want := u.Email == bob.Email; u.Disabled != want || (u.DisabledAt != nil) != want {
				t.Errorf("users: %+v, want disabled %v", u, want)
			}
		}

		// Enabling brings the token back; the browser logs in again.
		wantData(t, update(admin, map[string]any{"id": id(bob), "disabled": false}), &d)
		if u := d.UpdateUser.User; u.Disabled || u.DisabledAt != nil {
			t.Errorf("updateUser(disabled: false) = %+v", u)
		}
		wantData(t, e.post(meQuery, nil, bearer(bobToken)), nil)
		wantError(t, e.post(meQuery, nil, bobSession), CodeUnauthenticated, "log in again")
		bobSession = e.loginCookie(bob.Email, "correct horse")

		// A new password ends the sessions; the new password logs in.
		wantInputField(t, update(admin, map[string]any{"id": id(bob), "password": "short"}), "password", "at least 8 characters")
		wantData(t, update(admin, map[string]any{"id": id(bob), "password": "battery staple"}), nil)
		wantError(t, e.post(meQuery, nil, bobSession), CodeUnauthenticated, "session")
		wantError(t, e.post(loginMutation, map[string]any{"e": bob.Email, "p": "correct horse"}, nil), CodeUnauthenticated)
		wantData(t, e.post(meQuery, nil, e.loginCookie(bob.Email, "battery staple")), nil)
		// Without revokeApiTokens bob's token survived the change; with it,
		// it is revoked.
		wantData(t, e.post(meQuery, nil, bearer(bobToken)), nil)
		wantData(t, update(admin, map[string]any{"id": id(bob), "password": "correct horse battery", "revokeApiTokens": true}), nil)
		wantError(t, e.post(meQuery, nil, bearer(bobToken)), CodeUnauthenticated)
		bobToken = e.token(bob)

		// Bad input and unknown users.
		wantInputField(t, update(admin, map[string]any{"id": id(bob), "name": " "}), "name", "name: is empty")
		wantError(t, update(admin, map[string]any{"id": unknownUUID, "name": "Nobody"}), CodeNotFound, "user "+unknownUUID)
		wantInputField(t, update(admin, map[string]any{"id": "abc"}), "id", "abc", "UUID")
		// The integer ids of older builds are not ids any more, in an input
		// object or as an argument.
		wantInputField(t, update(admin, map[string]any{"id": "1"}), "id", `"1"`, "UUID")
		wantInputField(t, e.post(`{ model(id: "1") { id } }`, nil, bearer(admin)), "id", "UUID")
		wantInputField(t, e.post(`{ importJob(id: "x") { id } }`, nil, bearer(admin)), "id", "job id")

		// The last enabled admin can neither demote nor disable themselves.
		wantInputField(t, update(admin, map[string]any{"id": id(adminUser), "role": "SCIENTIST"}), "role", "last enabled admin", "make another user an admin first")
		wantInputField(t, update(admin, map[string]any{"id": id(adminUser), "disabled": true}), "disabled", "last enabled admin")
		wantData(t, e.post(`{ users { id } }`, nil, bearer(admin)), nil)
		// Once bob is an admin, the first admin may step down; then bob is the last.
		wantData(t, update(admin, map[string]any{"id": id(bob), "role": "ADMIN"}), nil)
		wantData(t, update(admin, map[string]any{"id": id(adminUser), "role": "VIEWER"}), nil)
		wantError(t, update(admin, map[string]any{"id": id(bob), "role": "VIEWER"}), CodeForbidden, "you are VIEWER")
		wantInputField(t, update(bobToken, map[string]any{"id": id(bob), "disabled": true}), "disabled", "last enabled admin")
	})
}
