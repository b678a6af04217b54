package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"activelab/auth"
	"activelab/store"
)

const meQuery = `{ me { id email name role } }`

type meData struct {
	Me struct {
		ID    string `json:"id"`
		Email string `json:"email"`
		Role  string `json:"role"`
	} `json:"me"`
}

func TestMeWithToken(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		e := setup(t, open)
		u := e.user(store.RoleScientist)
		tok := e.token(u)

		var d meData
		wantData(t, e.post(meQuery, nil, bearer(tok)), &d)
		if d.Me.Email != u.Email || d.Me.Role != "SCIENTIST" {
			t.Errorf("me = %+v, want %s SCIENTIST", d.Me, u.Email)
		}

		wantError(t, e.post(meQuery, nil, nil), CodeUnauthenticated, "Bearer")
		wantError(t, e.post(meQuery, nil, bearer("al_"+strings.Repeat("x", 43))), CodeUnauthenticated, "unknown API token")
		wantError(t, e.post(meQuery, nil, bearer("nonsense")), CodeUnauthenticated, "malformed API token")
		wantError(t, e.post(meQuery, nil, map[string]string{"Authorization": "Basic Zm9vOmJhcg=="}), CodeUnauthenticated, "Bearer TOKEN")
	})
}

func TestRevokedAndExpiredTokens(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		e := setup(t, open)
		u := e.user(store.RoleViewer)
		tok := e.token(u)

		var created struct {
			CreateAPIToken struct {
				Token struct {
					ID     string `json:"id"`
					Prefix string `json:"prefix"`
				} `json:"token"`
				Secret string `json:"secret"`
			} `json:"createApiToken"`
		}
		// A token cannot mint tokens (issue 12): a leaked one would give
		// lasting access. The signed-in session can.
		wantError(t, e.post(`mutation { createApiToken(input: {name: "child"}) { secret } }`, nil, bearer(tok)),
			CodeForbidden, "signed-in session")
		session := e.loginCookie(u.Email, "correct horse")
		wantData(t, e.post(`mutation { createApiToken(input: {name: "notebook"}) { token { id prefix } secret } }`, nil, session), &created)
		second := created.CreateAPIToken.Secret
		if !strings.HasPrefix(second, "al_") || !strings.HasPrefix(second, created.CreateAPIToken.Token.Prefix) {
			t.Fatalf("secret %q, prefix %q", second, created.CreateAPIToken.Token.Prefix)
		}
		wantData(t, e.post(meQuery, nil, bearer(second)), nil)

		var listed struct {
			APITokens []struct {
				Name      string  `json:"name"`
				RevokedAt *string `json:"revokedAt"`
			} `json:"apiTokens"`
		}
		wantData(t, e.post(`{ apiTokens { name revokedAt } }`, nil, bearer(tok)), &listed)
		if len(listed.APITokens) != 2 || listed.APITokens[0].Name != "notebook" {
			t.Fatalf("apiTokens = %+v, want notebook first of 2", listed.APITokens)
		}

		wantData(t, e.post(`mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }`,
			map[string]any{"id": created.CreateAPIToken.Token.ID}, bearer(tok)), nil)
		wantError(t, e.post(meQuery, nil, bearer(second)), CodeUnauthenticated, "revoked")

		// Someone else's token is not found.
		other := e.user(store.RoleAdmin)
		otherTok := e.token(other)
		wantError(t, e.post(`mutation($id: ID!) { revokeApiToken(id: $id) { id } }`,
			map[string]any{"id": created.CreateAPIToken.Token.ID}, bearer(otherTok)), CodeNotFound)
		wantError(t, e.post(`mutation { revokeApiToken(id: "abc") { id } }`, nil, bearer(otherTok)), CodeBadUserInput, "abc")

		// Expired: insert a token whose expiry has passed.
		secret, prefix, hash, err := auth.NewAPIToken()
		if err != nil {
			t.Fatal(err)
		}
		past := time.Now().Add(-time.Hour)
		if err := e.st.CreateAPIToken(context.Background(), &store.APIToken{UserID: u.ID, Name: "old", Prefix: prefix, Hash: hash, ExpiresAt: &past}); err != nil {
			t.Fatal(err)
		}
		wantError(t, e.post(meQuery, nil, bearer(secret)), CodeUnauthenticated, "expired")

		// A past expiry is refused at creation.
		wantError(t, e.post(`mutation { createApiToken(input: {name: "x", expiresAt: "2001-01-01T00:00:00Z"}) { secret } }`, nil, session),
			CodeBadUserInput, "expiresAt")
	})
}

func TestLoginCookieLogout(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		e := setup(t, open)
		u := e.user(store.RoleScientist)
		login := `mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { user { email } expiresAt } }`

		wantError(t, e.post(login, map[string]any{"e": u.Email, "p": "wrong password"}, nil), CodeUnauthenticated, "invalid email or password")
		wantError(t, e.post(login, map[string]any{"e": "nobody@example.test", "p": "correct horse"}, nil), CodeUnauthenticated, "invalid email or password")

		r := e.post(login, map[string]any{"e": strings.ToUpper(u.Email), "p": "correct horse"}, map[string]string{"Origin": e.ts.URL})
		wantData(t, r, nil)
		var cookie *http.Cookie
		for _, c := range (&http.Response{Header: r.header}).Cookies() {
			if c.Name == auth.SessionCookieName {
				cookie = c
			}
		}
		if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Secure || cookie.MaxAge <= 0 {
			t.Fatalf("session cookie = %+v, want HttpOnly SameSite=Lax, not Secure over plain HTTP, with a lifetime", cookie)
		}
		withCookie := func(h map[string]string) map[string]string {
			if h == nil {
				h = map[string]string{}
			}
			h["Cookie"] = cookie.Name + "=" + cookie.Value
			return h
		}

		var d meData
		wantData(t, e.post(meQuery, nil, withCookie(map[string]string{"Origin": e.ts.URL})), &d)
		if d.Me.Email != u.Email {
			t.Errorf("me = %q, want %q", d.Me.Email, u.Email)
		}
		// No Origin (curl): fine. An allowed origin: fine.
		wantData(t, e.post(meQuery, nil, withCookie(nil)), nil)
		wantData(t, e.post(meQuery, nil, withCookie(map[string]string{"Origin": "http://localhost:5173"})), nil)

		// Cross-origin cookie POST: refused before anything runs.
		r = e.post(meQuery, nil, withCookie(map[string]string{"Origin": "https://evil.example"}))
		if r.status != http.StatusForbidden {
			t.Errorf("cross-origin cookie POST: status %d, want 403", r.status)
		}
		wantError(t, r, CodeForbidden, "evil.example")
		r = e.post(meQuery, nil, withCookie(map[string]string{"Sec-Fetch-Site": "cross-site"}))
		wantError(t, r, CodeForbidden)
		// Login from another site is refused too (login CSRF).
		r = e.post(login, map[string]any{"e": u.Email, "p": "correct horse"}, map[string]string{"Origin": "https://evil.example"})
		wantError(t, r, CodeForbidden)
		// A Bearer request is exempt: a token is not sent by browsers on their own.
		wantData(t, e.post(meQuery, nil, map[string]string{"Origin": "https://evil.example", "Authorization": "Bearer " + e.token(u)}), nil)

		var out struct{ Logout bool }
		r = e.post(`mutation { logout }`, nil, withCookie(nil))
		wantData(t, r, &out)
		if !out.Logout {
			t.Error("logout = false, want true")
		}
		cleared := false
		for _, c := range (&http.Response{Header: r.header}).Cookies() {
			cleared = cleared || (c.Name == auth.SessionCookieName && c.MaxAge < 0)
		}
		if !cleared {
			t.Errorf("logout did not clear the cookie: %v", r.header.Values("Set-Cookie"))
		}
		wantError(t, e.post(meQuery, nil, withCookie(nil)), CodeUnauthenticated, "session")
	})
}

func TestSessionExpires(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		now := time.Now()
		e := setup(t, open, func(c *Config, o *Options) {
			c.SessionTTL = time.Hour
			o.Now = func() time.Time { return now }
		})
		u := e.user(store.RoleViewer)
		res, err := e.srv.Auth().Login(context.Background(), u.Email, "correct horse")
		if err != nil {
			t.Fatal(err)
		}
		cookie := map[string]string{"Cookie": auth.SessionCookieName + "=" + res.Secret}
		wantData(t, e.post(meQuery, nil, cookie), nil)
		now = now.Add(2 * time.Hour)
		wantError(t, e.post(meQuery, nil, cookie), CodeUnauthenticated, "session expired")
	})
}

// TestRoles checks the roles on an ADMIN field (users) and a SCIENTIST
// field (importCompounds, an upload), and that VIEWER fields are open to all.
func TestRoles(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		e := setupRuntime(t, open).env
		for _, tc := range []struct {
			role             store.Role
			admin, scientist bool
		}{
			{store.RoleViewer, false, false},
			{store.RoleScientist, false, true},
			{store.RoleAdmin, true, true},
		} {
			t.Run(string(tc.role), func(t *testing.T) {
				tok := e.token(e.user(tc.role))
				r := e.post(`{ users { email role } }`, nil, bearer(tok))
				if tc.admin {
					wantData(t, r, nil)
				} else {
					wantError(t, r, CodeForbidden, "users requires role ADMIN")
				}
				r = e.upload(tok, "hello.csv", "smiles,value\nCCO,1\n")
				if tc.scientist {
					var d uploadData
					wantData(t, r, &d)
					if d.ImportCompounds.Rows != 1 || d.ImportCompounds.Set.Name != "uploads" {
						t.Errorf("importCompounds = %+v", d.ImportCompounds)
					}
				} else {
					wantError(t, r, CodeForbidden, "importCompounds requires role SCIENTIST")
				}
				wantData(t, e.post(meQuery, nil, bearer(tok)), nil)
			})
		}
		// Anonymous callers get UNAUTHENTICATED, not FORBIDDEN.
		wantError(t, e.post(`{ users { email } }`, nil, nil), CodeUnauthenticated)
	})
}

// TestAuthGateFragments: the gate looks through fragments, so a fragment
// can neither hide a private field nor block login.
func TestAuthGateFragments(t *testing.T) {
	e := setup(t, openSQLite)
	wantError(t, e.post(`{ ... on Query { me { id } } }`, nil, nil), CodeUnauthenticated)
	wantError(t, e.post(`query { ...F } fragment F on Query { me { id } }`, nil, nil), CodeUnauthenticated)
	wantError(t, e.post(`mutation { ...L } fragment L on Mutation { login(input: {email: "a@b.c", password: "x"}) { expiresAt } }`, nil, nil),
		CodeUnauthenticated, "invalid email or password")
	wantError(t, e.post(`mutation { login(input: {email: "a@b.c", password: "x"}) { expiresAt } logout }`, nil, nil),
		CodeUnauthenticated, "send the header")
}

// TestCredentialLookupFailures: a client that leaves while its session is
// looked up is answered 499 and logged at info, not as a server error; a
// database that fails is a 500 logged as an error.
func TestCredentialLookupFailures(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		e := setup(t, open)
		u := e.user(store.RoleViewer)
		res, err := e.srv.Auth().Login(context.Background(), u.Email, "correct horse")
		if err != nil {
			t.Fatal(err)
		}
		request := func(ctx context.Context, header, value string) *httptest.ResponseRecorder {
			req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ me { id } }"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(header, value)
			rec := httptest.NewRecorder()
			e.srv.Handler().ServeHTTP(rec, req)
			return rec
		}
		gone, cancel := context.WithCancel(context.Background())
		cancel()
		for _, c := range []struct{ header, value string }{
			{"Cookie", auth.SessionCookieName + "=" + res.Secret},
			{"Authorization", "Bearer " + e.token(u)},
		} {
			if rec := request(gone, c.header, c.value); rec.Code != StatusClientClosedRequest {
				t.Errorf("%s, client gone: status %d, want %d", c.header, rec.Code, StatusClientClosedRequest)
			}
		}
		if logs := e.log.String(); strings.Contains(logs, `"level":"ERROR"`) || !strings.Contains(logs, "authenticate session: the client left") {
			t.Errorf("a client that left is logged at info, not as an error; logs:\n%s", logs)
		}

		if err := e.st.Close(); err != nil {
			t.Fatal(err)
		}
		rec := request(context.Background(), "Cookie", auth.SessionCookieName+"="+res.Secret)
		if rec.Code != http.StatusInternalServerError || !strings.Contains(e.log.String(), `"level":"ERROR","msg":"authenticate session"`) {
			t.Errorf("database closed: status %d, want 500 logged as an error; logs:\n%s", rec.Code, e.log.String())
		}
	})
}
