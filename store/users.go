package store

import (
	"context"
	"database/sql"
	"math"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/uptrace/bun"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

type userRow struct {
	bun.BaseModel `bun:"table:users"`

	ID           uuid.UUID `bun:"id,pk"`
	Name         string    `bun:"name"`
	Zone         string    `bun:"zone"`
	DayStartHour int       `bun:"day_start_hour"`
	WakeMinute   int       `bun:"wake_minute"`
	BedMinute    int       `bun:"bed_minute"`
	Version      int64     `bun:"version"`
	// XPTotal is the sum of the user's ledger, which only the ledger's
	// writes change (see addXPTotal).
	XPTotal int64 `bun:"xp_total"`
	// DataVersion counts the person's units of work; only lockUser
	// changes it.
	DataVersion int64   `bun:"data_version"`
	CreatedAt   instant `bun:"created_at"`
	UpdatedAt   instant `bun:"updated_at"`
}

func toUserRow(u lifeops.User) userRow {
	return userRow{
		ID: u.ID, Name: u.Name, Zone: u.Zone, DayStartHour: u.DayStartHour,
		WakeMinute: u.WakeTime.Minutes(), BedMinute: u.Bedtime.Minutes(), Version: max(u.Version, 1),
		CreatedAt: instant(u.CreatedAt), UpdatedAt: instant(u.UpdatedAt),
	}
}

func (r userRow) user() lifeops.User {
	return lifeops.User{
		ID: r.ID, Name: r.Name, Zone: r.Zone, DayStartHour: r.DayStartHour,
		WakeTime: civil.ClockFromMinutes(r.WakeMinute), Bedtime: civil.ClockFromMinutes(r.BedMinute),
		Version: r.Version, CreatedAt: utc(time.Time(r.CreatedAt)), UpdatedAt: utc(time.Time(r.UpdatedAt)),
	}
}

// CreateUser stores a new user; a user with the same ID is a conflict.
func (db *DB) CreateUser(ctx context.Context, u lifeops.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	row := toUserRow(u)
	if err := checkRow(&row); err != nil {
		return err
	}
	return db.retry(ctx, "create user", func(ctx context.Context) error {
		_, err := db.idb().NewInsert().Model(&row).Exec(ctx)
		return err
	})
}

// User returns the user with id.
func (db *DB) User(ctx context.Context, id uuid.UUID) (lifeops.User, error) {
	var row userRow
	err := db.read(ctx, "get user", func(ctx context.Context) error {
		return db.idb().NewSelect().Model(&row).Where("id = ?", id).Scan(ctx)
	})
	if err != nil {
		return lifeops.User{}, err
	}
	return row.user(), nil
}

// UpdateUser replaces every field of the stored user except CreatedAt.
func (db *DB) UpdateUser(ctx context.Context, u lifeops.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	row := toUserRow(u)
	if err := checkRow(&row); err != nil {
		return err
	}
	return db.retry(ctx, "update user", func(ctx context.Context) error {
		res, err := db.idb().NewUpdate().Model(&row).ExcludeColumn("id", "created_at", "xp_total", "data_version").WherePK().Exec(ctx)
		return affected(res, err)
	})
}

// DeleteUser deletes the user and, by cascade, every record of theirs.
func (db *DB) DeleteUser(ctx context.Context, id uuid.UUID) error {
	return db.retry(ctx, "delete user", func(ctx context.Context) error {
		res, err := db.idb().NewDelete().Model((*userRow)(nil)).Where("id = ?", id).Exec(ctx)
		return affected(res, err)
	})
}

// Users lists users ordered by CreatedAt, then ID.
func (db *DB) Users(ctx context.Context, page lifeops.Page) ([]lifeops.User, error) {
	if err := validatePage(page); err != nil {
		return nil, err
	}
	var rows []userRow
	err := db.read(ctx, "list users", func(ctx context.Context) error {
		q := db.idb().NewSelect().Model(&rows).Order("created_at", "id")
		return paginate(q, page).Scan(ctx)
	})
	if err != nil {
		return nil, err
	}
	out := make([]lifeops.User, len(rows))
	for i, r := range rows {
		out[i] = r.user()
	}
	return out, nil
}

type goalsRow struct {
	bun.BaseModel `bun:"table:goals"`

	UserID            uuid.UUID       `bun:"user_id,pk"`
	SleepMinutes      int             `bun:"sleep_minutes"`
	Steps             int             `bun:"steps"`
	WorkMinutes       int             `bun:"work_minutes"`
	AfterHoursMinutes int             `bun:"after_hours_minutes"`
	RestingHeartRate  int             `bun:"resting_heart_rate"`
	DayGoalPercent    int             `bun:"day_goal_percent"`
	WeightSleep       decimal.Decimal `bun:"weight_sleep"`
	WeightActivity    decimal.Decimal `bun:"weight_activity"`
	WeightWorkLife    decimal.Decimal `bun:"weight_work_life"`
	WeightHabits      decimal.Decimal `bun:"weight_habits"`
	UpdatedAt         instant         `bun:"updated_at"`
}

// Goals returns the user's goals.
func (db *DB) Goals(ctx context.Context, userID uuid.UUID) (lifeops.Goals, error) {
	var r goalsRow
	err := db.read(ctx, "get goals", func(ctx context.Context) error {
		return db.idb().NewSelect().Model(&r).Where("user_id = ?", userID).Scan(ctx)
	})
	if err != nil {
		return lifeops.Goals{}, err
	}
	return r.goals(), nil
}

func (r goalsRow) goals() lifeops.Goals {
	return lifeops.Goals{
		UserID: r.UserID, SleepMinutes: r.SleepMinutes, Steps: r.Steps, WorkMinutes: r.WorkMinutes,
		AfterHoursMinutes: r.AfterHoursMinutes, RestingHeartRate: r.RestingHeartRate, DayGoalPercent: r.DayGoalPercent,
		Weights: lifeops.DomainWeights{
			Sleep: r.WeightSleep, Activity: r.WeightActivity, WorkLife: r.WeightWorkLife, Habits: r.WeightHabits,
		},
		UpdatedAt: utc(time.Time(r.UpdatedAt)),
	}
}

// PutGoals stores g for g.UserID, replacing earlier goals.
func (db *DB) PutGoals(ctx context.Context, g lifeops.Goals) error {
	if err := g.Validate(); err != nil {
		return err
	}
	row := goalsRow{
		UserID: g.UserID, SleepMinutes: g.SleepMinutes, Steps: g.Steps, WorkMinutes: g.WorkMinutes,
		AfterHoursMinutes: g.AfterHoursMinutes, RestingHeartRate: g.RestingHeartRate, DayGoalPercent: g.DayGoalPercent,
		WeightSleep: g.Weights.Sleep, WeightActivity: g.Weights.Activity, WeightWorkLife: g.Weights.WorkLife,
		WeightHabits: g.Weights.Habits, UpdatedAt: instant(g.UpdatedAt),
	}
	return db.retry(ctx, "put goals", func(ctx context.Context) error {
		_, err := upsert(db.idb().NewInsert().Model(&row), "user_id").Exec(ctx)
		return err
	})
}

// read runs a query and classifies its error. Reads are idempotent, so
// they are retried like writes.
func (db *DB) read(ctx context.Context, op string, fn func(ctx context.Context) error) error {
	return db.retry(ctx, op, fn)
}

// affected turns "no row changed" into sql.ErrNoRows, which the store
// reports as not found.
func affected(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return sql.ErrNoRows
	}
	return nil
}

func paginate(q *bun.SelectQuery, page lifeops.Page) *bun.SelectQuery {
	switch {
	case page.Limit > 0:
		q = q.Limit(int64(page.Limit))
	case page.Offset > 0:
		q = q.Limit(math.MaxInt32) // SQLite takes OFFSET only after a LIMIT
	}
	if page.Offset > 0 {
		q = q.Offset(int64(page.Offset))
	}
	return q
}

// validatePage rejects negative offsets and limits.
func validatePage(page lifeops.Page) error {
	switch {
	case page.Offset < 0:
		return &lifeops.ValidationError{Field: "page.offset", Reason: "must not be negative"}
	case page.Limit < 0:
		return &lifeops.ValidationError{Field: "page.limit", Reason: "must not be negative"}
	}
	return nil
}

// requireUser returns a not-found error unless the user exists. Listings
// call it when they come back empty, so that asking about an unknown user
// is an error, as it is for a single record.
func (db *DB) requireUser(ctx context.Context, op string, userID uuid.UUID) error {
	n, err := db.idb().NewSelect().Model((*userRow)(nil)).Where("id = ?", userID).Count(ctx)
	if err != nil {
		return wrapErr(op, err)
	}
	if n == 0 {
		return &Error{Op: op, Code: lifeops.CodeNotFound, Err: errNoUser}
	}
	return nil
}

// listOf lists rows of the user's table R, selected by user_id and then
// by query, converted by conv: the shape of every per-user listing. An
// empty list for a user who does not exist is ErrNotFound.
func listOf[R, T any](ctx context.Context, db *DB, op string, userID uuid.UUID,
	query func(*bun.SelectQuery) *bun.SelectQuery, conv func(R) (T, error)) ([]T, error) {
	var rows []R
	if err := db.read(ctx, op, func(ctx context.Context) error {
		return query(db.idb().NewSelect().Model(&rows).Where("user_id = ?", userID)).Scan(ctx)
	}); err != nil {
		return nil, err
	}
	out := make([]T, len(rows))
	for i, r := range rows {
		var err error
		if out[i], err = conv(r); err != nil {
			return nil, wrapErr(op, err)
		}
	}
	return emptyOr(ctx, db, op, userID, out)
}

// deleteOne deletes the user's rows of model's table that match where and
// reports whether there were any; with none, an unknown user is
// ErrNotFound.
func deleteOne(ctx context.Context, db *DB, op string, userID uuid.UUID, model any, where string, args ...any) (bool, error) {
	var deleted bool
	err := db.retry(ctx, op, func(ctx context.Context) error {
		res, err := db.idb().NewDelete().Model(model).Where("user_id = ?", userID).Where(where, args...).Exec(ctx)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		deleted = n > 0
		return err
	})
	if err == nil && !deleted {
		err = db.requireUser(ctx, op, userID)
	}
	return deleted, err
}

// infallible adapts a conversion that cannot fail to listOf.
func infallible[R, T any](f func(R) T) func(R) (T, error) {
	return func(r R) (T, error) { return f(r), nil }
}

// emptyOr returns out, or the not-found error when out is empty and the
// user does not exist.
func emptyOr[T any](ctx context.Context, db *DB, op string, userID uuid.UUID, out []T) ([]T, error) {
	if len(out) > 0 {
		return out, nil
	}
	if err := db.requireUser(ctx, op, userID); err != nil {
		return nil, err
	}
	return out, nil
}
