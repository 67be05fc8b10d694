// Package porter exports and imports one person's records for the HTTP
// API (api.DataPorter) with the store package's versioned document, on any
// lifeops.Store: credentials, devices and tokens stay behind.
package porter

import (
	"context"
	"io"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/examples/server/api"
	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/store"
)

// Porter is an api.DataPorter over a store.
type Porter struct {
	Store   lifeops.Store
	Service *lifeops.Service
}

var _ api.DataPorter = Porter{}

// Export writes every record of the person (credentials left out) as one
// JSON document.
func (p Porter) Export(ctx context.Context, userID uuid.UUID, w io.Writer) error {
	x, err := store.ExportUser(ctx, p.Store, userID, nil)
	if err != nil {
		return err
	}
	return store.WriteExport(w, x)
}

// Result is what an import wrote, per kind of record.
type Result struct {
	Users        int `json:"users"`
	HealthDays   int `json:"health_days"`
	RawDocuments int `json:"raw_documents"`
	HeartRate    int `json:"heart_rate"`
	SyncStates   int `json:"sync_states"`
	WorkDays     int `json:"work_days"`
	Scores       int `json:"scores"`
	XP           int `json:"xp"`
	Achievements int `json:"achievements"`
	Items        int `json:"items"`
	Events       int `json:"events"`
	ZoneChanges  int `json:"zone_changes"`
}

// Import reads a document into the person, in one unit of work of theirs:
// it is taken into the caller's own account, whatever person it was
// exported from (whose items and events get ids of their own), replacing
// what is keyed alike; credentials in it are ignored. Then the person's days are
// settled, since the document holds scores without the standing kept
// beside them.
func (p Porter) Import(ctx context.Context, userID uuid.UUID, r io.Reader) (any, error) {
	x, err := store.ReadExport(r)
	if err != nil {
		return nil, err
	}
	x.Credentials = nil
	var res store.ImportResult
	err = p.Store.Update(ctx, userID, func(tx lifeops.Store) error {
		var err error
		res, err = store.ImportUser(ctx, tx, x, &store.ImportOptions{UserID: userID, Replace: true})
		return err
	})
	if err != nil {
		return nil, err
	}
	if _, err := p.Service.Settle(ctx, userID); err != nil {
		return nil, err
	}
	return Result{Users: res.Users, HealthDays: res.HealthDays, RawDocuments: res.RawDocuments, HeartRate: res.HeartRate,
		SyncStates: res.SyncStates, WorkDays: res.WorkDays, Scores: res.Scores, XP: res.XP, Achievements: res.Achievements,
		Items: res.Items, Events: res.Events, ZoneChanges: res.ZoneChanges}, nil
}
