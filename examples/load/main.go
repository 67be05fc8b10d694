// Command load measures GET /v1/me/today of the HTTP API over loopback for
// a person with a year of history, against two floors served by the same
// server, behind the same middleware and authentication, in the same run:
// a handler that only runs SELECT 1 on the same database pool, and one
// that answers a static JSON body. It prints requests per second, the
// median and the 99th percentile of each, and Today's ratios to the
// SELECT 1 floor.
//
//	go run ./examples/load                         # SQLite in a temporary directory
//	go run ./examples/load -pg postgres://postgres@127.0.0.1:5432/test?sslmode=disable
//
// The person is servicetest.Seed's (eight daily items, most done most
// days, the ring's data, the days settled); requests carry a device's
// access token. The three handlers are measured in turn, -rounds times
// each, for -duration each, by -workers clients in a bounded loop; the
// figures pool the rounds.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/lifeops/lifeops/examples/server/api"
	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/servicetest"
	"github.com/lifeops/lifeops/store"
	"golang.org/x/time/rate"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	pg := fs.String("pg", "", "measure Postgres at this URL (a schema of its own is made and dropped) instead of SQLite")
	days := fs.Int("days", 365, "days of history")
	workers := fs.Int("workers", 8, "clients sending at once")
	duration := fs.Duration("duration", 3*time.Second, "how long each handler is measured in each round")
	rounds := fs.Int("rounds", 3, "rounds of the three handlers")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dsn, name, cleanup, err := database(ctx, *pg)
	if err != nil {
		return err
	}
	defer cleanup()
	db, err := store.Open(ctx, dsn, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	fmt.Fprintf(out, "seeding %d days of history on %s…\n", *days, name)
	p, err := servicetest.Seed(ctx, db, *days)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	clock := lifeops.ClockFunc(servicetest.Now)
	svc, err := lifeops.New(&lifeops.Config{Store: db, Clock: clock})
	if err != nil {
		return err
	}
	keys, err := api.NewKeys([]byte("the load program's signing key, 32+ bytes"))
	if err != nil {
		return err
	}
	unlimited := api.Limit{Rate: rate.Inf}
	a, err := api.New(api.Config{Service: svc, Keys: keys, AdminToken: "load-admin", Now: servicetest.Now,
		CallerLimit: unlimited, AuthLimit: unlimited, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/", a)
	mux.Handle("GET /load/select1", a.Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var one int
		if err := db.Bun().QueryRowContext(r.Context(), "SELECT 1").Scan(&one); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, "{\"one\":%d}\n", one)
	})))
	static := []byte(`{"status":"ok","message":"a static answer of about the size of a small object"}` + "\n")
	mux.Handle("GET /load/static", a.Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(static)
	})))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	base := "http://" + ln.Addr().String()

	token, err := accessToken(base, "load-admin", p.ID.String())
	if err != nil {
		return err
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *workers, MaxConnsPerHost: *workers}, Timeout: 30 * time.Second}
	targets := []struct{ name, path string }{
		{"GET /v1/me/today", "/v1/me/today"},
		{"SELECT 1 handler", "/load/select1"},
		{"static JSON handler", "/load/static"},
	}
	// Warm up each handler, and check it answers.
	for _, tg := range targets {
		if _, err := load(ctx, client, base+tg.path, token, 2, 300*time.Millisecond); err != nil {
			return fmt.Errorf("%s: %w", tg.name, err)
		}
	}
	res := make([]result, len(targets))
	for range *rounds {
		for i, tg := range targets {
			r, err := load(ctx, client, base+tg.path, token, *workers, *duration)
			if err != nil {
				return fmt.Errorf("%s: %w", tg.name, err)
			}
			res[i].add(r)
		}
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%s, %d days of history, %d workers, %d × %v\t\n", name, *days, *workers, *rounds, *duration)
	fmt.Fprintln(tw, "handler\trequests/s\tp50\tp99\t")
	for i, tg := range targets {
		fmt.Fprintf(tw, "%s\t%.0f\t%v\t%v\t\n", tg.name, res[i].rps(), res[i].pct(50), res[i].pct(99))
	}
	tw.Flush()
	floor := res[1]
	fmt.Fprintf(out, "Today / SELECT 1: %.2f× the requests per second, %.2f× the p50 (goal: ≥ 0.33× and ≤ 3×)\n",
		res[0].rps()/floor.rps(), float64(res[0].pct(50))/float64(floor.pct(50)))
	return nil
}

// accessToken signs a device in through the admin route and returns its
// access token.
func accessToken(base, admin, user string) (string, error) {
	req, _ := http.NewRequest("POST", base+"/v1/users/"+user+"/devices", strings.NewReader(`{"name":"load"}`))
	req.Header.Set("Authorization", "Bearer "+admin)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("sign a device in: %d %s", resp.StatusCode, body)
	}
	var g struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &g); err != nil {
		return "", err
	}
	return g.AccessToken, nil
}

// result pools the latencies of a handler's rounds.
type result struct {
	lat     []time.Duration
	elapsed time.Duration
}

func (r *result) add(o result) {
	r.lat = append(r.lat, o.lat...)
	r.elapsed += o.elapsed
}

func (r *result) rps() float64 { return float64(len(r.lat)) / r.elapsed.Seconds() }

func (r *result) pct(p int) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	s := slices.Clone(r.lat)
	slices.Sort(s)
	i := min(len(s)*p/100, len(s)-1)
	return s[i].Round(time.Microsecond)
}

// load sends GET url with workers clients for d, each in a loop, and
// returns every latency; any answer but 200 is an error.
func load(ctx context.Context, client *http.Client, url, token string, workers int, d time.Duration) (result, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var mu sync.Mutex
	var all []time.Duration
	var first error
	begin := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var mine []time.Duration
			for ctx.Err() == nil {
				req, _ := http.NewRequest("GET", url, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				if err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	return result{lat: all, elapsed: time.Since(begin)}, first
}

// database returns the DSN to measure: a SQLite file in a temporary
// directory, or a new schema on the Postgres of pg, and what removes it.
func database(ctx context.Context, pg string) (dsn, name string, cleanup func(), err error) {
	if pg == "" {
		dir, err := os.MkdirTemp("", "lifeops-load-")
		if err != nil {
			return "", "", nil, err
		}
		return filepath.Join(dir, "lifeops.db"), "SQLite", func() { os.RemoveAll(dir) }, nil
	}
	admin, err := store.Open(ctx, pg, nil)
	if err != nil {
		return "", "", nil, err
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "load_" + hex.EncodeToString(b[:])
	if _, err := admin.Bun().ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return "", "", nil, err
	}
	u, err := url.Parse(pg)
	if err != nil {
		admin.Close()
		return "", "", nil, errors.New("the Postgres DSN must be a URL")
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), "PostgreSQL", func() {
		_, _ = admin.Bun().ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	}, nil
}
