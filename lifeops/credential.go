package lifeops

import (
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/google/uuid"
)

// ProviderOura names the Oura ring as a provider of credentials, documents and
// health data.
const ProviderOura = "oura"

// Credential is what LifeOps holds to act for a person at a provider: an
// OAuth2 token pair (for Oura) or a personal access token in AccessToken.
// Stores keep AccessToken and RefreshToken encrypted at rest. The tokens
// are [Secret] values, so a Credential never shows them: not with any fmt
// verb, not through slog (text or JSON, however deeply nested), not in
// JSON, where they encode as "[redacted]". Reveal gives the clear value to
// the code that uses it. Keyed by (user, provider).
type Credential struct {
	UserID       uuid.UUID `json:"-"`
	Provider     string    `json:"provider"`              // e.g. "oura"
	ExternalID   string    `json:"external_id,omitempty"` // the person's id at the provider, to route webhooks
	AccessToken  Secret    `json:"access_token"`
	RefreshToken Secret    `json:"refresh_token,omitzero"`
	TokenType    string    `json:"token_type,omitempty"` // usually "Bearer"
	Expiry       time.Time `json:"expiry,omitzero"`      // when AccessToken expires; zero if it does not
	Scopes       []string  `json:"scopes,omitempty"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Validate checks c. It returns nil, or one *ValidationError per bad field
// joined with errors.Join.
func (c Credential) Validate() error {
	var p problems
	if c.UserID == uuid.Nil {
		p.add("user_id", "is required")
	}
	if c.Provider == "" || len(c.Provider) > 32 {
		p.add("provider", "must have 1 to 32 bytes")
	}
	if len(c.ExternalID) > 200 {
		p.add("external_id", "must be at most 200 bytes")
	}
	if c.AccessToken.IsZero() {
		p.add("access_token", "is required")
	}
	if c.AccessToken.Len() > 4096 || c.RefreshToken.Len() > 4096 {
		p.add("access_token", "tokens must be at most 4096 bytes")
	}
	if len(c.TokenType) > 32 {
		p.add("token_type", "must be at most 32 bytes")
	}
	if slices.Contains(c.Scopes, "") {
		p.add("scopes", "must not contain an empty scope")
	}
	p.checkText("provider", c.Provider)
	p.checkText("external_id", c.ExternalID)
	p.checkText("token_type", c.TokenType)
	p.checkText("access_token", c.AccessToken.Reveal())
	p.checkText("refresh_token", c.RefreshToken.Reveal())
	for _, s := range c.Scopes {
		p.checkText("scopes", s)
	}
	return p.err()
}

// Expired reports whether the access token has expired at now, or will
// within the margin.
func (c Credential) Expired(now time.Time, margin time.Duration) bool {
	return !c.Expiry.IsZero() && !now.Add(margin).Before(c.Expiry)
}

// String returns a description of c with its tokens redacted.
func (c Credential) String() string {
	return fmt.Sprintf("Credential{UserID: %s, Provider: %q, ExternalID: %q, AccessToken: %s, RefreshToken: %s, Expiry: %s, Scopes: %q}",
		c.UserID, c.Provider, c.ExternalID, redact(c.AccessToken), redact(c.RefreshToken), c.Expiry.Format(time.RFC3339), c.Scopes)
}

// GoString is String, so %#v redacts too.
func (c Credential) GoString() string { return c.String() }

// Format writes String for every verb, so that no verb (%d, %x, …) falls
// back to printing the fields one by one.
func (c Credential) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue logs c with its tokens redacted.
func (c Credential) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("user_id", c.UserID.String()),
		slog.String("provider", c.Provider),
		slog.String("external_id", c.ExternalID),
		slog.String("access_token", redact(c.AccessToken)),
		slog.String("refresh_token", redact(c.RefreshToken)),
		slog.Time("expiry", c.Expiry),
	)
}

func redact(s Secret) string {
	if s.IsZero() {
		return "none"
	}
	return redactedText
}

var (
	_ fmt.Formatter  = Credential{}
	_ fmt.Stringer   = Credential{}
	_ fmt.GoStringer = Credential{}
	_ slog.LogValuer = Credential{}
)
