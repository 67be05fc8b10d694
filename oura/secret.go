package oura

import (
	"fmt"
	"log/slog"
)

// redacted is what every secret prints as.
const redacted = "[REDACTED]"

// Secret is a string that must never be printed: a client secret, a
// verification token, an access or refresh token. It formats as [REDACTED]
// with every fmt verb, logs as [REDACTED] through slog, and marshals to JSON
// as "[REDACTED]". Convert it back with string(s) where the value is needed.
type Secret string

// String returns [REDACTED].
func (s Secret) String() string { return redacted }

// GoString returns [REDACTED] for %#v.
func (s Secret) GoString() string { return redacted }

// Format writes [REDACTED] for every verb, so %x or %q cannot leak the value.
func (s Secret) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue implements [slog.LogValuer].
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON encodes the secret as "[REDACTED]"; wire bodies that must carry
// the value build it from string(s) explicitly.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText encodes the secret as [REDACTED].
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s == "" }
