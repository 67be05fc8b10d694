package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/oauth2"

	"github.com/lifeops/lifeops/examples/internal/buildinfo"
	"github.com/lifeops/lifeops/examples/server/api"
	"github.com/lifeops/lifeops/examples/server/porter"
	"github.com/lifeops/lifeops/examples/server/web"
	"github.com/lifeops/lifeops/examples/server/worker"
	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/oura"
	"github.com/lifeops/lifeops/oura/ourahealth"
	"github.com/lifeops/lifeops/store"
	"github.com/lifeops/lifeops/workstats"
	"github.com/lifeops/lifeops/workstats/activitywatch"
	"github.com/lifeops/lifeops/workstats/ical"
)

// shutdownGrace is how long a stop waits for requests in flight.
const shutdownGrace = 10 * time.Second

// options are the program's settings, from flags and the environment.
type options struct {
	addr, data, metricsAddr, publicURL string
	demo, version, privateWork         bool
	dsn, adminToken, jwtKey, encKey    string
	ouraClientID, ouraClientSecret     string
	ouraBaseURL, ouraAuthURL           string
	ouraTokenURL, ouraWebhookToken     string
}

func parse(args []string, getenv func(string) string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", cmpOr(getenv("LIFEOPS_ADDR"), "127.0.0.1:8080"), "listen on `ADDR` (default $LIFEOPS_ADDR, else 127.0.0.1:8080)")
	fs.StringVar(&o.data, "data", cmpOr(getenv("LIFEOPS_DATA_DIR"), "lifeops-data"), "keep the SQLite database and generated keys in `DIR` (default $LIFEOPS_DATA_DIR, else ./lifeops-data)")
	fs.StringVar(&o.metricsAddr, "metrics-addr", "", "serve /metrics on a listener of its own at `ADDR` (default: behind the admin token on -addr)")
	fs.StringVar(&o.publicURL, "public-url", getenv("LIFEOPS_PUBLIC_URL"), "the `URL` clients reach the server at (default $LIFEOPS_PUBLIC_URL)")
	fs.BoolVar(&o.demo, "demo", false, "add a demo person with 60 days of data from an in-process fake Oura")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.BoolVar(&o.privateWork, "work-private-addresses", getenv("LIFEOPS_WORK_PRIVATE_ADDRESSES") == "1",
		"let people's work sources (ActivityWatch, calendar feeds) be read from loopback and private addresses, such as ActivityWatch on the home network (default $LIFEOPS_WORK_PRIVATE_ADDRESSES=1; off: public addresses only)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	o.dsn = getenv("LIFEOPS_DATABASE_URL")
	o.adminToken = getenv("LIFEOPS_ADMIN_TOKEN")
	o.jwtKey = getenv("LIFEOPS_JWT_KEY")
	o.encKey = getenv("LIFEOPS_ENCRYPTION_KEY")
	o.ouraClientID = getenv("LIFEOPS_OURA_CLIENT_ID")
	o.ouraClientSecret = getenv("LIFEOPS_OURA_CLIENT_SECRET")
	o.ouraBaseURL = getenv("LIFEOPS_OURA_BASE_URL")
	o.ouraAuthURL = getenv("LIFEOPS_OURA_AUTH_URL")
	o.ouraTokenURL = getenv("LIFEOPS_OURA_TOKEN_URL")
	o.ouraWebhookToken = getenv("LIFEOPS_OURA_WEBHOOK_TOKEN")
	return o, nil
}

// run is the whole program: it serves until ctx ends, then stops
// gracefully.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, err := parse(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if o.version {
		fmt.Fprintln(stdout, buildinfo.Read())
		return nil
	}
	logger := slog.New(slog.NewJSONHandler(stderr, nil))

	if err := os.MkdirAll(o.data, 0o700); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	secret, err := loadSecret(o.jwtKey, filepath.Join(o.data, "jwt.key"), logger)
	if err != nil {
		return err
	}
	keys, err := api.NewKeys(secret)
	if err != nil {
		return err
	}
	ring, err := loadKeyring(o.encKey, filepath.Join(o.data, "encryption.key"), logger)
	if err != nil {
		return err
	}
	dsn := o.dsn
	if dsn == "" {
		dsn = filepath.Join(o.data, "lifeops.db")
	}
	db, err := store.Open(ctx, dsn, &store.Options{Keys: ring, Logger: logger})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(db.Bun().DB, "lifeops"))

	// Oura: one breaker and one client setup for every person; each call
	// carries its request's id; retries are counted.
	var demo *demoRing
	if o.demo {
		if demo, err = startDemoRing(); err != nil {
			return err
		}
		defer demo.Close()
		o.ouraBaseURL = demo.URL
	}
	breaker := oura.NewCircuitBreaker(oura.DefaultBreakerThreshold, oura.DefaultBreakerCooldown)
	retries := prometheus.NewCounter(prometheus.CounterOpts{Name: "lifeops_oura_retries_total", Help: "Oura calls retried."})
	reg.MustRegister(retries, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "lifeops_oura_breaker_open", Help: "1 while the Oura circuit breaker refuses calls.",
	}, func() float64 {
		if breaker.State() == "closed" {
			return 0
		}
		return 1
	}))
	hc := &http.Client{Timeout: 60 * time.Second, Transport: api.RequestIDTransport{}}
	clientOpts := []oura.Option{oura.WithHTTPClient(hc), oura.WithCircuitBreaker(breaker),
		oura.WithLogger(slog.New(&countRetries{Handler: logger.Handler(), retries: retries}))}
	if o.ouraBaseURL != "" {
		clientOpts = append(clientOpts, oura.WithBaseURL(o.ouraBaseURL))
	}
	public := strings.TrimSuffix(o.publicURL, "/")
	var oauth *oura.OAuthConfig
	if o.ouraClientID != "" {
		oauth = &oura.OAuthConfig{ClientID: o.ouraClientID, ClientSecret: oura.NewSecret(o.ouraClientSecret),
			Scopes: oura.AllScopes(), RedirectURL: public + "/oura/callback", HTTPClient: hc,
			Endpoint: oauth2.Endpoint{AuthURL: o.ouraAuthURL, TokenURL: o.ouraTokenURL}}
		if oauth.Endpoint.AuthURL == "" || oauth.Endpoint.TokenURL == "" {
			oauth.Endpoint = oura.DefaultEndpoint()
		}
	}
	source, err := ourahealth.New(ourahealth.Config{Credentials: db, OAuth: oauth, ClientOptions: clientOpts, Logger: logger})
	if err != nil {
		return err
	}
	// Work-stats sources: each person sets them up with
	// PUT /v1/me/work/sources/{kind}; their settings are read from the
	// store. The addresses are the person's, so unless told otherwise the
	// server reads only public ones (no loopback, private network or
	// cloud metadata).
	workFetch := workstats.FetcherConfig{Logger: logger}
	if !o.privateWork {
		workFetch.HTTPClient = workstats.PublicHTTPClient(0)
	}
	aw, err := activitywatch.NewSource(activitywatch.Config{People: activitywatch.PeopleFrom(db), Fetch: workFetch, Logger: logger})
	if err != nil {
		return err
	}
	cal, err := ical.NewSource(ical.Config{People: ical.PeopleFrom(db), Fetch: workFetch, Logger: logger})
	if err != nil {
		return err
	}
	svc, err := lifeops.New(&lifeops.Config{Store: db, Health: source, Logger: logger, WorkSources: []lifeops.WorkStatsSource{aw, cal}})
	if err != nil {
		return err
	}
	jobs := worker.New(worker.Config{Service: svc, Logger: logger})

	cfg := api.Config{
		Service: svc, Keys: keys, AdminToken: o.adminToken, Logger: logger, Registerer: reg,
		Version: buildinfo.Read(), PublicURL: public, Jobs: jobs, Data: porter.Porter{Store: db, Service: svc},
		Oura: &api.Oura{OAuth: oauth, Connector: source, WebhookToken: oura.NewSecret(o.ouraWebhookToken)},
		Checks: []api.Check{
			{Name: "database", Run: func(ctx context.Context) api.CheckResult {
				if err := db.Bun().PingContext(ctx); err != nil {
					return api.CheckResult{Status: "down", Detail: "the database does not answer"}
				}
				return api.CheckResult{Status: "ok"}
			}},
			{Name: "oura", Run: func(context.Context) api.CheckResult {
				switch breaker.State() {
				case "closed":
					return api.CheckResult{Status: "ok"}
				case "half-open":
					return api.CheckResult{Status: "degraded", Detail: "Oura is answering again after failures"}
				}
				return api.CheckResult{Status: "degraded", Detail: "Oura is failing: calls are paused"}
			}},
			{Name: "work_stats", Run: func(context.Context) api.CheckResult {
				return api.CheckResult{Status: "ok", Detail: "ActivityWatch and calendar feeds, set up per person"}
			}},
		},
	}
	metrics := promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	if o.metricsAddr == "" {
		cfg.Metrics = metrics
	}
	handler, err := api.New(cfg)
	if err != nil {
		return err
	}
	dash, err := web.New(web.Config{Service: svc, API: handler, Secret: secret, Jobs: jobs, Oura: source, Credentials: db,
		Logger: logger, SecureCookies: strings.HasPrefix(public, "https://")})
	if err != nil {
		return err
	}
	root := http.NewServeMux()
	root.Handle("/", handler)
	root.Handle(web.Prefix, dash)
	root.Handle("GET /{$}", http.RedirectHandler(web.Prefix, http.StatusSeeOther))

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	srv := newServer(root)
	base := "http://" + ln.Addr().String()
	if public == "" {
		public = base
	}
	var metricsSrv *http.Server
	if o.metricsAddr != "" {
		mln, err := net.Listen("tcp", o.metricsAddr)
		if err != nil {
			ln.Close()
			return err
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", metrics)
		metricsSrv = newServer(mux)
		go func() { _ = metricsSrv.Serve(mln) }()
		fmt.Fprintf(stdout, "metrics on http://%s/metrics\n", mln.Addr())
	}

	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Go(func() { _ = jobs.Run(workCtx) })
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	fmt.Fprintf(stdout, "LifeOps API listening on %s (store: %s; contract: %s/openapi.json)\n", base, db.Dialect(), base)
	if o.demo {
		tok, err := seedDemo(ctx, svc, source, db, demo, o.data, logger)
		if err != nil {
			stopWork()
			_ = srv.Close()
			wg.Wait()
			return fmt.Errorf("demo: %w", err)
		}
		fmt.Fprintf(stdout, "demo person ready; in another shell:\n  export LIFEOPS_URL=%s\n  export LIFEOPS_TOKEN=%s\n", public, tok)
		fmt.Fprintf(stdout, "dashboard: %s%s (sign in with the token)\n", public, web.Prefix)
	} else if o.adminToken == "" {
		fmt.Fprintln(stdout, "set LIFEOPS_ADMIN_TOKEN to create people and sign their devices in (POST /v1/users, POST /v1/users/{id}/devices)")
	} else {
		fmt.Fprintln(stdout, "create a person and a device with the admin token: POST /v1/users, then POST /v1/users/{id}/devices")
	}

	select {
	case err = <-serveErr:
	case <-ctx.Done():
		logger.Info("stopping: draining requests in flight")
		sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		err = srv.Shutdown(sctx)
		cancel()
	}
	if metricsSrv != nil {
		_ = metricsSrv.Close()
	}
	stopWork()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// newServer returns an http.Server with every timeout set.
func newServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

// loadSecret returns the base64 secret of env, or the one kept in path,
// made there (32 random bytes) when absent.
func loadSecret(env, path string, log *slog.Logger) ([]byte, error) {
	text := strings.TrimSpace(env)
	if text == "" {
		b, err := os.ReadFile(path)
		switch {
		case err == nil:
			text = strings.TrimSpace(string(b))
		case errors.Is(err, os.ErrNotExist):
			var k [32]byte
			_, _ = rand.Read(k[:])
			text = base64.StdEncoding.EncodeToString(k[:])
			if err := os.WriteFile(path, []byte(text+"\n"), 0o600); err != nil {
				return nil, fmt.Errorf("keep a new key: %w", err)
			}
			log.Info("made a new signing key", "path", path)
		default:
			return nil, fmt.Errorf("read key: %w", err)
		}
	}
	secret, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return nil, fmt.Errorf("the signing key is not base64: %w", err)
	}
	return secret, nil
}

// loadKeyring returns the keys of env (ID:BASE64, comma-separated, the
// first seals), or the one kept in path, made there when absent.
func loadKeyring(env, path string, log *slog.Logger) (*store.Keyring, error) {
	text := strings.TrimSpace(env)
	if text == "" {
		b, err := os.ReadFile(path)
		switch {
		case err == nil:
			text = strings.TrimSpace(string(b))
		case errors.Is(err, os.ErrNotExist):
			var k [store.KeySize]byte
			_, _ = rand.Read(k[:])
			text = "local:" + base64.StdEncoding.EncodeToString(k[:])
			if err := os.WriteFile(path, []byte(text+"\n"), 0o600); err != nil {
				return nil, fmt.Errorf("keep a new encryption key: %w", err)
			}
			log.Warn("made a new encryption key beside the data; set LIFEOPS_ENCRYPTION_KEY to keep it elsewhere", "path", path)
		default:
			return nil, fmt.Errorf("read encryption key: %w", err)
		}
	}
	var keys []store.Key
	for _, part := range strings.Split(text, ",") {
		k, err := store.ParseKey(part)
		if err != nil {
			return nil, fmt.Errorf("encryption key: %w", err)
		}
		keys = append(keys, k)
	}
	return store.NewKeyring(keys[0], keys[1:]...)
}

// countRetries counts the Oura client's retries from its log lines and
// passes every line on.
type countRetries struct {
	slog.Handler
	retries prometheus.Counter
}

func (h *countRetries) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == "oura: retrying" {
		h.retries.Inc()
	}
	return h.Handler.Handle(ctx, r)
}

func (h *countRetries) Enabled(ctx context.Context, l slog.Level) bool {
	return l == slog.LevelInfo || h.Handler.Enabled(ctx, l)
}

func (h *countRetries) WithAttrs(as []slog.Attr) slog.Handler {
	return &countRetries{Handler: h.Handler.WithAttrs(as), retries: h.retries}
}

func (h *countRetries) WithGroup(name string) slog.Handler {
	return &countRetries{Handler: h.Handler.WithGroup(name), retries: h.retries}
}

// cmpOr returns the first of its arguments that is not empty.
func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
