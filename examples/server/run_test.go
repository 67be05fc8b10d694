package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestMain runs the program itself when the test binary is started as
// the server of a test (LIFEOPS_SERVER_CHILD=1), so a test can send it
// real signals.
func TestMain(m *testing.M) {
	if os.Getenv("LIFEOPS_SERVER_CHILD") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// lineBuffer is a writer tests read lines from while the program runs.
type lineBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lineBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lineBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor waits until re matches what w holds, and returns the match.
func waitFor(t *testing.T, w interface{ String() string }, re *regexp.Regexp, within time.Duration) []string {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(w.String()); m != nil {
			return m
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no %v within %v in:\n%s", re, within, w.String())
	return nil
}

var listening = regexp.MustCompile(`listening on (http://[0-9.:]+)`)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestVersion(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(t.Context(), []string{"-version"}, env(nil), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "github.com/lifeops/lifeops/examples/server") || !strings.Contains(out.String(), "go1.") {
		t.Errorf("-version printed %q", out.String())
	}
	if err := run(t.Context(), []string{"-bogus"}, env(nil), io.Discard, io.Discard); err == nil {
		t.Error("an unknown flag was taken")
	}
}

// TestDemo: -demo prints export lines that work as the README uses them,
// /healthz carries the version, metrics are on their own listener, and a
// cancelled context stops the program cleanly.
func TestDemo(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var out, logs lineBuffer
	done := make(chan error, 1)
	dir := t.TempDir()
	go func() {
		done <- run(ctx, []string{"-demo", "-addr", "127.0.0.1:0", "-metrics-addr", "127.0.0.1:0", "-data", dir}, env(nil), &out, &logs)
	}()
	m := waitFor(t, &out, regexp.MustCompile(`export LIFEOPS_URL=(\S+)\n  export LIFEOPS_TOKEN=(\S+)\n`), 90*time.Second)
	base, token := m[1], m[2]
	get := func(url string, auth bool) (int, []byte) {
		req, _ := http.NewRequest("GET", url, nil)
		if auth {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	code, body := get(base+"/v1/me/today", true)
	var today struct {
		LifeScore struct{ Value *float64 } `json:"life_score"`
		XP        struct{ Total int }
		Streaks   []struct{ Kind string }
	}
	if err := json.Unmarshal(body, &today); code != 200 || err != nil || today.LifeScore.Value == nil || today.XP.Total == 0 {
		t.Errorf("demo today: %d %.400s", code, body)
	}
	code, body = get(base+"/v1/me/health/days?from=2000-01-01&to=2100-01-01", true)
	if code != 400 { // more than 3 years: refused
		t.Errorf("a range of a century: %d", code)
	}
	code, body = get(base+"/healthz", false)
	if code != 200 || !bytes.Contains(body, []byte(`"version":{"path":"github.com/lifeops/lifeops/examples/server"`)) || !bytes.Contains(body, []byte(`"go":"go1.`)) {
		t.Errorf("healthz: %d %s", code, body)
	}
	mm := waitFor(t, &out, regexp.MustCompile(`metrics on (http://\S+/metrics)`), time.Second)
	code, body = get(mm[1], false)
	if code != 200 || !bytes.Contains(body, []byte("lifeops_http_requests_total")) || !bytes.Contains(body, []byte("go_sql_open_connections")) && !bytes.Contains(body, []byte("lifeops_open_connections")) {
		t.Errorf("metrics: %d %.300s", code, body)
	}
	if code, _ := get(base+"/metrics", false); code == 200 {
		t.Error("/metrics on the API listener answers without the admin token")
	}
	// The dashboard beside the API: the root leads to it, the demo token
	// signs in, and Today shows the demo person's Life Score.
	waitFor(t, &out, regexp.MustCompile(`dashboard: `+regexp.QuoteMeta(base)+`/app/`), time.Second)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/app/" {
		t.Errorf("GET /: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, err = noFollow.PostForm(base+"/app/signin", url.Values{"secret": {token}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cookies := resp.Cookies()
	if resp.StatusCode != http.StatusSeeOther || len(cookies) != 1 {
		t.Fatalf("sign in with the demo token: %d %v", resp.StatusCode, cookies)
	}
	req, _ := http.NewRequest("GET", base+"/app/", nil)
	req.AddCookie(cookies[0])
	resp, err = noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(page, []byte(`<title id="ring-t">Life Score `)) || bytes.Contains(page, []byte("no data yet</title>")) {
		t.Errorf("the demo dashboard: %d %.600s", resp.StatusCode, page)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run after cancel: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("run did not stop")
	}
	if strings.Contains(logs.String(), token) {
		t.Error("the demo token is in the log")
	}
	// The same data directory again: the demo person is found, not made
	// twice.
	ctx2, cancel2 := context.WithCancel(t.Context())
	var out2 lineBuffer
	done2 := make(chan error, 1)
	go func() {
		done2 <- run(ctx2, []string{"-demo", "-addr", "127.0.0.1:0", "-data", dir}, env(nil), &out2, io.Discard)
	}()
	waitFor(t, &out2, regexp.MustCompile(`export LIFEOPS_TOKEN=`), 60*time.Second)
	cancel2()
	if err := <-done2; err != nil {
		t.Error(err)
	}
	state, _ := os.ReadFile(filepath.Join(dir, "demo.json"))
	if !bytes.Contains(state, []byte("user_id")) {
		t.Errorf("demo state: %s", state)
	}
}

// TestGracefulShutdown: a request in flight when SIGTERM arrives
// completes, and then the program exits with status 0.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	admin := "admin-token-for-the-shutdown-test"
	cmd := exec.Command(exe, "-addr", "127.0.0.1:0", "-data", t.TempDir())
	cmd.Env = append(os.Environ(), "LIFEOPS_SERVER_CHILD=1", "LIFEOPS_ADMIN_TOKEN="+admin, "LIFEOPS_DATABASE_URL=")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var logs lineBuffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var out lineBuffer
	go func() {
		s := bufio.NewScanner(stdout)
		for s.Scan() {
			fmt.Fprintln(&out, s.Text())
		}
	}()
	base := waitFor(t, &out, listening, 30*time.Second)[1]
	post := func(path, token string, body io.Reader) (*http.Response, error) {
		req, _ := http.NewRequest("POST", base+path, body)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		return http.DefaultClient.Do(req)
	}
	resp, err := post("/v1/users", admin, strings.NewReader(`{"name":"Ada","timezone":"Europe/Berlin"}`))
	if err != nil {
		t.Fatal(err)
	}
	var u struct{ ID string }
	json.NewDecoder(resp.Body).Decode(&u)
	resp.Body.Close()
	resp, err = post("/v1/users/"+u.ID+"/devices", admin, strings.NewReader(`{"name":"phone"}`))
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(resp.Body).Decode(&g)
	resp.Body.Close()
	if g.AccessToken == "" {
		t.Fatal("no device token")
	}

	// A request whose body is still arriving when the signal comes.
	pr, pw := io.Pipe()
	answered := make(chan int, 1)
	go func() {
		resp, err := post("/v1/me/pairing-codes", g.AccessToken, pr)
		if err != nil {
			t.Errorf("the request in flight failed: %v", err)
			answered <- 0
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	if _, err := pw.Write([]byte(`{`)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitFor(t, &logs, regexp.MustCompile(`stopping: draining`), 10*time.Second)
	pw.Write([]byte(`}`))
	pw.Close()
	select {
	case code := <-answered:
		if code != http.StatusCreated {
			t.Errorf("the request in flight answered %d, want 201", code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the request in flight never completed")
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Errorf("exit: %v\n%s", err, logs.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the program did not exit")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("the server still answers after it stopped")
	}
}
