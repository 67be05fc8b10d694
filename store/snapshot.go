package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/uptrace/bun/schema"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// Snapshot implements [lifeops.SnapshotStore]: one read transaction
// (REPEATABLE READ and read only on Postgres; a deferred transaction on
// SQLite, which in WAL mode reads one snapshot and blocks no writer), or the
// unit of work it is called in, of four statements, five with q.XP:
//
//  1. the person: the user joined with their goals, their zone changes and
//     achievements as JSON arrays, and the latest day before q.Resume whose
//     scores hold a state;
//  2. their items;
//  3. their events dated in q.Events (moved back with Resume);
//  4. their days in q.Days: the dates of any health day, work day or scores
//     in the spans, each joined with all three;
//  5. with q.XP, their ledger entries dated in q.Days.
func (db *DB) Snapshot(ctx context.Context, userID uuid.UUID, q lifeops.SnapshotQuery) (lifeops.Snapshot, error) {
	if err := q.Validate(); err != nil {
		return lifeops.Snapshot{}, err
	}
	var out lifeops.Snapshot
	err := db.view(ctx, "snapshot", func(tx *DB) error {
		var err error
		out, err = tx.snapshot(ctx, userID, q)
		return err
	})
	return out, err
}

func (db *DB) snapshot(ctx context.Context, userID uuid.UUID, q lifeops.SnapshotQuery) (lifeops.Snapshot, error) {
	var out lifeops.Snapshot
	latest, err := db.readPerson(ctx, userID, q.Resume, &out)
	if err != nil {
		return out, err
	}
	q = q.Resumed(latest)
	out.Read = q

	var items []itemRow
	if err := db.idb().NewSelect().Model(&items).Where("user_id = ?", userID).Order("created_at", "id").Scan(ctx); err != nil {
		return out, wrapErr("snapshot items", err)
	}
	for _, r := range items {
		it, err := r.item()
		if err != nil {
			return out, wrapErr("snapshot items", err)
		}
		out.Items = append(out.Items, it)
	}

	var events []eventRow
	where, args := spansWhere("day", q.Events)
	if err := db.idb().NewSelect().Model(&events).Where("user_id = ?", userID).Where(where, args...).
		Order("day", "created_at", "id").Scan(ctx); err != nil {
		return out, wrapErr("snapshot events", err)
	}
	for _, r := range events {
		out.Events = append(out.Events, r.event())
	}

	if out.Days, err = db.readDays(ctx, userID, q.Days); err != nil {
		return out, err
	}

	if q.XP {
		var xp []xpRow
		where, args := spansWhere("day", q.Days)
		if err := db.idb().NewSelect().Model(&xp).Where("user_id = ?", userID).Where(where, args...).
			Order("day", "created_at", "key").Scan(ctx); err != nil {
			return out, wrapErr("snapshot xp", err)
		}
		for _, r := range xp {
			e, err := r.entry()
			if err != nil {
				return out, wrapErr("snapshot xp", err)
			}
			out.XP = append(out.XP, e)
		}
	}
	return out, nil
}

// view runs fn in a read transaction, or in the transaction db is in.
func (db *DB) view(ctx context.Context, op string, fn func(tx *DB) error) error {
	if db.tx != nil {
		return fn(db)
	}
	opts := &sql.TxOptions{ReadOnly: true}
	if db.dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	return db.retry(ctx, op, func(ctx context.Context) error {
		conn, err := db.bun.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		tx, err := conn.BeginTx(ctx, opts)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback() }() // nothing to keep: it only reads
		return fn(&DB{bun: db.bun, dialect: db.dialect, opts: db.opts, migrateMu: db.migrateMu, tx: &tx, conn: &conn})
	})
}

// readPerson reads statement 1 into out and returns the latest day before
// resume whose scores hold a state (zero when resume is zero or there is
// none).
func (db *DB) readPerson(ctx context.Context, userID uuid.UUID, resume civil.Date, out *lifeops.Snapshot) (civil.Date, error) {
	u := db.part("u", reflect.TypeFor[userRow]())
	g := db.part("g", reflect.TypeFor[goalsRow]())
	agg := db.jsonArrayAgg
	query := "SELECT " + u.columns() + ", " + g.columns() + ", " +
		"(SELECT " + agg("z.at, z.from_zone, z.to_zone") + " FROM zone_changes AS z WHERE z.user_id = u.id) AS zones, " +
		"(SELECT " + agg("a.code, a.day, a.unlocked_at") + " FROM achievements AS a WHERE a.user_id = u.id) AS achievements, " +
		"(SELECT MAX(s.day) FROM daily_scores AS s WHERE s.user_id = u.id AND s.state IS NOT NULL AND s.day < ?) AS resume " +
		"FROM users AS u LEFT JOIN goals AS g ON g.user_id = u.id WHERE u.id = ?"
	var before any // NULL: no resume
	if !resume.IsZero() {
		before = day(resume)
	}
	var zones, achievements jsonText
	var latest nullDay
	found, err := db.queryParts(ctx, "snapshot person", query, []any{before, userID}, []*part{u, g}, func() []any {
		return []any{&zones, &achievements, &latest}
	}, nil)
	if err != nil {
		return civil.Date{}, err
	}
	if !found {
		return civil.Date{}, &Error{Op: "snapshot", Kind: KindNotFound, Err: errNoUser}
	}
	out.User = u.row.Interface().(userRow).user()
	out.XPTotal = u.row.Interface().(userRow).XPTotal
	if g.found {
		goals := g.row.Interface().(goalsRow).goals()
		out.Goals = &goals
	}
	for _, z := range decodeTuples(zones) {
		var c zoneChangeRow
		if err := scanTuple(z, &c.At, &c.From, &c.To); err != nil {
			return civil.Date{}, wrapErr("snapshot zone changes", err)
		}
		c.UserID = userID
		out.ZoneChanges = append(out.ZoneChanges, c.change())
	}
	slices.SortFunc(out.ZoneChanges, func(a, b lifeops.ZoneChange) int { return a.At.Compare(b.At) })
	for _, a := range decodeTuples(achievements) {
		var r achievementRow
		if err := scanTuple(a, &r.Code, &r.Day, &r.UnlockedAt); err != nil {
			return civil.Date{}, wrapErr("snapshot achievements", err)
		}
		r.UserID = userID
		out.Achievements = append(out.Achievements, r.achievement())
	}
	slices.SortFunc(out.Achievements, func(a, b lifeops.Achievement) int {
		if c := a.UnlockedAt.Compare(b.UnlockedAt); c != 0 {
			return c
		}
		return strings.Compare(a.Code, b.Code)
	})
	return civil.Date(latest), nil
}

// readDays reads statement 4.
func (db *DB) readDays(ctx context.Context, userID uuid.UUID, spans []lifeops.Span) ([]lifeops.DayRecord, error) {
	h := db.part("h", reflect.TypeFor[healthDayRow]())
	w := db.part("w", reflect.TypeFor[workDayRow]())
	s := db.part("s", reflect.TypeFor[scoresRow]())
	where, args := spansWhere("day", spans)
	dates := "SELECT day FROM health_days WHERE user_id = ? AND (" + where + ") UNION " +
		"SELECT day FROM work_days WHERE user_id = ? AND (" + where + ") UNION " +
		"SELECT day FROM daily_scores WHERE user_id = ? AND (" + where + ")"
	query := "SELECT d.day, " + h.columns() + ", " + w.columns() + ", " + s.columns() + " FROM (" + dates + ") AS d " +
		"LEFT JOIN health_days AS h ON h.user_id = ? AND h.day = d.day " +
		"LEFT JOIN work_days AS w ON w.user_id = ? AND w.day = d.day " +
		"LEFT JOIN daily_scores AS s ON s.user_id = ? AND s.day = d.day ORDER BY d.day"
	var all []any
	for range 3 {
		all = append(all, userID)
		all = append(all, args...)
	}
	all = append(all, userID, userID, userID)
	var out []lifeops.DayRecord
	var date day
	_, err := db.queryParts(ctx, "snapshot days", query, all, []*part{h, w, s}, nil, func() error {
		r := lifeops.DayRecord{Date: civil.Date(date)}
		if h.found {
			hd, err := h.row.Interface().(healthDayRow).healthDay()
			if err != nil {
				return err
			}
			r.Health = &hd
		}
		if w.found {
			wd := w.row.Interface().(workDayRow).workDay()
			r.Work = &wd
		}
		if s.found {
			sc, err := s.row.Interface().(scoresRow).scores()
			if err != nil {
				return err
			}
			r.Scores = &sc
		}
		out = append(out, r)
		return nil
	}, &date)
	return out, err
}

// part is one table's row in a statement that joins several: its columns
// are selected as alias_column, and a row the join did not find (all
// NULL) is not scanned.
type part struct {
	alias string
	table *schema.Table
	row   reflect.Value // the row struct, addressable
	found bool
}

func (db *DB) part(alias string, typ reflect.Type) *part {
	return &part{alias: alias, table: db.bun.Table(typ), row: reflect.New(typ).Elem()}
}

// columns returns the part's select list.
func (p *part) columns() string {
	cols := make([]string, len(p.table.Fields))
	for i, f := range p.table.Fields {
		cols[i] = p.alias + "." + f.Name + " AS " + p.alias + "_" + f.Name
	}
	return strings.Join(cols, ", ")
}

// queryParts runs query and scans each result row: first the values of
// lead (pointers), then every part's columns, then the values of extra's
// pointers. It calls each after every row and reports whether there was
// one. A part is found when its first key column is not NULL.
func (db *DB) queryParts(ctx context.Context, op, query string, args []any, parts []*part, extra func() []any, each func() error, lead ...any) (bool, error) {
	rows, err := db.idb().QueryContext(ctx, query, args...)
	if err != nil {
		return false, wrapErr(op, err)
	}
	defer rows.Close()
	n := 0
	for _, p := range parts {
		n += len(p.table.Fields)
	}
	vals := make([]any, n)
	dest := append([]any{}, lead...)
	for i := range vals {
		dest = append(dest, &vals[i])
	}
	if extra != nil {
		dest = append(dest, extra()...)
	}
	found := false
	for rows.Next() {
		found = true
		if err := rows.Scan(dest...); err != nil {
			return found, wrapErr(op, err)
		}
		off := 0
		for _, p := range parts {
			p.row.SetZero()
			p.found = vals[off] != nil
			if p.found {
				for i, f := range p.table.Fields {
					if err := f.ScanValue(p.row, vals[off+i]); err != nil {
						return found, wrapErr(op, fmt.Errorf("%s.%s: %w", p.alias, f.Name, err))
					}
				}
			}
			off += len(p.table.Fields)
		}
		if each != nil {
			if err := each(); err != nil {
				return found, wrapErr(op, err)
			}
		}
	}
	return found, wrapErr(op, rows.Err())
}

// jsonArrayAgg returns the aggregate that collects, over the rows of a
// subquery, one JSON array of cols per row, as a JSON array ('[]' when
// there are none).
func (db *DB) jsonArrayAgg(cols string) string {
	if db.dialect == Postgres {
		return "COALESCE(json_agg(json_build_array(" + cols + ")), '[]')"
	}
	return "COALESCE(json_group_array(json_array(" + cols + ")), '[]')"
}

// decodeTuples splits a JSON array of arrays, as jsonArrayAgg makes.
func decodeTuples(j jsonText) [][]any {
	var out [][]any
	if len(j) > 0 {
		_ = json.Unmarshal(j, &out) // the database wrote it
	}
	return out
}

// scanTuple scans the values of one tuple into dest, each a
// sql.Scanner or a *string.
func scanTuple(vals []any, dest ...any) error {
	if len(vals) != len(dest) {
		return fmt.Errorf("a tuple of %d values, want %d", len(vals), len(dest))
	}
	for i, d := range dest {
		switch d := d.(type) {
		case *string:
			s, ok := vals[i].(string)
			if !ok {
				return fmt.Errorf("value %d is %T, want a string", i, vals[i])
			}
			*d = s
		case sql.Scanner:
			if err := d.Scan(vals[i]); err != nil {
				return err
			}
		default:
			return fmt.Errorf("cannot scan into %T", d)
		}
	}
	return nil
}

// spansWhere returns the condition that column is in one of spans, with
// its arguments; no span matches nothing.
func spansWhere(column string, spans []lifeops.Span) (string, []any) {
	if len(spans) == 0 {
		return "1 = 0", nil
	}
	conds := make([]string, 0, len(spans))
	var args []any
	for _, sp := range spans {
		from, to := sp.From, sp.To
		if from.IsZero() || from.Before(minDay) {
			from = minDay
		}
		if to.IsZero() || to.After(maxDay) {
			to = maxDay
		}
		conds = append(conds, column+" BETWEEN ? AND ?")
		args = append(args, day(from), day(to))
	}
	return strings.Join(conds, " OR "), args
}
