package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"

	"github.com/lifeops/lifeops/lifeops"
)

// ErrNoKey is returned when a credential must be encrypted or decrypted
// and the DB has no Keyring (Options.Keys). The store never writes a
// credential in plaintext.
var ErrNoKey = errors.New("store: no encryption key configured: set Options.Keys to store Oura credentials")

// KeySize is the length of an encryption key: AES-256.
const KeySize = 32

// Key is one AES-256 key with the ID that sealed values carry, so a
// Keyring knows which key opens them.
type Key struct {
	// ID names the key: 1 to 32 letters, digits, '-' or '_'.
	ID string
	// Secret is KeySize random bytes. It prints and logs as [redacted].
	Secret lifeops.Secret
}

// String describes k with its secret redacted.
func (k Key) String() string { return fmt.Sprintf("Key{ID: %q, Secret: %v}", k.ID, k.Secret) }

// GoString is String, for %#v.
func (k Key) GoString() string { return k.String() }

// Format writes String for every verb.
func (k Key) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(k.String())) }

// LogValue logs the key's ID and a redacted secret.
func (k Key) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", k.ID), slog.Any("secret", k.Secret))
}

var keyIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// ParseKey reads a key written as ID:BASE64 (standard encoding of KeySize
// bytes), the form of the LIFEOPS_ENCRYPTION_KEY variable of the examples.
func ParseKey(s string) (Key, error) {
	id, b64, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return Key{}, &KeyError{Reason: "want ID:BASE64"}
	}
	secret, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return Key{}, &KeyError{ID: id, Reason: "secret is not standard base64: " + err.Error()}
	}
	k := Key{ID: id, Secret: lifeops.NewSecret(string(secret))}
	return k, k.validate()
}

func (k Key) validate() error {
	if !keyIDRE.MatchString(k.ID) {
		return &KeyError{ID: k.ID, Reason: "ID must be 1 to 32 letters, digits, '-' or '_'"}
	}
	if k.Secret.Len() != KeySize {
		return &KeyError{ID: k.ID, Reason: fmt.Sprintf("secret is %d bytes, want %d", k.Secret.Len(), KeySize)}
	}
	return nil
}

// KeyError reports an unusable key or a sealed value no key can open.
type KeyError struct {
	// ID is the key's ID, when known.
	ID string
	// Reason says what is wrong.
	Reason string
}

// Error says which key and what is wrong.
func (e *KeyError) Error() string {
	if e.ID == "" {
		return "store: encryption key: " + e.Reason
	}
	return fmt.Sprintf("store: encryption key %q: %s", e.ID, e.Reason)
}

// Keyring seals credentials with AES-256-GCM under its primary key and
// opens values sealed under any of its keys. To rotate, make a Keyring
// whose primary is the new key and whose older keys include the old one,
// then call DB.RotateKeys: it re-seals every stored credential under the
// primary. A Keyring is safe for concurrent use.
type Keyring struct {
	primary string
	ids     []string // primary first, then the older keys in the order given
	aeads   map[string]cipher.AEAD
}

// NewKeyring returns a Keyring that seals with primary and opens with
// primary or any of older. IDs must be distinct.
func NewKeyring(primary Key, older ...Key) (*Keyring, error) {
	k := &Keyring{primary: primary.ID, aeads: map[string]cipher.AEAD{}}
	for _, key := range append([]Key{primary}, older...) {
		if err := key.validate(); err != nil {
			return nil, err
		}
		if _, dup := k.aeads[key.ID]; dup {
			return nil, &KeyError{ID: key.ID, Reason: "listed twice"}
		}
		block, err := aes.NewCipher([]byte(key.Secret.Reveal()))
		if err != nil {
			return nil, &KeyError{ID: key.ID, Reason: err.Error()}
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, &KeyError{ID: key.ID, Reason: err.Error()}
		}
		k.aeads[key.ID] = aead
		k.ids = append(k.ids, key.ID)
	}
	return k, nil
}

// String names the keys of k, never their secrets.
func (k *Keyring) String() string {
	if k == nil {
		return "Keyring(nil)"
	}
	return fmt.Sprintf("Keyring{primary: %q, keys: %q}", k.primary, k.ids)
}

// GoString is String, for %#v.
func (k *Keyring) GoString() string { return k.String() }

// Format writes String for every verb.
func (k *Keyring) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(k.String())) }

// LogValue logs the IDs of the keys.
func (k *Keyring) LogValue() slog.Value { return slog.StringValue(k.String()) }

// MarshalJSON encodes the IDs of the keys, never their secrets.
func (k *Keyring) MarshalJSON() ([]byte, error) {
	if k == nil {
		return []byte("null"), nil
	}
	return json.Marshal(struct {
		Primary string   `json:"primary"`
		Keys    []string `json:"keys"`
	}{k.primary, k.ids})
}

// Primary returns the ID of the key that seals.
func (k *Keyring) Primary() string { return k.primary }

// sealedVersion is the first byte of every sealed value.
const sealedVersion = 1

// Seal encrypts plaintext under the primary key, binding it to aad (which
// must be given again to Open). The result is
// version ‖ len(id) ‖ id ‖ nonce ‖ ciphertext+tag.
func (k *Keyring) Seal(plaintext, aad []byte) ([]byte, error) {
	if k == nil {
		return nil, ErrNoKey
	}
	aead := k.aeads[k.primary]
	out := make([]byte, 0, 2+len(k.primary)+aead.NonceSize()+len(plaintext)+aead.Overhead())
	out = append(out, sealedVersion, byte(len(k.primary)))
	out = append(out, k.primary...)
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	out = append(out, nonce...)
	return aead.Seal(out, nonce, plaintext, aad), nil
}

// Open decrypts a value made by Seal under any key of the ring. A value
// sealed with another aad, tampered with, or sealed under a key the ring
// lacks is a *KeyError.
func (k *Keyring) Open(sealed, aad []byte) ([]byte, error) {
	if k == nil {
		return nil, ErrNoKey
	}
	id, body, err := splitSealed(sealed)
	if err != nil {
		return nil, err
	}
	aead, ok := k.aeads[id]
	if !ok {
		return nil, &KeyError{ID: id, Reason: "not in the keyring: the value was sealed under a key that was not supplied"}
	}
	if len(body) < aead.NonceSize()+aead.Overhead() {
		return nil, &KeyError{ID: id, Reason: "sealed value is truncated"}
	}
	plain, err := aead.Open(nil, body[:aead.NonceSize()], body[aead.NonceSize():], aad)
	if err != nil {
		return nil, &KeyError{ID: id, Reason: "authentication failed: wrong key, tampered value, or a value that belongs to another record"}
	}
	return plain, nil
}

// SealedKeyID returns the ID of the key a sealed value was sealed under.
func SealedKeyID(sealed []byte) (string, error) {
	id, _, err := splitSealed(sealed)
	return id, err
}

func splitSealed(sealed []byte) (id string, body []byte, err error) {
	if len(sealed) < 2 || sealed[0] != sealedVersion {
		return "", nil, &KeyError{Reason: "not a sealed value (unknown format)"}
	}
	n := int(sealed[1])
	if n == 0 || len(sealed) < 2+n {
		return "", nil, &KeyError{Reason: "not a sealed value (truncated key ID)"}
	}
	return string(sealed[2 : 2+n]), sealed[2+n:], nil
}
