package ourahealth_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/oura/internal/redacttest"
	"github.com/lifeops/lifeops/oura/ourahealth"
)

// TestSource_SecretsNeverPrint: the adapter's configuration and a source
// holding a user's refreshed tokens show none of them, under every fmt
// verb, through slog and JSON, bare or nested.
func TestSource_SecretsNeverPrint(t *testing.T) {
	t.Parallel()
	for _, b := range sharedBackends {
		if b.name == "postgres" {
			continue // the stores differ in nothing the source prints
		}
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			var cfg ourahealth.Config
			r := newRotation(t, b, 1, func(c *ourahealth.Config) { cfg = *c })
			p := r.procs[0]
			ctx := t.Context()
			if err := r.days(ctx, p); err != nil {
				t.Fatal(err)
			}
			r.srv.Advance(25 * time.Hour)
			if err := r.days(ctx, p); err != nil { // refreshes: the source holds the new tokens
				t.Fatal(err)
			}
			cred, err := p.store.Credential(ctx, r.user, lifeops.ProviderOura)
			if err != nil {
				t.Fatal(err)
			}
			secrets := []string{cred.AccessToken.Reveal(), cred.RefreshToken.Reveal(), cfg.OAuth.ClientSecret.Reveal()}
			for _, s := range secrets {
				if len(s) < 8 {
					t.Fatalf("secret %q too short to search for", s)
				}
			}
			for _, tt := range []struct {
				name string
				v    any
				want string
			}{
				{"Config", cfg, "ClientSecret: [REDACTED]"},
				{"*Config", &cfg, "ClientSecret: [REDACTED]"},
				{"*Source", p.source, "clients: 1"},
			} {
				redacttest.Check(t, tt.name, tt.v, secrets...)
				if got := fmt.Sprintf("%v", tt.v); !strings.Contains(got, tt.want) {
					t.Errorf("%s: %%v = %q, want it to contain %q", tt.name, got, tt.want)
				}
			}
		})
	}
}
