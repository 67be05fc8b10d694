package store

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPGEnv: a libpq program connects as the DSN says, through its
// environment, with the password nowhere but PGPASSWORD.
func TestPGEnv(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, dsn, database string
		want                []string
	}{
		{"url", "postgres://ops:s3cret@db.example:6543/lifeops?sslmode=require&search_path=app", "",
			[]string{"PGHOST=db.example", "PGPORT=6543", "PGUSER=ops", "PGDATABASE=lifeops", "PGPASSWORD=s3cret", "PGSSLMODE=require"}},
		{"url, other database", "postgres://ops@db.example/lifeops?sslmode=disable", "scratch",
			[]string{"PGHOST=db.example", "PGPORT=5432", "PGUSER=ops", "PGDATABASE=scratch", "PGSSLMODE=disable"}},
		{"keyword/value", `host=/run/postgresql user=ops password='it\'s a \\ "secret"' dbname=lifeops sslrootcert=/etc/ca.pem`, "",
			[]string{"PGHOST=/run/postgresql", "PGPORT=5432", "PGUSER=ops", "PGDATABASE=lifeops", `PGPASSWORD=it's a \ "secret"`, "PGSSLROOTCERT=/etc/ca.pem"}},
	} {
		env, err := pgEnv(tt.dsn, tt.database)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var got []string
		for _, kv := range env {
			if strings.HasPrefix(kv, "PG") {
				got = append(got, kv)
			}
		}
		// The caller's own PG* variables that do not choose the server stay.
		got = slices.DeleteFunc(got, func(kv string) bool { return !slices.Contains(tt.want, kv) && !isConnectionVar(kv) })
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	if _, err := pgEnv("postgres://u@h:notaport/db", ""); err == nil {
		t.Error("pgEnv of a bad DSN succeeded")
	}
}

func isConnectionVar(kv string) bool {
	k, _, _ := strings.Cut(kv, "=")
	return slices.Contains([]string{"PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGSSLMODE", "PGSSLROOTCERT"}, k)
}

func TestWithDatabase(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ dsn, want string }{
		{"postgres://u:p@h:5432/live?sslmode=disable", "postgres://u:p@h:5432/scratch?search_path=app&sslmode=disable"},
		{"host=h dbname=live", `host=h dbname=live dbname='scratch' search_path='app'`},
	} {
		got, err := withDatabase(tt.dsn, "scratch", "app")
		if err != nil || got != tt.want {
			t.Errorf("withDatabase(%q) = %q, %v; want %q", tt.dsn, got, err, tt.want)
		}
	}
}

func FuzzDSNParams(f *testing.F) {
	f.Add("postgres://u:p@h/db?sslmode=require&sslmode=disable")
	f.Add(`host=h password='a\'b' sslmode = verify-full`)
	f.Add("host='unterminated")
	f.Fuzz(func(t *testing.T, dsn string) {
		for k := range dsnParams(dsn) {
			if k == "" {
				t.Fatalf("an empty key from %q", dsn)
			}
		}
	})
}
