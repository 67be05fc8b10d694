package ouratest

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// paramError is a query parameter the server cannot read; it is answered
// with 422 and Oura's HTTPValidationError body.
type paramError struct {
	param, msg, kind string
}

func (e *paramError) Error() string { return fmt.Sprintf("query parameter %s: %s", e.param, e.msg) }

// errBadToken is a next_token the server did not issue, or issued to another
// user or route; it is answered with 400.
var errBadToken = errors.New("invalid next_token")

// dateParam is a start_date or end_date value: a bare date, or a date and
// time with or without an offset.
type dateParam struct {
	date     civil.Date // the date as written (for a datetime, its local date)
	t        time.Time  // the instant: local midnight for a bare date
	dateOnly bool
}

// parseDateParam reads a date parameter of a document route. Bare dates and
// datetimes without an offset are read in the user's zone, as Oura does.
func parseDateParam(name, s string, loc *time.Location) (dateParam, error) {
	if len(s) == 10 {
		d, err := civil.ParseDate(s)
		if err != nil {
			return dateParam{}, &paramError{name, "Input should be a valid date or datetime", "date_from_datetime_parsing"}
		}
		return dateParam{date: d, t: midnight(d, loc), dateOnly: true}, nil
	}
	t, err := parseDateTime(s, loc)
	if err != nil {
		return dateParam{}, &paramError{name, "Input should be a valid date or datetime", "datetime_from_date_parsing"}
	}
	return dateParam{date: civil.DateOf(t.In(loc)), t: t}, nil
}

// parseDateTime reads an ISO 8601 date and time: RFC 3339 with Z or an
// offset, or with no offset (then in loc), with optional fractional seconds.
func parseDateTime(s string, loc *time.Location) (time.Time, error) {
	if len(s) < 19 || len(s) > 40 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') {
		return time.Time{}, fmt.Errorf("datetime %q: want YYYY-MM-DDTHH:MM:SS", s)
	}
	norm := s[:10] + "T" + s[11:]
	if strings.HasSuffix(norm, "z") {
		norm = norm[:len(norm)-1] + "Z"
	}
	if t, err := time.Parse(time.RFC3339Nano, norm); err == nil {
		return t, nil
	}
	t, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", norm, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("datetime %q: %w", s, err)
	}
	return t, nil
}

// parseSeriesParam reads start_datetime or end_datetime; a bare date means
// midnight UTC, no offset means UTC.
func parseSeriesParam(name, s string) (time.Time, error) {
	if len(s) == 10 {
		d, err := civil.ParseDate(s)
		if err != nil {
			return time.Time{}, &paramError{name, "Input should be a valid datetime", "datetime_parsing"}
		}
		return midnight(d, time.UTC), nil
	}
	t, err := parseDateTime(s, time.UTC)
	if err != nil {
		return time.Time{}, &paramError{name, "Input should be a valid datetime", "datetime_parsing"}
	}
	return t, nil
}

// parseBool reads a boolean query value the way Oura's framework does.
func parseBool(name, s string) (bool, error) {
	switch strings.ToLower(s) {
	case "true", "1", "yes", "on", "t", "y":
		return true, nil
	case "false", "0", "no", "off", "f", "n":
		return false, nil
	}
	return false, &paramError{name, "Input should be a valid boolean", "bool_parsing"}
}

// parseFields reads the fields parameter: a comma-separated list of
// property names. Unknown names are ignored, as Oura ignores them; nil means
// every property.
func parseFields(s string) map[string]bool {
	if s == "" {
		return nil
	}
	out := map[string]bool{}
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out[f] = true
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// cursor is the state a next_token carries: the route, the user, the window
// the first request asked for, and where the next page starts. Resuming needs
// nothing else, so filters sent beside a next_token are ignored.
type cursor struct {
	route        uint8
	user         uint64
	lo, hi       int64 // window bounds in Unix seconds, both inclusive
	dayLo, dayHi int32 // day numbers of the scan
	pos          int64 // next day number (documents) or slot index (time series)
	ord          int32 // next ordinal within the day (documents)
}

const cursorLen = 1 + 1 + 8 + 8 + 8 + 4 + 4 + 8 + 4 + 8

// encodeCursor makes the opaque next_token of c, authenticated with key.
func encodeCursor(key uint64, c cursor) string {
	var b [cursorLen]byte
	b[0] = 1
	b[1] = c.route
	binary.BigEndian.PutUint64(b[2:], c.user)
	binary.BigEndian.PutUint64(b[10:], uint64(c.lo))
	binary.BigEndian.PutUint64(b[18:], uint64(c.hi))
	binary.BigEndian.PutUint32(b[26:], uint32(c.dayLo))
	binary.BigEndian.PutUint32(b[30:], uint32(c.dayHi))
	binary.BigEndian.PutUint64(b[34:], uint64(c.pos))
	binary.BigEndian.PutUint32(b[42:], uint32(c.ord))
	binary.BigEndian.PutUint64(b[46:], macOf(key, b[:46]))
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// decodeCursor reads a next_token; any token not made by encodeCursor with
// the same key is errBadToken.
func decodeCursor(key uint64, s string) (cursor, error) {
	if base64.RawURLEncoding.DecodedLen(len(s)) != cursorLen {
		return cursor{}, errBadToken
	}
	var b [cursorLen]byte
	if n, err := base64.RawURLEncoding.Decode(b[:], []byte(s)); err != nil || n != cursorLen {
		return cursor{}, errBadToken
	}
	if b[0] != 1 || binary.BigEndian.Uint64(b[46:]) != macOf(key, b[:46]) {
		return cursor{}, errBadToken
	}
	return cursor{
		route: b[1],
		user:  binary.BigEndian.Uint64(b[2:]),
		lo:    int64(binary.BigEndian.Uint64(b[10:])),
		hi:    int64(binary.BigEndian.Uint64(b[18:])),
		dayLo: int32(binary.BigEndian.Uint32(b[26:])),
		dayHi: int32(binary.BigEndian.Uint32(b[30:])),
		pos:   int64(binary.BigEndian.Uint64(b[34:])),
		ord:   int32(binary.BigEndian.Uint32(b[42:])),
	}, nil
}

// macOf is a keyed checksum of b. It keeps clients from forging tokens by
// accident; it is not cryptographic.
func macOf(key uint64, b []byte) uint64 {
	h := hashKey(key, tagToken)
	for i := 0; i < len(b); i += 8 {
		var w [8]byte
		copy(w[:], b[i:])
		h = mix64(h ^ binary.BigEndian.Uint64(w[:]) + golden)
	}
	return h
}
