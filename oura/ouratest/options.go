package ouratest

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// ErrInvalidOption is wrapped by every error NewServer returns for a bad
// option; the error is an [*OptionError] naming the option.
var ErrInvalidOption = errors.New("ouratest: invalid option")

// OptionError is a bad argument to an [Option].
type OptionError struct {
	Option string // the option, e.g. "WithPageSize"
	Reason string
}

// Error names the option and the reason.
func (e *OptionError) Error() string { return "ouratest: " + e.Option + ": " + e.Reason }

// Is reports whether target is [ErrInvalidOption].
func (e *OptionError) Is(target error) bool { return target == ErrInvalidOption }

// Defaults of the server's settings.
const (
	// DefaultToken is the static bearer token of the default user.
	DefaultToken = "ouratest-token"
	// DefaultUserID is the id of the default user, served when no user is
	// configured with [WithUser].
	DefaultUserID = "ouratest-user"
	// DefaultClientID and DefaultClientSecret are the OAuth2 client the
	// server knows when none is configured with [WithClient]. The secret also
	// authenticates webhook subscription calls and signs webhook events.
	DefaultClientID     = "ouratest-client"
	DefaultClientSecret = "ouratest-secret"
	// SandboxUserID is the user whose data the sandbox routes serve, whatever
	// the token.
	SandboxUserID = "sandbox"

	defaultPageSize       = 50
	defaultSamplePageSize = 1000
	defaultTokenLifetime  = 24 * time.Hour
	defaultMaxSeries      = 30 * 24 * time.Hour
	defaultSubscription   = 90 * 24 * time.Hour
)

// Option configures a [Server].
type Option func(*config) error

type config struct {
	seed           uint64
	users          []User
	pageSize       int
	samplePageSize int
	clients        map[string]string
	clientOrder    []string
	fixed          time.Time
	revisionAt     time.Time
	exactDates     bool
	rules          []Rule
	tokenLifetime  time.Duration
	maxSeries      time.Duration
	subLifetime    time.Duration
	logger         *slog.Logger
	rateLimit      int
	rateWindow     time.Duration
	webhookClient  *http.Client
	skipVerify     bool
}

func defaultConfig() config {
	return config{
		pageSize:       defaultPageSize,
		samplePageSize: defaultSamplePageSize,
		clients:        map[string]string{},
		tokenLifetime:  defaultTokenLifetime,
		maxSeries:      defaultMaxSeries,
		subLifetime:    defaultSubscription,
	}
}

// WithSeed sets the seed every document, sample and token is drawn from. The
// same seed gives the same bytes. The default seed is 0.
func WithSeed(seed uint64) Option {
	return func(c *config) error { c.seed = seed; return nil }
}

// WithUser adds a user. Without any, the server has one user, [DefaultUserID]
// in UTC with the token [DefaultToken].
func WithUser(u User) Option {
	return func(c *config) error {
		if u.ID == "" {
			return &OptionError{"WithUser", "the user has no ID"}
		}
		if u.ID == SandboxUserID {
			return &OptionError{"WithUser", fmt.Sprintf("the user ID %q is reserved for the sandbox", u.ID)}
		}
		for _, o := range c.users {
			if o.ID == u.ID {
				return &OptionError{"WithUser", fmt.Sprintf("user %q is added twice", u.ID)}
			}
			if u.Token != "" && o.Token == u.Token {
				return &OptionError{"WithUser", fmt.Sprintf("users %q and %q share a token", o.ID, u.ID)}
			}
		}
		if !u.Since.IsZero() && !u.Since.IsValid() {
			return &OptionError{"WithUser", fmt.Sprintf("user %q: Since is not a valid date", u.ID)}
		}
		c.users = append(c.users, u)
		return nil
	}
}

// WithPageSize sets how many documents a page of a document collection holds
// at most (default 50).
func WithPageSize(n int) Option {
	return func(c *config) error {
		if n < 1 || n > 1_000_000 {
			return &OptionError{"WithPageSize", fmt.Sprintf("page size %d is not between 1 and 1000000", n)}
		}
		c.pageSize = n
		return nil
	}
}

// WithSamplePageSize sets how many rows a page of heartrate or
// ring_battery_level holds at most (default 1000).
func WithSamplePageSize(n int) Option {
	return func(c *config) error {
		if n < 1 || n > 10_000_000 {
			return &OptionError{"WithSamplePageSize", fmt.Sprintf("page size %d is not between 1 and 10000000", n)}
		}
		c.samplePageSize = n
		return nil
	}
}

// WithClient registers an OAuth2 client: its id and secret authenticate token
// requests and webhook subscription calls, and the secret signs the webhook
// events of its subscriptions. Without any, the server knows
// [DefaultClientID] with [DefaultClientSecret].
func WithClient(id, secret string) Option {
	return func(c *config) error {
		if id == "" || secret == "" {
			return &OptionError{"WithClient", "client id and secret must not be empty"}
		}
		if _, dup := c.clients[id]; dup {
			return &OptionError{"WithClient", fmt.Sprintf("client %q is registered twice", id)}
		}
		c.clients[id] = secret
		c.clientOrder = append(c.clientOrder, id)
		return nil
	}
}

// WithTime stops the server's clock at t; [Server.SetTime] and
// [Server.Advance] move it. The clock decides token expiry, subscription
// expiry, which days exist (none after today in the user's zone, no sample
// after now) and whether revisions have happened. By default the clock is
// the real time.
func WithTime(t time.Time) Option {
	return func(c *config) error {
		if t.IsZero() {
			return &OptionError{"WithTime", "the time is zero"}
		}
		c.fixed = t
		return nil
	}
}

// WithRevisionAt sets when late revisions happen. Some documents change
// after they are first served, keeping their id: a long sleep whose bedtime
// the user edits (bedtime_start moves, sleep_analysis_reason becomes
// bedtime_edit, the day's sleep score and readiness follow), a nap the user
// deletes (its type becomes deleted) and a late nap merged into the night
// (it disappears; fetching its id answers 404). Before t on the server's
// clock documents are served as first written, from t on as revised. Without
// this option every document is served revised.
func WithRevisionAt(t time.Time) Option {
	return func(c *config) error {
		if t.IsZero() {
			return &OptionError{"WithRevisionAt", "the time is zero"}
		}
		c.revisionAt = t
		return nil
	}
}

// WithExactDates turns off the date quirks of Oura's API that the server
// mimics by default, so that every document collection returns exactly the
// documents whose day is within start_date..end_date, both inclusive.
//
// The quirks: daily_activity, daily_readiness, daily_sleep and vO2_max match
// their local timestamp against the dates read as local midnight, so a
// daily_activity (stamped 04:00) is missed when end_date is its day;
// workout matches the start instant against the dates read in UTC while it
// reports a local day.
func WithExactDates() Option {
	return func(c *config) error { c.exactDates = true; return nil }
}

// WithFaults installs fault rules from the start; see [Server.Inject].
func WithFaults(rules ...Rule) Option {
	return func(c *config) error {
		for i, r := range rules {
			if err := r.validate(); err != nil {
				return &OptionError{"WithFaults", fmt.Sprintf("rule %d: %v", i, err)}
			}
		}
		c.rules = append(c.rules, rules...)
		return nil
	}
}

// WithTokenLifetime sets how long access tokens issued by the token endpoint
// live (default 24 hours, the expires_in of the token response).
func WithTokenLifetime(d time.Duration) Option {
	return func(c *config) error {
		if d < time.Second {
			return &OptionError{"WithTokenLifetime", fmt.Sprintf("lifetime %v is under a second", d)}
		}
		c.tokenLifetime = d
		return nil
	}
}

// WithMaxSeriesWindow sets the longest window heartrate and
// ring_battery_level accept between start_datetime and end_datetime (default
// 30 days); longer windows are answered with 400.
func WithMaxSeriesWindow(d time.Duration) Option {
	return func(c *config) error {
		if d < time.Minute {
			return &OptionError{"WithMaxSeriesWindow", fmt.Sprintf("window %v is under a minute", d)}
		}
		c.maxSeries = d
		return nil
	}
}

// WithSubscriptionLifetime sets how long a webhook subscription lives after
// it is created or renewed (default 90 days).
func WithSubscriptionLifetime(d time.Duration) Option {
	return func(c *config) error {
		if d < time.Second {
			return &OptionError{"WithSubscriptionLifetime", fmt.Sprintf("lifetime %v is under a second", d)}
		}
		c.subLifetime = d
		return nil
	}
}

// WithRateLimit answers 429 once a token (or, on webhook routes, a client)
// has made n requests in the current fixed window of the server's clock, as
// Oura's limit of 5000 requests per 5 minutes does. Off by default.
func WithRateLimit(n int, window time.Duration) Option {
	return func(c *config) error {
		if n < 1 || window < time.Second {
			return &OptionError{"WithRateLimit", fmt.Sprintf("limit %d per %v: want at least 1 per second", n, window)}
		}
		c.rateLimit, c.rateWindow = n, window
		return nil
	}
}

// WithLogger sets where the server logs (at debug level, one line a
// request). The default discards.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return &OptionError{"WithLogger", "the logger is nil"}
		}
		c.logger = l
		return nil
	}
}

// WithWebhookClient sets the HTTP client the server uses to verify callback
// URLs and deliver webhook events (default: a client with a 10 second
// timeout).
func WithWebhookClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return &OptionError{"WithWebhookClient", "the client is nil"}
		}
		c.webhookClient = hc
		return nil
	}
}

// WithoutWebhookVerification creates subscriptions without calling the
// callback URL's verification challenge first.
func WithoutWebhookVerification() Option {
	return func(c *config) error { c.skipVerify = true; return nil }
}
