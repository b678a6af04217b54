package server

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"

	"activelab/gqlresponse"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// postJSON is gqlgen's transport.POST (a JSON body: query, variables,
// operationName, extensions), the same requests, statuses, content types
// and errors, except for how it writes a response: gqlgen's transport
// json.Marshals the graphql.Response, which re-scans and copies the data
// its executor has already encoded (encoding/json compacts what a
// json.RawMessage holds), about a tenth of the server's CPU on a page of
// 25 queue items (issue 15; BenchmarkLabelQueueFirstPage). postJSON writes
// the data as it is when the response has nothing but data, and marshals
// any other response as gqlgen does.
type postJSON struct{ transport.POST }

var _ graphql.Transport = postJSON{}

// Media types of a response: application/json unless the client accepts
// only application/graphql-response+json (the GraphQL over HTTP draft's
// type, whose errors before execution carry a 4xx status).
const (
	mediaJSON         = "application/json"
	mediaGraphQLJSON  = "application/graphql-response+json"
	contentTypeHeader = "Content-Type"
)

// Do serves one POST request with exec.
func (h postJSON) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	contentType := responseContentType(r)
	w.Header().Set(contentTypeHeader, contentType)
	start := graphql.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeResponse(w, exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf("could not read request body: %+v", err)}))
		return
	}
	var params graphql.RawParams
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&params); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		writeResponse(w, exec.DispatchError(ctx, gqlerror.List{
			gqlerror.Errorf("json request body could not be decoded: %+v body:%s", err, body)}))
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	rc, opErr := exec.CreateOperationContext(ctx, &params)
	if opErr != nil {
		status := http.StatusOK
		if errcode.GetErrorKind(opErr) == errcode.KindProtocol {
			status = http.StatusUnprocessableEntity
			if contentType == mediaGraphQLJSON {
				status = http.StatusBadRequest
			}
		}
		w.WriteHeader(status)
		writeResponse(w, exec.DispatchError(graphql.WithOperationContext(ctx, rc), opErr))
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	writeResponse(w, responses(ctx))
}

// responseContentType is the media type of the response to r, chosen from
// its Accept header as gqlgen's transport.POST chooses it.
func responseContentType(r *http.Request) string {
	accept := r.Header.Get("Accept")
	if accept == "" {
		return mediaJSON
	}
	for part := range strings.SplitSeq(accept, ",") {
		mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mediaType {
		case "*/*", "application/*", mediaJSON:
			return mediaJSON
		case mediaGraphQLJSON:
			return mediaGraphQLJSON
		}
	}
	return mediaGraphQLJSON
}

// writeResponse writes resp as JSON (gqlresponse: a response with only
// data is written around what the executor encoded, without encoding it
// again).
func writeResponse(w io.Writer, resp *graphql.Response) {
	b, err := gqlresponse.Append(make([]byte, 0, gqlresponse.Len(resp)), resp)
	if err != nil {
		// Only data that is not JSON fails, which the executor never
		// writes (gqlgen's transport panics here).
		b = []byte(`{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}],"data":null}`)
	}
	_, _ = w.Write(b)
}
