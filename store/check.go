package store

import (
	"bytes"
	"database/sql"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// Bun writes every string into the SQL text as a quoted literal. On the
// way it turns bytes that are not UTF-8 into U+FFFD and cannot carry a NUL
// byte at all (the statement fails to parse), and Postgres text holds
// neither. So that nothing is stored altered, the store refuses such
// strings before writing, and a lookup by one finds nothing.

// textProblem says why s cannot be stored exactly, or returns "".
func textProblem[T string | []byte](s T) string {
	switch {
	case !utf8.Valid([]byte(s)):
		return "must be valid UTF-8"
	case bytes.IndexByte([]byte(s), 0) >= 0:
		return "must not contain NUL bytes"
	}
	return ""
}

// storableKeys reports whether every key can be stored; a key that cannot
// was never stored, so a lookup by it finds nothing.
func storableKeys(keys ...string) bool {
	for _, k := range keys {
		if textProblem(k) != "" {
			return false
		}
	}
	return true
}

// checkRow returns a *lifeops.ValidationError for the first column of a
// row, or of a slice of rows, that the store cannot keep exactly: text
// that is not UTF-8 or holds a NUL byte, or an instant outside the years
// 1 to 9999. The field is the column's name, or the row field's `field`
// tag where the API names it otherwise.
func checkRow(rows any) error {
	v := reflect.Indirect(reflect.ValueOf(rows))
	if v.Kind() != reflect.Slice {
		return checkRowValue(v)
	}
	for i := range v.Len() {
		if err := checkRowValue(v.Index(i)); err != nil {
			return err
		}
	}
	return nil
}

func checkRowValue(row reflect.Value) error {
	t := row.Type()
	for i := range t.NumField() {
		var problem string
		switch x := row.Field(i).Interface().(type) {
		case string:
			problem = textProblem(x)
		case jsonText:
			problem = textProblem([]byte(x))
		case sql.NullString:
			problem = textProblem(x.String)
		case instant:
			problem = instantProblem(time.Time(x))
		case nullInstant:
			if !time.Time(x).IsZero() {
				problem = instantProblem(time.Time(x))
			}
		default:
			continue
		}
		if problem != "" {
			f := t.Field(i)
			name := f.Tag.Get("field")
			if name == "" {
				name, _, _ = strings.Cut(f.Tag.Get("bun"), ",")
			}
			return &lifeops.ValidationError{Field: name, Reason: problem}
		}
	}
	return nil
}

// The instants and days a store holds have four-digit years, so that
// SQLite's fixed-width text sorts as time does and both backends accept
// the same values.
var (
	minInstant = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	maxInstant = time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC)
	minDay     = civil.D(1, 1, 1)
	maxDay     = civil.D(9999, 12, 31)
)

// instantProblem says why t cannot be stored, or returns "".
func instantProblem(t time.Time) string {
	if u := utc(t); u.Before(minInstant) || u.After(maxInstant) {
		return "must lie in the years 1 to 9999"
	}
	return ""
}

// whereInstants restricts column to [start, end). Bounds beyond the
// instants a store holds leave that end open, so that any time.Time works
// as a bound on both backends.
func whereInstants(q *bun.SelectQuery, column string, start, end time.Time) *bun.SelectQuery {
	if !end.After(minInstant) || start.After(maxInstant) {
		return q.Where("1 = 0")
	}
	if start.After(minInstant) {
		q = q.Where("? >= ?", bun.Ident(column), instant(start))
	}
	if !end.After(maxInstant) {
		q = q.Where("? < ?", bun.Ident(column), instant(end))
	}
	return q
}

// whereDays restricts column to the inclusive range [from, to], clamped
// to the days a store holds, so that a zero from or a far to works as a
// bound on both backends.
func whereDays(q *bun.SelectQuery, column string, from, to civil.Date) *bun.SelectQuery {
	if to.Before(minDay) || from.After(maxDay) {
		return q.Where("1 = 0")
	}
	if from.Before(minDay) {
		from = minDay
	}
	if to.After(maxDay) {
		to = maxDay
	}
	return q.Where("? BETWEEN ? AND ?", bun.Ident(column), day(from), day(to))
}
