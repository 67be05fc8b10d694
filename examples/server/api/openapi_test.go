package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/google/go-cmp/cmp"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
)

// TestOpenAPIJSONIsTheYAML: the served openapi.json is openapi.yaml, the
// document's source, as JSON (go test -run OpenAPIJSON -update rewrites
// it).
func TestOpenAPIJSONIsTheYAML(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	j, err := yaml.YAMLToJSON(src)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, j, "", "  "); err != nil {
		t.Fatal(err)
	}
	out.WriteByte('\n')
	if *update {
		if err := os.WriteFile("openapi.json", out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(out.Bytes(), OpenAPIDocument) {
		t.Errorf("openapi.json is not openapi.yaml: run go test -run OpenAPIJSON -update (-embedded +yaml):\n%s",
			cmp.Diff(string(OpenAPIDocument), out.String()))
	}
}

// TestOpenAPIDocumentIsValid: the document is a valid OpenAPI 3.1 document.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	t.Parallel()
	doc, err := libopenapi.NewDocument(OpenAPIDocument)
	if err != nil {
		t.Fatal(err)
	}
	if v := doc.GetVersion(); !strings.HasPrefix(v, "3.1") {
		t.Errorf("OpenAPI version %q, want 3.1", v)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if ok, errs := v.ValidateDocument(); !ok {
		t.Errorf("the document is not valid:\n%s", describe(errs))
	}
}

// documentOperations lists "METHOD /path" for every operation of the
// document.
func documentOperations(t *testing.T) []string {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPIDocument, &doc); err != nil {
		t.Fatal(err)
	}
	var ops []string
	for path, item := range doc.Paths {
		for method := range item {
			switch method {
			case "get", "put", "post", "delete", "patch", "head", "options":
				ops = append(ops, strings.ToUpper(method)+" "+path)
			}
		}
	}
	slices.Sort(ops)
	return ops
}

// TestRoutesMatchTheDocument: every route of the table is an operation of
// the document and every operation a route, and a request for each
// operation, with its path parameters filled in, is routed to it.
func TestRoutesMatchTheDocument(t *testing.T) {
	t.Parallel()
	a := docAPI()
	routes := a.Patterns()
	slices.Sort(routes)
	if d := cmp.Diff(documentOperations(t), routes); d != "" {
		t.Errorf("the route table and the document differ (-document +routes):\n%s", d)
	}
	sample := strings.NewReplacer("{id}", "0190c2b4-0000-7000-8000-000000000001", "{date}", "2026-03-10")
	for _, op := range documentOperations(t) {
		method, path, _ := strings.Cut(op, " ")
		r, err := http.NewRequest(method, "http://lifeops.test"+sample.Replace(path), nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, pattern := a.mux.Handler(r); pattern != op {
			t.Errorf("%s %s is routed to %q, want %q", method, sample.Replace(path), pattern, op)
		}
	}
}
