package store

import (
	"bytes"
	"database/sql"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/lifeops/lifeops/lifeops"
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

// checkText returns a *lifeops.ValidationError for the first text column
// of a row, or of a slice of rows, that cannot be stored exactly. The
// field is the column's name, or the row field's `field` tag where the
// API names it otherwise.
func checkText(rows any) error {
	v := reflect.Indirect(reflect.ValueOf(rows))
	if v.Kind() != reflect.Slice {
		return checkRowText(v)
	}
	for i := range v.Len() {
		if err := checkRowText(v.Index(i)); err != nil {
			return err
		}
	}
	return nil
}

func checkRowText(row reflect.Value) error {
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
