package server

import (
	"crypto/subtle"
	"net"
	"net/http"
)

// ContentSecurityPolicy is sent with every response. The app loads only
// its own files; RDKit.js compiles its WebAssembly ('wasm-unsafe-eval')
// and, being Emscripten embind, builds its function invokers with
// `new Function` ('unsafe-eval'); 'unsafe-eval' allows no inline script
// and no script from elsewhere. Inline styles are allowed: the structure
// SVGs RDKit draws carry style attributes. Websockets to the same host
// are 'self' in CSP 3. Nothing may frame the app.
const ContentSecurityPolicy = "default-src 'self'; " +
	"script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'; " +
	"style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; " +
	"font-src 'self' data:; " +
	"connect-src 'self'; " +
	"worker-src 'self' blob:; " +
	"object-src 'none'; " +
	"base-uri 'self'; " +
	"form-action 'self'; " +
	"frame-ancestors 'none'"

// securityHeaders sets the headers every response carries: the CSP, no
// MIME sniffing, no framing (X-Frame-Options for browsers without
// frame-ancestors), no referrer sent to other sites.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// metricsGuard protects /metrics on the main address: with
// Config.MetricsToken it needs "Authorization: Bearer TOKEN"; without, it
// answers loopback clients only (a Prometheus on the same host, or a
// tunnel). On Config.MetricsAddr it is served without this guard: that
// address is meant to be reachable by the scraper only.
func (s *Server) metricsGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok := s.cfg.MetricsToken; tok != "" {
			secret, _, _ := bearerSecret(r.Header.Get("Authorization"))
			if subtle.ConstantTimeCompare([]byte(secret), []byte(tok)) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
				http.Error(w, "metrics need the bearer token of --metrics-token", http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		// Behind a trusted proxy on this host every client looks local.
		if !isLoopback(r.RemoteAddr) || (s.cfg.TrustProxy && r.Header.Get("X-Forwarded-For") != "") {
			http.Error(w, "metrics are served to loopback clients only: set --metrics-token or --metrics-addr", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func isLoopback(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
