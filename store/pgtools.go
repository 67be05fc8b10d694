package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/lifeops/lifeops/store/internal/pgdsn"
)

// ErrNoPGTools is returned when a backup or restore needs pg_dump or
// pg_restore and the program is not found.
var ErrNoPGTools = errors.New("store: pg_dump or pg_restore not found")

// pgTool is a libpq program (pg_dump, pg_restore) and the connection it
// makes: the environment carries host, port, user, password and TLS
// settings, so that no secret appears on a command line, which other users
// of the machine can read.
type pgTool struct {
	path string
	env  []string
}

// findPGTool looks up program (a path, or a name found on PATH).
func findPGTool(program string) (string, error) {
	p, err := exec.LookPath(program)
	if err != nil {
		return "", fmt.Errorf("%w: %s: %v", ErrNoPGTools, program, err)
	}
	return p, nil
}

// libpqParams are the DSN parameters passed on to libpq programs as
// environment variables, besides those pgx parses into its config.
var libpqParams = []string{"sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl", "sslsni", "target_session_attrs"}

// pgEnv returns the environment a libpq program needs to connect as dsn
// does, to database instead of the DSN's when database is not empty.
func pgEnv(dsn, database string) ([]string, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, &DSNError{DSN: pgdsn.Redact(dsn), Err: err}
	}
	if database == "" {
		database = cfg.Database
	}
	env := []string{
		"PGHOST=" + cfg.Host,
		"PGPORT=" + strconv.Itoa(int(cfg.Port)),
		"PGUSER=" + cfg.User,
		"PGDATABASE=" + database,
	}
	if cfg.Password != "" {
		env = append(env, "PGPASSWORD="+cfg.Password)
	}
	if cfg.ConnectTimeout > 0 {
		env = append(env, fmt.Sprintf("PGCONNECT_TIMEOUT=%d", max(2, int(cfg.ConnectTimeout.Seconds()))))
	}
	params := dsnParams(dsn)
	for _, k := range libpqParams {
		if v, ok := params[k]; ok {
			env = append(env, "PG"+strings.ToUpper(strings.ReplaceAll(k, "_", ""))+"="+v)
		}
	}
	// Variables of the caller's environment that would change where the
	// program connects are replaced by the ones above; the rest (PATH,
	// locale, PGSSL* not given in the DSN…) stay.
	out := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		k, _, _ := strings.Cut(kv, "=")
		return slices.Contains([]string{"PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGSERVICE", "PGOPTIONS"}, k)
	})
	return append(out, env...), nil
}

// dsnParams returns the parameters of a URL or keyword/value DSN.
func dsnParams(dsn string) map[string]string {
	out := map[string]string{}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return out
		}
		for k, v := range u.Query() {
			if len(v) > 0 {
				out[k] = v[len(v)-1]
			}
		}
		return out
	}
	for _, m := range keywordValueRE.FindAllStringSubmatch(dsn, -1) {
		v := m[2]
		if strings.HasPrefix(v, "'") {
			v = strings.NewReplacer(`\'`, `'`, `\\`, `\`).Replace(v[1 : len(v)-1])
		}
		out[m[1]] = v
	}
	return out
}

var keywordValueRE = regexp.MustCompile(`([A-Za-z_]+)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)`)

// withDatabase returns dsn connecting to database, with its connections'
// search_path set to schema when schema is not empty.
func withDatabase(dsn, database, schema string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", &DSNError{DSN: pgdsn.Redact(dsn), Err: err}
		}
		u.Path = "/" + database
		u.RawPath = ""
		q := u.Query()
		if schema != "" {
			q.Set("search_path", schema)
		}
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	out := dsn + " dbname=" + quoteKeywordValue(database)
	if schema != "" {
		out += " search_path=" + quoteKeywordValue(schema)
	}
	return out, nil
}

func quoteKeywordValue(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// run runs the tool with args and returns its standard output; a failure
// carries the tool's standard error.
func (t pgTool) run(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, t.path, args...)
	cmd.Env = t.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 2000 {
			msg = msg[:2000] + "…"
		}
		return nil, fmt.Errorf("%s: %w: %s", filepath.Base(t.path), err, msg)
	}
	return stdout.Bytes(), nil
}

// quoteSchemaPattern makes a schema name a pg_dump pattern that matches
// it alone.
func quoteSchemaPattern(schema string) string {
	return `"` + strings.ReplaceAll(schema, `"`, `""`) + `"`
}

// tocSchemaRE and tocTableRE read lines of pg_restore --list: "ID;
// TABLEOID OID TYPE SCHEMA NAME OWNER".
var (
	tocSchemaRE = regexp.MustCompile(`^\d+; \d+ \d+ (?:SCHEMA - |COMMENT - SCHEMA )`)
	tocTableRE  = regexp.MustCompile(`^\d+; \d+ \d+ TABLE (\S+) (\S+) (\S+)$`)
)

// dumpContents lists a pg_dump archive: its table of contents without the
// entries that create the schema itself (the restore makes or reuses the
// target's), the schema it holds and its tables.
func dumpContents(ctx context.Context, restore pgTool, path string) (list []byte, schema string, tables []string, err error) {
	out, err := restore.run(ctx, "--list", path)
	if err != nil {
		return nil, "", nil, err
	}
	var kept bytes.Buffer
	for line := range strings.SplitSeq(string(out), "\n") {
		if tocSchemaRE.MatchString(line) {
			continue
		}
		if m := tocTableRE.FindStringSubmatch(line); m != nil {
			if schema != "" && schema != m[1] {
				return nil, "", nil, fmt.Errorf("the dump holds tables of two schemas, %s and %s; a LifeOps backup holds one", schema, m[1])
			}
			schema = m[1]
			tables = append(tables, m[2])
		}
		kept.WriteString(line)
		kept.WriteByte('\n')
	}
	if schema == "" {
		return nil, "", nil, errors.New("the dump holds no table")
	}
	return kept.Bytes(), schema, tables, nil
}

// scratchName returns a fresh name for a scratch database or file.
func scratchName(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}
