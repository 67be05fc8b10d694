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
// Stores keep AccessToken and RefreshToken encrypted at rest. Credential
// never prints its tokens: String, GoString and LogValue redact them.
// Keyed by (user, provider).
type Credential struct {
	UserID       uuid.UUID `json:"-"`
	Provider     string    `json:"provider"`              // e.g. "oura"
	ExternalID   string    `json:"external_id,omitempty"` // the person's id at the provider, to route webhooks
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token,omitempty"`
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
	if c.AccessToken == "" {
		p.add("access_token", "is required")
	}
	if len(c.AccessToken) > 4096 || len(c.RefreshToken) > 4096 {
		p.add("access_token", "tokens must be at most 4096 bytes")
	}
	if len(c.TokenType) > 32 {
		p.add("token_type", "must be at most 32 bytes")
	}
	if slices.Contains(c.Scopes, "") {
		p.add("scopes", "must not contain an empty scope")
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
	return fmt.Sprintf("Credential{UserID: %s, Provider: %s, ExternalID: %q, AccessToken: %s, RefreshToken: %s, Expiry: %s, Scopes: %v}",
		c.UserID, c.Provider, c.ExternalID, redact(c.AccessToken), redact(c.RefreshToken), c.Expiry.Format(time.RFC3339), c.Scopes)
}

// GoString is String, so %#v redacts too.
func (c Credential) GoString() string { return c.String() }

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

func redact(token string) string {
	if token == "" {
		return `""`
	}
	return "[redacted]"
}

var (
	_ fmt.Stringer   = Credential{}
	_ fmt.GoStringer = Credential{}
	_ slog.LogValuer = Credential{}
)
