package store

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// batchRows is how many rows one multi-row INSERT carries.
const batchRows = 500

type healthDayRow struct {
	bun.BaseModel `bun:"table:health_days"`

	UserID                uuid.UUID   `bun:"user_id,pk"`
	Day                   day         `bun:"day,pk"`
	Source                string      `bun:"source"`
	SleepScore            *int        `bun:"sleep_score"`
	SleepContributors     jsonText    `bun:"sleep_contributors"`
	ReadinessScore        *int        `bun:"readiness_score"`
	ReadinessContributors jsonText    `bun:"readiness_contributors"`
	ActivityScore         *int        `bun:"activity_score"`
	ActivityContributors  jsonText    `bun:"activity_contributors"`
	Steps                 *int        `bun:"steps"`
	TotalSleepSeconds     *int        `bun:"total_sleep_seconds"`
	Efficiency            *int        `bun:"efficiency"`
	RestingHeartRate      *int        `bun:"resting_heart_rate"`
	HRV                   *int        `bun:"hrv"`
	Bedtime               nullInstant `bun:"bedtime"`
	WakeTime              nullInstant `bun:"wake_time"`
	UpdatedAt             instant     `bun:"updated_at"`
}

func splitScore(p *lifeops.ProviderScore) (*int, jsonText, error) {
	if p == nil {
		return nil, nil, nil
	}
	v := p.Value
	j, err := marshalJSON(p.Contributors, p.Contributors == nil)
	return &v, j, err
}

func joinScore(v *int, j jsonText) (*lifeops.ProviderScore, error) {
	if v == nil {
		return nil, nil
	}
	p := &lifeops.ProviderScore{Value: *v}
	return p, unmarshalJSON(j, &p.Contributors)
}

func toHealthDayRow(d lifeops.HealthDay) (healthDayRow, error) {
	r := healthDayRow{
		UserID: d.UserID, Day: day(d.Date), Source: d.Source,
		Steps: d.Steps, TotalSleepSeconds: d.TotalSleepSeconds, Efficiency: d.Efficiency,
		RestingHeartRate: d.RestingHeartRate, HRV: d.HRV,
		Bedtime: optInstant(d.Bedtime), WakeTime: optInstant(d.WakeTime), UpdatedAt: instant(d.UpdatedAt),
	}
	var err error
	if r.SleepScore, r.SleepContributors, err = splitScore(d.Sleep); err != nil {
		return r, err
	}
	if r.ReadinessScore, r.ReadinessContributors, err = splitScore(d.Readiness); err != nil {
		return r, err
	}
	r.ActivityScore, r.ActivityContributors, err = splitScore(d.Activity)
	return r, err
}

func (r healthDayRow) healthDay() (lifeops.HealthDay, error) {
	d := lifeops.HealthDay{
		UserID: r.UserID, Date: civil.Date(r.Day), Source: r.Source,
		Steps: r.Steps, TotalSleepSeconds: r.TotalSleepSeconds, Efficiency: r.Efficiency,
		RestingHeartRate: r.RestingHeartRate, HRV: r.HRV,
		Bedtime: ptrInstant(r.Bedtime), WakeTime: ptrInstant(r.WakeTime), UpdatedAt: utc(time.Time(r.UpdatedAt)),
	}
	var err error
	if d.Sleep, err = joinScore(r.SleepScore, r.SleepContributors); err != nil {
		return d, err
	}
	if d.Readiness, err = joinScore(r.ReadinessScore, r.ReadinessContributors); err != nil {
		return d, err
	}
	d.Activity, err = joinScore(r.ActivityScore, r.ActivityContributors)
	return d, err
}

// PutHealthDays upserts each day on (UserID, Date) in one transaction.
func (db *DB) PutHealthDays(ctx context.Context, days []lifeops.HealthDay) error {
	rows := make([]healthDayRow, 0, len(days))
	for _, d := range days {
		if err := d.Validate(); err != nil {
			return err
		}
		r, err := toHealthDayRow(d)
		if err != nil {
			return wrapErr("put health days", err)
		}
		rows = append(rows, r)
	}
	rows = lastPerKey(rows, func(a, b healthDayRow) int {
		return cmp.Or(bytes.Compare(a.UserID[:], b.UserID[:]), civil.Date(a.Day).Compare(civil.Date(b.Day)))
	})
	if err := checkRow(rows); err != nil {
		return err
	}
	return putRows(ctx, db, "put health days", rows, "user_id", "day")
}

// healthKindColumns are the columns of health_days that each day-level
// kind owns (see lifeops.HealthDay).
var healthKindColumns = map[lifeops.DataKind][]string{
	lifeops.KindDailySleep:     {"sleep_score", "sleep_contributors"},
	lifeops.KindDailyReadiness: {"readiness_score", "readiness_contributors"},
	lifeops.KindDailyActivity:  {"activity_score", "activity_contributors", "steps"},
	lifeops.KindSleep:          {"total_sleep_seconds", "efficiency", "resting_heart_rate", "hrv", "bedtime", "wake_time"},
}

// MergeHealthDays writes each day's fields of kind in one transaction,
// without reading a row first: days with data of kind by one INSERT … ON
// CONFLICT DO UPDATE that sets only the kind's columns, updated_at and a
// non-empty source; days without by an UPDATE that sets the kind's columns
// to NULL. No other column is written, so a concurrent write of another
// kind to the same rows is never undone, on Postgres or SQLite.
func (db *DB) MergeHealthDays(ctx context.Context, kind lifeops.DataKind, days []lifeops.HealthDay) error {
	const op = "merge health days"
	if err := lifeops.ValidateMerge(kind, days); err != nil {
		return err
	}
	days = lastPerKey(slices.Clone(days), func(a, b lifeops.HealthDay) int {
		return cmp.Or(bytes.Compare(a.UserID[:], b.UserID[:]), a.Date.Compare(b.Date))
	})
	var set, clear []healthDayRow
	for _, d := range days {
		only := lifeops.HealthDay{UserID: d.UserID, Date: d.Date, Source: d.Source, UpdatedAt: d.UpdatedAt}
		only.Merge(kind, d)
		r, err := toHealthDayRow(only)
		if err != nil {
			return wrapErr(op, err)
		}
		if d.Has(kind) {
			set = append(set, r)
		} else {
			clear = append(clear, r)
		}
	}
	if err := cmp.Or(checkRow(set), checkRow(clear)); err != nil {
		return err
	}
	if len(set) == 0 && len(clear) == 0 {
		return nil
	}
	cols := healthKindColumns[kind]
	return db.retry(ctx, op, func(ctx context.Context) error {
		return db.idb().RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			for start := 0; start < len(set); start += batchRows {
				chunk := set[start:min(start+batchRows, len(set))]
				q := tx.NewInsert().Model(&chunk).On("CONFLICT (user_id, day) DO UPDATE")
				for _, c := range cols {
					q = q.Set("? = EXCLUDED.?", bun.Ident(c), bun.Ident(c))
				}
				q = q.Set("updated_at = EXCLUDED.updated_at").
					Set("source = CASE WHEN EXCLUDED.source = '' THEN ?TableAlias.source ELSE EXCLUDED.source END")
				if _, err := q.Exec(ctx); err != nil {
					return err
				}
			}
			for _, r := range clear {
				q := tx.NewUpdate().Model((*healthDayRow)(nil))
				for _, c := range cols {
					q = q.Set("? = NULL", bun.Ident(c))
				}
				res, err := q.Set("updated_at = ?", r.UpdatedAt).Where("user_id = ? AND day = ?", r.UserID, r.Day).Exec(ctx)
				if err != nil {
					return err
				}
				n, err := res.RowsAffected()
				if err != nil {
					return err
				}
				if n > 0 {
					continue
				}
				// Nothing to clear: fine for a known user, else not found.
				users, err := tx.NewSelect().Model((*userRow)(nil)).Where("id = ?", r.UserID).Count(ctx)
				if err != nil {
					return err
				}
				if users == 0 {
					return &Error{Op: op, Code: lifeops.CodeNotFound, Err: errNoUser}
				}
			}
			return nil
		})
	})
}

// HealthDays returns the user's days in [from, to] ordered by date.
func (db *DB) HealthDays(ctx context.Context, userID uuid.UUID, from, to civil.Date) ([]lifeops.HealthDay, error) {
	return listOf(ctx, db, "list health days", userID, func(q *bun.SelectQuery) *bun.SelectQuery {
		return whereDays(q, "day", from, to).Order("day")
	}, healthDayRow.healthDay)
}

type rawDocumentRow struct {
	bun.BaseModel `bun:"table:raw_documents"`

	UserID    uuid.UUID `bun:"user_id,pk"`
	Provider  string    `bun:"provider,pk"`
	Kind      string    `bun:"kind,pk"`
	DocID     string    `bun:"doc_id,pk" field:"id"`
	Day       nullDay   `bun:"day"`
	Deleted   bool      `bun:"deleted"`
	Data      jsonText  `bun:"data"`
	FetchedAt instant   `bun:"fetched_at"`
}

func (r rawDocumentRow) doc() lifeops.RawDocument {
	return lifeops.RawDocument{
		UserID: r.UserID, Provider: r.Provider, Kind: r.Kind, ID: r.DocID, Date: civil.Date(r.Day),
		Deleted: r.Deleted, Data: json.RawMessage(r.Data), FetchedAt: utc(time.Time(r.FetchedAt)),
	}
}

// PutRawDocuments upserts each document on (UserID, Provider, Kind, ID) in
// one transaction, replacing a stored revision in place.
func (db *DB) PutRawDocuments(ctx context.Context, docs []lifeops.RawDocument) error {
	rows := make([]rawDocumentRow, 0, len(docs))
	for _, d := range docs {
		if err := d.Validate(); err != nil {
			return err
		}
		rows = append(rows, rawDocumentRow{
			UserID: d.UserID, Provider: d.Provider, Kind: d.Kind, DocID: d.ID, Day: nullDay(d.Date),
			Deleted: d.Deleted, Data: jsonText(d.Data), FetchedAt: instant(d.FetchedAt),
		})
	}
	rows = lastPerKey(rows, func(a, b rawDocumentRow) int {
		return cmp.Or(bytes.Compare(a.UserID[:], b.UserID[:]),
			strings.Compare(a.Provider, b.Provider), strings.Compare(a.Kind, b.Kind), strings.Compare(a.DocID, b.DocID))
	})
	if err := checkRow(rows); err != nil {
		return err
	}
	return putRows(ctx, db, "put raw documents", rows, "user_id", "provider", "kind", "doc_id")
}

// MarkRawDocumentsDeleted marks deleted the user's documents of provider
// and kind dated in span whose ID is not in keep.
func (db *DB) MarkRawDocumentsDeleted(ctx context.Context, userID uuid.UUID, provider, kind string, span lifeops.Span, keep []string) (int, error) {
	if err := span.Validate(); err != nil {
		return 0, err
	}
	if !storableKeys(provider, kind) {
		return 0, db.requireUser(ctx, "mark raw documents deleted", userID)
	}
	var n int64
	err := db.retry(ctx, "mark raw documents deleted", func(ctx context.Context) error {
		q := db.idb().NewUpdate().Model((*rawDocumentRow)(nil)).Set("deleted = ?", true).
			Where("user_id = ? AND provider = ? AND kind = ? AND NOT deleted AND day IS NOT NULL", userID, provider, kind)
		if !span.From.IsZero() {
			q = q.Where("day >= ?", day(span.From))
		}
		if !span.To.IsZero() {
			q = q.Where("day <= ?", day(span.To))
		}
		if ids := slices.DeleteFunc(slices.Clone(keep), func(id string) bool { return !storableKeys(id) }); len(ids) > 0 {
			q = q.Where("doc_id NOT IN (?)", bun.In(ids))
		}
		res, err := q.Exec(ctx)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err == nil && n == 0 {
		err = db.requireUser(ctx, "mark raw documents deleted", userID)
	}
	return int(n), err
}

// RawDocument returns one document.
func (db *DB) RawDocument(ctx context.Context, userID uuid.UUID, provider, kind, id string) (lifeops.RawDocument, error) {
	if !storableKeys(provider, kind, id) {
		return lifeops.RawDocument{}, &Error{Op: "get raw document", Code: lifeops.CodeNotFound, Err: sql.ErrNoRows}
	}
	var r rawDocumentRow
	err := db.read(ctx, "get raw document", func(ctx context.Context) error {
		return db.idb().NewSelect().Model(&r).
			Where("user_id = ? AND provider = ? AND kind = ? AND doc_id = ?", userID, provider, kind, id).Scan(ctx)
	})
	if err != nil {
		return lifeops.RawDocument{}, err
	}
	return r.doc(), nil
}

// RawDocuments lists the user's documents that match q, ordered by Date
// (documents without one first), then Kind, then ID.
func (db *DB) RawDocuments(ctx context.Context, userID uuid.UUID, q lifeops.RawQuery) ([]lifeops.RawDocument, error) {
	if !storableKeys(q.Provider, q.Kind) {
		return emptyOr(ctx, db, "list raw documents", userID, []lifeops.RawDocument{})
	}
	return listOf(ctx, db, "list raw documents", userID, func(sel *bun.SelectQuery) *bun.SelectQuery {
		if q.Provider != "" {
			sel = sel.Where("provider = ?", q.Provider)
		}
		if q.Kind != "" {
			sel = sel.Where("kind = ?", q.Kind)
		}
		if !q.From.IsZero() {
			sel = sel.Where("day >= ?", day(q.From))
		}
		if !q.To.IsZero() {
			sel = sel.Where("day <= ?", day(q.To))
		}
		return sel.OrderExpr("day IS NOT NULL, day, kind, doc_id, provider")
	}, infallible(rawDocumentRow.doc))
}

type syncStateRow struct {
	bun.BaseModel `bun:"table:sync_state"`

	UserID   uuid.UUID `bun:"user_id,pk"`
	Kind     string    `bun:"kind,pk"`
	Through  day       `bun:"through"`
	SyncedAt instant   `bun:"synced_at"`
}

// SyncStates returns the user's states, ordered by Kind.
func (db *DB) SyncStates(ctx context.Context, userID uuid.UUID) ([]lifeops.SyncState, error) {
	return listOf(ctx, db, "list sync states", userID, func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Order("kind")
	}, infallible(func(r syncStateRow) lifeops.SyncState {
		return lifeops.SyncState{UserID: r.UserID, Kind: lifeops.DataKind(r.Kind), Through: civil.Date(r.Through), SyncedAt: utc(time.Time(r.SyncedAt))}
	}))
}

// PutSyncState upserts s on (UserID, Kind).
func (db *DB) PutSyncState(ctx context.Context, s lifeops.SyncState) error {
	if err := s.Validate(); err != nil {
		return err
	}
	row := syncStateRow{UserID: s.UserID, Kind: string(s.Kind), Through: day(s.Through), SyncedAt: instant(s.SyncedAt)}
	if err := checkRow(&row); err != nil {
		return err
	}
	return db.retry(ctx, "put sync state", func(ctx context.Context) error {
		_, err := upsert(db.idb().NewInsert().Model(&row), "user_id", "kind").Exec(ctx)
		return err
	})
}

type workDayRow struct {
	bun.BaseModel `bun:"table:work_days"`

	UserID            uuid.UUID `bun:"user_id,pk"`
	Day               day       `bun:"day,pk"`
	Source            string    `bun:"source,pk"`
	WorkMinutes       int       `bun:"work_minutes"`
	AfterHoursMinutes int       `bun:"after_hours_minutes"`
	MeetingMinutes    *int      `bun:"meeting_minutes"` // NULL: not entered
	BreakMinutes      *int      `bun:"break_minutes"`   // NULL: not entered
	UpdatedAt         instant   `bun:"updated_at"`
}

// PutWorkDay upserts w on (UserID, Date, Source); an empty Source is kept
// as lifeops.SourceManual.
func (db *DB) PutWorkDay(ctx context.Context, w lifeops.WorkDay) error {
	if err := w.Validate(); err != nil {
		return err
	}
	row := workDayRow{
		UserID: w.UserID, Day: day(w.Date), WorkMinutes: w.WorkMinutes, AfterHoursMinutes: w.AfterHoursMinutes,
		MeetingMinutes: w.MeetingMinutes, BreakMinutes: w.BreakMinutes, Source: workSource(w.Source), UpdatedAt: instant(w.UpdatedAt),
	}
	if err := checkRow(&row); err != nil {
		return err
	}
	return db.retry(ctx, "put work day", func(ctx context.Context) error {
		_, err := upsert(db.idb().NewInsert().Model(&row), "user_id", "day", "source").Exec(ctx)
		return err
	})
}

// workSource is the source a work day is kept under.
func workSource(s string) string {
	if s == "" {
		return lifeops.SourceManual
	}
	return s
}

// WorkDays returns the user's work-day records in [from, to] ordered by
// date, then source.
func (db *DB) WorkDays(ctx context.Context, userID uuid.UUID, from, to civil.Date) ([]lifeops.WorkDay, error) {
	return listOf(ctx, db, "list work days", userID, func(q *bun.SelectQuery) *bun.SelectQuery {
		return whereDays(q, "day", from, to).Order("day", "source")
	}, infallible(workDayRow.workDay))
}

// DeleteWorkDays deletes the user's work-day records from source in [from,
// to] and returns how many there were.
func (db *DB) DeleteWorkDays(ctx context.Context, userID uuid.UUID, source string, from, to civil.Date) (int, error) {
	if to.Before(minDay) || from.After(maxDay) || to.Before(from) {
		return 0, nil
	}
	if from.Before(minDay) {
		from = minDay
	}
	if to.After(maxDay) {
		to = maxDay
	}
	var n int
	err := db.retry(ctx, "delete work days", func(ctx context.Context) error {
		res, err := db.idb().NewDelete().Model((*workDayRow)(nil)).
			Where("user_id = ? AND source = ? AND day BETWEEN ? AND ?", userID, workSource(source), day(from), day(to)).Exec(ctx)
		if err != nil {
			return err
		}
		m, err := res.RowsAffected()
		n = int(m)
		return err
	})
	return n, err
}

func (r workDayRow) workDay() lifeops.WorkDay {
	return lifeops.WorkDay{
		UserID: r.UserID, Date: civil.Date(r.Day), WorkMinutes: r.WorkMinutes, AfterHoursMinutes: r.AfterHoursMinutes,
		MeetingMinutes: r.MeetingMinutes, BreakMinutes: r.BreakMinutes, Source: r.Source, UpdatedAt: utc(time.Time(r.UpdatedAt)),
	}
}

// putRows upserts rows on the conflict columns in one transaction, in
// multi-row statements of batchRows rows.
func putRows[T any](ctx context.Context, db *DB, op string, rows []T, conflict ...string) error {
	if len(rows) == 0 {
		return nil
	}
	return db.retry(ctx, op, func(ctx context.Context) error {
		return db.idb().RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			for start := 0; start < len(rows); start += batchRows {
				chunk := rows[start:min(start+batchRows, len(rows))]
				if _, err := upsert(tx.NewInsert().Model(&chunk), conflict...).Exec(ctx); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

// lastPerKey orders rows by key, in place, and keeps, of rows that share a
// key, only the last one given: one statement may not upsert a key twice,
// and writers that take their row locks in one order cannot deadlock each
// other.
func lastPerKey[T any](rows []T, cmp func(a, b T) int) []T {
	slices.SortStableFunc(rows, cmp)
	w := 0
	for i := range rows {
		if w > 0 && cmp(rows[w-1], rows[i]) == 0 {
			rows[w-1] = rows[i]
			continue
		}
		rows[w] = rows[i]
		w++
	}
	return rows[:w]
}

func optInstant(t *time.Time) nullInstant {
	if t == nil {
		return nullInstant{}
	}
	return nullInstant(*t)
}

func ptrInstant(t nullInstant) *time.Time {
	if time.Time(t).IsZero() {
		return nil
	}
	v := utc(time.Time(t))
	return &v
}
