package server

import (
	"net"
	"net/http"
	"strings"
)

// originPolicy decides which browser origins may use cookie sessions and
// open websockets: the server's own host, plus Config.AllowedOrigins.
type originPolicy struct {
	allowed    map[string]bool // normalized scheme://host[:port]
	trustProxy bool
}

func newOriginPolicy(origins []string, trustProxy bool) (originPolicy, error) {
	p := originPolicy{allowed: map[string]bool{}, trustProxy: trustProxy}
	for _, o := range origins {
		n, err := normalizeOrigin(o)
		if err != nil {
			return p, err
		}
		p.allowed[n] = true
	}
	return p, nil
}

// check reports whether r's Origin header is acceptable, and the origin. A
// request without Origin is not from a browser page on another site
// (browsers send Origin on every cross-origin request and every POST), so it
// passes; "null" (sandboxed frames, file: pages) does not.
func (p originPolicy) check(r *http.Request) (bool, string) {
	origin := r.Header.Get("Origin")
	if origin == "" {
		// Fetch metadata, when present, still tells a cross-site request.
		return r.Header.Get("Sec-Fetch-Site") != "cross-site", origin
	}
	n, err := normalizeOrigin(origin)
	if err != nil {
		return false, origin
	}
	if p.allowed[n] {
		return true, origin
	}
	// Same host: compare host[:port] with the Host the request was sent to.
	// The scheme is not compared, so a TLS-terminating proxy that does not
	// set X-Forwarded-Proto still works.
	originHost := n[strings.Index(n, "://")+3:]
	return sameHost(originHost, p.requestHost(r), strings.HasPrefix(n, "https")), origin
}

func (p originPolicy) requestHost(r *http.Request) string {
	if p.trustProxy {
		if h := r.Header.Get("X-Forwarded-Host"); h != "" {
			return strings.TrimSpace(strings.Split(h, ",")[0])
		}
	}
	return r.Host
}

// isTLS reports whether the client reached us over TLS (directly, or through
// a trusted proxy that says so).
func (p originPolicy) isTLS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return p.trustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func sameHost(originHost, requestHost string, https bool) bool {
	requestHost = strings.ToLower(requestHost)
	if originHost == requestHost {
		return true
	}
	// The origin drops the default port; the Host header may carry it.
	h, port, err := net.SplitHostPort(requestHost)
	if err != nil {
		return false
	}
	if (port == "80" && !https) || (port == "443" && https) {
		return originHost == h
	}
	return false
}
