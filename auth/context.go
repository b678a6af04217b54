package auth

import (
	"context"
	"errors"
	"net/http"
	"time"

	"activelab/store"
)

type ctxKey int

const (
	principalKey ctxKey = iota
	failureKey
	httpKey
	addrKey
)

// WithClientAddr returns ctx carrying the client's address (an IP, or an
// IPv6 /64 prefix), the key Login throttles per address.
func WithClientAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, addrKey, addr)
}

// ClientAddrFrom returns the client address in ctx, or "" (a command).
func ClientAddrFrom(ctx context.Context) string {
	a, _ := ctx.Value(addrKey).(string)
	return a
}

// Principal is who made a request and how they proved it.
type Principal struct {
	// User is the authenticated user.
	User *store.User
	// Token is the API token used, nil for a session.
	Token *store.APIToken
	// SessionSecret is the session cookie's value, "" for a token.
	SessionSecret string
}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey, p)
}

// PrincipalFrom returns the request's principal, or nil when anonymous.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey).(*Principal)
	return p
}

// UserFrom returns the authenticated user, or nil when anonymous.
func UserFrom(ctx context.Context) *store.User {
	if p := PrincipalFrom(ctx); p != nil {
		return p.User
	}
	return nil
}

// WithFailure records why the credentials a request carried were refused
// (an error wrapping ErrUnauthenticated), so an operation that needs
// authentication can say which: "API token revoked", "session expired"...
func WithFailure(ctx context.Context, err error) context.Context {
	return context.WithValue(ctx, failureKey, err)
}

// Unauthenticated returns the error for an operation that needs a user but
// has none: the recorded failure when credentials were refused, else a
// message saying how to authenticate. It always wraps ErrUnauthenticated.
func Unauthenticated(ctx context.Context) error {
	if err, _ := ctx.Value(failureKey).(error); err != nil {
		return err
	}
	return unauthenticated("send the header \"Authorization: Bearer TOKEN\" with an API token, or log in")
}

// Require returns the user, or Unauthenticated(ctx) when there is none.
func Require(ctx context.Context) (*store.User, error) {
	if u := UserFrom(ctx); u != nil {
		return u, nil
	}
	return nil, Unauthenticated(ctx)
}

// httpExchange lets resolvers set cookies on the HTTP response.
type httpExchange struct {
	w         http.ResponseWriter
	secure    bool
	websocket bool
}

// WithHTTP gives resolvers running under ctx the response writer (for the
// session cookie). secure sets the cookie's Secure flag (the request came
// over TLS). websocket marks a websocket connection, where no cookie can be
// set any more.
func WithHTTP(ctx context.Context, w http.ResponseWriter, secure, websocket bool) context.Context {
	return context.WithValue(ctx, httpKey, &httpExchange{w: w, secure: secure, websocket: websocket})
}

// SessionCookieName is the session cookie's name.
const SessionCookieName = "activelab_session"

// errNoHTTP is returned when a cookie cannot be set.
var errNoHTTP = errors.New("login needs an HTTP request (POST /graphql): a websocket cannot set cookies")

// SetSessionCookie sets the session cookie on the response: HttpOnly,
// SameSite=Lax, Path=/, Secure when the request came over TLS.
func SetSessionCookie(ctx context.Context, secret string, expires time.Time) error {
	x, _ := ctx.Value(httpKey).(*httpExchange)
	if x == nil || x.websocket {
		return &InputError{Message: errNoHTTP.Error()}
	}
	http.SetCookie(x.w, &http.Cookie{
		Name:     SessionCookieName,
		Value:    secret,
		Path:     "/",
		Expires:  expires,
		MaxAge:   int(time.Until(expires).Seconds()),
		HttpOnly: true,
		Secure:   x.secure,
		SameSite: http.SameSiteLaxMode,
	})
	return nil
}

// ClearSessionCookie tells the browser to drop the session cookie.
func ClearSessionCookie(ctx context.Context) {
	x, _ := ctx.Value(httpKey).(*httpExchange)
	if x == nil || x.websocket {
		return
	}
	http.SetCookie(x.w, &http.Cookie{
		Name:     SessionCookieName,
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		Expires:  time.Unix(0, 0),
		HttpOnly: true,
		Secure:   x.secure,
		SameSite: http.SameSiteLaxMode,
	})
}
