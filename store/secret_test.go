package store_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/store"
)

// keyBytes is a key whose bytes are easy to spot in any spelling.
var keyBytes = []byte("KEY-bytes-0123456789-abcdefghijk")

// keyLeak reports the spelling of keyBytes that s shows, if any: the bytes
// as they are, in hex, in base64, or listed as numbers.
func keyLeak(s string) string {
	forms := []string{
		string(keyBytes[:12]), hex.EncodeToString(keyBytes[:8]), strings.ToUpper(hex.EncodeToString(keyBytes[:8])),
		base64.StdEncoding.EncodeToString(keyBytes)[:12],
		strings.Trim(fmt.Sprint(keyBytes[:6]), "[]"), strings.Trim(fmt.Sprintf("%o", keyBytes[:6]), "[]"),
		strings.Trim(fmt.Sprintf("% x", keyBytes[:6]), "[]"),
	}
	for _, f := range forms {
		if strings.Contains(s, f) {
			return f
		}
	}
	return ""
}

// TestKeysRedactedEverywhere prints and logs keys, keyrings and the
// options and DB that hold them, bare and nested, with every verb and both
// slog handlers: no spelling of the key's bytes may show.
func TestKeysRedactedEverywhere(t *testing.T) {
	t.Parallel()
	k := store.Key{ID: "k1", Secret: lifeops.NewSecret(string(keyBytes))}
	parsed, err := store.ParseKey("k2:" + base64.StdEncoding.EncodeToString(keyBytes))
	if err != nil {
		t.Fatal(err)
	}
	ring, err := store.NewKeyring(k)
	if err != nil {
		t.Fatal(err)
	}
	opts := store.Options{Keys: ring}
	db, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "k.db"), &opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	type holder struct {
		key  store.Key
		ring store.Keyring
		opts store.Options
	}
	type Holder struct {
		Key  store.Key
		Keys []store.Key
		Ring *store.Keyring
		Opts store.Options
	}
	shapes := map[string]any{
		"key": k, "parsed key": parsed, "key pointer": &k, "keys": []store.Key{k, parsed},
		"key map": map[string]store.Key{"k": k}, "keyring": ring, "keyring value": *ring,
		"options": opts, "options pointer": &opts, "db": db,
		"unexported": holder{k, *ring, opts}, "unexported pointer": &holder{k, *ring, opts},
		"exported": Holder{k, []store.Key{k}, ring, opts}, "exported slice": []Holder{{Key: k}},
		"any": []any{k, ring, map[string]any{"k": k}},
	}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%d", "%t", "%o", "%x", "%X", "%e", "% x"}
	for name, v := range shapes {
		for _, verb := range verbs {
			if got := fmt.Sprintf(verb, v); keyLeak(got) != "" {
				t.Errorf("%s with %s shows %q: %s", name, verb, keyLeak(got), got)
			}
		}
		for _, h := range []func(*bytes.Buffer) slog.Handler{
			func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
			func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
		} {
			var b bytes.Buffer
			log := slog.New(h(&b))
			log.Info("v", "v", v)
			log.Info("g", slog.Group("g", slog.Any("v", v)))
			if keyLeak(b.String()) != "" {
				t.Errorf("%s logged shows %q: %s", name, keyLeak(b.String()), b.String())
			}
		}
		if j, err := json.Marshal(v); err == nil && keyLeak(string(j)) != "" {
			t.Errorf("%s in JSON shows %q: %s", name, keyLeak(string(j)), j)
		}
	}
	if got := fmt.Sprint(ring); got != `Keyring{primary: "k1", keys: ["k1"]}` {
		t.Errorf("a keyring prints as %s", got)
	}
	if got := fmt.Sprint(k); got != `Key{ID: "k1", Secret: [redacted]}` {
		t.Errorf("a key prints as %s", got)
	}
}
