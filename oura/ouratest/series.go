package ouratest

import (
	"errors"
	"net/http"
	"strconv"
	"time"
)

// series describes a time-series route: one row every step seconds, offset
// by the user's phase.
type series struct {
	code  uint8
	scope string
	step  int64
	phase func(u *user) int64
	// row appends the JSON of slot k's row to b, or reports false when there
	// is no row at that slot.
	row func(u *user, c *planCache, k int64, b []byte, fields map[string]bool) ([]byte, bool)
}

func seriesOf(code uint8) *series {
	if code == codeBattery {
		return &series{code: codeBattery, scope: "daily", step: batteryStep,
			phase: func(u *user) int64 { return u.batPhase }, row: batteryRow}
	}
	return &series{code: codeHeartRate, scope: "heartrate", step: hrStep,
		phase: func(u *user) int64 { return u.hrPhase }, row: heartRateRow}
}

// slotFrom is the first slot at or after unix second t.
func (sr *series) slotFrom(u *user, t int64) int64 {
	return -floorDiv64(-(t - sr.phase(u)), sr.step)
}

// slotTo is the last slot at or before unix second t.
func (sr *series) slotTo(u *user, t int64) int64 { return floorDiv64(t-sr.phase(u), sr.step) }

func (s *Server) seriesHandler(code uint8, sandbox bool) http.HandlerFunc {
	sr := seriesOf(code)
	return func(w http.ResponseWriter, r *http.Request) {
		tu, _ := s.authenticate(w, r, sr.scope)
		if tu == nil {
			return
		}
		u := s.userFor(tu, sandbox)
		now := s.Now()
		q := r.URL.Query()
		var fields map[string]bool
		latest := false
		if !sandbox {
			fields = parseFields(q.Get("fields"))
			if v := q.Get("latest"); v != "" {
				var err error
				if latest, err = parseBool("latest", v); err != nil {
					writeParamError(w, err)
					return
				}
			}
		}
		var cur cursor
		if tok := q.Get("next_token"); tok != "" {
			var err error
			cur, err = decodeCursor(s.cfg.seed, tok)
			if err != nil || cur.route != sr.code || cur.user != u.key {
				writeParamError(w, errBadToken)
				return
			}
		} else {
			var err error
			if cur, err = s.firstSeriesCursor(sr, u, now, q.Get("start_datetime"), q.Get("end_datetime")); err != nil {
				writeParamError(w, err)
				return
			}
		}
		body := s.seriesPage(sr, u, now, cur, latest, fields)
		writeRaw(w, http.StatusOK, body)
	}
}

func (s *Server) firstSeriesCursor(sr *series, u *user, now time.Time, start, end string) (cursor, error) {
	hi, lo := now, time.Time{}
	var err error
	if end != "" {
		if hi, err = parseSeriesParam("end_datetime", end); err != nil {
			return cursor{}, err
		}
	}
	if start == "" {
		lo = hi.Add(-24 * time.Hour)
	} else if lo, err = parseSeriesParam("start_datetime", start); err != nil {
		return cursor{}, err
	}
	if lo.After(hi) {
		return cursor{}, errors.New("start_datetime is after end_datetime")
	}
	if hi.Sub(lo) > s.cfg.maxSeries {
		return cursor{}, errors.New("the time between start_datetime and end_datetime must be at most " + s.cfg.maxSeries.String())
	}
	c := cursor{route: sr.code, user: u.key, lo: lo.Unix(), hi: hi.Unix()}
	c.pos = sr.slotFrom(u, c.lo)
	return c, nil
}

// seriesPage draws one page of rows from the cursor, straight into the
// response body: nothing else of the window is held in memory.
func (s *Server) seriesPage(sr *series, u *user, now time.Time, cur cursor, latest bool, fields map[string]bool) []byte {
	hi := cur.hi
	if n := now.Unix(); n < hi {
		hi = n
	}
	first := cur.pos
	if st, ok := u.startInstant(); ok {
		first = max(first, sr.slotFrom(u, st.Unix()))
	}
	last := sr.slotTo(u, hi)
	cache := newPlanCache(u)
	size := s.cfg.samplePageSize
	b := make([]byte, 0, min(size, 20000)*100+64) // rows are under 100 bytes
	b = append(b, `{"data":[`...)
	n := 0
	var next int64 = -1
	if latest {
		for k := last; k >= first; k-- {
			var ok bool
			if b, ok = sr.row(u, cache, k, b, fields); ok {
				break
			}
		}
	} else {
		for k := first; k <= last; k++ {
			mark := len(b)
			if n > 0 {
				b = append(b, ',')
			}
			var ok bool
			b, ok = sr.row(u, cache, k, b, fields)
			if !ok {
				b = b[:mark]
				continue
			}
			if n == size {
				b = b[:mark]
				next = k
				break
			}
			n++
		}
	}
	b = append(b, `],"next_token":`...)
	if next < 0 {
		b = append(b, "null"...)
	} else {
		c := cur
		c.pos = next
		b = strconv.AppendQuote(b, encodeCursor(s.cfg.seed, c))
	}
	return append(b, '}')
}

func wantField(fields map[string]bool, name string) bool { return fields == nil || fields[name] }

// appendTimestamp appends "timestamp" (UTC) and, when wanted,
// "timestamp_unix" (milliseconds).
func appendTimestamp(b []byte, unix int64, fields map[string]bool) []byte {
	b = append(b, `{"timestamp":"`...)
	b = time.Unix(unix, 0).UTC().AppendFormat(b, layoutLocalized)
	b = append(b, '"')
	if wantField(fields, "timestamp_unix") {
		b = append(b, `,"timestamp_unix":`...)
		b = strconv.AppendInt(b, unix*1000, 10)
	}
	return b
}

func heartRateRow(u *user, c *planCache, k int64, b []byte, fields map[string]bool) ([]byte, bool) {
	bpm, source, ok := u.heartRate(c, k)
	if !ok {
		return b, false
	}
	b = appendTimestamp(b, k*hrStep+u.hrPhase, fields)
	if wantField(fields, "bpm") {
		b = append(b, `,"bpm":`...)
		b = strconv.AppendInt(b, int64(bpm), 10)
	}
	if wantField(fields, "source") {
		b = append(b, `,"source":"`...)
		b = append(b, source...)
		b = append(b, '"')
	}
	return append(b, '}'), true
}

func batteryRow(u *user, _ *planCache, k int64, b []byte, fields map[string]bool) ([]byte, bool) {
	if unitAt(u.key, tagBattery, uint64(k)) < 0.01 {
		return b, false
	}
	unix := k*batteryStep + u.batPhase
	level, charging, inCharger := u.batteryAt(time.Unix(unix, 0))
	null := unitAt(u.key, tagBattery, uint64(k), 1) < 0.03
	b = appendTimestamp(b, unix, fields)
	if wantField(fields, "charging") {
		b = append(b, `,"charging":`...)
		b = appendNullBool(b, charging, null)
	}
	if wantField(fields, "in_charger") {
		b = append(b, `,"in_charger":`...)
		b = appendNullBool(b, inCharger, null)
	}
	if wantField(fields, "level") {
		b = append(b, `,"level":`...)
		b = strconv.AppendInt(b, int64(level), 10)
	}
	return append(b, '}'), true
}

func appendNullBool(b []byte, v, null bool) []byte {
	if null {
		return append(b, "null"...)
	}
	return strconv.AppendBool(b, v)
}
