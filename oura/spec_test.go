package oura

import (
	"context"
	"encoding/json"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// specPath is Oura's OpenAPI document, kept beside the repository (it is not
// ours to redistribute). The test skips when it is absent.
var specPath = filepath.Join("..", "..", "shared", "oura", "openapi.json")

type specSchema struct {
	Ref        string                 `json:"$ref"`
	Type       any                    `json:"type"`
	Format     string                 `json:"format"`
	Enum       []any                  `json:"enum"`
	AnyOf      []*specSchema          `json:"anyOf"`
	Items      *specSchema            `json:"items"`
	Properties map[string]*specSchema `json:"properties"`
	Required   []string               `json:"required"`
}

type specOperation struct {
	Parameters []struct {
		Name string `json:"name"`
		In   string `json:"in"`
	} `json:"parameters"`
	RequestBody *struct {
		Content map[string]struct {
			Schema *specSchema `json:"schema"`
		} `json:"content"`
	} `json:"requestBody"`
	Responses map[string]struct {
		Content map[string]struct {
			Schema *specSchema `json:"schema"`
		} `json:"content"`
	} `json:"responses"`
}

type spec struct {
	Paths      map[string]map[string]*specOperation `json:"paths"`
	Components struct {
		Schemas map[string]*specSchema `json:"schemas"`
	} `json:"components"`
}

func loadSpec(t *testing.T) *spec {
	t.Helper()
	b, err := os.ReadFile(specPath)
	if os.IsNotExist(err) {
		t.Skipf("Oura's OpenAPI document is not at %s (it lives beside the repository, not in it); skipping the coverage check", specPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	var s spec
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("decode %s: %v", specPath, err)
	}
	return &s
}

// routeCall calls the client method of one route and returns what it decoded.
type routeCall struct {
	sandbox bool
	reply   string // the body the fake answers with
	status  int
	call    func(ctx context.Context, c *Client) (any, error)
}

// Every option a list route can send, so the test sees every parameter.
var (
	allListOptions = &ListOptions{StartDate: civil.D(2024, 1, 1), EndDate: civil.D(2024, 1, 31), NextToken: "next", Fields: []string{"id"}}
	allSandboxList = &ListOptions{StartDate: civil.D(2024, 1, 1), EndDate: civil.D(2024, 1, 31), NextToken: "next"}
)

func addDocumentRoutes[T any](m map[string]routeCall, name string, svc func(*Client) *DocumentService[T]) {
	_, dated := reflect.TypeFor[T]().FieldByName("Day")
	if _, ok := reflect.TypeFor[T]().FieldByName("StartDay"); ok {
		dated = true
	}
	for _, sandbox := range []bool{false, true} {
		prefix := "/v2/usercollection/"
		opts := allListOptions
		if sandbox {
			prefix = "/v2/sandbox/usercollection/"
			opts = allSandboxList
		}
		if !dated {
			opts = &ListOptions{NextToken: "next"}
			if !sandbox {
				opts.Fields = []string{"id"}
			}
		}
		m["GET "+prefix+name] = routeCall{sandbox: sandbox, reply: `{"data":[],"next_token":null}`, call: func(ctx context.Context, c *Client) (any, error) {
			p, _, err := svc(c).List(ctx, opts)
			return p, err
		}}
		m["GET "+prefix+name+"/{document_id}"] = routeCall{sandbox: sandbox, reply: `{"id":"x"}`, call: func(ctx context.Context, c *Client) (any, error) {
			d, _, err := svc(c).Get(ctx, "p1")
			return d, err
		}}
	}
}

func addSeriesRoutes[T any](m map[string]routeCall, name string, svc func(*Client) *TimeSeriesService[T]) {
	s := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	m["GET /v2/usercollection/"+name] = routeCall{reply: `{"data":[],"next_token":null}`, call: func(ctx context.Context, c *Client) (any, error) {
		p, _, err := svc(c).List(ctx, &TimeSeriesOptions{Start: s, End: s.Add(time.Hour), NextToken: "next", Latest: true, Fields: []string{"timestamp"}})
		return p, err
	}}
	m["GET /v2/sandbox/usercollection/"+name] = routeCall{sandbox: true, reply: `{"data":[],"next_token":null}`, call: func(ctx context.Context, c *Client) (any, error) {
		p, _, err := svc(c).List(ctx, &TimeSeriesOptions{Start: s, End: s.Add(time.Hour), NextToken: "next"})
		return p, err
	}}
}

func routeTable() map[string]routeCall {
	m := map[string]routeCall{}
	addDocumentRoutes(m, "daily_activity", func(c *Client) *DocumentService[DailyActivity] { return c.DailyActivity })
	addDocumentRoutes(m, "daily_cardiovascular_age", func(c *Client) *DocumentService[DailyCardiovascularAge] { return c.DailyCardiovascularAge })
	addDocumentRoutes(m, "daily_readiness", func(c *Client) *DocumentService[DailyReadiness] { return c.DailyReadiness })
	addDocumentRoutes(m, "daily_resilience", func(c *Client) *DocumentService[DailyResilience] { return c.DailyResilience })
	addDocumentRoutes(m, "daily_sleep", func(c *Client) *DocumentService[DailySleep] { return c.DailySleep })
	addDocumentRoutes(m, "daily_spo2", func(c *Client) *DocumentService[DailySpO2] { return c.DailySpO2 })
	addDocumentRoutes(m, "daily_stress", func(c *Client) *DocumentService[DailyStress] { return c.DailyStress })
	addDocumentRoutes(m, "enhanced_tag", func(c *Client) *DocumentService[EnhancedTag] { return c.EnhancedTag })
	addDocumentRoutes(m, "rest_mode_period", func(c *Client) *DocumentService[RestModePeriod] { return c.RestModePeriod })
	addDocumentRoutes(m, "ring_configuration", func(c *Client) *DocumentService[RingConfiguration] { return c.RingConfiguration })
	addDocumentRoutes(m, "session", func(c *Client) *DocumentService[Session] { return c.Session })
	addDocumentRoutes(m, "sleep", func(c *Client) *DocumentService[Sleep] { return c.Sleep })
	addDocumentRoutes(m, "sleep_time", func(c *Client) *DocumentService[SleepTime] { return c.SleepTime })
	addDocumentRoutes(m, "tag", func(c *Client) *DocumentService[Tag] { return c.Tag })
	addDocumentRoutes(m, "vO2_max", func(c *Client) *DocumentService[VO2Max] { return c.VO2Max })
	addDocumentRoutes(m, "workout", func(c *Client) *DocumentService[Workout] { return c.Workout })
	addSeriesRoutes(m, "heartrate", func(c *Client) *TimeSeriesService[HeartRate] { return c.HeartRate })
	addSeriesRoutes(m, "ring_battery_level", func(c *Client) *TimeSeriesService[RingBatteryLevel] { return c.RingBatteryLevel })
	m["GET /v2/usercollection/personal_info"] = routeCall{reply: `{"id":"x"}`, call: func(ctx context.Context, c *Client) (any, error) {
		v, _, err := c.PersonalInfo.Get(ctx)
		return v, err
	}}
	sub := `{"id":"p1","callback_url":"https://example.com/h","event_type":"create","data_type":"sleep","expiration_time":"2024-01-01T00:00:00Z"}`
	m["GET /v2/webhook/subscription"] = routeCall{reply: "[" + sub + "]", call: func(ctx context.Context, c *Client) (any, error) {
		v, _, err := c.Webhooks.List(ctx)
		return v, err
	}}
	m["POST /v2/webhook/subscription"] = routeCall{reply: sub, status: http.StatusCreated, call: func(ctx context.Context, c *Client) (any, error) {
		v, _, err := c.Webhooks.Create(ctx, &CreateWebhookRequest{CallbackURL: "https://example.com/h", VerificationToken: NewSecret("vt"), EventType: EventTypeCreate, DataType: DataTypeSleep})
		return v, err
	}}
	m["GET /v2/webhook/subscription/{id}"] = routeCall{reply: sub, call: func(ctx context.Context, c *Client) (any, error) {
		v, _, err := c.Webhooks.Get(ctx, "p1")
		return v, err
	}}
	m["PUT /v2/webhook/subscription/{id}"] = routeCall{reply: sub, call: func(ctx context.Context, c *Client) (any, error) {
		v, _, err := c.Webhooks.Update(ctx, "p1", &UpdateWebhookRequest{VerificationToken: NewSecret("vt"), CallbackURL: "https://example.com/h", EventType: EventTypeUpdate, DataType: DataTypeTag})
		return v, err
	}}
	m["DELETE /v2/webhook/subscription/{id}"] = routeCall{status: http.StatusNoContent, call: func(ctx context.Context, c *Client) (any, error) {
		_, err := c.Webhooks.Delete(ctx, "p1")
		return nil, err
	}}
	m["PUT /v2/webhook/subscription/renew/{id}"] = routeCall{reply: sub, call: func(ctx context.Context, c *Client) (any, error) {
		v, _, err := c.Webhooks.Renew(ctx, "p1")
		return v, err
	}}
	return m
}

type recorded struct {
	method, path string
	query        map[string][]string
	body         []byte
}

// TestOpenAPICoverage checks the client against Oura's OpenAPI document:
// every route has a method that calls exactly that route with parameters
// the route declares (and all of them), and every property of every
// response schema has a field of the right shape in the decoded type.
func TestOpenAPICoverage(t *testing.T) {
	t.Parallel()
	sp := loadSpec(t)
	table := routeTable()
	enums := enumConstants(t)

	var keys []string
	for path, ops := range sp.Paths {
		for method := range ops {
			keys = append(keys, strings.ToUpper(method)+" "+path)
		}
	}
	sort.Strings(keys)
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range table {
			if !yield(k) {
				return
			}
		}
	}) {
		if !slices.Contains(keys, k) {
			t.Errorf("the test's route table has %s, which the OpenAPI document does not", k)
		}
	}
	for _, key := range keys {
		t.Run(key, func(t *testing.T) {
			t.Parallel()
			method, path, _ := strings.Cut(key, " ")
			op := sp.Paths[path][strings.ToLower(method)]
			rc, ok := table[key]
			if !ok {
				t.Fatalf("route %s has no method in the client", key)
			}
			var mu sync.Mutex
			var got []recorded
			var opts []Option
			if rc.sandbox {
				opts = append(opts, WithSandbox())
			}
			b := setup(t, opts...)
			b.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				mu.Lock()
				got = append(got, recorded{method: r.Method, path: r.URL.Path, query: r.URL.Query(), body: body})
				mu.Unlock()
				status := rc.status
				if status == 0 {
					status = http.StatusOK
				}
				if rc.reply == "" {
					w.WriteHeader(status)
					return
				}
				writeJSON(w, status, rc.reply)
			})
			v, err := rc.call(t.Context(), b.client)
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			if len(got) != 1 {
				t.Fatalf("%d requests, want 1", len(got))
			}
			req := got[0]
			wantPath := strings.NewReplacer("{document_id}", "p1", "{id}", "p1").Replace(path)
			if req.method != method || req.path != wantPath {
				t.Errorf("request %s %s, want %s %s", req.method, req.path, method, wantPath)
			}
			var declared []string
			for _, p := range op.Parameters {
				if p.In == "query" {
					declared = append(declared, p.Name)
				}
			}
			var sent []string
			for q := range req.query {
				sent = append(sent, q)
			}
			sort.Strings(declared)
			sort.Strings(sent)
			if !slices.Equal(declared, sent) {
				t.Errorf("query parameters sent %v, declared %v", sent, declared)
			}
			if op.RequestBody != nil {
				checkRequestBody(t, sp, op.RequestBody.Content["application/json"].Schema, req.body)
			}
			for status, r := range op.Responses {
				if !strings.HasPrefix(status, "2") {
					continue
				}
				ct, ok := r.Content["application/json"]
				if !ok || ct.Schema == nil || (ct.Schema.Ref == "" && ct.Schema.Type == nil && ct.Schema.AnyOf == nil) {
					continue
				}
				if v == nil {
					t.Fatalf("the method decodes nothing, but %s returns a schema", status)
				}
				checkSchema(t, sp, enums, ct.Schema, reflect.TypeOf(v), "response")
			}
		})
	}
}

// resolve follows a $ref.
func (s *spec) resolve(sc *specSchema) (*specSchema, string) {
	name := ""
	for sc != nil && sc.Ref != "" {
		name = strings.TrimPrefix(sc.Ref, "#/components/schemas/")
		sc = s.Components.Schemas[name]
	}
	return sc, name
}

// nonNull returns the alternatives of an anyOf that are not null, and
// whether null was one of them.
func nonNull(sc *specSchema) ([]*specSchema, bool) {
	if len(sc.AnyOf) == 0 {
		return []*specSchema{sc}, false
	}
	var out []*specSchema
	null := false
	for _, a := range sc.AnyOf {
		if a.Type == "null" {
			null = true
			continue
		}
		out = append(out, a)
	}
	return out, null
}

var (
	timeType      = reflect.TypeFor[time.Time]()
	dateType      = reflect.TypeFor[civil.Date]()
	localTimeType = reflect.TypeFor[LocalDateTime]()
)

// checkSchema reports every property of sc with no field in typ, and every
// field whose shape does not fit its schema.
func checkSchema(t *testing.T, sp *spec, enums map[string][]string, sc *specSchema, typ reflect.Type, where string) {
	t.Helper()
	alts, nullable := nonNull(sc)
	// A page's next_token is null on the last page; the client reports that
	// as the empty string, which no real token is.
	if nullable && typ.Kind() != reflect.Pointer && typ.Kind() != reflect.Slice && !strings.HasSuffix(where, "].NextToken") {
		t.Errorf("%s is nullable but its Go type %s is not a pointer", where, typ)
	}
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	// The multi-document responses are "the model's page, or a dict of
	// anything": the typed page is the first alternative.
	alt := alts[0]
	rs, name := sp.resolve(alt)
	if rs == nil {
		t.Errorf("%s: unresolved schema %s", where, alt.Ref)
		return
	}
	switch name {
	case "ISODate":
		expectType(t, where, typ, dateType)
		return
	case "LocalizedDateTime", "UtcDateTime":
		expectType(t, where, typ, timeType)
		return
	case "LocalDateTime":
		expectType(t, where, typ, localTimeType)
		return
	}
	if len(rs.Enum) > 0 {
		if typ.Kind() != reflect.String || typ.Name() == "string" || typ.PkgPath() == "" {
			t.Errorf("%s: enum %s must be a named string type, is %s", where, name, typ)
			return
		}
		for _, v := range rs.Enum {
			if !slices.Contains(enums[typ.Name()], v.(string)) {
				t.Errorf("%s: enum %s value %q has no constant of type %s", where, name, v, typ.Name())
			}
		}
		return
	}
	if len(rs.Properties) > 0 {
		if typ.Kind() != reflect.Struct {
			t.Errorf("%s: schema %s is an object, Go type %s is not a struct", where, name, typ)
			return
		}
		fields := map[string]reflect.StructField{}
		for i := range typ.NumField() {
			f := typ.Field(i)
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if tag != "" && tag != "-" {
				fields[tag] = f
			}
		}
		for prop, ps := range rs.Properties {
			f, ok := fields[prop]
			if !ok {
				t.Errorf("%s: property %s.%s has no field in %s", where, name, prop, typ)
				continue
			}
			checkSchema(t, sp, enums, ps, f.Type, typ.Name()+"."+f.Name)
		}
		return
	}
	switch rs.Type {
	case "array":
		if typ.Kind() != reflect.Slice {
			t.Errorf("%s: array, Go type %s is not a slice", where, typ)
			return
		}
		if rs.Items != nil {
			checkSchema(t, sp, enums, rs.Items, typ.Elem(), where+"[]")
		}
	case "integer":
		if k := typ.Kind(); k != reflect.Int && k != reflect.Int64 {
			t.Errorf("%s: integer, Go type %s", where, typ)
		}
	case "number":
		if typ.Kind() != reflect.Float64 {
			t.Errorf("%s: number, Go type %s", where, typ)
		}
	case "boolean":
		if typ.Kind() != reflect.Bool {
			t.Errorf("%s: boolean, Go type %s", where, typ)
		}
	case "string":
		switch rs.Format {
		case "date":
			expectType(t, where, typ, dateType)
		case "date-time":
			expectType(t, where, typ, timeType)
		default:
			if typ.Kind() != reflect.String {
				t.Errorf("%s: string, Go type %s", where, typ)
			}
		}
	}
}

func expectType(t *testing.T, where string, got, want reflect.Type) {
	t.Helper()
	if got != want {
		t.Errorf("%s: Go type %s, want %s", where, got, want)
	}
}

// checkRequestBody checks a sent JSON body against the request schema:
// every key declared, every required key present.
func checkRequestBody(t *testing.T, sp *spec, sc *specSchema, body []byte) {
	t.Helper()
	rs, name := sp.resolve(sc)
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("request body is not a JSON object: %v", err)
	}
	for k := range m {
		if _, ok := rs.Properties[k]; !ok {
			t.Errorf("request body key %q is not a property of %s", k, name)
		}
	}
	for _, k := range rs.Required {
		if _, ok := m[k]; !ok {
			t.Errorf("request body lacks required %s.%s", name, k)
		}
	}
	for k := range rs.Properties {
		if _, ok := m[k]; !ok {
			t.Errorf("request body never sends %s.%s", name, k)
		}
	}
}

// enumConstants parses enums.go and returns the string constants of each
// named type.
func enumConstants(t *testing.T) map[string][]string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "enums.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, s := range gd.Specs {
			vs := s.(*ast.ValueSpec)
			id, ok := vs.Type.(*ast.Ident)
			if !ok {
				continue
			}
			for _, v := range vs.Values {
				lit, ok := v.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				out[id.Name] = append(out[id.Name], constant.StringVal(constant.MakeString(s)))
			}
		}
	}
	return out
}
