package oura

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// MaxTimeSeriesWindow is the longest span of one heart-rate or battery
// request. Longer walks are split into windows of this size.
const MaxTimeSeriesWindow = 30 * 24 * time.Hour

// ListOptions selects the documents of a date-filtered collection.
type ListOptions struct {
	// StartDate and EndDate bound the documents' day, both inclusive. A zero
	// date leaves that end open (Oura then applies its own default range).
	// Oura's own date handling differs per collection (end_date read as
	// midnight, workouts filtered in UTC); the client asks for one more day
	// at each end and drops every document outside the range, so the result
	// is exactly [StartDate, EndDate].
	StartDate civil.Date
	EndDate   civil.Date
	// NextToken continues a previous page.
	NextToken string
	// Fields asks for these fields only (beside the ones Oura always sends).
	// Unknown names are refused rather than silently ignored by Oura.
	Fields []string
}

// TimeSeriesOptions selects the samples of heart rate or ring battery.
type TimeSeriesOptions struct {
	// Start and End bound the samples' timestamps, both inclusive. A single
	// request spans at most 30 days; [TimeSeriesService.Pages] and
	// [TimeSeriesService.All] split longer ranges into 30-day windows.
	Start time.Time
	End   time.Time
	// NextToken continues a previous page.
	NextToken string
	// Latest asks for the most recent sample only; the range is then sent
	// as is and not split.
	Latest bool
	// Fields asks for these fields only. Unknown names are refused.
	Fields []string
}

// DocumentService is a collection of documents: a list route filtered by
// day (except ring_configuration, which has no filter) and a route for one
// document by id.
type DocumentService[T any] struct {
	client *Client
	name   string              // the route's last segment, e.g. "sleep"
	day    func(*T) civil.Date // nil for collections without a date filter
	fields func() map[string]bool
}

func newDocumentService[T any](c *Client, name string, day func(*T) civil.Date) *DocumentService[T] {
	return &DocumentService[T]{client: c, name: name, day: day, fields: sync.OnceValue(jsonFields[T])}
}

// Name returns the collection's name, the last segment of its route, e.g.
// "sleep" or "vO2_max".
func (s *DocumentService[T]) Name() string { return s.name }

// Day returns the day of document d, the one ListOptions filters on, and
// true; for a collection without a day filter (ring_configuration) it
// returns the zero date and false.
func (s *DocumentService[T]) Day(d *T) (civil.Date, bool) {
	if s.day == nil || d == nil {
		return civil.Date{}, false
	}
	return s.day(d), true
}

// Route returns the route of the collection, e.g. "/v2/usercollection/sleep".
func (s *DocumentService[T]) Route() string { return "/" + s.client.collectionPath(s.name) }

// Get returns one document by id. A document that does not exist (or no
// longer does) is an error matching [ErrNotFound].
func (s *DocumentService[T]) Get(ctx context.Context, id string) (*T, *Response, error) {
	if err := checkID(id); err != nil {
		return nil, nil, err
	}
	v := new(T)
	resp, err := s.client.do(ctx, &request{method: http.MethodGet, path: s.client.collectionPath(s.name) + "/" + url.PathEscape(id)}, v)
	if err != nil {
		return nil, resp, err
	}
	return v, resp, nil
}

// List returns one page of documents. Follow page.NextToken with
// opts.NextToken, or use [DocumentService.Pages] or [DocumentService.All].
// A page may hold fewer documents than Oura sent (those outside the date
// range are dropped), even none, and still have a next page.
func (s *DocumentService[T]) List(ctx context.Context, opts *ListOptions) (*Page[T], *Response, error) {
	var o ListOptions
	if opts != nil {
		o = *opts
	}
	q, err := s.query(&o)
	if err != nil {
		return nil, nil, err
	}
	page := new(Page[T])
	resp, err := s.client.do(ctx, &request{method: http.MethodGet, path: s.client.collectionPath(s.name), query: q}, page)
	if err != nil {
		return nil, resp, err
	}
	if s.day != nil {
		page.Data = slices.DeleteFunc(page.Data, func(d T) bool {
			day := s.day(&d)
			return (!o.StartDate.IsZero() && day.Before(o.StartDate)) || (!o.EndDate.IsZero() && day.After(o.EndDate))
		})
	}
	return page, resp, nil
}

func (s *DocumentService[T]) query(o *ListOptions) (url.Values, error) {
	q := url.Values{}
	if s.day == nil {
		if !o.StartDate.IsZero() || !o.EndDate.IsZero() {
			return nil, &ParamError{Param: "StartDate", Reason: s.name + " has no date filter"}
		}
	} else {
		if !o.StartDate.IsZero() {
			if !o.StartDate.IsValid() || o.StartDate == civil.D(1, 1, 1) {
				return nil, &ParamError{Param: "StartDate", Reason: "not a real date"}
			}
			// Some collections filter on a UTC instant while reporting a
			// local day; ask for the day before and filter on day.
			q.Set("start_date", o.StartDate.AddDays(-1).String())
		}
		if !o.EndDate.IsZero() {
			if !o.EndDate.IsValid() || o.EndDate.Year >= 9999 && o.EndDate.Month == 12 && o.EndDate.Day == 31 {
				return nil, &ParamError{Param: "EndDate", Reason: "not a real date"}
			}
			if !o.StartDate.IsZero() && o.EndDate.Before(o.StartDate) {
				return nil, &ParamError{Param: "EndDate", Reason: fmt.Sprintf("%s is before StartDate %s", o.EndDate, o.StartDate)}
			}
			// Oura may treat end_date as exclusive (or as midnight); ask for
			// the day after and filter on day.
			q.Set("end_date", o.EndDate.AddDays(1).String())
		}
	}
	if o.NextToken != "" {
		q.Set("next_token", o.NextToken)
	}
	if err := s.client.fieldsParam(q, o.Fields, s.fields()); err != nil {
		return nil, err
	}
	return q, nil
}

// Pages walks every page of the range, one request per page, holding one
// page at a time. The walk stops at the first error, which is yielded with a
// nil page; a next_token Oura already returned during the walk, or the one
// the walk started from, is an error matching [ErrRepeatedToken].
func (s *DocumentService[T]) Pages(ctx context.Context, opts *ListOptions) iter.Seq2[*Page[T], error] {
	var o ListOptions
	if opts != nil {
		o = *opts
		o.Fields = slices.Clone(o.Fields)
	}
	return func(yield func(*Page[T], error) bool) {
		seen := map[string]bool{o.NextToken: o.NextToken != ""}
		for {
			page, _, err := s.List(ctx, &o)
			if err != nil {
				yield(nil, err)
				return
			}
			next := page.NextToken
			if !yield(page, nil) || next == "" {
				return
			}
			if seen[next] {
				yield(nil, fmt.Errorf("%w: %s returned %q twice", ErrRepeatedToken, s.name, next))
				return
			}
			seen[next] = true
			o.NextToken = next
		}
	}
}

// All walks every document of the range, page by page (see
// [DocumentService.Pages]).
func (s *DocumentService[T]) All(ctx context.Context, opts *ListOptions) iter.Seq2[T, error] {
	return items(s.Pages(ctx, opts))
}

// items walks the items of pages, one page at a time, ending at the first
// error.
func items[T any](pages iter.Seq2[*Page[T], error]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for page, err := range pages {
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, d := range page.Data {
				if !yield(d, nil) {
					return
				}
			}
		}
	}
}

// TimeSeriesService is a time series: heart rate or ring battery level.
// Samples come back in UTC.
type TimeSeriesService[T any] struct {
	client *Client
	name   string
	ts     func(*T) *time.Time
	fields func() map[string]bool
}

func newTimeSeriesService[T any](c *Client, name string, ts func(*T) *time.Time) *TimeSeriesService[T] {
	return &TimeSeriesService[T]{client: c, name: name, ts: ts, fields: sync.OnceValue(jsonFields[T])}
}

// Route returns the route of the series, e.g. "/v2/usercollection/heartrate".
func (s *TimeSeriesService[T]) Route() string { return "/" + s.client.collectionPath(s.name) }

// List returns one page of samples between opts.Start and opts.End, which
// may be at most 30 days apart (see [TimeSeriesService.Pages] for longer
// spans). Samples outside [Start, End] are dropped.
func (s *TimeSeriesService[T]) List(ctx context.Context, opts *TimeSeriesOptions) (*Page[T], *Response, error) {
	var o TimeSeriesOptions
	if opts != nil {
		o = *opts
	}
	if !o.Latest && !o.Start.IsZero() && !o.End.IsZero() && o.End.Sub(o.Start) > MaxTimeSeriesWindow {
		return nil, nil, &ParamError{Param: "End", Reason: fmt.Sprintf("%s spans more than 30 days after Start; use Pages or All", o.End.Sub(o.Start))}
	}
	return s.list(ctx, &o, true)
}

func (s *TimeSeriesService[T]) list(ctx context.Context, o *TimeSeriesOptions, inclusiveEnd bool) (*Page[T], *Response, error) {
	q := url.Values{}
	// Oura takes whole seconds: the start is rounded down and the end up,
	// and samples outside [Start, End] are dropped below. Rounding must not
	// stretch a 30-day window beyond 30 days, which Oura refuses; samples
	// are stamped in whole seconds, so the end is then cut back to 30 days
	// after the rounded start.
	lo, hi := floorSecond(o.Start), ceilSecond(o.End)
	if !o.Start.IsZero() && !o.End.IsZero() {
		if o.End.Before(o.Start) {
			return nil, nil, &ParamError{Param: "End", Reason: "before Start"}
		}
		if !o.Latest && hi.Sub(lo) > MaxTimeSeriesWindow {
			hi = lo.Add(MaxTimeSeriesWindow)
		}
	}
	if !o.Start.IsZero() {
		q.Set("start_datetime", lo.Format(time.RFC3339))
	}
	if !o.End.IsZero() {
		q.Set("end_datetime", hi.Format(time.RFC3339))
	}
	if o.NextToken != "" {
		q.Set("next_token", o.NextToken)
	}
	if o.Latest {
		if s.client.sandbox {
			return nil, nil, &ParamError{Param: "Latest", Reason: "the sandbox does not support it"}
		}
		q.Set("latest", "true")
	}
	if err := s.client.fieldsParam(q, o.Fields, s.fields()); err != nil {
		return nil, nil, err
	}
	page := new(Page[T])
	resp, err := s.client.do(ctx, &request{method: http.MethodGet, path: s.client.collectionPath(s.name), query: q}, page)
	if err != nil {
		return nil, resp, err
	}
	keep := page.Data[:0]
	for i := range page.Data {
		p := s.ts(&page.Data[i])
		*p = p.UTC()
		if !o.Latest && ((!o.Start.IsZero() && p.Before(o.Start)) ||
			(!o.End.IsZero() && (p.After(o.End) || (!inclusiveEnd && p.Equal(o.End))))) {
			continue
		}
		keep = append(keep, page.Data[i])
	}
	clear(page.Data[len(keep):])
	page.Data = keep
	return page, resp, nil
}

// Pages walks every page between opts.Start and opts.End, in windows of at
// most 30 days, one request per page, holding one page at a time. Window
// boundaries are not duplicated: each window but the last excludes its end.
// A repeated next_token within a window is an error matching
// [ErrRepeatedToken]. Both Start and End are required unless Latest is set.
func (s *TimeSeriesService[T]) Pages(ctx context.Context, opts *TimeSeriesOptions) iter.Seq2[*Page[T], error] {
	var o TimeSeriesOptions
	if opts != nil {
		o = *opts
		o.Fields = slices.Clone(o.Fields)
	}
	return func(yield func(*Page[T], error) bool) {
		if o.Latest {
			page, _, err := s.list(ctx, &o, true)
			yield(page, err)
			return
		}
		if o.Start.IsZero() || o.End.IsZero() {
			yield(nil, &ParamError{Param: "Start", Reason: "Start and End are required to walk a time series"})
			return
		}
		if o.End.Before(o.Start) {
			yield(nil, &ParamError{Param: "End", Reason: "before Start"})
			return
		}
		token := o.NextToken
		for ws := o.Start; ; {
			// Windows end on whole seconds, so that the rounded-down start
			// of the next one is its own start.
			we := floorSecond(ws).Add(MaxTimeSeriesWindow)
			last := !we.Before(o.End)
			if last {
				we = o.End
			}
			w := TimeSeriesOptions{Start: ws, End: we, NextToken: token, Fields: o.Fields}
			token = ""
			seen := map[string]bool{w.NextToken: w.NextToken != ""}
			for {
				page, _, err := s.list(ctx, &w, last)
				if err != nil {
					yield(nil, err)
					return
				}
				next := page.NextToken
				if !yield(page, nil) {
					return
				}
				if next == "" {
					break
				}
				if seen[next] {
					yield(nil, fmt.Errorf("%w: %s returned %q twice", ErrRepeatedToken, s.name, next))
					return
				}
				seen[next] = true
				w.NextToken = next
			}
			if last {
				return
			}
			ws = we
		}
	}
}

// All walks every sample between opts.Start and opts.End (see
// [TimeSeriesService.Pages]).
func (s *TimeSeriesService[T]) All(ctx context.Context, opts *TimeSeriesOptions) iter.Seq2[T, error] {
	return items(s.Pages(ctx, opts))
}

// floorSecond returns t in UTC, rounded down to a whole second.
func floorSecond(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

// ceilSecond returns t in UTC, rounded up to a whole second.
func ceilSecond(t time.Time) time.Time {
	f := floorSecond(t)
	if f.Before(t) {
		return f.Add(time.Second)
	}
	return f
}

// PersonalInfoService reads the user's profile.
type PersonalInfoService struct{ client *Client }

// Get returns the user's profile. The sandbox has no such route.
func (s *PersonalInfoService) Get(ctx context.Context) (*PersonalInfo, *Response, error) {
	if s.client.sandbox {
		return nil, nil, fmt.Errorf("%w: the sandbox has no personal_info route", ErrNotConfigured)
	}
	v := new(PersonalInfo)
	resp, err := s.client.do(ctx, &request{method: http.MethodGet, path: userCollectionPath + "personal_info"}, v)
	if err != nil {
		return nil, resp, err
	}
	return v, resp, nil
}

// fieldsParam validates fields against the JSON names of the model and
// sets the fields parameter.
func (c *Client) fieldsParam(q url.Values, fields []string, known map[string]bool) error {
	if len(fields) == 0 {
		return nil
	}
	if c.sandbox {
		return &ParamError{Param: "Fields", Reason: "the sandbox does not support it"}
	}
	for _, f := range fields {
		if !known[f] {
			return &ParamError{Param: "Fields", Reason: fmt.Sprintf("unknown field %q", f)}
		}
	}
	q.Set("fields", strings.Join(fields, ","))
	return nil
}

// jsonFields returns the JSON names of T's top-level fields.
func jsonFields[T any]() map[string]bool {
	t := reflect.TypeFor[T]()
	out := map[string]bool{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out[name] = true
		}
	}
	return out
}

// checkID refuses ids that cannot be a path segment.
func checkID(id string) error {
	if id == "" {
		return &ParamError{Param: "id", Reason: "empty"}
	}
	if id == "." || id == ".." {
		return &ParamError{Param: "id", Reason: fmt.Sprintf("%q is not a document id", id)}
	}
	return nil
}
