package oura

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
)

// redacted is what every secret prints as.
const redacted = "[REDACTED]"

// Secret is a value that must never be printed: a client secret, a
// verification token, an access or refresh token. Make one with
// [NewSecret] and read it with [Secret.Reveal]; the zero value is the empty
// secret.
//
// A Secret formats as [REDACTED] with every fmt verb, logs as [REDACTED]
// through slog and marshals to JSON and text as "[REDACTED]", wherever it
// sits: in a slice, a map, a struct field, a configuration. Its text is
// kept behind a pointer, so even where fmt cannot call its methods (a
// Secret in an unexported struct field, printed by reflection) it finds an
// address and never the value. Types of this package that hold one (the
// configurations, the token sources, the client) redact the same way.
//
// Secrets compare with [Secret.Equal], in constant time; == compares
// identity. A Secret reads back from JSON or text as the value written
// there, so a configuration file can carry it.
type Secret struct{ v *string }

// NewSecret returns s as a Secret.
func NewSecret(s string) Secret {
	if s == "" {
		return Secret{}
	}
	return Secret{v: &s}
}

// Reveal returns the secret's value, for the one place that must send it.
func (s Secret) Reveal() string {
	if s.v == nil {
		return ""
	}
	return *s.v
}

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.v == nil || *s.v == "" }

// Equal reports whether s and o hold the same value, in constant time.
func (s Secret) Equal(o Secret) bool {
	return subtle.ConstantTimeCompare([]byte(s.Reveal()), []byte(o.Reveal())) == 1
}

// String returns [REDACTED].
func (s Secret) String() string { return redacted }

// GoString returns [REDACTED] for %#v.
func (s Secret) GoString() string { return redacted }

// Format writes [REDACTED] for every verb, so %x or %q cannot leak the value.
func (s Secret) Format(f fmt.State, verb rune) { _, _ = io.WriteString(f, redacted) }

// LogValue implements [slog.LogValuer].
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON encodes the secret as "[REDACTED]"; wire bodies that must carry
// the value build it from [Secret.Reveal] explicitly.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText encodes the secret as [REDACTED].
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// UnmarshalText sets the secret to text, so a Secret field reads its value
// from a JSON string or an environment-style text decoder.
func (s *Secret) UnmarshalText(text []byte) error {
	*s = NewSecret(string(text))
	return nil
}

// redactor is implemented by every type of this package that holds a
// secret, so a compile-time assertion beside each keeps it redacting: fmt
// with every verb (%#v included), slog at the top of a record, and JSON,
// which slog's JSON handler uses for values nested in others.
type redactor interface {
	fmt.Stringer
	fmt.GoStringer
	fmt.Formatter
	slog.LogValuer
	json.Marshaler
}

var _ redactor = Secret{}
