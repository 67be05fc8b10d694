package ouratest

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// sandboxSince is the first day of the sandbox user's data.
func sandboxSince() civil.Date { return civil.D(2023, 1, 1) }

func (s *Server) routes() *http.ServeMux {
	m := http.NewServeMux()
	for _, prefix := range []string{"/v2/usercollection/", "/v2/sandbox/usercollection/"} {
		sandbox := prefix != "/v2/usercollection/"
		m.HandleFunc("GET "+prefix+"heartrate", s.seriesHandler(codeHeartRate, sandbox))
		m.HandleFunc("GET "+prefix+"ring_battery_level", s.seriesHandler(codeBattery, sandbox))
		m.HandleFunc("GET "+prefix+"{collection}", s.listHandler(sandbox))
		m.HandleFunc("GET "+prefix+"{collection}/{id}", s.docHandler(sandbox))
	}
	m.HandleFunc("GET /v2/usercollection/personal_info", s.handlePersonalInfo)
	m.HandleFunc("GET /v2/webhook/subscription", s.handleListSubscriptions)
	m.HandleFunc("POST /v2/webhook/subscription", s.handleCreateSubscription)
	m.HandleFunc("GET /v2/webhook/subscription/{id}", s.handleGetSubscription)
	m.HandleFunc("PUT /v2/webhook/subscription/{id}", s.handleUpdateSubscription)
	m.HandleFunc("DELETE /v2/webhook/subscription/{id}", s.handleDeleteSubscription)
	m.HandleFunc("PUT /v2/webhook/subscription/renew/{id}", s.handleRenewSubscription)
	m.HandleFunc("GET /oauth/authorize", s.handleAuthorize)
	m.HandleFunc("POST /oauth/token", s.handleToken)
	m.HandleFunc("POST /oauth/revoke", s.handleRevoke)
	m.HandleFunc("GET /oauth/revoke", s.handleRevoke)
	outer := http.NewServeMux()
	outer.Handle("/", notFoundJSON(m))
	return outer
}

// notFoundJSON answers unknown routes and methods with Oura's JSON body
// instead of the mux's plain text.
func notFoundJSON(m *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := m.Handler(r); pattern != "" {
			m.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h, _ := m.Handler(r)
		h.ServeHTTP(rec, r)
		if allow := rec.Header().Get("Allow"); allow != "" {
			w.Header().Set("Allow", allow)
		}
		writeJSON(w, rec.Code, detail(http.StatusText(rec.Code)))
	})
}

func notFound(w http.ResponseWriter) { writeJSON(w, http.StatusNotFound, detail("Not Found")) }

// userFor picks the user whose data a request sees: the token's user, or the
// sandbox user on sandbox routes.
func (s *Server) userFor(u *user, sandbox bool) *user {
	if sandbox {
		return s.sandbox
	}
	return u
}

// genFor is a generator of u's documents as seen now.
func (s *Server) genFor(u *user) *gen {
	s.mu.Lock()
	now := s.nowLocked()
	s.mu.Unlock()
	revised := s.cfg.revisionAt.IsZero() || !now.Before(s.cfg.revisionAt)
	return &gen{u: u, now: now, revised: revised, cache: newPlanCache(u)}
}

// ---- documents ----

// collectionRequest finds the collection a document request names and a
// generator of the documents of the user its token belongs to. When the
// request cannot go on (no such collection, a bad token, a missing scope)
// it answers it and returns nil.
func (s *Server) collectionRequest(w http.ResponseWriter, r *http.Request, sandbox bool) (*collection, *gen) {
	c := s.cols[r.PathValue("collection")]
	if c == nil {
		notFound(w)
		return nil, nil
	}
	tu, _ := s.authenticate(w, r, c.scope)
	if tu == nil {
		return nil, nil
	}
	return c, s.genFor(s.userFor(tu, sandbox))
}

func (s *Server) listHandler(sandbox bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, g := s.collectionRequest(w, r, sandbox)
		if c == nil {
			return
		}
		u := g.u
		q := r.URL.Query()
		var fields map[string]bool
		if !sandbox && c.name != "enhanced_tag" {
			fields = parseFields(q.Get("fields"))
		}
		var cur cursor
		if tok := q.Get("next_token"); tok != "" {
			var err error
			cur, err = decodeCursor(s.cfg.seed, tok)
			if err != nil || cur.route != c.code || cur.user != u.key {
				writeParamError(w, errBadToken)
				return
			}
		} else {
			var err error
			cur, err = s.firstCursor(c, u, g.now, q.Get("start_date"), q.Get("end_date"))
			if err != nil {
				writeParamError(w, err)
				return
			}
		}
		docs, next := s.page(g, c, cur)
		writePage(w, docs, next, s.cfg.seed, fields, []string{"id", "day"})
	}
}

// firstCursor reads the dates of a first page request into the window the
// collection's filter compares against.
func (s *Server) firstCursor(c *collection, u *user, now time.Time, start, end string) (cursor, error) {
	cur := cursor{route: c.code, user: u.key}
	if c.filter == filterNone {
		return cur, nil
	}
	loc := u.loc
	var lo, hi dateParam
	var err error
	if end == "" {
		d := civil.DateOf(now.In(loc))
		hi = dateParam{date: d, t: midnight(d, loc), dateOnly: true}
	} else if hi, err = parseDateParam("end_date", end, loc); err != nil {
		return cur, err
	}
	if start == "" {
		d := hi.date.AddDays(-1)
		lo = dateParam{date: d, t: midnight(d, loc), dateOnly: true}
	} else if lo, err = parseDateParam("start_date", start, loc); err != nil {
		return cur, err
	}
	filter := c.filter
	if s.cfg.exactDates {
		filter = filterDay
	}
	switch filter {
	case filterDay:
		if lo.date.After(hi.date) {
			return cur, errors.New("start_date is after end_date")
		}
		cur.dayLo, cur.dayHi = int32(lo.date.Days()), int32(hi.date.Days())
	case filterTimestamp:
		if lo.t.After(hi.t) {
			return cur, errors.New("start_date is after end_date")
		}
		cur.lo, cur.hi = lo.t.Unix(), hi.t.Unix()
		cur.dayLo, cur.dayHi = int32(lo.date.Days()-1), int32(hi.date.Days()+1)
	case filterUTCStart:
		l, h := lo.t, hi.t
		if lo.dateOnly {
			l = midnight(lo.date, time.UTC)
		}
		if hi.dateOnly {
			h = midnight(hi.date.AddDays(1), time.UTC).Add(-time.Second)
		}
		if l.After(h) {
			return cur, errors.New("start_date is after end_date")
		}
		cur.lo, cur.hi = l.Unix(), h.Unix()
		cur.dayLo, cur.dayHi = int32(lo.date.Days()-1), int32(hi.date.Days()+1)
	}
	cur.pos = int64(cur.dayLo)
	return cur, nil
}

// page draws one page of a collection from the cursor, and the cursor of
// the next page (nil on the last). A page of documents is the only thing in
// memory.
func (s *Server) page(g *gen, c *collection, cur cursor) ([]any, *cursor) {
	size := s.cfg.pageSize
	var docs []any
	if c.filter == filterNone {
		rings := g.rings()
		for i := int(cur.pos); i < len(rings); i++ {
			if !g.u.hasDay(rings[i], g.now) {
				continue
			}
			if len(docs) == size {
				next := cur
				next.pos = int64(i)
				return docs, &next
			}
			docs = append(docs, c.build(g, nil, docRef{ord: i}))
		}
		return docs, nil
	}
	filter := c.filter
	if s.cfg.exactDates {
		filter = filterDay
	}
	day := cur.pos
	if !g.u.Since.IsZero() && day < int64(g.u.Since.Days()) {
		day = int64(g.u.Since.Days())
	}
	today := int64(civil.DateOf(g.now.In(g.u.loc)).Days())
	for ; day <= int64(cur.dayHi) && day <= today; day++ {
		p := g.cache.get(civil.FromDays(int(day)))
		for _, ref := range c.refs(g, p) {
			if day == cur.pos && int32(ref.ord) < cur.ord {
				continue
			}
			if ref.ready.After(g.now) {
				continue
			}
			switch filter {
			case filterTimestamp, filterUTCStart:
				if u := ref.at.Unix(); u < cur.lo || u > cur.hi {
					continue
				}
			}
			if len(docs) == size {
				next := cur
				next.pos, next.ord = day, int32(ref.ord)
				return docs, &next
			}
			docs = append(docs, c.build(g, p, ref))
		}
	}
	return docs, nil
}

// writePage answers a list request: {"data": [...], "next_token": ...}.
func writePage(w http.ResponseWriter, docs []any, next *cursor, key uint64, fields map[string]bool, always []string) {
	var b bytes.Buffer
	b.WriteString(`{"data":[`)
	for i, d := range docs {
		if i > 0 {
			b.WriteByte(',')
		}
		raw, err := json.Marshal(d)
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, detail("Internal Server Error"))
			return
		}
		if fields != nil {
			raw = project(raw, fields, always)
		}
		b.Write(raw)
	}
	b.WriteString(`],"next_token":`)
	if next == nil {
		b.WriteString("null")
	} else {
		b.WriteString(strconv.Quote(encodeCursor(key, *next)))
	}
	b.WriteByte('}')
	writeRaw(w, http.StatusOK, b.Bytes())
}

// project keeps the properties of a JSON object named in fields or always,
// in their order.
func project(raw []byte, fields map[string]bool, always []string) []byte {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return raw
	}
	var out bytes.Buffer
	out.WriteByte('{')
	n := 0
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return raw
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return raw
		}
		keep := fields[k]
		for _, a := range always {
			keep = keep || a == k
		}
		if !keep {
			continue
		}
		if n > 0 {
			out.WriteByte(',')
		}
		out.WriteString(strconv.Quote(k))
		out.WriteByte(':')
		out.Write(v)
		n++
	}
	out.WriteByte('}')
	return out.Bytes()
}

func (s *Server) docHandler(sandbox bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, g := s.collectionRequest(w, r, sandbox)
		if c == nil {
			return
		}
		doc, ok := s.lookup(g, c, r.PathValue("id"))
		if !ok {
			writeJSON(w, http.StatusNotFound, detail("Document not found"))
			return
		}
		writeJSON(w, http.StatusOK, doc)
	}
}

// lookup draws the document an id names, if it exists now.
func (s *Server) lookup(g *gen, c *collection, id string) (any, bool) {
	code, dayNum, ord, ok := parseID(g.u.key, id)
	if !ok || code != c.code {
		return nil, false
	}
	day := civil.FromDays(int(dayNum))
	if c.filter == filterNone {
		rings := g.rings()
		if int(ord) >= len(rings) || rings[ord] != day || !g.u.hasDay(day, g.now) {
			return nil, false
		}
		return c.build(g, nil, docRef{ord: int(ord)}), true
	}
	if !g.u.hasDay(day, g.now) {
		return nil, false
	}
	p := g.cache.get(day)
	for _, ref := range c.refs(g, p) {
		if ref.ord == int(ord) && !ref.ready.After(g.now) {
			return c.build(g, p, ref), true
		}
	}
	return nil, false
}

func (s *Server) handlePersonalInfo(w http.ResponseWriter, r *http.Request) {
	u, g := s.authenticate(w, r, "")
	if u == nil {
		return
	}
	writeJSON(w, http.StatusOK, u.personal(g.has("personal"), g.has("email")))
}
