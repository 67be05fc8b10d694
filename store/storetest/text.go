package storetest

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// testText checks strings a backend may be unable to hold: bytes that are
// not UTF-8 and NUL bytes in keys, sources and provider documents. Validate
// refuses them (testRefused holds every store to that); whatever a store
// does, it never stores an altered string, and a lookup by such a key never
// finds another record.
func testText(t *testing.T, s lifeops.Store) {
	refused := func(t *testing.T, what string, err error) bool {
		t.Helper()
		if err != nil && !errors.Is(err, lifeops.ErrInvalid) {
			t.Fatalf("%s: %v, want success or an error matching ErrInvalid", what, err)
		}
		return err != nil
	}
	d := civil.D(2026, 3, 10)
	t.Run("RawDocuments", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Raw text")
		// The replacement character that a lossy store would write for
		// 0xff, stored honestly under its own id.
		honest := lifeops.RawDocument{UserID: u.ID, Provider: "oura", Kind: "tag", ID: "a\uFFFD", Data: json.RawMessage(`{"n":1}`), FetchedAt: at(2026, 3, 10, 8, 0)}
		must(t, "PutRawDocuments", s.PutRawDocuments(ctx(t), []lifeops.RawDocument{honest}))
		for _, doc := range []lifeops.RawDocument{
			{UserID: u.ID, Provider: "oura", Kind: "tag", ID: "b", Data: json.RawMessage("{\"text\":\"caf\xe9\"}"), FetchedAt: at(2026, 3, 10, 8, 0)},
			{UserID: u.ID, Provider: "oura", Kind: "tag", ID: "a\xff", Data: json.RawMessage(`{"n":2}`), FetchedAt: at(2026, 3, 10, 8, 0)},
			{UserID: u.ID, Provider: "oura", Kind: "tag", ID: "c\x00", Data: json.RawMessage(`{"n":3}`), FetchedAt: at(2026, 3, 10, 8, 0)},
		} {
			what := name("PutRawDocuments id %q data %q", doc.ID, doc.Data)
			if refused(t, what, s.PutRawDocuments(ctx(t), []lifeops.RawDocument{doc})) {
				got, err := s.RawDocument(ctx(t), u.ID, doc.Provider, doc.Kind, doc.ID)
				wantErr(t, what+": RawDocument after the refusal", err, lifeops.ErrNotFound)
				if err == nil {
					t.Errorf("%s: the lookup found %q", what, got.ID)
				}
				continue
			}
			got, err := s.RawDocument(ctx(t), u.ID, doc.Provider, doc.Kind, doc.ID)
			must(t, what+": RawDocument", err)
			if got.ID != doc.ID || string(got.Data) != string(doc.Data) {
				t.Errorf("%s: stored as id %q data %q", what, got.ID, got.Data)
			}
		}
		got, err := s.RawDocument(ctx(t), u.ID, "oura", "tag", honest.ID)
		must(t, "RawDocument of the honest document", err)
		if string(got.Data) != string(honest.Data) {
			t.Errorf("the document under %q was overwritten: %s", honest.ID, got.Data)
		}
	})
	t.Run("LedgerKeys", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Key text")
		kept := 0
		for i, key := range []string{"k\xff", "k\xfe", "k\x00"} {
			what := name("AddXP key %q", key)
			got, created, err := s.AddXP(ctx(t), xpEntry(u.ID, key, d, int64(i+1)))
			if refused(t, what, err) {
				continue
			}
			kept++
			if !created || got.Key != key {
				t.Errorf("%s: created=%v, stored key %q; distinct keys must stay distinct", what, created, got.Key)
			}
		}
		entries, err := s.XPEntries(ctx(t), u.ID, lifeops.XPQuery{})
		must(t, "XPEntries", err)
		if len(entries) != kept {
			t.Errorf("%d ledger entries, want the %d that were accepted", len(entries), kept)
		}
		deleted, err := s.DeleteXP(ctx(t), u.ID, "k\uFFFD")
		must(t, "DeleteXP of a key never stored", err)
		if deleted {
			t.Error("DeleteXP of a key never stored deleted an entry")
		}
	})
	t.Run("Sources", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Source text")
		for _, src := range []string{"ring\xff", "ring\x00"} {
			what := name("PutWorkDay source %q", src)
			if !refused(t, what, s.PutWorkDay(ctx(t), lifeops.WorkDay{UserID: u.ID, Date: d, WorkMinutes: 60, Source: src})) {
				got, err := s.WorkDays(ctx(t), u.ID, d, d)
				must(t, "WorkDays", err)
				if !slices.ContainsFunc(got, func(w lifeops.WorkDay) bool { return w.Source == src }) {
					t.Errorf("%s: stored %+v", what, got)
				}
			}
			ts := time.Date(2026, 3, 10, 3, 0, 0, 0, time.UTC)
			what = name("PutHeartRate source %q", src)
			if !refused(t, what, s.PutHeartRate(ctx(t), u.ID, []lifeops.HeartRateSample{{At: ts, BPM: 60, Source: src}})) {
				got, err := s.HeartRate(ctx(t), u.ID, ts, ts.Add(time.Second))
				must(t, "HeartRate", err)
				if len(got) != 1 || got[0].Source != src {
					t.Errorf("%s: stored %+v", what, got)
				}
			}
		}
	})
}
