package store

import (
	"context"
	"database/sql"
	"errors"
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
	r := scoresRow{UserID: s.UserID, Day: day(s.Date), ComputedAt: instant(s.ComputedAt)}
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
	s := lifeops.DayScores{UserID: r.UserID, Date: civil.Date(r.Day), ComputedAt: utc(time.Time(r.ComputedAt))}
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

// PutScores upserts s on (UserID, Date), replacing every field.
func (db *DB) PutScores(ctx context.Context, s lifeops.DayScores) error {
	if err := s.Validate(); err != nil {
		return err
	}
	row, err := toScoresRow(s)
	if err != nil {
		return wrapErr("put scores", err)
	}
	if err := checkRow(&row); err != nil {
		return err
	}
	return db.retry(ctx, "put scores", func(ctx context.Context) error {
		_, err := upsert(db.idb().NewInsert().Model(&row), "user_id", "day").Exec(ctx)
		return err
	})
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

// AddXP inserts e unless the user has an entry with e.Key, atomically, and
// returns the stored entry.
func (db *DB) AddXP(ctx context.Context, e lifeops.XPEntry) (lifeops.XPEntry, bool, error) {
	if err := e.Validate(); err != nil {
		return lifeops.XPEntry{}, false, err
	}
	row := xpRow{
		UserID: e.UserID, Key: e.Key, Day: day(e.Date), Kind: e.Kind, Points: e.Points, Reason: e.Reason,
		Code: e.Code, CreatedAt: instant(e.CreatedAt), ItemID: uuid.NullUUID{UUID: e.ItemID, Valid: e.ItemID != uuid.Nil},
	}
	var err error
	if row.Parts, err = marshalJSON(e.Parts, e.Parts == nil); err != nil {
		return lifeops.XPEntry{}, false, wrapErr("add xp", err)
	}
	if err := checkRow(&row); err != nil {
		return lifeops.XPEntry{}, false, err
	}
	var stored xpRow
	created, err := insertIfAbsent(ctx, db, "add xp", &row, &stored, []string{"user_id", "key"},
		func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("user_id = ? AND key = ?", e.UserID, e.Key)
		})
	if err != nil {
		return lifeops.XPEntry{}, false, err
	}
	out, err := stored.entry()
	return out, created, wrapErr("add xp", err)
}

// DeleteXP deletes the user's entry with key and reports whether there was
// one.
func (db *DB) DeleteXP(ctx context.Context, userID uuid.UUID, key string) (bool, error) {
	if !storableKeys(key) {
		return false, db.requireUser(ctx, "delete xp", userID)
	}
	return deleteOne(ctx, db, "delete xp", userID, (*xpRow)(nil), "key = ?", key)
}

// XPTotal returns the sum of the Points of the user's entries.
func (db *DB) XPTotal(ctx context.Context, userID uuid.UUID) (int64, error) {
	var total int64
	err := db.read(ctx, "xp total", func(ctx context.Context) error {
		return db.idb().NewSelect().Model((*xpRow)(nil)).ColumnExpr("COALESCE(SUM(points), 0)").
			Where("user_id = ?", userID).Scan(ctx, &total)
	})
	if err == nil && total == 0 {
		err = db.requireUser(ctx, "xp total", userID)
	}
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

// XPSummary returns the user's ledger summed by day, and the entries of
// kind "achievement", summed and filtered in the database.
func (db *DB) XPSummary(ctx context.Context, userID uuid.UUID) (lifeops.XPSummary, error) {
	var days []struct {
		Day    day   `bun:"day"`
		Points int64 `bun:"points"`
	}
	var rows []xpRow
	err := db.read(ctx, "xp summary", func(ctx context.Context) error {
		err := db.idb().NewSelect().Model((*xpRow)(nil)).ColumnExpr("day, SUM(points) AS points").
			Where("user_id = ?", userID).Group("day").Order("day").Scan(ctx, &days)
		if err != nil {
			return err
		}
		return db.idb().NewSelect().Model(&rows).Where("user_id = ? AND kind = ?", userID, xpKindAchievement).
			Order("day", "created_at", "key").Scan(ctx)
	})
	if err != nil {
		return lifeops.XPSummary{}, err
	}
	if len(days) == 0 {
		return lifeops.XPSummary{}, db.requireUser(ctx, "xp summary", userID)
	}
	out := lifeops.XPSummary{Days: make([]lifeops.XPDay, len(days))}
	for i, d := range days {
		out.Days[i] = lifeops.XPDay{Date: civil.Date(d.Day), Points: d.Points}
	}
	for _, r := range rows {
		e, err := r.entry()
		if err != nil {
			return lifeops.XPSummary{}, wrapErr("xp summary", err)
		}
		out.Achievements = append(out.Achievements, e)
	}
	return out, nil
}

// xpKindAchievement is the Kind of the ledger entries achievements earn.
const xpKindAchievement = "achievement"

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
