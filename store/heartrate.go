package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"

	"github.com/lifeops/lifeops/lifeops"
)

// hrSample is one heart-rate row as the loader writes it.
type hrSample struct {
	At     time.Time
	BPM    int
	Source string
}

// hrColumns are heart_rate's columns in COPY order.
var hrColumns = []string{"user_id", "at", "bpm", "source"}

// sqliteBatch is how many rows one SQLite INSERT carries: 4 parameters a
// row stays far below SQLite's limit of 32766 parameters a statement.
const sqliteBatch = 500

// normalizeSamples truncates instants to the store's precision, orders
// samples by instant and keeps the last of several at one instant (the
// same rule an upsert applies), so a batch never names a key twice.
func normalizeSamples(in []hrSample) []hrSample {
	out := make([]hrSample, len(in))
	for i, s := range in {
		s.At = s.At.UTC().Truncate(Precision)
		out[i] = s
	}
	return lastPerKey(out, func(a, b hrSample) int { return a.At.Compare(b.At) })
}

// loadHeartRate writes samples for user in one transaction, replacing any
// sample already stored at the same instant. samples must be normalized.
func (db *DB) loadHeartRate(ctx context.Context, user uuid.UUID, samples []hrSample) error {
	if len(samples) == 0 {
		return nil
	}
	if db.dialect == Postgres {
		return db.retry(ctx, "store heart rate", func(ctx context.Context) error {
			return db.copyHeartRate(ctx, user, samples)
		})
	}
	return db.retry(ctx, "store heart rate", func(ctx context.Context) error {
		return db.upsertHeartRateSQLite(ctx, user, samples)
	})
}

// copyHeartRate loads samples on Postgres by COPY: straight into
// heart_rate when the user has no sample in the batch's time range, else
// into a temporary staging table followed by one INSERT … ON CONFLICT.
// Should a concurrent writer fill the range between the check and the
// COPY, the unique violation sends the batch down the staged path. Each
// path is one transaction, or a savepoint inside InTx's transaction.
func (db *DB) copyHeartRate(ctx context.Context, user uuid.UUID, samples []hrSample) error {
	conn := db.conn
	if conn == nil {
		c, err := db.bun.Conn(ctx)
		if err != nil {
			return err
		}
		defer c.Close()
		conn = &c
	}
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("bulk load needs a pgx stdlib connection, got %T", dc)
		}
		pc := sc.Conn()
		nested := db.tx != nil
		err := pgxAtomic(ctx, pc, nested, func(tx pgxRunner) error {
			var taken bool
			err := tx.QueryRow(ctx,
				`SELECT EXISTS (SELECT 1 FROM heart_rate WHERE user_id = $1 AND at BETWEEN $2 AND $3)`,
				pgtype.UUID{Bytes: user, Valid: true}, samples[0].At, samples[len(samples)-1].At,
			).Scan(&taken)
			if err != nil {
				return err
			}
			if taken {
				return errRangeTaken
			}
			_, err = tx.CopyFrom(ctx, pgx.Identifier{"heart_rate"}, hrColumns, hrCopySource(user, samples))
			return err
		})
		if err == nil || !errors.Is(err, errRangeTaken) && !isUniqueViolation(err) {
			return err
		}
		return pgxAtomic(ctx, pc, nested, func(tx pgxRunner) error {
			if _, err := tx.Exec(ctx, `DROP TABLE IF EXISTS pg_temp.heart_rate_stage`); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `CREATE TEMPORARY TABLE heart_rate_stage (LIKE heart_rate INCLUDING DEFAULTS) ON COMMIT DROP`); err != nil {
				return err
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"heart_rate_stage"}, hrColumns, hrCopySource(user, samples)); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO heart_rate (user_id, at, bpm, source)
SELECT user_id, at, bpm, source FROM heart_rate_stage
ON CONFLICT (user_id, at) DO UPDATE SET bpm = EXCLUDED.bpm, source = EXCLUDED.source
WHERE (heart_rate.bpm, heart_rate.source) IS DISTINCT FROM (EXCLUDED.bpm, EXCLUDED.source)`)
			return err
		})
	})
}

// pgxRunner is what a bulk load needs of a pgx connection or transaction.
type pgxRunner interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
}

// pgxAtomic runs fn in a transaction of its own, or, when the connection is
// already inside one (nested), under a savepoint that a failure rolls back
// to.
func pgxAtomic(ctx context.Context, pc *pgx.Conn, nested bool, fn func(pgxRunner) error) error {
	if !nested {
		return pgx.BeginFunc(ctx, pc, func(tx pgx.Tx) error { return fn(tx) })
	}
	if _, err := pc.Exec(ctx, "SAVEPOINT lifeops_bulk"); err != nil {
		return err
	}
	if err := fn(pc); err != nil {
		if _, rerr := pc.Exec(ctx, "ROLLBACK TO SAVEPOINT lifeops_bulk"); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	_, err := pc.Exec(ctx, "RELEASE SAVEPOINT lifeops_bulk")
	return err
}

var errRangeTaken = errors.New("range holds samples")

func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}

func hrCopySource(user uuid.UUID, samples []hrSample) pgx.CopyFromSource {
	id := pgtype.UUID{Bytes: user, Valid: true}
	return pgx.CopyFromSlice(len(samples), func(i int) ([]any, error) {
		s := samples[i]
		return []any{id, s.At, int16(s.BPM), s.Source}, nil
	})
}

// upsertHeartRateSQLite loads samples on SQLite with multi-row upserts of
// sqliteBatch rows through one prepared statement, all in one transaction.
func (db *DB) upsertHeartRateSQLite(ctx context.Context, user uuid.UUID, samples []hrSample) error {
	var tx *sql.Tx
	if db.tx != nil {
		tx = db.tx.Tx
	} else {
		var err error
		if tx, err = db.bun.DB.BeginTx(ctx, nil); err != nil {
			return err
		}
		defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	}
	var err error
	var full *sql.Stmt
	uid := user.String()
	args := make([]any, 0, 4*sqliteBatch)
	for start := 0; start < len(samples); start += sqliteBatch {
		chunk := samples[start:min(start+sqliteBatch, len(samples))]
		args = args[:0]
		for _, s := range chunk {
			at, _ := instant(s.At).Value()
			args = append(args, uid, at, s.BPM, s.Source)
		}
		stmt := full
		if len(chunk) < sqliteBatch || full == nil {
			stmt, err = tx.PrepareContext(ctx, sqliteHRUpsert(len(chunk)))
			if err != nil {
				return err
			}
			if len(chunk) == sqliteBatch {
				full = stmt
			} else {
				defer stmt.Close()
			}
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	if full != nil {
		_ = full.Close()
	}
	if db.tx != nil {
		return nil // InTx commits
	}
	return tx.Commit()
}

func sqliteHRUpsert(rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO heart_rate (user_id, at, bpm, source) VALUES ")
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?)")
	}
	b.WriteString(" ON CONFLICT (user_id, at) DO UPDATE SET bpm = excluded.bpm, source = excluded.source" +
		" WHERE heart_rate.bpm IS NOT excluded.bpm OR heart_rate.source IS NOT excluded.source")
	return b.String()
}

// PutHeartRate upserts samples on (userID, At) in one transaction: by
// COPY on Postgres, by batched multi-row upserts on SQLite. Samples at
// one instant (after truncation to Precision) keep the last.
func (db *DB) PutHeartRate(ctx context.Context, userID uuid.UUID, samples []lifeops.HeartRateSample) error {
	rows := make([]hrSample, len(samples))
	for i, s := range samples {
		if err := s.Validate(); err != nil {
			return err
		}
		if problem := textProblem(s.Source); problem != "" {
			return &lifeops.ValidationError{Field: "source", Reason: problem}
		}
		if problem := instantProblem(s.At); problem != "" {
			return &lifeops.ValidationError{Field: "at", Reason: problem}
		}
		rows[i] = hrSample{At: s.At, BPM: s.BPM, Source: s.Source}
	}
	return db.loadHeartRate(ctx, userID, normalizeSamples(rows))
}

type heartRateRow struct {
	bun.BaseModel `bun:"table:heart_rate"`

	UserID uuid.UUID `bun:"user_id,pk"`
	At     instant   `bun:"at,pk"`
	BPM    int       `bun:"bpm"`
	Source string    `bun:"source"`
}

// HeartRate returns the user's samples with At in [start, end), ordered by
// At.
func (db *DB) HeartRate(ctx context.Context, userID uuid.UUID, start, end time.Time) ([]lifeops.HeartRateSample, error) {
	return listOf(ctx, db, "list heart rate", userID, func(q *bun.SelectQuery) *bun.SelectQuery {
		return whereInstants(q, "at", start, end).Order("at")
	}, infallible(func(r heartRateRow) lifeops.HeartRateSample {
		return lifeops.HeartRateSample{At: utc(time.Time(r.At)), BPM: r.BPM, Source: r.Source}
	}))
}
