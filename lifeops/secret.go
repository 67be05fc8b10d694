package lifeops

import (
	"crypto/subtle"
	"fmt"
	"log/slog"
)

// redactedText is what a Secret shows instead of its value.
const redactedText = "[redacted]"

// Secret is a value that must never be printed, logged or encoded by
// accident: an access or refresh token, an encryption key. Every fmt verb
// prints it as [redacted] (nothing at all when it is empty), slog logs it
// so, and JSON and text encoding give "[redacted]". Reveal returns the
// value, for the code that must hand it on (an Authorization header, a
// cipher, the export path that writes credentials in clear).
//
// fmt prints a struct's unexported fields by reflection, without calling
// their methods, so the value sits behind a pointer: printed that way a
// Secret shows an address, never its bytes. Secrets are immutable; copy
// them freely. Compare them with Equal (go-cmp uses it too): == compares
// the pointers.
//
// The zero-length func array makes == on Secrets a compile error, so
// that no caller compares pointers by mistake.
//
// Secret has no JSON decoding on purpose: a value that was encoded as
// [redacted] cannot come back as a token. Code that reads tokens from a
// document (an import) decodes them as strings and calls NewSecret.
type Secret struct {
	_ [0]func()
	v *string
}

// NewSecret returns a Secret holding s; the empty string gives the zero
// Secret.
func NewSecret(s string) Secret {
	if s == "" {
		return Secret{}
	}
	return Secret{v: &s}
}

// Reveal returns the value in clear. Call it only to use the value, never
// to print or log it.
func (s Secret) Reveal() string {
	if s.v == nil {
		return ""
	}
	return *s.v
}

// IsZero reports whether s is empty.
func (s Secret) IsZero() bool { return s.v == nil || *s.v == "" }

// Len returns the length of the value in bytes.
func (s Secret) Len() int { return len(s.Reveal()) }

// Equal reports whether s and o hold the same value, in time that does not
// depend on where they differ.
func (s Secret) Equal(o Secret) bool {
	return subtle.ConstantTimeCompare([]byte(s.Reveal()), []byte(o.Reveal())) == 1
}

// String returns [redacted], or "" when s is empty.
func (s Secret) String() string {
	if s.IsZero() {
		return ""
	}
	return redactedText
}

// GoString is String, for %#v.
func (s Secret) GoString() string { return s.String() }

// Format writes String for every verb and flag, so that neither %x nor %d
// nor %q can spell the value.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

// LogValue logs [redacted], or "" when s is empty.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalJSON encodes s as "[redacted]" ("" when empty).
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.String() + `"`), nil }

// MarshalText encodes s as [redacted] (nothing when empty), for map keys
// and text encoders.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

var (
	_ fmt.Formatter  = Secret{}
	_ fmt.Stringer   = Secret{}
	_ fmt.GoStringer = Secret{}
	_ slog.LogValuer = Secret{}
)
