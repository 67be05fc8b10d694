package store

import (
	"bytes"
	"cmp"
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
	"github.com/lifeops/lifeops/timeline"
)

// Snapshot implements [lifeops.SnapshotStore]: one read transaction
// (REPEATABLE READ and read only on Postgres; a deferred transaction on
// SQLite, which in WAL mode reads one snapshot and blocks no writer), or the
// unit of work it is called in, of two statements, three with q.XP, so four
// round trips with the transaction's begin and end:
//
//  1. the person: the user joined with their goals, with their zone
//     changes, achievements, items and the events dated in q.Events as JSON
//     arrays, and the latest day before q.Resume whose scores hold a state
//     (the event span moves back with it, in the same statement);
//  2. their days in q.Days, moved back with Resume: the dates of any
//     health day, work day or scores in the spans, each joined with all
//     three;
//  3. with q.XP, their ledger entries dated in q.Days.
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
	q, err := db.readPerson(ctx, userID, q, &out)
	if err != nil {
		return out, err
	}
	out.Read = q
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

// readPerson reads statement 1 into out and returns q with Resume
// applied. The events are selected in the statement from the span that
// Resume moves, so the statement finds the latest state and the events
// before it at once.
func (db *DB) readPerson(ctx context.Context, userID uuid.UUID, q lifeops.SnapshotQuery, out *lifeops.Snapshot) (lifeops.SnapshotQuery, error) {
	u := db.part("u", reflect.TypeFor[userRow]())
	g := db.part("g", reflect.TypeFor[goalsRow]())
	agg, doc := db.jsonArrayAgg, db.jsonDoc
	// r holds the latest day before q.Resume whose scores hold a state
	// (NULL without Resume or without such a day).
	var before any
	if !q.Resume.IsZero() {
		before = day(q.Resume)
	}
	with := "WITH r AS (SELECT MAX(day) AS latest FROM daily_scores WHERE user_id = ? AND state IS NOT NULL AND day < ?) "
	args := []any{userID, before}
	// The events: the first span moves back with the resumed days (see
	// lifeops.SnapshotQuery.Resumed), worked out in the statement from r;
	// the others are as given. Each span brings the events dated in it and
	// those of the occurrences postponed into it, found from their
	// postponements of up to MaxPostponeDays before.
	var dated, moved []string
	for i, sp := range q.Events {
		from, to := spanBounds(sp)
		lower := db.dayLiteral(from)
		if i == 0 && !q.Resume.IsZero() {
			resumed := db.dayLiteral(from) // no day to move back by: the span as given
			if f := q.Days[0].From; !f.IsZero() && !sp.From.IsZero() {
				resumed = "CASE WHEN r.latest < " + db.dayLiteral(f) + " THEN " + db.daysBefore("r.latest", f.Sub(sp.From)) + " ELSE " + db.dayLiteral(from) + " END"
			}
			lower = "(SELECT CASE WHEN r.latest IS NULL THEN " + db.dayLiteral(minDay) + " ELSE " + resumed + " END FROM r)"
		}
		upper := db.dayLiteral(to)
		dated = append(dated, "day >= "+lower+" AND day <= "+upper)
		moved = append(moved, "p.postponed_to_date >= "+lower+" AND p.postponed_to_date <= "+upper+
			" AND p.day >= "+db.daysBefore(lower, timeline.MaxPostponeDays)+" AND p.day <= "+upper)
	}
	eventRows := "SELECT * FROM occurrence_events WHERE 1 = 0"
	if len(dated) > 0 {
		eventRows = "SELECT * FROM occurrence_events WHERE user_id = ? AND ((" + strings.Join(dated, ") OR (") + ")) UNION " +
			"SELECT e.* FROM occurrence_events AS p JOIN occurrence_events AS e ON e.item_id = p.item_id AND e.day = p.day AND e.slot = p.slot " +
			"WHERE p.user_id = ? AND p.role = 'postponed' AND ((" + strings.Join(moved, ") OR (") + "))"
		args = append(args, userID, userID)
	}
	query := with + "SELECT " + u.columns() + ", " + g.columns() + ", " +
		"(SELECT " + agg("z.at, z.from_zone, z.to_zone") + " FROM zone_changes AS z WHERE z.user_id = u.id) AS zones, " +
		"(SELECT " + agg("a.code, a.day, a.unlocked_at") + " FROM achievements AS a WHERE a.user_id = u.id) AS achievements, " +
		"(SELECT " + agg("i.id, i.difficulty, "+doc("i.definition")+", i.version, i.created_at, i.updated_at") + " FROM timeline_items AS i WHERE i.user_id = u.id) AS items, " +
		"(SELECT " + agg("e.id, e.item_id, e.day, e.slot, e.kind, e.at, e.reason, e.postponed_to, e.postponed_to_date, e.created_at") +
		" FROM (" + eventRows + ") AS e) AS events, " +
		"(SELECT latest FROM r) AS resume " +
		"FROM users AS u LEFT JOIN goals AS g ON g.user_id = u.id WHERE u.id = ?"
	args = append(args, userID)
	var zones, achievements, items, events jsonText
	var resume nullDay
	found, err := db.queryParts(ctx, "snapshot person", query, args, []*part{u, g}, func() []any {
		return []any{&zones, &achievements, &items, &events, &resume}
	}, nil)
	if err != nil {
		return q, err
	}
	if !found {
		return q, &Error{Op: "snapshot", Code: lifeops.CodeNotFound, Err: errNoUser}
	}
	q = q.Resumed(civil.Date(resume))
	out.User = u.row.Interface().(userRow).user()
	out.XPTotal = u.row.Interface().(userRow).XPTotal
	out.DataVersion = u.row.Interface().(userRow).DataVersion
	if g.found {
		goals := g.row.Interface().(goalsRow).goals()
		out.Goals = &goals
	}
	err = eachTuple(zones, func(vals []json.RawMessage) error {
		c := zoneChangeRow{UserID: userID}
		if err := scanTuple(vals, &c.At, &c.From, &c.To); err != nil {
			return err
		}
		out.ZoneChanges = append(out.ZoneChanges, c.change())
		return nil
	})
	if err != nil {
		return q, wrapErr("snapshot zone changes", err)
	}
	slices.SortFunc(out.ZoneChanges, func(a, b lifeops.ZoneChange) int { return a.At.Compare(b.At) })
	err = eachTuple(achievements, func(vals []json.RawMessage) error {
		r := achievementRow{UserID: userID}
		if err := scanTuple(vals, &r.Code, &r.Day, &r.UnlockedAt); err != nil {
			return err
		}
		out.Achievements = append(out.Achievements, r.achievement())
		return nil
	})
	if err != nil {
		return q, wrapErr("snapshot achievements", err)
	}
	slices.SortFunc(out.Achievements, func(a, b lifeops.Achievement) int {
		return cmp.Or(a.UnlockedAt.Compare(b.UnlockedAt), strings.Compare(a.Code, b.Code))
	})
	err = eachTuple(items, func(vals []json.RawMessage) error {
		r := itemRow{UserID: userID}
		if err := scanTuple(vals, &r.ID, &r.Difficulty, &r.Definition, &r.Version, &r.CreatedAt, &r.UpdatedAt); err != nil {
			return err
		}
		it, err := r.item()
		out.Items = append(out.Items, it)
		return err
	})
	if err != nil {
		return q, wrapErr("snapshot items", err)
	}
	slices.SortFunc(out.Items, func(a, b lifeops.Item) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), bytes.Compare(a.ID[:], b.ID[:]))
	})
	err = eachTuple(events, func(vals []json.RawMessage) error {
		r := eventRow{UserID: userID}
		var slot int64
		if err := scanTuple(vals, &r.ID, &r.ItemID, &r.Day, &slot, &r.Kind, &r.At, &r.Reason, &r.PostponedTo, &r.ToDate, &r.CreatedAt); err != nil {
			return err
		}
		r.Slot = int(slot)
		out.Events = append(out.Events, r.event())
		return nil
	})
	if err != nil {
		return q, wrapErr("snapshot events", err)
	}
	slices.SortFunc(out.Events, func(a, b lifeops.Event) int {
		return cmp.Or(a.Date.Compare(b.Date), a.CreatedAt.Compare(b.CreatedAt), bytes.Compare(a.ID[:], b.ID[:]))
	})
	return q, nil
}

// daysBefore returns the SQL expression of the date n days before the
// date expression d.
func (db *DB) daysBefore(d string, n int) string {
	if db.dialect == Postgres {
		return fmt.Sprintf("(%s - %d)", d, n)
	}
	return fmt.Sprintf("date(%s, '-%d days')", d, n)
}

// dayLiteral returns d as an SQL date literal (a date's text has nothing
// to escape): typed on Postgres, so date arithmetic on it works.
func (db *DB) dayLiteral(d civil.Date) string {
	if db.dialect == Postgres {
		return "DATE '" + d.String() + "'"
	}
	return "'" + d.String() + "'"
}

// jsonDoc returns the SQL expression that puts the JSON column col into a
// JSON array as a document, not as a string.
func (db *DB) jsonDoc(col string) string {
	if db.dialect == Postgres {
		return col
	}
	return "json(" + col + ")"
}

// spanBounds returns the span's ends, clamped to the days a store holds.
func spanBounds(sp lifeops.Span) (civil.Date, civil.Date) {
	from, to := sp.From, sp.To
	if from.IsZero() || from.Before(minDay) {
		from = minDay
	}
	if to.IsZero() || to.After(maxDay) {
		to = maxDay
	}
	return from, to
}

// readDays reads statement 2.
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
		"LEFT JOIN daily_scores AS s ON s.user_id = ? AND s.day = d.day ORDER BY d.day, w.source"
	var all []any
	for range 3 {
		all = append(all, userID)
		all = append(all, args...)
	}
	all = append(all, userID, userID, userID)
	var out []lifeops.DayRecord
	var date day
	_, err := db.queryParts(ctx, "snapshot days", query, all, []*part{h, w, s}, nil, func() error {
		// A date with several work-day records (one per source) comes as
		// that many rows, alike but for the work columns.
		if n := len(out); n > 0 && out[n-1].Date == civil.Date(date) {
			if w.found {
				out[n-1].Work = append(out[n-1].Work, w.row.Interface().(workDayRow).workDay())
			}
			return nil
		}
		r := lifeops.DayRecord{Date: civil.Date(date)}
		if h.found {
			hd, err := h.row.Interface().(healthDayRow).healthDay()
			if err != nil {
				return err
			}
			r.Health = &hd
		}
		if w.found {
			r.Work = []lifeops.WorkDay{w.row.Interface().(workDayRow).workDay()}
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

// eachTuple calls f with each tuple of a JSON array of arrays, as
// jsonArrayAgg makes.
func eachTuple(j jsonText, f func(vals []json.RawMessage) error) error {
	if len(j) == 0 {
		return nil
	}
	var tuples [][]json.RawMessage
	if err := json.Unmarshal(j, &tuples); err != nil {
		return err
	}
	for _, t := range tuples {
		if err := f(t); err != nil {
			return err
		}
	}
	return nil
}

// scanTuple scans the JSON values of one tuple into dest: a *string, an
// *int64, or a sql.Scanner, which gets nil for null, a string for a JSON
// string, and the JSON text of anything else.
func scanTuple(vals []json.RawMessage, dest ...any) error {
	if len(vals) != len(dest) {
		return fmt.Errorf("a tuple of %d values, want %d", len(vals), len(dest))
	}
	for i, d := range dest {
		v := vals[i]
		var src any
		switch {
		case string(v) == "null":
		case len(v) > 0 && v[0] == '"':
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return err
			}
			src = s
		default:
			src = []byte(v)
		}
		switch d := d.(type) {
		case *string:
			s, ok := src.(string)
			if !ok {
				return fmt.Errorf("value %d is %s, want a string", i, v)
			}
			*d = s
		case *int64:
			if err := json.Unmarshal(v, d); err != nil {
				return fmt.Errorf("value %d: %w", i, err)
			}
		case sql.Scanner:
			if err := d.Scan(src); err != nil {
				return fmt.Errorf("value %d: %w", i, err)
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
		from, to := spanBounds(sp)
		conds = append(conds, column+" BETWEEN ? AND ?")
		args = append(args, day(from), day(to))
	}
	return strings.Join(conds, " OR "), args
}
