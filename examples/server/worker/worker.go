// Package worker runs the example server's background work in its own
// process: it settles each person's days once their day has ended
// (lifeops.Service.Settle), runs backfills in chunks, and syncs a person a
// webhook asked for. It implements api.Jobs. Its state (backfill progress,
// who was settled through which day) lives in memory; a queue in the
// database (River) can take its place behind the same interface, so that
// several processes share the work.
package worker

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/examples/server/api"
	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
)

// Config configures a Worker. Service is required.
type Config struct {
	Service *lifeops.Service
	// Logger receives a line per job; nil discards.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Tick is how often people are checked for a day that ended. Zero
	// means one minute.
	Tick time.Duration
	// ChunkDays is how many days one backfill step syncs. Zero means 90.
	ChunkDays int
	// Queue bounds the jobs waiting. Zero means 256.
	Queue int
}

// Worker is the in-process job runner. Create it with [New], start it
// with Run.
type Worker struct {
	cfg  Config
	svc  *lifeops.Service
	log  *slog.Logger
	jobs chan job

	mu        sync.Mutex
	settled   map[uuid.UUID]civil.Date // the person's day when last settled
	backfills map[uuid.UUID]*api.BackfillStatus
	pending   map[uuid.UUID]bool // a webhook sync is queued
	gen       map[uuid.UUID]int  // backfill generation: a new backfill replaces the old
}

type job struct {
	user     uuid.UUID
	backfill bool
	gen      int
	from, to civil.Date
}

var _ api.Jobs = (*Worker)(nil)

// New returns a worker for cfg.
func New(cfg Config) *Worker {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Tick <= 0 {
		cfg.Tick = time.Minute
	}
	if cfg.ChunkDays <= 0 {
		cfg.ChunkDays = 90
	}
	if cfg.Queue <= 0 {
		cfg.Queue = 256
	}
	return &Worker{cfg: cfg, svc: cfg.Service, log: cfg.Logger, jobs: make(chan job, cfg.Queue),
		settled: map[uuid.UUID]civil.Date{}, backfills: map[uuid.UUID]*api.BackfillStatus{},
		pending: map[uuid.UUID]bool{}, gen: map[uuid.UUID]int{}}
}

// Run settles every person at once and then on every tick, and runs queued
// jobs one at a time, until ctx ends; it returns when the job running then
// has stopped.
func (w *Worker) Run(ctx context.Context) error {
	t := time.NewTicker(w.cfg.Tick)
	defer t.Stop()
	w.SettleAll(ctx)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			w.SettleAll(ctx)
		case j := <-w.jobs:
			w.run(ctx, j)
		}
	}
}

// SettleAll settles each person whose day changed since they were last
// settled, and returns how many it settled.
func (w *Worker) SettleAll(ctx context.Context) int {
	n := 0
	const pageSize = 200
	for offset := 0; ; offset += pageSize {
		users, err := w.svc.Users(ctx, lifeops.Page{Offset: offset, Limit: pageSize})
		if err != nil {
			if ctx.Err() == nil {
				w.log.WarnContext(ctx, "settle: list people", "err", err)
			}
			return n
		}
		for _, u := range users {
			loc, err := u.Location()
			if err != nil {
				continue
			}
			day, err := score.PersonDay(w.cfg.Now(), loc, u.DayStartHour)
			if err != nil {
				continue
			}
			w.mu.Lock()
			done := w.settled[u.ID] == day
			w.mu.Unlock()
			if done {
				continue
			}
			s, err := w.svc.Settle(ctx, u.ID)
			if err != nil {
				if ctx.Err() == nil && !errors.Is(err, lifeops.ErrNotFound) {
					w.log.WarnContext(ctx, "settle failed", "user_id", u.ID, "err", err)
				}
				continue
			}
			w.mu.Lock()
			w.settled[u.ID] = day
			w.mu.Unlock()
			n++
			if s.Days > 0 {
				w.log.InfoContext(ctx, "settled", "user_id", u.ID, "through", s.Through, "days", s.Days)
			}
		}
		if len(users) < pageSize {
			return n
		}
	}
}

// Backfill queues a backfill of the person from from through their current
// day, in chunks of ChunkDays; it replaces a backfill of theirs that is
// still queued or running.
func (w *Worker) Backfill(ctx context.Context, userID uuid.UUID, from civil.Date) (api.BackfillStatus, error) {
	u, err := w.svc.Profile(ctx, userID)
	if err != nil {
		return api.BackfillStatus{}, err
	}
	loc, err := u.Location()
	if err != nil {
		return api.BackfillStatus{}, err
	}
	today, err := score.PersonDay(w.cfg.Now(), loc, u.DayStartHour)
	if err != nil {
		return api.BackfillStatus{}, lifeops.WrapError(lifeops.CodeInternal, err, "")
	}
	switch {
	case !from.IsValid():
		return api.BackfillStatus{}, &lifeops.ValidationError{Field: "start_date", Reason: "must be a real date"}
	case from.After(today):
		return api.BackfillStatus{}, &lifeops.ValidationError{Field: "start_date", Reason: "must not be after today (" + today.String() + ")"}
	case from.Before(today.AddDays(-3 * 365)):
		return api.BackfillStatus{}, &lifeops.ValidationError{Field: "start_date", Reason: "must be within the last three years"}
	}
	chunks := (today.Sub(from) + w.cfg.ChunkDays) / w.cfg.ChunkDays
	w.mu.Lock()
	w.gen[userID]++
	g := w.gen[userID]
	st := &api.BackfillStatus{From: from, To: today, ChunksTotal: chunks, Running: true}
	w.backfills[userID] = st
	out := *st
	w.mu.Unlock()
	select {
	case w.jobs <- job{user: userID, backfill: true, gen: g, from: from, to: today}:
		return out, nil
	default:
		w.mu.Lock()
		st.Running, st.LastError = false, "the job queue is full"
		w.mu.Unlock()
		return api.BackfillStatus{}, lifeops.Errorf(lifeops.CodeUnavailable, "The job queue is full; try again later.")
	}
}

// Backfills returns the person's latest backfill, or nil.
func (w *Worker) Backfills(userID uuid.UUID) *api.BackfillStatus {
	w.mu.Lock()
	defer w.mu.Unlock()
	st := w.backfills[userID]
	if st == nil {
		return nil
	}
	c := *st
	return &c
}

// SyncSoon queues a default sync of the person, unless one is queued.
func (w *Worker) SyncSoon(userID uuid.UUID) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.pending[userID] {
		return
	}
	select {
	case w.jobs <- job{user: userID}:
		w.pending[userID] = true
	default:
		w.log.Warn("sync dropped: the job queue is full", "user_id", userID)
	}
}

// run runs one job.
func (w *Worker) run(ctx context.Context, j job) {
	if !j.backfill {
		w.mu.Lock()
		delete(w.pending, j.user)
		w.mu.Unlock()
		res, err := w.svc.Sync(ctx, j.user, lifeops.SyncRequest{})
		if err != nil && ctx.Err() == nil {
			w.log.WarnContext(ctx, "background sync failed", "user_id", j.user, "err", err)
			return
		}
		w.log.InfoContext(ctx, "background sync", "user_id", j.user, "partial", res.Partial)
		return
	}
	for from := j.from; !from.After(j.to); from = from.AddDays(w.cfg.ChunkDays) {
		w.mu.Lock()
		current := w.gen[j.user] == j.gen
		w.mu.Unlock()
		if !current || ctx.Err() != nil {
			return
		}
		to := from.AddDays(w.cfg.ChunkDays - 1)
		if to.After(j.to) {
			to = j.to
		}
		res, err := w.svc.Sync(ctx, j.user, lifeops.SyncRequest{From: from, To: to})
		w.mu.Lock()
		if w.gen[j.user] == j.gen {
			st := w.backfills[j.user]
			st.ChunksDone++
			switch {
			case err != nil:
				st.LastError = lifeops.ErrorMessage(err)
			case res.Partial && len(res.Errors) > 0:
				st.LastError = string(res.Errors[0].Kind) + ": " + res.Errors[0].Message
			}
			st.Running = st.ChunksDone < st.ChunksTotal
		}
		w.mu.Unlock()
	}
}
