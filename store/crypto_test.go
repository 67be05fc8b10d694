package store_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/store"
)

func key(id string, fill byte) store.Key {
	return store.Key{ID: id, Secret: lifeops.NewSecret(string(bytes.Repeat([]byte{fill}, store.KeySize)))}
}

func TestKeyringSealOpen(t *testing.T) {
	t.Parallel()
	old, err := store.NewKeyring(key("k1", 1))
	if err != nil {
		t.Fatal(err)
	}
	rotated, err := store.NewKeyring(key("k2", 2), key("k1", 1))
	if err != nil {
		t.Fatal(err)
	}
	aad := []byte("user-1/oura/access_token")
	sealedOld, err := old.Seal([]byte("secret-token"), aad)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealedOld, []byte("secret-token")) {
		t.Fatal("sealed value contains the plaintext")
	}
	again, _ := old.Seal([]byte("secret-token"), aad)
	if bytes.Equal(sealedOld, again) {
		t.Error("two seals of one plaintext are equal: the nonce is not random")
	}

	tests := []struct {
		name    string
		ring    *store.Keyring
		sealed  []byte
		aad     []byte
		want    string
		wantErr bool
	}{
		{"same key", old, sealedOld, aad, "secret-token", false},
		{"older key in a rotated ring", rotated, sealedOld, aad, "secret-token", false},
		{"other record", old, sealedOld, []byte("user-2/oura/access_token"), "", true},
		{"tampered", old, flipLast(sealedOld), aad, "", true},
		{"truncated", old, sealedOld[:10], aad, "", true},
		{"garbage", old, []byte("plaintext?"), aad, "", true},
		{"empty", old, nil, aad, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.ring.Open(tt.sealed, tt.aad)
			if tt.wantErr {
				var ke *store.KeyError
				if !errors.As(err, &ke) {
					t.Fatalf("Open = %q, %v; want a *KeyError", got, err)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Fatalf("Open = %q, %v; want %q", got, err, tt.want)
			}
		})
	}

	sealedNew, err := rotated.Seal([]byte("t"), aad)
	if err != nil {
		t.Fatal(err)
	}
	if id, err := store.SealedKeyID(sealedNew); err != nil || id != "k2" {
		t.Errorf("SealedKeyID = %q, %v; want k2 (the primary)", id, err)
	}
	var ke *store.KeyError
	if _, err := old.Open(sealedNew, aad); !errors.As(err, &ke) || ke.ID != "k2" {
		t.Errorf("opening a value of a missing key = %v, want a *KeyError naming k2", err)
	}
}

func TestKeyringNil(t *testing.T) {
	t.Parallel()
	var k *store.Keyring
	if _, err := k.Seal([]byte("x"), nil); !errors.Is(err, store.ErrNoKey) {
		t.Errorf("Seal on a nil Keyring = %v, want ErrNoKey", err)
	}
	if _, err := k.Open([]byte("x"), nil); !errors.Is(err, store.ErrNoKey) {
		t.Errorf("Open on a nil Keyring = %v, want ErrNoKey", err)
	}
}

func TestNewKeyringRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		keys  []store.Key
		field string
	}{
		{"short secret", []store.Key{{ID: "a", Secret: lifeops.NewSecret("short")}}, "a"},
		{"empty id", []store.Key{key("", 1)}, ""},
		{"bad id", []store.Key{key("a b", 1)}, "a b"},
		{"duplicate", []store.Key{key("a", 1), key("a", 2)}, "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := store.NewKeyring(tt.keys[0], tt.keys[1:]...)
			var ke *store.KeyError
			if !errors.As(err, &ke) || ke.ID != tt.field {
				t.Errorf("NewKeyring = %v, want a *KeyError for %q", err, tt.field)
			}
		})
	}
}

func TestParseKey(t *testing.T) {
	t.Parallel()
	good := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	tests := []struct {
		in      string
		wantID  string
		wantErr string
	}{
		{"main:" + good, "main", ""},
		{" 2026-11:" + good + "\n", "2026-11", ""},
		{good, "", "want ID:BASE64"},
		{"main:not base64!", "", "base64"},
		{"main:" + base64.StdEncoding.EncodeToString([]byte("short")), "", "5 bytes"},
		{":" + good, "", "ID must be"},
	}
	for _, tt := range tests {
		k, err := store.ParseKey(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseKey(%q) = %v, want an error containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || k.ID != tt.wantID || k.Secret.Reveal() != string(bytes.Repeat([]byte{7}, 32)) {
			t.Errorf("ParseKey(%q) = %v, %v; want ID %q", tt.in, k.ID, err, tt.wantID)
		}
	}
}

// FuzzKeyringOpen feeds arbitrary bytes, as a damaged database could hold,
// to Open: it must return an error or the plaintext, never panic.
func FuzzKeyringOpen(f *testing.F) {
	ring, err := store.NewKeyring(key("k1", 1))
	if err != nil {
		f.Fatal(err)
	}
	sealed, _ := ring.Seal([]byte("token"), []byte("aad"))
	f.Add(sealed)
	f.Add([]byte{1, 2, 'k', '1'})
	f.Add([]byte{1, 0})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := ring.Open(b, []byte("aad"))
		if err == nil && !bytes.Equal(b, sealed) && string(got) != "token" {
			t.Fatalf("Open accepted a forged value: %q", got)
		}
	})
}

func FuzzParseKey(f *testing.F) {
	f.Add("main:" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)))
	f.Add("x:")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := store.ParseKey(s)
		if err != nil {
			return
		}
		if k.Secret.Len() != store.KeySize || k.ID == "" {
			t.Fatalf("ParseKey(%q) accepted %+v", s, k)
		}
		if _, err := store.NewKeyring(k); err != nil {
			t.Fatalf("a parsed key is not usable: %v", err)
		}
	})
}

func flipLast(b []byte) []byte {
	c := bytes.Clone(b)
	c[len(c)-1] ^= 1
	return c
}
