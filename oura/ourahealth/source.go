package ourahealth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/oauth2"
	"golang.org/x/time/rate"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/oura"
)

// Provider is the provider name of everything the adapter delivers:
// lifeops.ProviderOura.
const Provider = lifeops.ProviderOura

// Config configures [New].
type Config struct {
	// Credentials holds each user's Oura tokens (provider "oura") and
	// receives every refreshed token. Required.
	Credentials lifeops.CredentialStore
	// OAuth is the application, used to refresh expired tokens. Nil uses the
	// stored access token as it is, never refreshing it.
	OAuth *oura.OAuthConfig
	// ClientOptions configure every user's client: base URL, HTTP client,
	// sandbox, retry policy, logger. By default the clients of all users
	// share one rate limiter and one circuit breaker, because Oura limits
	// the application as a whole; options here may replace them.
	ClientOptions []oura.Option
	// Logger receives the adapter's own lines; nil discards.
	Logger *slog.Logger
	// Now is the clock of credential updates; nil means time.Now.
	Now func() time.Time
	// ReloadWait is how long, after Oura refuses a refresh token as already
	// used, the adapter waits for another process (sharing Credentials) to
	// store the token that replaced it before it reports the credential
	// refused; zero means oura.DefaultReloadWait. See [oura.WithReload].
	ReloadWait time.Duration
}

// String describes the configuration without its secrets: the OAuth2
// application shows as oura.OAuthConfig does, the credential store by its
// type only.
func (c Config) String() string {
	oauth := "nil"
	if c.OAuth != nil {
		oauth = c.OAuth.String()
	}
	return fmt.Sprintf("ourahealth.Config{Credentials: %T, OAuth: %s, ClientOptions: %d, ReloadWait: %s}",
		c.Credentials, oauth, len(c.ClientOptions), c.ReloadWait)
}

// GoString is String.
func (c Config) GoString() string { return c.String() }

// Format writes String for every verb.
func (c Config) Format(f fmt.State, verb rune) { _, _ = io.WriteString(f, c.String()) }

// LogValue implements [slog.LogValuer] without the secrets.
func (c Config) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("credentials", fmt.Sprintf("%T", c.Credentials))}
	if c.OAuth != nil {
		attrs = append(attrs, slog.Any("oauth", c.OAuth.LogValue()))
	}
	return slog.GroupValue(append(attrs, slog.Duration("reload_wait", c.ReloadWait))...)
}

// MarshalJSON encodes String.
func (c Config) MarshalJSON() ([]byte, error) { return json.Marshal(c.String()) }

// Source is the adapter between the Oura API and LifeOps: it
// implements [lifeops.HealthSource] for every user whose Oura credential is
// in the credential store. Safe for concurrent use.
type Source struct {
	creds   lifeops.CredentialStore
	oauth   *oura.OAuthConfig
	opts    []oura.Option
	limiter *rate.Limiter
	breaker *oura.CircuitBreaker
	logger  *slog.Logger
	now     func() time.Time
	// reloadWait is Config.ReloadWait.
	reloadWait time.Duration

	mu    sync.Mutex
	users map[uuid.UUID]*userClient
}

// userClient is the cached client of one user and the token source behind
// it, reused while the stored credential is the one it holds.
type userClient struct {
	client *oura.Client
	src    *oura.OAuthTokenSource // nil for a static token
	access string                 // the static token, when src is nil
	// retired are the refresh tokens src has rotated away from; a stored
	// credential naming one was read before the newest token was stored.
	// Guarded by Source.mu.
	retired map[string]bool
}

var _ lifeops.HealthSource = (*Source)(nil)

// String describes the source without the tokens it holds.
func (h *Source) String() string {
	h.mu.Lock()
	n := len(h.users)
	h.mu.Unlock()
	return fmt.Sprintf("ourahealth.Source{Credentials: %T, OAuth: %t, clients: %d}", h.creds, h.oauth != nil, n)
}

// GoString is String.
func (h *Source) GoString() string { return h.String() }

// Format writes String for every verb.
func (h *Source) Format(f fmt.State, verb rune) { _, _ = io.WriteString(f, h.String()) }

// LogValue implements [slog.LogValuer] without the tokens.
func (h *Source) LogValue() slog.Value { return slog.StringValue(h.String()) }

// MarshalJSON encodes String.
func (h *Source) MarshalJSON() ([]byte, error) { return json.Marshal(h.String()) }

// New returns the adapter.
func New(cfg Config) (*Source, error) {
	if cfg.Credentials == nil {
		return nil, &oura.ParamError{Param: "Credentials", Reason: "required"}
	}
	h := &Source{
		creds:   cfg.Credentials,
		oauth:   cfg.OAuth,
		opts:    slices.Clone(cfg.ClientOptions),
		limiter: oura.NewRateLimiter(),
		breaker: oura.NewCircuitBreaker(oura.DefaultBreakerThreshold, oura.DefaultBreakerCooldown),
		logger:  cfg.Logger,
		now:     cfg.Now,
		users:   map[uuid.UUID]*userClient{},

		reloadWait: cfg.ReloadWait,
	}
	if h.logger == nil {
		h.logger = slog.New(slog.DiscardHandler)
	}
	if h.now == nil {
		h.now = time.Now
	}
	// Check the options once, so a bad one fails here and not on every call.
	if _, err := h.newClient(oura.StaticToken("check")); err != nil {
		return nil, err
	}
	return h, nil
}

func (h *Source) newClient(ts oura.TokenSource) (*oura.Client, error) {
	opts := append([]oura.Option{oura.WithRateLimiter(h.limiter), oura.WithCircuitBreaker(h.breaker)}, h.opts...)
	return oura.NewClient(append(opts, oura.WithTokenSource(ts))...)
}

// Kinds returns the day-level kinds Oura serves, in the order a sync fetches
// them.
func (h *Source) Kinds() []lifeops.DataKind {
	return []lifeops.DataKind{lifeops.KindDailySleep, lifeops.KindDailyReadiness, lifeops.KindDailyActivity, lifeops.KindSleep}
}

// Days returns the user's data of one day-level kind for the days [from, to]
// (Oura's day: the person's local calendar day), with every document behind
// it kept whole, once per id in its latest version (a document revised
// while the pages are walked comes twice). A daily document without a score
// gives no record for its day. For the sleep kind the day's main sleep is
// its longest long_sleep period that is not deleted, judged on each
// period's latest version; a day whose only long_sleep was deleted gives no
// record, so the Service clears what it stored for that day. Bedtime and
// WakeTime are the main period's bedtime_start and bedtime_end, with their
// local offsets, left out when it does not end after it begins within a
// day. Deleted periods are still returned as documents, marked Deleted.
func (h *Source) Days(ctx context.Context, userID uuid.UUID, kind lifeops.DataKind, from, to civil.Date) (lifeops.HealthBatch, error) {
	if from.IsZero() || to.IsZero() || !from.IsValid() || !to.IsValid() || to.Before(from) {
		return lifeops.HealthBatch{}, lifeops.Errorf(lifeops.CodeInvalid, "The date range %s to %s is not valid.", from, to)
	}
	c, err := h.client(ctx, userID)
	if err != nil {
		return lifeops.HealthBatch{}, err
	}
	opts := &oura.ListOptions{StartDate: from, EndDate: to}
	var batch lifeops.HealthBatch
	switch kind {
	case lifeops.KindDailySleep:
		err = collect(ctx, c.DailySleep, opts, string(kind), &batch, func(d *oura.DailySleep) docInfo {
			return docInfo{id: d.ID, day: d.Day, raw: d.Raw, score: providerScore(d.Score, d.Contributors), at: d.Timestamp}
		}, func(day *lifeops.HealthDay, s *lifeops.ProviderScore) { day.Sleep = s })
	case lifeops.KindDailyReadiness:
		err = collect(ctx, c.DailyReadiness, opts, string(kind), &batch, func(d *oura.DailyReadiness) docInfo {
			return docInfo{id: d.ID, day: d.Day, raw: d.Raw, score: providerScore(d.Score, d.Contributors), at: d.Timestamp}
		}, func(day *lifeops.HealthDay, s *lifeops.ProviderScore) { day.Readiness = s })
	case lifeops.KindDailyActivity:
		err = h.activity(ctx, c, opts, &batch)
	case lifeops.KindSleep:
		err = h.sleep(ctx, c, opts, &batch)
	default:
		return lifeops.HealthBatch{}, lifeops.Errorf(lifeops.CodeInvalid, "Oura does not serve the kind %q.", string(kind))
	}
	if err != nil {
		return lifeops.HealthBatch{}, translate(fmt.Errorf("oura %s: %w", kind, err))
	}
	// The walk listed every document of the kind's collection dated in
	// the range: one the store has and Oura no longer lists was deleted.
	batch.Provider, batch.Complete = Provider, []string{string(kind)}
	return batch, nil
}

// docInfo is what the adapter reads from a daily document.
type docInfo struct {
	id    string
	day   civil.Date
	raw   json.RawMessage
	score *lifeops.ProviderScore
	at    time.Time
}

// documents collects the raw documents of a walk, one per id: a document
// revised while the pages are walked comes twice, and its later version
// replaces the earlier one in place.
type documents struct {
	list  []lifeops.RawDocument
	index map[string]int
}

func (ds *documents) add(d lifeops.RawDocument) {
	if i, ok := ds.index[d.ID]; ok {
		ds.list[i] = d
		return
	}
	if ds.index == nil {
		ds.index = map[string]int{}
	}
	ds.index[d.ID] = len(ds.list)
	ds.list = append(ds.list, d)
}

// collect walks a daily collection: every document becomes a raw document,
// and each day with a score a health day. When a day has several documents
// the latest by timestamp wins.
func collect[T any](ctx context.Context, s *oura.DocumentService[T], opts *oura.ListOptions, kind string, batch *lifeops.HealthBatch,
	info func(*T) docInfo, set func(*lifeops.HealthDay, *lifeops.ProviderScore)) error {
	latest := map[civil.Date]docInfo{}
	var docs documents
	for d, err := range s.All(ctx, opts) {
		if err != nil {
			return err
		}
		in := info(&d)
		docs.add(rawDocument(kind, in.id, in.day, false, in.raw))
		if old, ok := latest[in.day]; !ok || !in.at.Before(old.at) {
			latest[in.day] = in
		}
	}
	batch.Documents = docs.list
	for _, day := range slices.SortedFunc(mapKeys(latest), civil.Date.Compare) {
		in := latest[day]
		recordedAt(batch, day, in.at)
		if in.score == nil {
			continue
		}
		hd := lifeops.HealthDay{Date: day, Source: Provider}
		set(&hd, in.score)
		batch.Days = append(batch.Days, hd)
	}
	return nil
}

func (h *Source) activity(ctx context.Context, c *oura.Client, opts *oura.ListOptions, batch *lifeops.HealthBatch) error {
	latest := map[civil.Date]*oura.DailyActivity{}
	var docs documents
	for d, err := range c.DailyActivity.All(ctx, opts) {
		if err != nil {
			return err
		}
		docs.add(rawDocument(string(lifeops.KindDailyActivity), d.ID, d.Day, false, d.Raw))
		if old, ok := latest[d.Day]; !ok || !d.Timestamp.Before(old.Timestamp) {
			latest[d.Day] = &d
		}
	}
	batch.Documents = docs.list
	for _, day := range slices.SortedFunc(mapKeys(latest), civil.Date.Compare) {
		d := latest[day]
		recordedAt(batch, day, d.Timestamp)
		steps := d.Steps
		batch.Days = append(batch.Days, lifeops.HealthDay{Date: day, Source: Provider,
			Activity: providerScore(d.Score, d.Contributors), Steps: &steps})
	}
	return nil
}

func (h *Source) sleep(ctx context.Context, c *oura.Client, opts *oura.ListOptions, batch *lifeops.HealthBatch) error {
	// Only the latest version of a period counts: one revised while the
	// pages are walked (a bedtime edit, a deletion) comes twice.
	latest := map[string]*oura.Sleep{}
	var docs documents
	for d, err := range c.Sleep.All(ctx, opts) {
		if err != nil {
			return err
		}
		latest[d.ID] = &d
		docs.add(rawDocument(string(lifeops.KindSleep), d.ID, d.Day, d.SleepType() == oura.SleepTypeDeleted, d.Raw))
	}
	batch.Documents = docs.list
	main := map[civil.Date]*oura.Sleep{}
	for _, doc := range docs.list {
		d := latest[doc.ID]
		if d.SleepType() != oura.SleepTypeLongSleep {
			continue
		}
		if old, ok := main[d.Day]; !ok || sleepLength(d) > sleepLength(old) {
			main[d.Day] = d
		}
	}
	for _, day := range slices.SortedFunc(mapKeys(main), civil.Date.Compare) {
		s := main[day]
		recordedAt(batch, day, s.BedtimeEnd)
		hd := lifeops.HealthDay{Date: day, Source: Provider,
			TotalSleepSeconds: s.TotalSleepDuration, Efficiency: s.Efficiency, RestingHeartRate: s.LowestHeartRate, HRV: s.AverageHRV}
		// A period that does not end after it begins, within a day, has no
		// bedtime or wake time to give.
		if inBed := s.BedtimeEnd.Sub(s.BedtimeStart); !s.BedtimeStart.IsZero() && inBed > 0 && inBed <= 24*time.Hour {
			bed, wake := s.BedtimeStart, s.BedtimeEnd
			hd.Bedtime, hd.WakeTime = &bed, &wake
		}
		batch.Days = append(batch.Days, hd)
	}
	return nil
}

// recordedAt notes in batch the UTC offset at which Oura recorded day:
// that of t, a time of one of the day's documents as Oura wrote it (with
// the ring's offset then). A zero t says nothing.
func recordedAt(batch *lifeops.HealthBatch, day civil.Date, t time.Time) {
	if t.IsZero() {
		return
	}
	if batch.Offsets == nil {
		batch.Offsets = map[civil.Date]int{}
	}
	_, off := t.Zone()
	batch.Offsets[day] = off
}

// sleepLength orders sleep periods: total sleep, else time in bed.
func sleepLength(s *oura.Sleep) int {
	if s.TotalSleepDuration != nil {
		return *s.TotalSleepDuration
	}
	return s.TimeInBed
}

// HeartRate yields the user's heart-rate samples in [start, end), one page
// of Oura's at a time, each batch ordered by time.
func (h *Source) HeartRate(ctx context.Context, userID uuid.UUID, start, end time.Time) iter.Seq2[[]lifeops.HeartRateSample, error] {
	return func(yield func([]lifeops.HeartRateSample, error) bool) {
		if start.IsZero() || end.IsZero() || !end.After(start) {
			yield(nil, lifeops.Errorf(lifeops.CodeInvalid, "The heart-rate interval %s to %s is not valid.", start, end))
			return
		}
		c, err := h.client(ctx, userID)
		if err != nil {
			yield(nil, err)
			return
		}
		for page, err := range c.HeartRate.Pages(ctx, &oura.TimeSeriesOptions{Start: start, End: end}) {
			if err != nil {
				yield(nil, translate(fmt.Errorf("oura heartrate: %w", err)))
				return
			}
			out := make([]lifeops.HeartRateSample, 0, len(page.Data))
			for _, s := range page.Data {
				if !s.Timestamp.Before(end) {
					continue // the interval is half-open
				}
				out = append(out, lifeops.HeartRateSample{At: s.Timestamp, BPM: s.BPM, Source: string(s.Source)})
			}
			slices.SortStableFunc(out, func(a, b lifeops.HeartRateSample) int { return a.At.Compare(b.At) })
			if len(out) > 0 && !yield(out, nil) {
				return
			}
		}
	}
}

// Collections are the names of every user collection with documents, as
// [Source.RawDocuments] and [Source.Document] take them.
func Collections() []string {
	return []string{"daily_activity", "daily_cardiovascular_age", "daily_readiness", "daily_resilience", "daily_sleep",
		"daily_spo2", "daily_stress", "enhanced_tag", "rest_mode_period", "ring_configuration", "session", "sleep",
		"sleep_time", "tag", "vO2_max", "workout"}
}

// RawDocuments returns every document of the named collections (all of
// [Collections] when none are named) whose day is in [from, to], kept whole
// and once per id in its latest version, so a store can keep what the day-level kinds do not read: workouts,
// sessions, tags, stress, SpO2 and the rest. ring_configuration has no day
// and is returned whole whatever the range.
func (h *Source) RawDocuments(ctx context.Context, userID uuid.UUID, from, to civil.Date, collections ...string) ([]lifeops.RawDocument, error) {
	if from.IsZero() || to.IsZero() || !from.IsValid() || !to.IsValid() || to.Before(from) {
		return nil, lifeops.Errorf(lifeops.CodeInvalid, "The date range %s to %s is not valid.", from, to)
	}
	if len(collections) == 0 {
		collections = Collections()
	}
	c, err := h.client(ctx, userID)
	if err != nil {
		return nil, err
	}
	var out []lifeops.RawDocument
	for _, name := range collections {
		w, ok := documentWalkers(c)[name]
		if !ok {
			return nil, lifeops.Errorf(lifeops.CodeInvalid, "Oura has no document collection %q.", name)
		}
		docs, err := w.all(ctx, from, to)
		if err != nil {
			return out, translate(fmt.Errorf("oura %s: %w", name, err))
		}
		out = append(out, docs...)
	}
	return out, nil
}

// Document fetches one document, e.g. the object of a webhook event: the
// collection is the event's data type (vo2_max is accepted for vO2_max). A
// document Oura no longer has is an error matching lifeops.ErrNotFound: the
// caller should mark what it stored for it deleted.
func (h *Source) Document(ctx context.Context, userID uuid.UUID, collection, id string) (lifeops.RawDocument, error) {
	if collection == string(oura.DataTypeVO2Max) {
		collection = "vO2_max"
	}
	c, err := h.client(ctx, userID)
	if err != nil {
		return lifeops.RawDocument{}, err
	}
	w, ok := documentWalkers(c)[collection]
	if !ok {
		return lifeops.RawDocument{}, lifeops.Errorf(lifeops.CodeInvalid, "Oura has no document collection %q.", collection)
	}
	d, err := w.get(ctx, id)
	if err != nil {
		return lifeops.RawDocument{}, translate(fmt.Errorf("oura %s %s: %w", collection, id, err))
	}
	return d, nil
}

// UserOf returns the LifeOps user a webhook event is about, through the
// credential whose ExternalID is the event's user_id.
func (h *Source) UserOf(ctx context.Context, e *oura.WebhookEvent) (uuid.UUID, error) {
	if e == nil || e.UserID == "" {
		return uuid.Nil, lifeops.Errorf(lifeops.CodeInvalid, "The webhook event names no user.")
	}
	cred, err := h.creds.CredentialByExternalID(ctx, Provider, e.UserID)
	if err != nil {
		return uuid.Nil, err
	}
	return cred.UserID, nil
}

// Connect stores the token a user granted in the OAuth2 flow as their Oura
// credential, with their Oura user id (read from personal_info) as its
// ExternalID, so webhook events can be routed to them.
func (h *Source) Connect(ctx context.Context, userID uuid.UUID, tok *oauth2.Token) (lifeops.Credential, error) {
	if tok == nil || tok.AccessToken == "" {
		return lifeops.Credential{}, lifeops.Errorf(lifeops.CodeInvalid, "The Oura token is empty.")
	}
	c, err := h.newClient(oura.StaticToken(tok.AccessToken))
	if err != nil {
		return lifeops.Credential{}, err
	}
	info, _, err := c.PersonalInfo.Get(ctx)
	if err != nil {
		return lifeops.Credential{}, translate(fmt.Errorf("oura personal_info: %w", err))
	}
	cred := credentialOf(lifeops.Credential{UserID: userID, Provider: Provider, ExternalID: info.ID}, tok, h.now())
	if err := h.creds.PutCredential(ctx, cred); err != nil {
		return lifeops.Credential{}, err
	}
	h.mu.Lock()
	delete(h.users, userID)
	h.mu.Unlock()
	return cred, nil
}

// client returns the user's client, reusing the cached one while the stored
// credential is the one it holds.
func (h *Source) client(ctx context.Context, userID uuid.UUID) (*oura.Client, error) {
	cred, err := h.creds.Credential(ctx, userID, Provider)
	if err != nil {
		if errors.Is(err, lifeops.ErrNotFound) {
			return nil, lifeops.WrapError(lifeops.CodeUnauthorized, err, "Oura is not connected for this user.")
		}
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if uc, ok := h.users[userID]; ok && uc.holds(cred) {
		return uc.client, nil
	}
	uc := &userClient{retired: map[string]bool{}}
	var ts oura.TokenSource
	if h.oauth != nil && !cred.RefreshToken.IsZero() {
		tok := &oauth2.Token{AccessToken: cred.AccessToken.Reveal(), RefreshToken: cred.RefreshToken.Reveal(), TokenType: cred.TokenType, Expiry: cred.Expiry}
		base, prev := cred, cred.RefreshToken.Reveal()
		persist := func(ctx context.Context, t *oauth2.Token) error {
			next := credentialOf(base, t, h.now())
			if err := h.creds.PutCredential(ctx, next); err != nil {
				return err
			}
			h.mu.Lock()
			if t.RefreshToken != prev {
				uc.retired[prev], prev = true, t.RefreshToken
			}
			h.mu.Unlock()
			h.logger.LogAttrs(ctx, slog.LevelInfo, "oura: refreshed token stored", slog.String("user_id", userID.String()))
			return nil
		}
		// After Oura refuses the refresh token as used, the source reads the
		// stored credential: another process that refreshed with the same
		// token at the same moment has stored the one that replaced it.
		load := func(ctx context.Context) (*oauth2.Token, error) {
			stored, err := h.creds.Credential(ctx, userID, Provider)
			if errors.Is(err, lifeops.ErrNotFound) {
				return nil, nil // disconnected meanwhile
			}
			if err != nil {
				return nil, err
			}
			h.mu.Lock()
			adopted := stored.RefreshToken.Reveal() != prev
			if adopted {
				uc.retired[prev], prev = true, stored.RefreshToken.Reveal()
			}
			h.mu.Unlock()
			if adopted {
				h.logger.LogAttrs(ctx, slog.LevelInfo, "oura: token refreshed by another process adopted", slog.String("user_id", userID.String()))
			}
			return &oauth2.Token{AccessToken: stored.AccessToken.Reveal(), RefreshToken: stored.RefreshToken.Reveal(), TokenType: stored.TokenType, Expiry: stored.Expiry}, nil
		}
		uc.src = h.oauth.TokenSource(tok, persist, oura.WithReload(load, h.reloadWait))
		ts = uc.src
	} else {
		uc.access = cred.AccessToken.Reveal()
		ts = oura.StaticToken(cred.AccessToken.Reveal())
	}
	c, err := h.newClient(ts)
	if err != nil {
		return nil, err
	}
	uc.client = c
	h.users[userID] = uc
	return c, nil
}

// holds reports whether the cached client still matches the stored
// credential. A source holds a newer token than the stored one when its
// newest token could not be stored, or when the stored credential was read
// before the newest one was stored (it names a refresh token the source
// rotated away from); such a source is kept, as Oura has retired the older
// refresh token. Called with Source.mu held.
func (uc *userClient) holds(cred lifeops.Credential) bool {
	if uc.src == nil {
		return uc.access == cred.AccessToken.Reveal() && cred.RefreshToken.IsZero()
	}
	if uc.retired[cred.RefreshToken.Reveal()] {
		return true
	}
	cur, pending := uc.src.Current()
	return pending || (cur != nil && cur.RefreshToken == cred.RefreshToken.Reveal())
}

// credentialOf returns base with the tokens of t.
func credentialOf(base lifeops.Credential, t *oauth2.Token, now time.Time) lifeops.Credential {
	c := base
	c.AccessToken, c.RefreshToken, c.TokenType, c.Expiry = lifeops.NewSecret(t.AccessToken), lifeops.NewSecret(t.RefreshToken), t.TokenType, t.Expiry
	if c.TokenType == "" {
		c.TokenType = "Bearer"
	}
	if scopes := oura.GrantedScopes(t); scopes != nil {
		c.Scopes = make([]string, len(scopes))
		for i, s := range scopes {
			c.Scopes[i] = string(s)
		}
	}
	c.UpdatedAt = now
	return c
}

func rawDocument(kind, id string, day civil.Date, deleted bool, raw json.RawMessage) lifeops.RawDocument {
	return lifeops.RawDocument{Provider: Provider, Kind: kind, ID: id, Date: day, Deleted: deleted, Data: raw}
}

// providerScore turns a score and its contributors (a struct of *int fields
// with JSON names) into a ProviderScore; nil when there is no score.
func providerScore(score *int, contributors any) *lifeops.ProviderScore {
	if score == nil {
		return nil
	}
	ps := &lifeops.ProviderScore{Value: *score, Contributors: map[string]int{}}
	v := reflect.ValueOf(contributors)
	for i := range v.NumField() {
		p, ok := v.Field(i).Interface().(*int)
		if !ok || p == nil {
			continue
		}
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		ps.Contributors[name] = *p
	}
	if len(ps.Contributors) == 0 {
		ps.Contributors = nil
	}
	return ps
}

func mapKeys[K comparable, V any](m map[K]V) iter.Seq[K] {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// walker reads one document collection as raw documents.
type walker struct {
	all func(ctx context.Context, from, to civil.Date) ([]lifeops.RawDocument, error)
	get func(ctx context.Context, id string) (lifeops.RawDocument, error)
}

// documentWalker reads the collection of s; idRaw gives a document's id and
// raw JSON. The day comes from the collection's day filter (none for
// ring_configuration), and a sleep period of type deleted is marked Deleted.
func documentWalker[T any](s *oura.DocumentService[T], idRaw func(*T) (string, json.RawMessage)) walker {
	doc := func(d *T) lifeops.RawDocument {
		id, raw := idRaw(d)
		day, _ := s.Day(d)
		sl, ok := any(d).(*oura.Sleep)
		return rawDocument(s.Name(), id, day, ok && sl.SleepType() == oura.SleepTypeDeleted, raw)
	}
	return walker{
		all: func(ctx context.Context, from, to civil.Date) ([]lifeops.RawDocument, error) {
			var opts *oura.ListOptions
			if _, dated := s.Day(new(T)); dated {
				opts = &oura.ListOptions{StartDate: from, EndDate: to}
			}
			var docs documents
			for d, err := range s.All(ctx, opts) {
				if err != nil {
					return docs.list, err
				}
				docs.add(doc(&d))
			}
			return docs.list, nil
		},
		get: func(ctx context.Context, id string) (lifeops.RawDocument, error) {
			d, _, err := s.Get(ctx, id)
			if err != nil {
				return lifeops.RawDocument{}, err
			}
			return doc(d), nil
		},
	}
}

func documentWalkers(c *oura.Client) map[string]walker {
	return map[string]walker{
		"daily_activity":           documentWalker(c.DailyActivity, func(d *oura.DailyActivity) (string, json.RawMessage) { return d.ID, d.Raw }),
		"daily_cardiovascular_age": documentWalker(c.DailyCardiovascularAge, func(d *oura.DailyCardiovascularAge) (string, json.RawMessage) { return d.ID, d.Raw }),
		"daily_readiness":          documentWalker(c.DailyReadiness, func(d *oura.DailyReadiness) (string, json.RawMessage) { return d.ID, d.Raw }),
		"daily_resilience":         documentWalker(c.DailyResilience, func(d *oura.DailyResilience) (string, json.RawMessage) { return d.ID, d.Raw }),
		"daily_sleep":              documentWalker(c.DailySleep, func(d *oura.DailySleep) (string, json.RawMessage) { return d.ID, d.Raw }),
		"daily_spo2":               documentWalker(c.DailySpO2, func(d *oura.DailySpO2) (string, json.RawMessage) { return d.ID, d.Raw }),
		"daily_stress":             documentWalker(c.DailyStress, func(d *oura.DailyStress) (string, json.RawMessage) { return d.ID, d.Raw }),
		"enhanced_tag":             documentWalker(c.EnhancedTag, func(d *oura.EnhancedTag) (string, json.RawMessage) { return d.ID, d.Raw }),
		"rest_mode_period":         documentWalker(c.RestModePeriod, func(d *oura.RestModePeriod) (string, json.RawMessage) { return d.ID, d.Raw }),
		"ring_configuration":       documentWalker(c.RingConfiguration, func(d *oura.RingConfiguration) (string, json.RawMessage) { return d.ID, d.Raw }),
		"session":                  documentWalker(c.Session, func(d *oura.Session) (string, json.RawMessage) { return d.ID, d.Raw }),
		"sleep":                    documentWalker(c.Sleep, func(d *oura.Sleep) (string, json.RawMessage) { return d.ID, d.Raw }),
		"sleep_time":               documentWalker(c.SleepTime, func(d *oura.SleepTime) (string, json.RawMessage) { return d.ID, d.Raw }),
		"tag":                      documentWalker(c.Tag, func(d *oura.Tag) (string, json.RawMessage) { return d.ID, d.Raw }),
		"vO2_max":                  documentWalker(c.VO2Max, func(d *oura.VO2Max) (string, json.RawMessage) { return d.ID, d.Raw }),
		"workout":                  documentWalker(c.Workout, func(d *oura.Workout) (string, json.RawMessage) { return d.ID, d.Raw }),
	}
}

// translate gives an error of the client the LifeOps code of what went
// wrong, keeping the Oura error in the chain: a refused or missing token,
// a missing scope or a lapsed membership is unauthorized; a rate limit,
// Oura being down, a network failure or an open circuit is unavailable; a
// missing document is not found. Context errors and anything else pass
// through unchanged.
func translate(err error) error {
	var te *oura.TokenError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, oura.ErrUnauthorized):
		return lifeops.WrapError(lifeops.CodeUnauthorized, err, "Oura refused the credentials; connect Oura again.")
	case errors.Is(err, oura.ErrForbidden):
		return lifeops.WrapError(lifeops.CodeUnauthorized, err, "Oura refused access: a permission is missing or the Oura membership has lapsed.")
	case errors.Is(err, oura.ErrNotFound):
		return lifeops.WrapError(lifeops.CodeNotFound, err, "Oura has no such document.")
	case errors.Is(err, oura.ErrRateLimited), errors.Is(err, oura.ErrCircuitOpen), errors.Is(err, oura.ErrNotConfigured), errors.As(err, &te):
		return lifeops.WrapError(lifeops.CodeUnavailable, err, "Oura is unavailable; try again later.")
	}
	var ne *oura.NetworkError
	var ae *oura.APIError
	if errors.As(err, &ne) || (errors.As(err, &ae) && ae.StatusCode >= 500) {
		return lifeops.WrapError(lifeops.CodeUnavailable, err, "Oura is unavailable; try again later.")
	}
	var de *oura.DecodeError
	if errors.As(err, &de) {
		return lifeops.WrapError(lifeops.CodeUnavailable, err, "Oura sent data that could not be read.")
	}
	return err
}
