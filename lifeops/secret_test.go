package lifeops_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lifeops/lifeops/lifeops"
)

// The tokens of the credential the redaction tests print.
const (
	accessTok  = "acc-TOKEN-7f3e"
	refreshTok = "ref-TOKEN-91c2"
)

func secretCredential() lifeops.Credential {
	return lifeops.Credential{
		UserID: testUserID, Provider: "oura", ExternalID: "ext-1", TokenType: "Bearer",
		AccessToken: lifeops.NewSecret(accessTok), RefreshToken: lifeops.NewSecret(refreshTok),
		Expiry: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC), Scopes: []string{"daily"},
	}
}

// leaks reports which token, in which spelling, s shows: as it is, in
// hex (either case, as %x and %X print a string) or as its bytes (as %d
// and %o print a []byte).
func leaks(s string) string {
	for _, tok := range []string{accessTok, refreshTok} {
		forms := []string{
			tok, hex.EncodeToString([]byte(tok)), strings.ToUpper(hex.EncodeToString([]byte(tok))),
			fmt.Sprintf("%d", []byte(tok)[:6]), fmt.Sprintf("%o", []byte(tok)[:6]),
			fmt.Sprintf("%x", []byte(tok)[:6]), fmt.Sprintf("% x", []byte(tok)[:6]),
		}
		for _, f := range forms {
			if strings.Contains(s, strings.Trim(f, "[]")) {
				return f
			}
		}
	}
	return ""
}

// secretShapes are the places a credential or a bare secret can sit in
// a value that gets printed or logged.
func secretShapes() map[string]any {
	c := secretCredential()
	type exported struct {
		Name string
		Cred lifeops.Credential
	}
	type unexported struct {
		name string
		cred lifeops.Credential
	}
	type deep struct {
		list  []*lifeops.Credential
		byKey map[string]unexported
		any   any
		sec   lifeops.Secret
	}
	type Deep struct {
		List  []*lifeops.Credential
		ByKey map[string]exported
		Any   any
		Sec   lifeops.Secret
	}
	return map[string]any{
		"credential":                c,
		"pointer":                   &c,
		"slice":                     []lifeops.Credential{c, c},
		"slice of pointers":         []*lifeops.Credential{&c},
		"array":                     [1]lifeops.Credential{c},
		"map value":                 map[string]lifeops.Credential{"oura": c},
		"map of pointers":           map[string]*lifeops.Credential{"oura": &c},
		"exported field":            exported{"x", c},
		"exported field pointer":    &exported{"x", c},
		"unexported field":          unexported{"x", c},
		"unexported field pointer":  &unexported{"x", c},
		"unexported deep":           deep{list: []*lifeops.Credential{&c}, byKey: map[string]unexported{"k": {"x", c}}, any: c, sec: c.AccessToken},
		"unexported deep pointer":   &deep{list: []*lifeops.Credential{&c}, byKey: map[string]unexported{"k": {"x", c}}, any: []any{c}, sec: c.RefreshToken},
		"exported deep":             Deep{List: []*lifeops.Credential{&c}, ByKey: map[string]exported{"k": {"x", c}}, Any: c, Sec: c.AccessToken},
		"exported deep in a slice":  []Deep{{List: []*lifeops.Credential{&c}, Any: map[string]any{"c": c}}},
		"secret":                    c.AccessToken,
		"secret pointer":            &c.RefreshToken,
		"secrets":                   []lifeops.Secret{c.AccessToken, c.RefreshToken},
		"secret map":                map[string]lifeops.Secret{"a": c.AccessToken},
		"any slice":                 []any{c, &c, c.AccessToken},
		"interface map":             map[any]any{"c": c, 1: c.RefreshToken},
		"struct holding a secret":   struct{ T lifeops.Secret }{c.AccessToken},
		"struct holding a secret 2": struct{ t lifeops.Secret }{c.RefreshToken},
	}
}

// TestSecretsRedactedEverywhere prints every shape with every verb and logs
// it with both of slog's handlers, as an attribute, in a group and inside a
// LogValuer's group; no token may show in any spelling.
func TestSecretsRedactedEverywhere(t *testing.T) {
	t.Parallel()
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%d", "%t", "%o", "%x", "%X", "%e", "% x", "%#x", "%10.3v", "%-8q"}
	for name, v := range secretShapes() {
		for _, verb := range verbs {
			if got := fmt.Sprintf(verb, v); leaks(got) != "" {
				t.Errorf("%s with %s shows %q: %s", name, verb, leaks(got), got)
			}
		}
		for _, h := range []struct {
			name string
			new  func(*bytes.Buffer) slog.Handler
		}{
			{"text", func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) }},
			{"json", func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) }},
		} {
			var b bytes.Buffer
			log := slog.New(h.new(&b))
			log.Info("attr", "v", v)
			log.Info("group", slog.Group("g", slog.Any("v", v)))
			log.With("v", v).Info("with")
			log.Info("any", slog.Any("v", v))
			if got := b.String(); leaks(got) != "" {
				t.Errorf("%s through the %s handler shows %q: %s", name, h.name, leaks(got), got)
			}
		}
		if j, err := json.Marshal(v); err == nil && leaks(string(j)) != "" {
			t.Errorf("%s marshals to JSON showing %q: %s", name, leaks(string(j)), j)
		}
	}
}

// TestSecretAccess checks the clear value is there for the one who asks.
func TestSecretAccess(t *testing.T) {
	t.Parallel()
	c := secretCredential()
	if got := c.AccessToken.Reveal(); got != accessTok {
		t.Errorf("Reveal = %q, want the token", got)
	}
	if !lifeops.NewSecret("").IsZero() || c.AccessToken.IsZero() || (lifeops.Secret{}).Reveal() != "" {
		t.Error("IsZero or Reveal of the zero Secret is wrong")
	}
	if c.AccessToken.Len() != len(accessTok) {
		t.Errorf("Len = %d, want %d", c.AccessToken.Len(), len(accessTok))
	}
	// Secrets compare by value, so go-cmp and Equal agree.
	d := secretCredential()
	if diff := cmp.Diff(c, d); diff != "" {
		t.Errorf("two equal credentials differ (-want +got):\n%s", diff)
	}
	d.RefreshToken = lifeops.NewSecret("other")
	if cmp.Equal(c, d) || c.RefreshToken.Equal(d.RefreshToken) {
		t.Error("credentials with different refresh tokens compare equal")
	}
	if got := fmt.Sprint(c.AccessToken, lifeops.Secret{}); got != "[redacted] " {
		t.Errorf("Sprint = %q, want [redacted] and nothing for the empty secret", got)
	}
	var b bytes.Buffer
	slog.New(slog.NewJSONHandler(&b, nil)).Info("c", "c", c)
	var line struct {
		C map[string]any `json:"c"`
	}
	if err := json.Unmarshal(b.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	if line.C["access_token"] != "[redacted]" || line.C["provider"] != "oura" {
		t.Errorf("logged credential = %v, want provider oura and a redacted token", line.C)
	}
}
