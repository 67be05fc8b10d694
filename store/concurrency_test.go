package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/store"
)

// TestBatchesInOppositeOrdersDoNotDeadlock upserts the same batches from
// many callers, half of them in reverse order, with retries off: a store
// that locked rows in the order given would deadlock on Postgres and fail
// the victims (or, with retries on, stall a second per deadlock).
func TestBatchesInOppositeOrdersDoNotDeadlock(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		noRetry, err := store.OpenBun(ctx, db.Bun(), &store.Options{Retries: -1})
		if err != nil {
			t.Fatal(err)
		}
		u := newUser(t, db)
		var days []lifeops.HealthDay
		var docs []lifeops.RawDocument
		for i := range 40 {
			d := civil.D(2026, 1, 1).AddDays(i)
			days = append(days, lifeops.HealthDay{UserID: u.ID, Date: d, Steps: ptr(i), UpdatedAt: t0})
			docs = append(docs, lifeops.RawDocument{UserID: u.ID, Provider: "oura", Kind: "daily_activity", ID: fmt.Sprint(i),
				Date: d, Data: json.RawMessage(`{}`), FetchedAt: t0})
		}
		var wg sync.WaitGroup
		errs := make(chan error, 2*16)
		for i := range 16 {
			wg.Go(func() {
				d, r := slices.Clone(days), slices.Clone(docs)
				if i%2 == 1 {
					slices.Reverse(d)
					slices.Reverse(r)
				}
				errs <- noRetry.PutHealthDays(ctx, d)
				errs <- noRetry.PutRawDocuments(ctx, r)
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			var se *store.Error
			if errors.As(err, &se) && se.Transient {
				t.Errorf("a batch failed on a lock conflict: %v", err)
			} else if err != nil {
				t.Error(err)
			}
		}
	})
}
