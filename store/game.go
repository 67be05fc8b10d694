package store

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/uptrace/bun"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

type scoresRow struct {
	bun.BaseModel `bun:"table:daily_scores"`

	UserID               uuid.UUID           `bun:"user_id,pk"`
	Day                  day                 `bun:"day,pk"`
	Life                 decimal.NullDecimal `bun:"life"`
	LifeContributors     jsonText            `bun:"life_contributors"`
	Sleep                decimal.NullDecimal `bun:"sleep"`
	SleepContributors    jsonText            `bun:"sleep_contributors"`
	Activity             decimal.NullDecimal `bun:"activity"`
	ActivityContributors jsonText            `bun:"activity_contributors"`
	WorkLife             decimal.NullDecimal `bun:"work_life"`
	WorkLifeContributors jsonText            `bun:"work_life_contributors"`
	Habits               decimal.NullDecimal `bun:"habits"`
	HabitsContributors   jsonText            `bun:"habits_contributors"`
	ComputedAt           instant             `bun:"computed_at"`
	State                jsonText            `bun:"state"`
}

// domainColumns pairs each domain of a DayScores with its two columns.
type domainColumns struct {
	score        **lifeops.DomainScore
	value        *decimal.NullDecimal
	contributors *jsonText
}

func (r *scoresRow) domains(s *lifeops.DayScores) []domainColumns {
	return []domainColumns{
		{&s.Sleep, &r.Sleep, &r.SleepContributors},
		{&s.Activity, &r.Activity, &r.ActivityContributors},
		{&s.WorkLife, &r.WorkLife, &r.WorkLifeContributors},
		{&s.Habits, &r.Habits, &r.HabitsContributors},
	}
}

func toScoresRow(s lifeops.DayScores) (scoresRow, error) {
	r := scoresRow{UserID: s.UserID, Day: day(s.Date), ComputedAt: instant(s.ComputedAt), State: jsonText(s.State)}
	if s.Life != nil {
		r.Life = decimal.NewNullDecimal(*s.Life)
	}
	var err error
	if r.LifeContributors, err = marshalJSON(s.LifeParts, s.LifeParts == nil); err != nil {
		return r, err
	}
	for _, d := range r.domains(&s) {
		if *d.score == nil {
			continue
		}
		*d.value = decimal.NewNullDecimal((*d.score).Value)
		if *d.contributors, err = marshalJSON((*d.score).Contributors, (*d.score).Contributors == nil); err != nil {
			return r, err
		}
	}
	return r, nil
}

func (r scoresRow) scores() (lifeops.DayScores, error) {
	s := lifeops.DayScores{UserID: r.UserID, Date: civil.Date(r.Day), ComputedAt: utc(time.Time(r.ComputedAt)), State: json.RawMessage(r.State)}
	if r.Life.Valid {
		v := r.Life.Decimal
		s.Life = &v
	}
	if err := unmarshalJSON(r.LifeContributors, &s.LifeParts); err != nil {
		return s, err
	}
	for _, d := range r.domains(&s) {
		if !d.value.Valid {
			continue
		}
		*d.score = &lifeops.DomainScore{Value: d.value.Decimal}
		if err := unmarshalJSON(*d.contributors, &(*d.score).Contributors); err != nil {
			return s, err
		}
	}
	return s, nil
}

// PutScores upserts each of scores on (UserID, Date), replacing every
// field, all or nothing, in multi-row statements.
func (db *DB) PutScores(ctx context.Context, scores ...lifeops.DayScores) error {
	rows := make([]scoresRow, 0, len(scores))
	for _, s := range scores {
		if err := s.Validate(); err != nil {
			return err
		}
		row, err := toScoresRow(s)
		if err != nil {
			return wrapErr("put scores", err)
		}
		rows = append(rows, row)
	}
	rows = lastPerKey(rows, func(a, b scoresRow) int {
		return cmp.Or(bytes.Compare(a.UserID[:], b.UserID[:]), civil.Date(a.Day).Compare(civil.Date(b.Day)))
	})
	if err := checkRow(rows); err != nil {
		return err
	}
	return writeRows(ctx, db, "put scores", rows, "user_id", "day")
}

// Scores returns the user's scored days in [from, to] ordered by date.
func (db *DB) Scores(ctx context.Context, userID uuid.UUID, from, to civil.Date) ([]lifeops.DayScores, error) {
	return listOf(ctx, db, "list scores", userID, func(q *bun.SelectQuery) *bun.SelectQuery {
		return whereDays(q, "day", from, to).Order("day")
	}, scoresRow.scores)
}

type xpRow struct {
	bun.BaseModel `bun:"table:xp_ledger"`

	UserID    uuid.UUID     `bun:"user_id,pk"`
	Key       string        `bun:"key,pk"`
	Day       day           `bun:"day"`
	Kind      string        `bun:"kind"`
	Points    int64         `bun:"points"`
	Reason    string        `bun:"reason"`
	Parts     jsonText      `bun:"parts"`
	ItemID    uuid.NullUUID `bun:"item_id"`
	Code      string        `bun:"code"`
	CreatedAt instant       `bun:"created_at"`
}

func (r xpRow) entry() (lifeops.XPEntry, error) {
	e := lifeops.XPEntry{
		UserID: r.UserID, Key: r.Key, Date: civil.Date(r.Day), Kind: r.Kind, Points: r.Points,
		Reason: r.Reason, Code: r.Code, CreatedAt: utc(time.Time(r.CreatedAt)),
	}
	if r.ItemID.Valid {
		e.ItemID = r.ItemID.UUID
	}
	return e, unmarshalJSON(r.Parts, &e.Parts)
}

// toXPRow maps an entry onto its row.
func toXPRow(e lifeops.XPEntry) (xpRow, error) {
	row := xpRow{
		UserID: e.UserID, Key: e.Key, Day: day(e.Date), Kind: e.Kind, Points: e.Points, Reason: e.Reason,
		Code: e.Code, CreatedAt: instant(e.CreatedAt), ItemID: uuid.NullUUID{UUID: e.ItemID, Valid: e.ItemID != uuid.Nil},
	}
	var err error
	row.Parts, err = marshalJSON(e.Parts, e.Parts == nil)
	return row, err
}

// AddXP inserts e unless the user has an entry with e.Key, atomically, and
// returns the stored entry; the user's total follows in the same
// transaction.
func (db *DB) AddXP(ctx context.Context, e lifeops.XPEntry) (lifeops.XPEntry, bool, error) {
	if err := e.Validate(); err != nil {
		return lifeops.XPEntry{}, false, err
	}
	row, err := toXPRow(e)
	if err != nil {
		return lifeops.XPEntry{}, false, wrapErr("add xp", err)
	}
	if err := checkRow(&row); err != nil {
		return lifeops.XPEntry{}, false, err
	}
	var stored xpRow
	var created bool
	err = db.InTx(ctx, func(tx *DB) error {
		var err error
		created, err = insertIfAbsent(ctx, tx, "add xp", &row, &stored, []string{"user_id", "key"},
			func(q *bun.SelectQuery) *bun.SelectQuery {
				return q.Where("user_id = ? AND key = ?", e.UserID, e.Key)
			})
		if err == nil && created {
			err = tx.addXPTotal(ctx, "add xp", e.UserID, e.Points)
		}
		return err
	})
	if err != nil {
		return lifeops.XPEntry{}, false, err
	}
	out, err := stored.entry()
	return out, created, wrapErr("add xp", err)
}

// DeleteXP deletes the user's entry with key and reports whether there was
// one; the user's total follows in the same transaction.
func (db *DB) DeleteXP(ctx context.Context, userID uuid.UUID, key string) (bool, error) {
	if !storableKeys(key) {
		return false, db.requireUser(ctx, "delete xp", userID)
	}
	var deleted bool
	err := db.InTx(ctx, func(tx *DB) error {
		points, err := tx.deleteXP(ctx, userID, []string{key})
		if err != nil {
			return err
		}
		deleted = len(points) > 0
		if !deleted {
			return tx.requireUser(ctx, "delete xp", userID)
		}
		return tx.addXPTotal(ctx, "delete xp", userID, -sum(points))
	})
	return deleted, err
}

// UpdateXP inserts the entries of add whose key the user has no entry
// with and deletes the entries with the keys in remove, all in one
// transaction with the user's total.
func (db *DB) UpdateXP(ctx context.Context, userID uuid.UUID, add []lifeops.XPEntry, remove []string) error {
	rows := make([]xpRow, 0, len(add))
	for _, e := range add {
		if err := e.Validate(); err != nil {
			return err
		}
		if e.UserID != userID {
			return &lifeops.ValidationError{Field: "user_id", Reason: "an XP entry of another person cannot be added"}
		}
		if slices.Contains(remove, e.Key) {
			return &lifeops.ValidationError{Field: "key", Reason: "cannot be added and removed at once"}
		}
		row, err := toXPRow(e)
		if err != nil {
			return wrapErr("update xp", err)
		}
		rows = append(rows, row)
	}
	rows = lastPerKey(rows, func(a, b xpRow) int { return strings.Compare(a.Key, b.Key) })
	if err := checkRow(rows); err != nil {
		return err
	}
	keys := slices.DeleteFunc(slices.Clone(remove), func(k string) bool { return !storableKeys(k) })
	return db.InTx(ctx, func(tx *DB) error {
		var delta int64
		if len(keys) > 0 {
			points, err := tx.deleteXP(ctx, userID, keys)
			if err != nil {
				return err
			}
			delta -= sum(points)
		}
		for start := 0; start < len(rows); start += batchRows {
			chunk := rows[start:min(start+batchRows, len(rows))]
			var points []int64
			err := tx.idb().NewInsert().Model(&chunk).On("CONFLICT (user_id, key) DO NOTHING").
				Returning("points").Scan(ctx, &points)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return wrapErr("update xp", err)
			}
			delta += sum(points)
		}
		return tx.addXPTotal(ctx, "update xp", userID, delta)
	})
}

// deleteXP deletes the user's entries with keys and returns their points.
func (db *DB) deleteXP(ctx context.Context, userID uuid.UUID, keys []string) ([]int64, error) {
	var points []int64
	err := db.idb().NewDelete().Model((*xpRow)(nil)).Where("user_id = ? AND key IN (?)", userID, bun.In(keys)).
		Returning("points").Scan(ctx, &points)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return points, wrapErr("delete xp", err)
}

// addXPTotal moves the user's XP total by delta; an unknown user is
// ErrNotFound. Every write of the ledger calls it in its transaction.
func (db *DB) addXPTotal(ctx context.Context, op string, userID uuid.UUID, delta int64) error {
	res, err := db.idb().NewUpdate().Model((*userRow)(nil)).Set("xp_total = xp_total + ?", delta).
		Where("id = ?", userID).Exec(ctx)
	if err := affected(res, err); err != nil {
		return wrapErr(op, err)
	}
	return nil
}

func sum(xs []int64) int64 {
	var s int64
	for _, x := range xs {
		s += x
	}
	return s
}

// XPTotal returns the sum of the Points of the user's entries, which the
// writes of the ledger keep on the user's row.
func (db *DB) XPTotal(ctx context.Context, userID uuid.UUID) (int64, error) {
	var total int64
	err := db.read(ctx, "xp total", func(ctx context.Context) error {
		return db.idb().NewSelect().Model((*userRow)(nil)).Column("xp_total").Where("id = ?", userID).Scan(ctx, &total)
	})
	return total, err
}

// XPEntries lists the user's entries that match q, ordered by Date, then
// CreatedAt, then Key.
func (db *DB) XPEntries(ctx context.Context, userID uuid.UUID, q lifeops.XPQuery) ([]lifeops.XPEntry, error) {
	if err := validatePage(q.Page); err != nil {
		return nil, err
	}
	return listOf(ctx, db, "list xp", userID, func(sel *bun.SelectQuery) *bun.SelectQuery {
		if !q.From.IsZero() {
			sel = sel.Where("day >= ?", day(q.From))
		}
		if !q.To.IsZero() {
			sel = sel.Where("day <= ?", day(q.To))
		}
		return paginate(sel.Order("day", "created_at", "key"), q.Page)
	}, xpRow.entry)
}

type achievementRow struct {
	bun.BaseModel `bun:"table:achievements"`

	UserID     uuid.UUID `bun:"user_id,pk"`
	Code       string    `bun:"code,pk"`
	Day        day       `bun:"day"`
	UnlockedAt instant   `bun:"unlocked_at"`
}

func (r achievementRow) achievement() lifeops.Achievement {
	return lifeops.Achievement{UserID: r.UserID, Code: r.Code, Date: civil.Date(r.Day), UnlockedAt: utc(time.Time(r.UnlockedAt))}
}

// UnlockAchievement inserts a unless the user has a.Code, atomically, and
// returns the stored achievement.
func (db *DB) UnlockAchievement(ctx context.Context, a lifeops.Achievement) (lifeops.Achievement, bool, error) {
	if err := a.Validate(); err != nil {
		return lifeops.Achievement{}, false, err
	}
	row := achievementRow{UserID: a.UserID, Code: a.Code, Day: day(a.Date), UnlockedAt: instant(a.UnlockedAt)}
	if err := checkRow(&row); err != nil {
		return lifeops.Achievement{}, false, err
	}
	var stored achievementRow
	created, err := insertIfAbsent(ctx, db, "unlock achievement", &row, &stored, []string{"user_id", "code"},
		func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("user_id = ? AND code = ?", a.UserID, a.Code)
		})
	if err != nil {
		return lifeops.Achievement{}, false, err
	}
	return stored.achievement(), created, nil
}

// Achievements lists the user's achievements ordered by UnlockedAt, then
// Code.
func (db *DB) Achievements(ctx context.Context, userID uuid.UUID) ([]lifeops.Achievement, error) {
	return listOf(ctx, db, "list achievements", userID, func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Order("unlocked_at", "code")
	}, infallible(achievementRow.achievement))
}

// insertIfAbsent inserts row unless a row with the same conflict key
// exists, and loads the stored row (new or existing) into stored. One
// INSERT … ON CONFLICT DO NOTHING decides atomically: of many concurrent
// calls exactly one inserts a row. The others then read the winner, which
// ON CONFLICT waited for to commit.
func insertIfAbsent[T any](ctx context.Context, db *DB, op string, row, stored *T, conflict []string, where func(*bun.SelectQuery) *bun.SelectQuery) (bool, error) {
	var created bool
	err := db.retry(ctx, op, func(ctx context.Context) error {
		res, err := db.idb().NewInsert().Model(row).
			On("CONFLICT (" + strings.Join(conflict, ", ") + ") DO NOTHING").Exec(ctx)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		created = n > 0
		err = where(db.idb().NewSelect().Model(stored)).Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			// The winner was deleted between the two statements: try again.
			return errVanished
		}
		return err
	})
	return created, err
}

// errVanished reports a row that a conflict proved to exist and a read
// then missed; the operation is run again.
var errVanished = errors.New("conflicting row vanished before it could be read")
