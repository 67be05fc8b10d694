package store

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// instantLayout is how an instant is written: UTC, fixed width, to the
// microsecond, so text comparison on SQLite orders instants correctly and
// Postgres reads it as a timestamptz literal.
const instantLayout = "2006-01-02T15:04:05.000000Z"

// Precision is the resolution of every instant the store keeps, on both
// backends (Postgres timestamptz resolution). Instants are truncated to it.
const Precision = time.Microsecond

// instant is a time.Time column: timestamptz on Postgres, fixed-width UTC
// text on SQLite.
type instant time.Time

func (t instant) Value() (driver.Value, error) {
	return time.Time(t).UTC().Truncate(Precision).Format(instantLayout), nil
}

func (t *instant) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*t = instant(v.UTC())
	case string:
		return t.parse(v)
	case []byte:
		return t.parse(string(v))
	default:
		return fmt.Errorf("instant: cannot scan %T", src)
	}
	return nil
}

func (t *instant) parse(s string) error {
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("instant: %w", err)
	}
	*t = instant(v.UTC())
	return nil
}

// nullInstant is an instant that may be NULL; the zero time is NULL.
type nullInstant time.Time

func (t nullInstant) Value() (driver.Value, error) {
	if time.Time(t).IsZero() {
		return nil, nil
	}
	return instant(t).Value()
}

func (t *nullInstant) Scan(src any) error {
	if src == nil {
		*t = nullInstant{}
		return nil
	}
	return (*instant)(t).Scan(src)
}

// day is a civil.Date column: date on Postgres, YYYY-MM-DD text on SQLite.
type day civil.Date

func (d day) Value() (driver.Value, error) {
	return civil.Date(d).String(), nil
}

func (d *day) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*d = day(civil.D(v.Year(), v.Month(), v.Day()))
		return nil
	case string:
		return d.parse(v)
	case []byte:
		return d.parse(string(v))
	default:
		return fmt.Errorf("day: cannot scan %T", src)
	}
}

func (d *day) parse(s string) error {
	v, err := civil.ParseDate(s)
	if err != nil {
		return fmt.Errorf("day: %w", err)
	}
	*d = day(v)
	return nil
}

// jsonText is a JSON column: json on Postgres (the exact text is kept),
// TEXT on SQLite. nil is NULL.
type jsonText []byte

func (j jsonText) Value() (driver.Value, error) {
	if j == nil {
		return nil, nil
	}
	return string(j), nil
}

func (j *jsonText) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*j = nil
	case string:
		*j = jsonText(v)
	case []byte:
		*j = append(jsonText(nil), v...)
	default:
		return fmt.Errorf("json: cannot scan %T", src)
	}
	return nil
}

// marshalJSON encodes v, or returns NULL when isNil.
func marshalJSON(v any, isNil bool) (jsonText, error) {
	if isNil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	return jsonText(b), err
}

// unmarshalJSON decodes j into v unless j is NULL.
func unmarshalJSON(j jsonText, v any) error {
	if j == nil {
		return nil
	}
	return json.Unmarshal(j, v)
}

// nullDay is a day that may be NULL; the zero Date is NULL.
type nullDay civil.Date

func (d nullDay) Value() (driver.Value, error) {
	if civil.Date(d).IsZero() {
		return nil, nil
	}
	return day(d).Value()
}

func (d *nullDay) Scan(src any) error {
	if src == nil {
		*d = nullDay{}
		return nil
	}
	return (*day)(d).Scan(src)
}

// utc returns t in UTC at the store's precision, the form every instant
// is read back in.
func utc(t time.Time) time.Time { return t.UTC().Truncate(Precision) }
