// Package redacttest checks that a value holding secrets never shows them:
// under every fmt verb, through slog's text and JSON handlers, through
// encoding/json, and wherever the value sits (bare, in a slice, in a map,
// in an exported or an unexported struct field, several levels deep).
package redacttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
)

// Verbs are the fmt verbs every value is printed with.
var Verbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%d", "%t", "%o", "%x", "%X", "%e", "%10.3v", "%-8s"}

// exported and unexported are the struct fields a value may sit in. fmt
// calls the methods of a value in an exported field; in an unexported one
// it cannot, and prints the value by reflection.
type exported struct{ V any }

type unexported struct {
	name string
	v    any
}

type deep struct {
	items []map[string]unexported
}

// Nesting is one place a value may sit in.
type Nesting struct {
	Name string
	Wrap func(v any) any
}

// Nestings are the places every value is printed from.
var Nestings = []Nesting{
	{"bare", func(v any) any { return v }},
	{"slice", func(v any) any { return []any{v} }},
	{"map value", func(v any) any { return map[string]any{"k": v} }},
	{"exported field", func(v any) any { return exported{v} }},
	{"pointer to exported field", func(v any) any { return &exported{v} }},
	{"unexported field", func(v any) any { return unexported{"x", v} }},
	{"pointer to unexported field", func(v any) any { return &unexported{"x", v} }},
	{"deep", func(v any) any { return deep{[]map[string]unexported{{"k": {"x", v}}}} }},
	{"map key", func(v any) any {
		if v == nil || !reflect.TypeOf(v).Comparable() {
			return nil
		}
		return map[any]int{v: 1}
	}},
}

// Render returns every form of v that Check inspects, by a name that says
// how it was made.
func Render(v any) map[string]string {
	out := map[string]string{}
	for _, n := range Nestings {
		nv := n.Wrap(v)
		if nv == nil {
			continue
		}
		for _, verb := range Verbs {
			out[n.Name+" "+verb] = fmt.Sprintf(verb, nv)
		}
		var text, js bytes.Buffer
		for _, h := range []struct {
			name string
			h    slog.Handler
			buf  *bytes.Buffer
		}{{"slog text", slog.NewTextHandler(&text, nil), &text}, {"slog JSON", slog.NewJSONHandler(&js, nil), &js}} {
			l := slog.New(h.h)
			l.Info("value", "v", nv)
			l.Info("group", slog.Group("g", slog.Any("v", nv), slog.Any("list", []any{nv})))
			l.With("bound", nv).Info("bound")
			out[n.Name+" "+h.name] = h.buf.String()
		}
		b, err := json.Marshal(nv)
		if err != nil {
			out[n.Name+" json.Marshal"] = "error: " + err.Error()
		} else {
			out[n.Name+" json.Marshal"] = string(b)
		}
	}
	return out
}

// Check fails t for every form of v (see [Render]) that contains one of
// secrets.
func Check(t testing.TB, name string, v any, secrets ...string) {
	t.Helper()
	for form, s := range Render(v) {
		for _, sec := range secrets {
			if sec != "" && strings.Contains(s, sec) {
				t.Errorf("%s, %s: shows the secret %q:\n%s", name, form, sec, s)
			}
		}
	}
}
