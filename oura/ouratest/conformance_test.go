package ouratest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/oura/ouratest"
)

// specPath is Oura's OpenAPI document, kept beside the repository.
var specPath = filepath.Join("..", "..", "..", "shared", "oura", "openapi.json")

// loadSpec reads the OpenAPI document, or skips the test when it is absent
// (as on a user's clone).
func loadSpec(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile(specPath)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("Oura's OpenAPI document is not at %s; the conformance test needs it", specPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	var spec map[string]any
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatalf("%s: %v", specPath, err)
	}
	return spec
}

// schemaChecker checks JSON values against the schemas of an OpenAPI
// document, strictly: every property the schema names present, no property
// it does not name, types, enums and the date and time formats.
type schemaChecker struct {
	schemas map[string]any
}

func newSchemaChecker(spec map[string]any) *schemaChecker {
	return &schemaChecker{schemas: spec["components"].(map[string]any)["schemas"].(map[string]any)}
}

// check returns the problems of val against schema, each prefixed by where.
func (c *schemaChecker) check(where string, schema map[string]any, val any) []string {
	if ref, ok := schema["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		target, ok := c.schemas[name].(map[string]any)
		if !ok {
			return []string{where + ": unresolved " + ref}
		}
		if errs := c.check(where, target, val); len(errs) > 0 {
			return errs
		}
		if s, ok := val.(string); ok {
			if msg := formatProblem(name, s); msg != "" {
				return []string{fmt.Sprintf("%s: %q is not a %s: %s", where, s, name, msg)}
			}
		}
		return nil
	}
	if alts, ok := schema["anyOf"].([]any); ok {
		var all []string
		for _, a := range alts {
			errs := c.check(where, a.(map[string]any), val)
			if len(errs) == 0 {
				return nil
			}
			all = append(all, errs...)
		}
		return []string{fmt.Sprintf("%s: matches no alternative: %s", where, strings.Join(all, "; "))}
	}
	var errs []string
	switch typ, _ := schema["type"].(string); typ {
	case "object":
		obj, ok := val.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %T is not an object", where, val)}
		}
		props, _ := schema["properties"].(map[string]any)
		// Oura sends every property, null when it has no value, so every
		// property the schema names must be there, not only the required.
		for _, k := range sortedKeys(props) {
			if _, ok := obj[k]; !ok {
				errs = append(errs, fmt.Sprintf("%s: property %q missing", where, k))
			}
		}
		open, _ := schema["additionalProperties"].(bool)
		for _, k := range sortedKeys(obj) {
			p, known := props[k].(map[string]any)
			if !known {
				if !open {
					errs = append(errs, fmt.Sprintf("%s: property %q is not in the schema", where, k))
				}
				continue
			}
			errs = append(errs, c.check(where+"."+k, p, obj[k])...)
		}
	case "array":
		arr, ok := val.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %T is not an array", where, val)}
		}
		if items, ok := schema["items"].(map[string]any); ok {
			for i, it := range arr {
				errs = append(errs, c.check(fmt.Sprintf("%s[%d]", where, i), items, it)...)
			}
		}
	case "string":
		s, ok := val.(string)
		if !ok {
			return []string{fmt.Sprintf("%s: %T is not a string", where, val)}
		}
		if n, ok := schema["minLength"].(float64); ok && len(s) < int(n) {
			errs = append(errs, fmt.Sprintf("%s: %q is shorter than %v", where, s, n))
		}
		switch schema["format"] {
		case "date":
			if _, err := civil.ParseDate(s); err != nil {
				errs = append(errs, fmt.Sprintf("%s: %q is not a date", where, s))
			}
		case "date-time":
			if _, err := time.Parse(time.RFC3339, s); err != nil {
				errs = append(errs, fmt.Sprintf("%s: %q is not a date-time", where, s))
			}
		}
	case "integer":
		n, ok := val.(json.Number)
		if !ok || strings.ContainsAny(n.String(), ".eE") {
			return []string{fmt.Sprintf("%s: %v is not an integer", where, val)}
		}
	case "number":
		if _, ok := val.(json.Number); !ok {
			return []string{fmt.Sprintf("%s: %v is not a number", where, val)}
		}
	case "boolean":
		if _, ok := val.(bool); !ok {
			return []string{fmt.Sprintf("%s: %v is not a boolean", where, val)}
		}
	case "null":
		if val != nil {
			return []string{fmt.Sprintf("%s: %v is not null", where, val)}
		}
	case "":
	default:
		return []string{fmt.Sprintf("%s: schema type %q unknown to the checker", where, typ)}
	}
	if enum := anySlice(schema["enum"]); enum != nil && !slices.Contains(enum, val) {
		errs = append(errs, fmt.Sprintf("%s: %v is not one of %v", where, val, enum))
	}
	return errs
}

// formatProblem checks the string formats Oura names by schema: it returns
// "" when s fits.
func formatProblem(name, s string) string {
	switch name {
	case "ISODate":
		if _, err := civil.ParseDate(s); err != nil {
			return err.Error()
		}
	case "LocalizedDateTime":
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return err.Error()
		}
		if strings.HasSuffix(s, "Z") || t.IsZero() {
			return "want a local time with its offset"
		}
	case "UtcDateTime":
		if _, err := time.Parse(time.RFC3339, s); err != nil || !strings.HasSuffix(s, "+00:00") {
			return "want UTC with +00:00"
		}
	case "LocalDateTime":
		if _, err := time.Parse("2006-01-02T15:04:05", s); err != nil {
			return "want a date and time without an offset"
		}
	}
	return ""
}

func anySlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func decodeNumbers(t testing.TB, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %.200s: %v", b, err)
	}
	return v
}

// responseSchema is the typed schema of a route's success answer: the first
// $ref of an anyOf when the spec offers a typed and an untyped one.
func responseSchema(op map[string]any, status string) map[string]any {
	r := op["responses"].(map[string]any)[status].(map[string]any)
	content, ok := r["content"].(map[string]any)
	if !ok {
		return nil
	}
	s := content["application/json"].(map[string]any)["schema"].(map[string]any)
	if alts, ok := s["anyOf"].([]any); ok {
		return alts[0].(map[string]any)
	}
	return s
}

func TestServedDocumentsMatchTheOpenAPISchemas(t *testing.T) {
	t.Parallel()
	spec := loadSpec(t)
	checker := newSchemaChecker(spec)
	s := start(t, ouratest.WithPageSize(100000), ouratest.WithSamplePageSize(100000),
		ouratest.WithUser(ouratest.User{ID: "ann", Token: "ann", Email: "ann@example.com", Location: mustLoad(t, "Europe/Berlin"), Since: civil.D(2023, 11, 1)}))
	paths := spec["paths"].(map[string]any)
	var names []string
	for p := range paths {
		names = append(names, p)
	}
	sort.Strings(names)
	ids := map[string]string{} // first document id of each list path
	checked := 0
	for _, p := range names {
		op, ok := paths[p].(map[string]any)["get"].(map[string]any)
		if !ok || strings.HasPrefix(p, "/v2/webhook/") || strings.Contains(p, "{") {
			continue
		}
		query := "?start_date=2024-04-01&end_date=2024-06-30"
		if strings.HasSuffix(p, "rest_mode_period") { // a period every few months
			query = "?start_date=2023-01-01&end_date=2024-06-30"
		}
		if strings.HasSuffix(p, "heartrate") || strings.HasSuffix(p, "ring_battery_level") {
			query = "?start_datetime=2024-03-30T00:00:00Z&end_datetime=2024-04-02T00:00:00Z"
		}
		body := mustGet(t, s, "ann", p+query)
		v := decodeNumbers(t, body)
		for _, e := range checker.check(p, responseSchema(op, "200"), v) {
			t.Error(e)
		}
		if m, ok := v.(map[string]any); ok && m["data"] != nil {
			data := m["data"].([]any)
			if len(data) == 0 {
				t.Errorf("%s: no documents to check", p)
				continue
			}
			if id, ok := data[0].(map[string]any)["id"].(string); ok {
				ids[p] = id
			}
			checked += len(data)
		} else {
			checked++
		}
	}
	for _, p := range names {
		op, ok := paths[p].(map[string]any)["get"].(map[string]any)
		if !ok || !strings.HasSuffix(p, "/{document_id}") {
			continue
		}
		list := strings.TrimSuffix(p, "/{document_id}")
		id, ok := ids[list]
		if !ok {
			t.Errorf("%s: no document id from %s", p, list)
			continue
		}
		v := decodeNumbers(t, mustGet(t, s, "ann", list+"/"+id))
		for _, e := range checker.check(p, responseSchema(op, "200"), v) {
			t.Error(e)
		}
		checked++
	}
	if checked < 2000 {
		t.Errorf("only %d documents checked", checked)
	}
}

func TestWebhookAnswersMatchTheOpenAPISchemas(t *testing.T) {
	t.Parallel()
	spec := loadSpec(t)
	checker := newSchemaChecker(spec)
	s := start(t, ouratest.WithoutWebhookVerification())
	paths := spec["paths"].(map[string]any)
	op := func(path, method string) map[string]any {
		return paths[path].(map[string]any)[method].(map[string]any)
	}
	created := clientCall(t, s, http.MethodPost, "/v2/webhook/subscription",
		`{"callback_url":"https://example.com/hook","verification_token":"v","event_type":"create","data_type":"sleep"}`, http.StatusCreated)
	for _, e := range checker.check("POST subscription", responseSchema(op("/v2/webhook/subscription", "post"), "201"), decodeNumbers(t, created)) {
		t.Error(e)
	}
	id := decodeObject(t, created)["id"].(string)
	calls := []struct {
		method, path, specPath, body string
	}{
		{http.MethodGet, "/v2/webhook/subscription", "/v2/webhook/subscription", ""},
		{http.MethodGet, "/v2/webhook/subscription/" + id, "/v2/webhook/subscription/{id}", ""},
		{http.MethodPut, "/v2/webhook/subscription/" + id, "/v2/webhook/subscription/{id}", `{"verification_token":"v","data_type":"workout"}`},
		{http.MethodPut, "/v2/webhook/subscription/renew/" + id, "/v2/webhook/subscription/renew/{id}", ""},
	}
	for _, c := range calls {
		body := clientCall(t, s, c.method, c.path, c.body, http.StatusOK)
		for _, e := range checker.check(c.method+" "+c.specPath, responseSchema(op(c.specPath, strings.ToLower(c.method)), "200"), decodeNumbers(t, body)) {
			t.Error(e)
		}
	}
	clientCall(t, s, http.MethodDelete, "/v2/webhook/subscription/"+id, "", http.StatusNoContent)
}

func TestSchemaCheckerFindsProblems(t *testing.T) {
	t.Parallel()
	spec := loadSpec(t)
	checker := newSchemaChecker(spec)
	ref := map[string]any{"$ref": "#/components/schemas/PublicDailySleep"}
	contributors := `{"deep_sleep":1,"efficiency":null,"latency":3,"rem_sleep":4,"restfulness":5,"timing":6,"total_sleep":7}`
	good := `{"id":"x","contributors":` + contributors + `,"day":"2024-01-01","score":null,"timestamp":"2024-01-01T00:00:00+02:00"}`
	if errs := checker.check("doc", ref, decodeNumbers(t, []byte(good))); len(errs) > 0 {
		t.Fatalf("a valid document is rejected: %v", errs)
	}
	bad := []string{
		strings.Replace(good, `"score":null`, `"score":null,"extra":1`, 1),
		strings.Replace(good, `"score":null`, `"score":1.5`, 1),
		strings.Replace(good, `"2024-01-01"`, `"2024-1-1"`, 1),
		strings.Replace(good, `+02:00`, `Z`, 1),
		strings.Replace(good, `"timing":6`, `"timing":"high"`, 1),
		strings.Replace(good, `"id":"x"`, `"id":""`, 1),
		strings.Replace(good, `"id":"x",`, ``, 1),
		strings.Replace(good, `"score":null,`, ``, 1),
		strings.Replace(good, `"efficiency":null,`, ``, 1),
	}
	for _, b := range bad {
		if errs := checker.check("doc", ref, decodeNumbers(t, []byte(b))); len(errs) == 0 {
			t.Errorf("accepted %s", b)
		}
	}
	enum := map[string]any{"$ref": "#/components/schemas/PublicHeartRateRow"}
	if errs := checker.check("row", enum, decodeNumbers(t, []byte(`{"timestamp":"2024-01-01T00:00:00+00:00","timestamp_unix":1,"bpm":60,"source":"dreaming"}`))); len(errs) == 0 {
		t.Error("accepted an unknown heart-rate source")
	}
}
