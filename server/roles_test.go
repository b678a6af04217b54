package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"activelab/graph"
	"activelab/ident"
	"activelab/store"

	"github.com/vektah/gqlparser/v2/ast"
)

// TestSchemaRolesEnforcedByService walks every field of the schema marked
// @hasRole(role: R) and calls it over GraphQL as a user of each role below
// R, with made-up arguments: each call must be FORBIDDEN by the service's
// role check (auth.RequireRole, whose error alone carries
// extensions.requiredRole; the directive only authenticates), naming the
// field as the operation and R as the role. So the role the schema
// documents is the role the service enforces, for every field, and a new
// field whose service forgets its check fails here.
func TestSchemaRolesEnforcedByService(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{}}).Schema()
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		tokens := map[store.Role]string{store.RoleViewer: a.vwT, store.RoleScientist: a.sciT}
		checked := 0
		for _, def := range schema.Types {
			for _, f := range def.Fields {
				d := f.Directives.ForName("hasRole")
				if d == nil {
					continue
				}
				need := store.Role(strings.ToLower(d.Arguments.ForName("role").Value.Raw))
				var below []store.Role
				switch need {
				case store.RoleViewer:
					continue // every signed-in user
				case store.RoleScientist:
					below = []store.Role{store.RoleViewer}
				case store.RoleAdmin:
					below = []store.Role{store.RoleViewer, store.RoleScientist}
				default:
					t.Fatalf("%s.%s: unknown role %q", def.Name, f.Name, need)
				}
				var kind string
				switch def {
				case schema.Query:
					kind = "query"
				case schema.Mutation:
					kind = "mutation"
				default:
					t.Errorf("%s.%s has @hasRole(role: %s): only Query and Mutation fields are checked here; extend this test",
						def.Name, f.Name, strings.ToUpper(string(need)))
					continue
				}
				op := rootOperation(t, schema, kind, f)
				for _, role := range below {
					t.Run(f.Name+"/"+string(role), func(t *testing.T) {
						r := op.send(t, a.env, tokens[role])
						wantError(t, r, CodeForbidden,
							fmt.Sprintf("%s requires role %s; you are %s", f.Name, strings.ToUpper(string(need)), strings.ToUpper(string(role))))
						ext := r.Errors[0].Extensions
						if ext["requiredRole"] != strings.ToUpper(string(need)) || ext["operation"] != f.Name {
							t.Errorf("extensions %v: want the service's role check for operation %s", ext, f.Name)
						}
					})
					checked++
				}
			}
		}
		// Today: 16 SCIENTIST fields (once each) and 9 ADMIN ones (twice).
		if checked < 30 {
			t.Errorf("checked %d calls; the schema's @hasRole fields were not found", checked)
		}
	})
}

// rootOp is one made-up call of a root field: the operation, its
// variables, and the files it uploads (variable path to content).
type rootOp struct {
	query string
	vars  map[string]any
	files map[string]string
}

// rootOperation builds a call of root field f with every required
// argument made up from its type (argument values are not the point: the
// role check comes first in every service method).
func rootOperation(t *testing.T, schema *ast.Schema, kind string, f *ast.FieldDefinition) *rootOp {
	t.Helper()
	op := &rootOp{vars: map[string]any{}, files: map[string]string{}}
	var decls, args []string
	for i, arg := range f.Arguments {
		if !arg.Type.NonNull || arg.DefaultValue != nil {
			continue
		}
		name := fmt.Sprintf("a%d", i)
		decls = append(decls, fmt.Sprintf("$%s: %s", name, arg.Type.String()))
		args = append(args, fmt.Sprintf("%s: $%s", arg.Name, name))
		op.vars[name] = op.value(t, schema, arg.Type, "variables."+name)
	}
	q := kind
	if len(decls) > 0 {
		q += "(" + strings.Join(decls, ", ") + ")"
	}
	q += " { " + f.Name
	if len(args) > 0 {
		q += "(" + strings.Join(args, ", ") + ")"
	}
	if def := schema.Types[f.Type.Name()]; def != nil && (def.Kind == ast.Object || def.Kind == ast.Interface || def.Kind == ast.Union) {
		q += " { __typename }"
	}
	op.query = q + " }"
	return op
}

// value makes up a value of type typ at variable path path.
func (op *rootOp) value(t *testing.T, schema *ast.Schema, typ *ast.Type, path string) any {
	t.Helper()
	if typ.Elem != nil {
		return []any{op.value(t, schema, typ.Elem, path+".0")}
	}
	def := schema.Types[typ.NamedType]
	switch {
	case def == nil:
		t.Fatalf("%s: unknown type %s", path, typ.NamedType)
	case def.Kind == ast.Enum:
		return def.EnumValues[0].Name
	case def.Kind == ast.InputObject:
		obj := map[string]any{}
		for _, f := range def.Fields {
			if f.Type.NonNull && f.DefaultValue == nil {
				obj[f.Name] = op.value(t, schema, f.Type, path+"."+f.Name)
			}
		}
		return obj
	}
	switch typ.NamedType {
	case "ID":
		return ident.New().String()
	case "String":
		return "x"
	case "Int":
		return 1
	case "Float":
		return 1.0
	case "Boolean":
		return false
	case "JobID":
		return "1"
	case "Time":
		return "2026-01-01T00:00:00Z"
	case "Upload":
		// A file no reader takes: the service checks the role before it
		// reads the file.
		op.files[path] = "not,a,table,of,compounds\n"
		return nil
	}
	t.Fatalf("%s: make up a value of scalar %s in this test", path, typ.NamedType)
	return nil
}

// send posts the operation with tok: as JSON, or as a GraphQL multipart
// request when it uploads files.
func (op *rootOp) send(t *testing.T, e *env, tok string) gqlResponse {
	t.Helper()
	if len(op.files) == 0 {
		return e.post(op.query, op.vars, bearer(tok))
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	ops, _ := json.Marshal(map[string]any{"query": op.query, "variables": op.vars})
	_ = mw.WriteField("operations", string(ops))
	files := map[string][]string{}
	var order []string
	for path := range op.files {
		key := fmt.Sprint(len(order))
		files[key] = []string{path}
		order = append(order, path)
	}
	m, _ := json.Marshal(files)
	_ = mw.WriteField("map", string(m))
	for i, path := range order {
		fw, _ := mw.CreateFormFile(fmt.Sprint(i), "roles.csv")
		_, _ = fw.Write([]byte(op.files[path]))
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/graphql", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+tok)
	return e.do(req)
}
