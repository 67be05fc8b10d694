package ourahealth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"golang.org/x/oauth2"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
	"github.com/lifeops/lifeops/oura"
	"github.com/lifeops/lifeops/oura/ourahealth"
	"github.com/lifeops/lifeops/oura/ouratest"
	"github.com/lifeops/lifeops/store"
	"github.com/lifeops/lifeops/store/pgtest"
)

// credStore is what a process of these tests needs of its store.
type credStore interface {
	lifeops.CredentialStore
	CreateUser(ctx context.Context, u lifeops.User) error
}

// sharedBackend opens one store that several processes share: each call of
// open gives one process its own handle on it.
type sharedBackend struct {
	name string
	open func(t *testing.T) func(t *testing.T) credStore
}

// sharedBackends are memstore (one instance, as one database), SQLite and
// Postgres (store/pgtest), where every process opens the database on its
// own and each credential goes through encryption at rest and back.
var sharedBackends = []sharedBackend{
	{"memstore", func(t *testing.T) func(t *testing.T) credStore {
		st := memstore.New()
		return func(*testing.T) credStore { return st }
	}},
	{"sqlite", func(t *testing.T) func(t *testing.T) credStore {
		return openShared(t, filepath.Join(t.TempDir(), "lifeops.db"))
	}},
	{"postgres", func(t *testing.T) func(t *testing.T) credStore {
		return openShared(t, pgtest.Schema(t))
	}},
}

// openShared migrates the database at dsn and returns a function that gives
// each process its own store.Store on it, all with one encryption key.
func openShared(t *testing.T, dsn string) func(t *testing.T) credStore {
	ring, err := store.NewKeyring(store.Key{ID: "k1", Secret: lifeops.NewSecret("0123456789abcdef0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	first, err := store.Open(t.Context(), dsn, &store.Options{Keys: ring})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = first.Close() })
	if _, err := first.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	opened := false
	return func(t *testing.T) credStore {
		if !opened {
			opened = true
			return first
		}
		db, err := store.Open(t.Context(), dsn, &store.Options{Keys: ring})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		return db
	}
}

// rotation is a fake Oura, a store shared by several processes, one user
// whose OAuth2 credential is stored in it, and the processes' sources.
type rotation struct {
	srv   *ouratest.Server
	user  uuid.UUID
	procs []*process
}

// process is one process's view: its own store handle, its own source and
// the hooks the tests pause it with.
type process struct {
	store  credStore
	source *ourahealth.Source
	token  *pausing // wraps the transport of its token requests
	creds  *pausingStore
}

func newRotation(t *testing.T, b sharedBackend, n int, cfg func(*ourahealth.Config)) *rotation {
	t.Helper()
	srv := ouratest.Start(t, ouratest.WithTime(serverNow), ouratest.WithUser(ouratest.User{ID: "oura-u1", Token: "static-tok"}))
	open := b.open(t)
	r := &rotation{srv: srv, user: uuid.New()}
	ctx := t.Context()
	for i := range n {
		st := open(t)
		if i == 0 {
			if err := st.CreateUser(ctx, lifeops.User{ID: r.user, Name: "Ann", Zone: "UTC", DayStartHour: 4,
				WakeTime: civil.Clock{Hour: 7}, Bedtime: civil.Clock{Hour: 23}, CreatedAt: serverNow, UpdatedAt: serverNow}); err != nil {
				t.Fatal(err)
			}
			tok, err := srv.IssueToken("oura-u1")
			if err != nil {
				t.Fatal(err)
			}
			if err := st.PutCredential(ctx, lifeops.Credential{UserID: r.user, Provider: lifeops.ProviderOura, ExternalID: "oura-u1",
				AccessToken: lifeops.NewSecret(tok.AccessToken), RefreshToken: lifeops.NewSecret(tok.RefreshToken), Expiry: tok.Expiry, UpdatedAt: serverNow}); err != nil {
				t.Fatal(err)
			}
		}
		p := &process{store: st, token: &pausing{next: srv.Client().Transport}, creds: &pausingStore{CredentialStore: st}}
		c := ourahealth.Config{
			Credentials: p.creds,
			ClientOptions: []oura.Option{oura.WithBaseURL(srv.URL), oura.WithHTTPClient(srv.Client()), oura.WithRetryPolicy(oura.NoRetry()),
				oura.WithRateLimiter(nil)},
			OAuth: &oura.OAuthConfig{ClientID: ouratest.DefaultClientID, ClientSecret: oura.NewSecret(ouratest.DefaultClientSecret),
				HTTPClient: &http.Client{Transport: p.token, Timeout: time.Minute}, Now: srv.Now,
				Endpoint: oauth2.Endpoint{AuthURL: srv.URL + "/oauth/authorize", TokenURL: srv.URL + "/oauth/token", AuthStyle: oauth2.AuthStyleInParams}},
			Now: srv.Now,
		}
		if cfg != nil {
			cfg(&c)
		}
		var err error
		if p.source, err = ourahealth.New(c); err != nil {
			t.Fatal(err)
		}
		r.procs = append(r.procs, p)
	}
	return r
}

// days makes one call of the process that needs a token.
func (r *rotation) days(ctx context.Context, p *process) error {
	_, err := p.source.Days(ctx, r.user, lifeops.KindDailySleep, civil.D(2024, 4, 1), civil.D(2024, 4, 2))
	return err
}

// tokenCalls counts the token endpoint's answers by status.
func (r *rotation) tokenCalls() map[int]int {
	out := map[int]int{}
	for _, q := range r.srv.Requests() {
		if q.Path == "/oauth/token" {
			out[q.Status]++
		}
	}
	return out
}

// pausing is a transport that can hold the next request until released,
// and says when its answer has come back.
type pausing struct {
	next http.RoundTripper

	mu       sync.Mutex
	arrived  chan struct{} // closed when a request is held
	release  chan struct{} // the held request goes on when closed
	answered chan struct{} // closed when the held request's answer is back
}

// hold arms the transport: the next request waits for the returned
// release function.
func (p *pausing) hold() (arrived, answered <-chan struct{}, release func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.arrived, p.release, p.answered = make(chan struct{}), make(chan struct{}), make(chan struct{})
	rel := p.release
	return p.arrived, p.answered, sync.OnceFunc(func() { close(rel) })
}

func (p *pausing) RoundTrip(req *http.Request) (*http.Response, error) {
	p.mu.Lock()
	arrived, release, answered := p.arrived, p.release, p.answered
	p.arrived, p.release, p.answered = nil, nil, nil
	p.mu.Unlock()
	if arrived == nil {
		return p.next.RoundTrip(req)
	}
	close(arrived)
	select {
	case <-release:
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	defer close(answered)
	return p.next.RoundTrip(req)
}

// pausingStore is a process's credential store with two hooks: one that
// holds the next PutCredential until released, one that reports the next
// Credential read.
type pausingStore struct {
	lifeops.CredentialStore

	mu       sync.Mutex
	putHeld  chan struct{} // closed when a put is held
	putGo    chan struct{} // the held put goes on when closed
	readNow  chan struct{} // closed at the next Credential read
	reads    int           // Credential reads so far
	readFail error         // every Credential read fails with it, when set
}

// count returns how many Credential reads there were.
func (s *pausingStore) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reads
}

func (s *pausingStore) failReads(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.readFail = err
}

func (s *pausingStore) holdPut() (held <-chan struct{}, release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.putHeld, s.putGo = make(chan struct{}), make(chan struct{})
	g := s.putGo
	return s.putHeld, sync.OnceFunc(func() { close(g) })
}

func (s *pausingStore) nextRead() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.readNow = make(chan struct{})
	return s.readNow
}

func (s *pausingStore) PutCredential(ctx context.Context, c lifeops.Credential) error {
	s.mu.Lock()
	held, goOn := s.putHeld, s.putGo
	s.putHeld, s.putGo = nil, nil
	s.mu.Unlock()
	if held != nil {
		close(held)
		select {
		case <-goOn:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return s.CredentialStore.PutCredential(ctx, c)
}

func (s *pausingStore) Credential(ctx context.Context, userID uuid.UUID, provider string) (lifeops.Credential, error) {
	s.mu.Lock()
	now, fail := s.readNow, s.readFail
	s.readNow = nil
	s.reads++
	s.mu.Unlock()
	c, err := s.CredentialStore.Credential(ctx, userID, provider)
	if fail != nil {
		c, err = lifeops.Credential{}, fail
	}
	if now != nil {
		close(now)
	}
	return c, err
}

// wait fails the test when ch is not closed within a minute: a hook the
// scenario relies on was never reached.
func wait(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(time.Minute):
		t.Fatalf("timed out waiting for %s", what)
	}
}

// TestSource_TwoProcessesRefreshTogether: two processes whose token expired
// both refresh with the same refresh token. Oura rotates it for the first
// and refuses the second with invalid_grant; the second finds the token the
// first stored and goes on with it, instead of asking the person to connect
// Oura again.
func TestSource_TwoProcessesRefreshTogether(t *testing.T) {
	t.Parallel()
	for _, b := range sharedBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			r := newRotation(t, b, 2, nil)
			ctx := t.Context()
			p1, p2 := r.procs[0], r.procs[1]
			for _, p := range r.procs { // both hold a client with the first token
				if err := r.days(ctx, p); err != nil {
					t.Fatal(err)
				}
			}
			first, err := p1.store.Credential(ctx, r.user, lifeops.ProviderOura)
			if err != nil {
				t.Fatal(err)
			}
			r.srv.Advance(25 * time.Hour) // the token has expired for both

			// The second process reaches the token endpoint with the first
			// refresh token and is held there; the first process refreshes,
			// stores the new token and reads its data; then the second goes on.
			arrived, _, release := p2.token.hold()
			defer release()
			done := make(chan error, 1)
			go func() { done <- r.days(ctx, p2) }()
			wait(t, arrived, "the second process at the token endpoint")
			if err := r.days(ctx, p1); err != nil {
				t.Fatalf("first process: %v", err)
			}
			stored, err := p1.store.Credential(ctx, r.user, lifeops.ProviderOura)
			if err != nil {
				t.Fatal(err)
			}
			if stored.RefreshToken.Equal(first.RefreshToken) {
				t.Fatal("the first process did not rotate the refresh token")
			}
			release()
			if err := <-done; err != nil {
				t.Fatalf("second process: %v (message %q)", err, lifeops.ErrorMessage(err))
			}
			if diff := cmp.Diff(map[int]int{200: 1, 400: 1}, r.tokenCalls()); diff != "" {
				t.Errorf("token endpoint answers by status (-want +got):\n%s", diff)
			}
			// Neither process changed what the winner stored, and both go on
			// with it without refreshing again.
			for i, p := range r.procs {
				if err := r.days(ctx, p); err != nil {
					t.Errorf("process %d afterwards: %v", i+1, err)
				}
			}
			after, err := p2.store.Credential(ctx, r.user, lifeops.ProviderOura)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(stored, after, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
				t.Errorf("stored credential (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(map[int]int{200: 1, 400: 1}, r.tokenCalls()); diff != "" {
				t.Errorf("token endpoint answers afterwards (-want +got):\n%s", diff)
			}
			// The next expiry: now the second process wins and the first is
			// refused; the roles swap and nothing changes.
			r.srv.Advance(25 * time.Hour)
			arrived, _, release2 := p1.token.hold()
			defer release2()
			go func() { done <- r.days(ctx, p1) }()
			wait(t, arrived, "the first process at the token endpoint")
			if err := r.days(ctx, p2); err != nil {
				t.Fatalf("second process, next expiry: %v", err)
			}
			release2()
			if err := <-done; err != nil {
				t.Fatalf("first process, next expiry: %v", err)
			}
			if diff := cmp.Diff(map[int]int{200: 2, 400: 2}, r.tokenCalls()); diff != "" {
				t.Errorf("token endpoint answers after the next expiry (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSource_ManyProcessesRefreshTogether: several processes, each with
// several goroutines, all find the token expired at once, round after
// round. Every call succeeds, and Oura issues one token per round.
func TestSource_ManyProcessesRefreshTogether(t *testing.T) {
	t.Parallel()
	const procs, goroutines, rounds = 4, 6, 12
	for _, b := range sharedBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			r := newRotation(t, b, procs, nil)
			ctx := t.Context()
			for round := range rounds {
				r.srv.Advance(25 * time.Hour)
				start := make(chan struct{})
				errs := make(chan error, procs*goroutines)
				var wg sync.WaitGroup
				for i, p := range r.procs {
					for g := range goroutines {
						wg.Go(func() {
							<-start
							if err := r.days(ctx, p); err != nil {
								errs <- fmt.Errorf("round %d, process %d, goroutine %d: %w", round, i, g, err)
							}
						})
					}
				}
				close(start)
				wg.Wait()
				close(errs)
				for err := range errs {
					t.Error(err)
				}
				if t.Failed() {
					t.FailNow()
				}
				if got := r.tokenCalls()[200]; got != round+1 {
					t.Fatalf("after round %d Oura issued %d tokens, want one per round", round, got)
				}
			}
			calls := r.tokenCalls()
			t.Logf("%d rounds of %d calls: Oura issued %d tokens and refused %d refreshes, each followed by the token another process stored",
				rounds, procs*goroutines, calls[200], calls[400])
		})
	}
}

// TestSource_RefusedBeforeTheWinnerStored: the second process is refused
// while the first, which Oura answered, has not stored the new token yet.
// The second reads the store again until the new token is there.
func TestSource_RefusedBeforeTheWinnerStored(t *testing.T) {
	t.Parallel()
	for _, b := range sharedBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			r := newRotation(t, b, 2, func(c *ourahealth.Config) { c.ReloadWait = time.Minute })
			ctx := t.Context()
			p1, p2 := r.procs[0], r.procs[1]
			for _, p := range r.procs {
				if err := r.days(ctx, p); err != nil {
					t.Fatal(err)
				}
			}
			r.srv.Advance(25 * time.Hour)

			// The second process is held at the token endpoint with the first
			// refresh token; the first rotates it and is held before storing.
			arrived, _, releaseToken := p2.token.hold()
			defer releaseToken()
			done2 := make(chan error, 1)
			go func() { done2 <- r.days(ctx, p2) }()
			wait(t, arrived, "the second process at the token endpoint")
			stored, releasePut := p1.creds.holdPut()
			defer releasePut()
			done1 := make(chan error, 1)
			go func() { done1 <- r.days(ctx, p1) }()
			wait(t, stored, "the first process storing its new token")
			// Oura refuses the second; it reads the store, which still holds
			// the refused token, and waits.
			reread := p2.creds.nextRead()
			releaseToken()
			wait(t, reread, "the second process reading the store after invalid_grant")
			releasePut()
			if err := <-done1; err != nil {
				t.Fatalf("first process: %v", err)
			}
			if err := <-done2; err != nil {
				t.Fatalf("second process: %v", err)
			}
			if diff := cmp.Diff(map[int]int{200: 1, 400: 1}, r.tokenCalls()); diff != "" {
				t.Errorf("token endpoint answers by status (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSource_DeadRefreshTokenIsUnauthorized: a refresh token Oura refuses
// while it is still the stored one is dead; so is one refused after the
// person was disconnected. Both are reported unauthorized; a store that
// cannot be read is reported as it is, not as a refused connection.
func TestSource_DeadRefreshTokenIsUnauthorized(t *testing.T) {
	t.Parallel()
	for _, b := range sharedBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			t.Run("revoked", func(t *testing.T) {
				t.Parallel()
				r := newRotation(t, b, 1, func(c *ourahealth.Config) { c.ReloadWait = 30 * time.Millisecond })
				p := r.procs[0]
				cred, err := p.store.Credential(t.Context(), r.user, lifeops.ProviderOura)
				if err != nil {
					t.Fatal(err)
				}
				r.srv.RevokeToken(cred.RefreshToken.Reveal())
				r.srv.Advance(25 * time.Hour)
				err = r.days(t.Context(), p)
				if !errors.Is(err, lifeops.ErrUnauthorized) || !errors.Is(err, oura.ErrUnauthorized) {
					t.Fatalf("err = %v, want unauthorized", err)
				}
				if msg := lifeops.ErrorMessage(err); msg != "Oura refused the credentials; connect Oura again." {
					t.Errorf("message %q", msg)
				}
				if n := p.creds.count(); n < 2 {
					t.Errorf("%d credential reads: the store was not read again after invalid_grant", n)
				}
			})
			t.Run("disconnected meanwhile", func(t *testing.T) {
				t.Parallel()
				r := newRotation(t, b, 1, func(c *ourahealth.Config) { c.ReloadWait = time.Hour })
				p := r.procs[0]
				ctx := t.Context()
				cred, err := p.store.Credential(ctx, r.user, lifeops.ProviderOura)
				if err != nil {
					t.Fatal(err)
				}
				r.srv.Advance(25 * time.Hour)
				arrived, _, release := p.token.hold()
				defer release()
				done := make(chan error, 1)
				go func() { done <- r.days(ctx, p) }()
				wait(t, arrived, "the token request")
				r.srv.RevokeToken(cred.RefreshToken.Reveal())
				if err := p.store.DeleteCredential(ctx, r.user, lifeops.ProviderOura); err != nil {
					t.Fatal(err)
				}
				release()
				err = <-done
				if !errors.Is(err, lifeops.ErrUnauthorized) {
					t.Fatalf("err = %v, want unauthorized", err)
				}
				if n := p.creds.count(); n != 2 {
					t.Errorf("%d credential reads, want 2: one before the call, one after invalid_grant, no wait", n)
				}
			})
			t.Run("store fails", func(t *testing.T) {
				t.Parallel()
				r := newRotation(t, b, 1, func(c *ourahealth.Config) { c.ReloadWait = time.Hour })
				p := r.procs[0]
				ctx := t.Context()
				cred, err := p.store.Credential(ctx, r.user, lifeops.ProviderOura)
				if err != nil {
					t.Fatal(err)
				}
				r.srv.Advance(25 * time.Hour)
				arrived, _, release := p.token.hold()
				defer release()
				done := make(chan error, 1)
				go func() { done <- r.days(ctx, p) }()
				wait(t, arrived, "the token request")
				r.srv.RevokeToken(cred.RefreshToken.Reveal())
				boom := errors.New("store: disk on fire")
				p.creds.failReads(boom)
				release()
				err = <-done
				if !errors.Is(err, boom) || errors.Is(err, lifeops.ErrUnauthorized) {
					t.Fatalf("err = %v, want the store's error and not unauthorized", err)
				}
			})
			t.Run("cancelled while waiting", func(t *testing.T) {
				t.Parallel()
				r := newRotation(t, b, 1, func(c *ourahealth.Config) { c.ReloadWait = time.Hour })
				p := r.procs[0]
				cred, err := p.store.Credential(t.Context(), r.user, lifeops.ProviderOura)
				if err != nil {
					t.Fatal(err)
				}
				r.srv.RevokeToken(cred.RefreshToken.Reveal())
				r.srv.Advance(25 * time.Hour)
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				arrived, answered, release := p.token.hold()
				defer release()
				done := make(chan error, 1)
				go func() { done <- r.days(ctx, p) }()
				wait(t, arrived, "the token request")
				reread := p.creds.nextRead()
				release()
				wait(t, answered, "the refusal")
				wait(t, reread, "the read after invalid_grant")
				cancel()
				if err := <-done; !errors.Is(err, context.Canceled) {
					t.Fatalf("err = %v, want context.Canceled", err)
				}
			})
		})
	}
}
