package ical

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"strings"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/workstats"
)

// redacted is what a feed URL prints as.
const redacted = "[REDACTED]"

// URL is the address of a private calendar feed. Whoever knows it can read
// the calendar, so it is a secret: it prints as [REDACTED] with every fmt
// verb, in slog's text and JSON output, inside structs, slices and maps,
// and in JSON. [URL.Reveal] gives the address where it is needed (to fetch
// the feed, or to seal it in a store). The zero URL is no address.
type URL struct {
	// v holds the address behind a function, which fmt prints as a code
	// address whatever the verb, even when it reaches an unexported field
	// by reflection and cannot call the methods below.
	v func() *urlValue
}

type urlValue struct {
	raw string
	u   *url.URL
}

// maxURL bounds a feed URL.
const maxURL = 2048

// ParseURL checks a feed address: http, https, or webcal (read as https),
// with a host, at most 2048 bytes. The error never quotes the address.
func ParseURL(s string) (URL, error) {
	s = strings.TrimSpace(s)
	bad := func(reason string) (URL, error) {
		return URL{}, &lifeops.ValidationError{Field: "url", Reason: reason}
	}
	if s == "" {
		return bad("is required")
	}
	if s == redacted {
		return bad("is the redacted placeholder, not an address; send the feed's real URL")
	}
	if len(s) > maxURL {
		return bad(fmt.Sprintf("must be at most %d bytes", maxURL))
	}
	u, err := url.Parse(s)
	if err != nil {
		return bad("is not a URL")
	}
	switch strings.ToLower(u.Scheme) {
	case "webcal", "webcals":
		u.Scheme = "https"
	case "http", "https":
		u.Scheme = strings.ToLower(u.Scheme)
	default:
		return bad("must be an http, https or webcal URL")
	}
	if u.Host == "" {
		return bad("must name a host")
	}
	u.Fragment = ""
	val := &urlValue{raw: u.String(), u: u}
	return URL{v: func() *urlValue { return val }}, nil
}

// MustParseURL is ParseURL for tests and examples; it panics on a bad URL.
func MustParseURL(s string) URL {
	u, err := ParseURL(s)
	if err != nil {
		panic(err)
	}
	return u
}

// Reveal returns the address; "" for the zero URL.
func (u URL) Reveal() string {
	if u.v == nil {
		return ""
	}
	return u.v().raw
}

// Host returns the host (and port) of the address, which is not secret:
// errors and logs name the feed by it.
func (u URL) Host() string {
	if u.v == nil {
		return ""
	}
	return u.v().u.Host
}

// IsZero reports whether u holds no address.
func (u URL) IsZero() bool { return u.v == nil }

// Equal reports whether u and o hold the same address.
func (u URL) Equal(o URL) bool { return u.Reveal() == o.Reveal() }

func (u URL) url() *url.URL {
	c := *u.v().u
	return &c
}

// String returns [REDACTED], or "" for the zero URL.
func (u URL) String() string {
	if u.v == nil {
		return ""
	}
	return redacted
}

// GoString returns the same as String, for %#v.
func (u URL) GoString() string { return "ical.URL(" + u.String() + ")" }

// Format writes String for every verb, so %x, %q or %d cannot show the
// address.
func (u URL) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = f.Write([]byte(u.GoString()))
		return
	}
	_, _ = f.Write([]byte(u.String()))
}

// LogValue implements [slog.LogValuer].
func (u URL) LogValue() slog.Value { return slog.StringValue(u.String()) }

// MarshalJSON encodes the URL as "[REDACTED]": settings marshalled to JSON
// never carry it. See [Settings.Secrets] for storing it.
func (u URL) MarshalJSON() ([]byte, error) { return json.Marshal(u.String()) }

// MarshalText encodes the URL as [REDACTED].
func (u URL) MarshalText() ([]byte, error) { return []byte(u.String()), nil }

// UnmarshalJSON reads an address from a JSON string (null or "" is the zero
// URL), as an API receives it from the person.
func (u *URL) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return &lifeops.ValidationError{Field: "url", Reason: "must be a string"}
	}
	if s == nil || *s == "" {
		*u = URL{}
		return nil
	}
	v, err := ParseURL(*s)
	if err != nil {
		return err
	}
	*u = v
	return nil
}

// UnmarshalText reads an address.
func (u *URL) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*u = URL{}
		return nil
	}
	v, err := ParseURL(string(b))
	if err != nil {
		return err
	}
	*u = v
	return nil
}

var (
	_ fmt.Formatter    = URL{}
	_ fmt.GoStringer   = URL{}
	_ slog.LogValuer   = URL{}
	_ json.Marshaler   = URL{}
	_ json.Unmarshaler = (*URL)(nil)
)

// Feed is one calendar of a person: a private feed URL, or a file from the
// source's [Config.Files].
type Feed struct {
	// ID names the feed among the person's feeds (and its secret, see
	// [Settings.Secrets]): 1 to 64 letters, digits, '-' or '_'.
	ID   string `json:"id"`
	Name string `json:"name,omitempty"` // shown to the person, at most 100 bytes
	URL  URL    `json:"url,omitzero"`
	// File is a path inside Config.Files, for a calendar kept as a file.
	File string `json:"file,omitempty"`
}

// MaxFeeds is the most feeds a person may have.
const MaxFeeds = 20

// Settings are a person's calendar settings: their feeds, which events
// count as meetings, and optionally their working hours, so meetings
// outside them count as after-hours work. The JSON form carries the feed
// URLs as "[REDACTED]"; store them sealed with [Settings.Secrets] and put
// them back with [Settings.WithSecrets].
type Settings struct {
	Feeds []Feed `json:"feeds"`
	Selection
	WorkingHours *workstats.WorkingHours `json:"working_hours,omitempty"`
}

// Validate checks every field; the errors match lifeops.ErrInvalid, one
// per bad field, joined.
func (s Settings) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &lifeops.ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	if len(s.Feeds) == 0 {
		bad("feeds", "at least one feed is required")
	}
	if len(s.Feeds) > MaxFeeds {
		bad("feeds", "at most %d feeds, got %d", MaxFeeds, len(s.Feeds))
	}
	ids := map[string]bool{}
	for i, f := range s.Feeds {
		field := fmt.Sprintf("feeds[%d]", i)
		if !validID(f.ID) {
			bad(field+".id", "must be 1 to 64 letters, digits, '-' or '_'")
		} else if ids[f.ID] {
			bad(field+".id", "%q is used twice", f.ID)
		}
		ids[f.ID] = true
		if len(f.Name) > 100 {
			bad(field+".name", "must be at most 100 bytes")
		}
		switch {
		case f.URL.IsZero() == (f.File == ""):
			bad(field, "needs either a url or a file, not both")
		case f.File != "" && !fs.ValidPath(f.File):
			bad(field+".file", "must be a slash-separated path inside the calendar folder, without . or .. elements")
		}
	}
	if len(s.Addresses) > 20 {
		bad("addresses", "at most 20, got %d", len(s.Addresses))
	}
	for i, a := range s.Addresses {
		if a = address(a); a == "" || len(a) > 254 || !strings.Contains(a, "@") {
			bad(fmt.Sprintf("addresses[%d]", i), "must be an e-mail address")
		}
	}
	if s.WorkingHours != nil {
		if err := s.WorkingHours.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// Secrets returns the URL of every URL feed by feed ID, revealed, for a
// store to seal; the settings' JSON leaves them out.
func (s Settings) Secrets() map[string]string {
	out := map[string]string{}
	for _, f := range s.Feeds {
		if !f.URL.IsZero() {
			out[f.ID] = f.URL.Reveal()
		}
	}
	return out
}

// WithSecrets returns a copy of s with the URL of each feed named in
// secrets set from it: settings read back from JSON get their unsealed
// URLs again. An ID that names no feed, or a bad URL, is an error.
func (s Settings) WithSecrets(secrets map[string]string) (Settings, error) {
	out := s
	out.Feeds = append([]Feed(nil), s.Feeds...)
	for id, raw := range secrets {
		i := -1
		for j, f := range out.Feeds {
			if f.ID == id {
				i = j
			}
		}
		if i < 0 {
			return s, &lifeops.ValidationError{Field: "feeds", Reason: fmt.Sprintf("no feed has the id %q", id)}
		}
		u, err := ParseURL(raw)
		if err != nil {
			return s, fmt.Errorf("feed %q: %w", id, err)
		}
		out.Feeds[i].URL = u
	}
	return out, nil
}
