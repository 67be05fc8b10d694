package store_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/memstore"
	"github.com/lifeops/lifeops/store"
)

// importTargets are the stores an import is tested into: memstore, SQLite
// and Postgres.
func importTargets(t *testing.T) map[string]func(t *testing.T) lifeops.Store {
	out := map[string]func(t *testing.T) lifeops.Store{
		"memstore": func(*testing.T) lifeops.Store { return memstore.New() },
	}
	for _, b := range backends {
		out[b.name] = func(t *testing.T) lifeops.Store { return mustMigrate(t, b.open(t)) }
	}
	return out
}

// exportDoc fills a user in a SQLite store and returns its export, the
// document's bytes and the store.
func exportDoc(t *testing.T) (*store.Export, []byte, *store.DB) {
	t.Helper()
	src := mustMigrate(t, openSQLite(t))
	u := fillUser(t, src)
	x, err := store.ExportUser(context.Background(), src, u.ID, &store.ExportOptions{Credentials: true})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := store.WriteExport(&buf, x); err != nil {
		t.Fatal(err)
	}
	return x, buf.Bytes(), src
}

// TestImportTargetIsExplicit: by default an import creates the document's
// person and refuses one who exists; Replace writes over them; NewUser and
// UserID import into another person, whose items and events get IDs of
// their own, on every store and through both entry points.
func TestImportTargetIsExplicit(t *testing.T) {
	t.Parallel()
	x, doc, _ := exportDoc(t)
	id := x.User.ID
	imports := map[string]func(ctx context.Context, dst lifeops.Store, o *store.ImportOptions) (store.ImportResult, error){
		"ImportUser": func(ctx context.Context, dst lifeops.Store, o *store.ImportOptions) (store.ImportResult, error) {
			y, err := store.ReadExport(bytes.NewReader(doc))
			if err != nil {
				return store.ImportResult{}, err
			}
			return store.ImportUser(ctx, dst, y, o)
		},
		"ImportFrom": func(ctx context.Context, dst lifeops.Store, o *store.ImportOptions) (store.ImportResult, error) {
			return store.ImportFrom(ctx, dst, bytes.NewReader(doc), o)
		},
	}
	for target, open := range importTargets(t) {
		for entry, imp := range imports {
			t.Run(target+"/"+entry, func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				dst := open(t)
				res, err := imp(ctx, dst, nil)
				if err != nil || res.UserID != id || res.Items != 1 || res.Credentials != 1 {
					t.Fatalf("first import = %+v, %v; want the document's person with 1 item and 1 credential", res, err)
				}
				// The person exists now: a plain import is refused and
				// changes nothing.
				renamed := *x
				renamed.User.Name = "Someone Else"
				if _, err := store.ImportUser(ctx, dst, &renamed, nil); !errors.Is(err, lifeops.ErrConflict) {
					t.Errorf("import over an existing person = %v, want a conflict", err)
				}
				if _, err := imp(ctx, dst, nil); !errors.Is(err, lifeops.ErrConflict) {
					t.Errorf("second import = %v, want a conflict", err)
				}
				if u, _ := dst.User(ctx, id); u.Name != x.User.Name {
					t.Errorf("a refused import renamed the person to %q", u.Name)
				}
				// Replace writes over them, adding nothing new.
				res, err = imp(ctx, dst, &store.ImportOptions{Replace: true})
				if err != nil || res.XP != 0 || res.Events != 0 {
					t.Errorf("import with Replace = %+v, %v; want nothing new in the ledger", res, err)
				}
				// NewUser: a fresh person, with their own item and event
				// IDs, the ledger's item references following, and no
				// credential (the grant is the original person's).
				res, err = imp(ctx, dst, &store.ImportOptions{NewUser: true})
				if err != nil || res.UserID == id || res.UserID == uuid.Nil || res.SkippedCredentials != 1 || res.Credentials != 0 {
					t.Fatalf("import as a new person = %+v, %v", res, err)
				}
				checkCopy(t, dst, x, res.UserID)
				// UserID: a named person who does not exist yet is created;
				// importing again into them needs Replace.
				named := uuid.New()
				if res, err = imp(ctx, dst, &store.ImportOptions{UserID: named}); err != nil || res.UserID != named {
					t.Fatalf("import into a named new person = %+v, %v", res, err)
				}
				checkCopy(t, dst, x, named)
				if _, err := imp(ctx, dst, &store.ImportOptions{UserID: named}); !errors.Is(err, lifeops.ErrConflict) {
					t.Errorf("import into a named existing person without Replace = %v, want a conflict", err)
				}
				if _, err := imp(ctx, dst, &store.ImportOptions{UserID: named, Replace: true}); err != nil {
					t.Errorf("import into a named existing person with Replace: %v", err)
				}
				checkCopy(t, dst, x, named)
				if _, err := imp(ctx, dst, &store.ImportOptions{NewUser: true, Replace: true}); !errors.Is(err, lifeops.ErrInvalid) {
					t.Errorf("NewUser with Replace = %v, want invalid options", err)
				}
				// The original person is untouched by all of this.
				got, err := store.ExportUser(ctx, dst, id, &store.ExportOptions{Credentials: true})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(x, got, ignoreExportedAt); diff != "" {
					t.Errorf("the original person changed (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// checkCopy checks that person to holds the document's records under IDs
// of their own.
func checkCopy(t *testing.T, dst lifeops.Store, x *store.Export, to uuid.UUID) {
	t.Helper()
	ctx := context.Background()
	got, err := store.ExportUser(ctx, dst, to, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Items) != 1 || len(got.Events) != 1 || len(got.XP) != 1 || len(got.HeartRate) != len(x.HeartRate) {
		t.Fatalf("copy holds %d items, %d events, %d XP entries, %d samples", len(got.Items), len(got.Events), len(got.XP), len(got.HeartRate))
	}
	item := got.Items[0].ID
	if item == x.Items[0].ID || got.Events[0].ID == x.Events[0].ID {
		t.Errorf("the copy shares item or event IDs with the original")
	}
	if got.Events[0].ItemID != item || got.XP[0].ItemID != item || !strings.Contains(got.XP[0].Key, item.String()) {
		t.Errorf("the copy's event and ledger do not name its own item %s: event %s, xp %s %q", item, got.Events[0].ItemID, got.XP[0].ItemID, got.XP[0].Key)
	}
	if got.User.Name != x.User.Name || got.Items[0].Title != x.Items[0].Title {
		t.Errorf("the copy is %q with item %q", got.User.Name, got.Items[0].Title)
	}
}

// TestImportFromMatchesImportUser: streaming a document stores exactly
// what importing the decoded document does.
func TestImportFromMatchesImportUser(t *testing.T) {
	t.Parallel()
	x, doc, _ := exportDoc(t)
	forEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := store.ImportFrom(ctx, db, bytes.NewReader(doc), nil); err != nil {
			t.Fatal(err)
		}
		got, err := store.ExportUser(ctx, db, x.User.ID, &store.ExportOptions{Credentials: true})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(x, got, ignoreExportedAt); diff != "" {
			t.Errorf("streamed import differs (-want +got):\n%s", diff)
		}
	})
}

// TestImportRefusesInflatedLedgers: XP entries beyond what an award can
// be, and bonuses that do not follow from the base, are refused on every
// store and nothing of the document is kept on the SQL stores.
func TestImportRefusesInflatedLedgers(t *testing.T) {
	t.Parallel()
	x, _, _ := exportDoc(t)
	inflate := map[string]func(e *lifeops.XPEntry){
		"a million points": func(e *lifeops.XPEntry) {
			e.Points, e.Parts = 1_000_000, []lifeops.XPPart{{Name: "base", Points: 1_000_000}}
		},
		"parts that wrap around": func(e *lifeops.XPEntry) {
			e.Points, e.Parts = 12, []lifeops.XPPart{{Name: "base", Points: 10}, {Name: "on_time", Points: 1 << 62}, {Name: "streak", Points: -(1 << 62) + 2}}
		},
		"no parts, too many points": func(e *lifeops.XPEntry) { e.Points, e.Parts = 500_000, nil },
		"a made-up kind":            func(e *lifeops.XPEntry) { e.Kind = "grant" },
	}
	for target, open := range importTargets(t) {
		for name, f := range inflate {
			t.Run(target+"/"+name, func(t *testing.T) {
				t.Parallel()
				y := *x
				y.XP = []lifeops.XPEntry{x.XP[0]}
				f(&y.XP[0])
				var buf bytes.Buffer
				if err := store.WriteExport(&buf, &y); err != nil {
					t.Fatal(err)
				}
				dst := open(t)
				_, err := store.ImportFrom(context.Background(), dst, &buf, nil)
				if !errors.Is(err, lifeops.ErrInvalid) || !strings.Contains(err.Error(), "xp[0]") {
					t.Fatalf("import = %v, want the XP entry refused as invalid", err)
				}
				if _, ok := dst.(*store.DB); ok {
					if _, err := dst.User(context.Background(), y.User.ID); !errors.Is(err, lifeops.ErrNotFound) {
						t.Errorf("a refused import left its person behind (%v)", err)
					}
				}
			})
		}
	}
}

// TestImportBoundsTheDocument: a document over the limit is refused with
// ErrImportTooLarge after reading at most the limit, and one at the limit
// imports.
func TestImportBoundsTheDocument(t *testing.T) {
	t.Parallel()
	_, doc, _ := exportDoc(t)
	ctx := context.Background()
	n := int64(len(doc))
	r := &countingReader{r: bytes.NewReader(append(bytes.Clone(doc), bytes.Repeat([]byte(" "), 1<<20)...))}
	_, err := store.ImportFrom(ctx, memstore.New(), r, &store.ImportOptions{MaxBytes: n})
	if !errors.Is(err, store.ErrImportTooLarge) || !errors.Is(err, lifeops.ErrInvalid) {
		t.Errorf("a document over the limit = %v, want ErrImportTooLarge", err)
	}
	if r.n > n+64<<10 {
		t.Errorf("read %d bytes of a document limited to %d", r.n, n)
	}
	if _, err := store.ImportFrom(ctx, memstore.New(), bytes.NewReader(doc), &store.ImportOptions{MaxBytes: n}); err != nil {
		t.Errorf("a document of exactly the limit: %v", err)
	}
	huge := io.MultiReader(strings.NewReader(`{"format":"lifeops-export","version":3,"user":1`), zeros{})
	if _, err := store.ReadExport(huge); !errors.Is(err, store.ErrImportTooLarge) {
		t.Errorf("ReadExport of an endless document = %v, want ErrImportTooLarge", err)
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// zeros is an endless JSON number.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '0'
	}
	return len(p), nil
}

// TestImportFromRefusesMalformedDocuments: each bad shape is an
// *ExportError with a short message, and nothing is written.
func TestImportFromRefusesMalformedDocuments(t *testing.T) {
	t.Parallel()
	user := `"user":{"id":"00000000-0000-4000-8000-000000000777","name":"A","timezone":"UTC","day_start_hour":4,"wake_time":"07:00","bedtime":"23:00","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}`
	head := `{"format":"lifeops-export","version":3,`
	long := strings.Repeat("k", 100_000)
	tests := map[string]string{
		"not JSON":             `nope`,
		"records before user":  head + `"xp":[],` + user + `}`,
		"user before version":  `{"format":"lifeops-export",` + user + `,"version":3}`,
		"unknown field":        head + user + `,"` + long + `":1}`,
		"unknown record field": head + user + `,"xp":[{"` + long + `":1}]}`,
		"field twice":          head + user + `,"xp":[],"xp":[]}`,
		"not an array":         head + user + `,"xp":{}}`,
		"trailing data":        head + user + `}{}`,
		"cut short":            head + user + `,"xp":[`,
		"future version":       `{"format":"lifeops-export","version":99,` + user + `}`,
		"no user":              head + `"exported_at":"2026-01-01T00:00:00Z"}`,
		"huge number":          head + user + `,"goals":{"sleep_minutes":1` + strings.Repeat("0", 100_000) + `}}`,
		"huge weight":          head + user + `,"goals":{"sleep_minutes":480,"steps":8000,"work_minutes":480,"day_goal_percent":80,"weights":{"sleep":"1e999999999","activity":1,"work_life":1,"habits":1}}}`,
	}
	for name, doc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dst := memstore.New()
			_, err := store.ImportFrom(context.Background(), dst, strings.NewReader(doc), nil)
			if !errors.Is(err, lifeops.ErrInvalid) {
				t.Fatalf("ImportFrom = %v, want an error matching ErrInvalid", err)
			}
			if n := len(err.Error()); n > 400 {
				t.Errorf("message of %d bytes: %.300s…", n, err.Error())
			}
		})
	}
}

// FuzzImportFrom feeds arbitrary documents to ImportFrom: it returns an
// error or imports, never panics, and its error messages stay short.
func FuzzImportFrom(f *testing.F) {
	_, doc, _ := exportDocTB(f)
	f.Add(doc)
	f.Add([]byte(`{"format":"lifeops-export","version":3,"user":{}}`))
	f.Add([]byte(`{"format":"lifeops-export","version":1,"user":{"id":"00000000-0000-4000-8000-000000000001"},"xp":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := store.ImportFrom(context.Background(), memstore.New(), bytes.NewReader(b), &store.ImportOptions{MaxBytes: 1 << 20})
		if err != nil && len(err.Error()) > 2000 {
			t.Fatalf("message of %d bytes", len(err.Error()))
		}
	})
}

// exportDocTB is exportDoc for a fuzz target's seed.
func exportDocTB(tb testing.TB) (*store.Export, []byte, lifeops.Store) {
	tb.Helper()
	src := memstore.New()
	u := fillUser(tb, src)
	x, err := store.ExportUser(context.Background(), src, u.ID, &store.ExportOptions{Credentials: true})
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := store.WriteExport(&buf, x); err != nil {
		tb.Fatal(err)
	}
	return x, buf.Bytes(), src
}
