package lifeops

import (
	"reflect"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// DefaultTodayCache is how many people's Today a Service keeps when
// Config.TodayCache is zero.
const DefaultTodayCache = 1024

// todayCache keeps the Today last built for a person and the date asked
// for, with the person's data version it was read at and the minute of the
// Clock it was built in. An entry answers only while both are unchanged:
// every unit of work raises the data version in the store (in every
// process), and what Today shows moves with the clock by the minute, so an
// answer from the cache is the answer Today would build. Writes made
// around the Service, straight to the store and outside a unit of work,
// show from the next minute.
type todayCache struct {
	mu      sync.Mutex
	max     int
	entries map[todayKey]todayEntry
}

type todayKey struct {
	user uuid.UUID
	date civil.Date // as asked: zero for the person's current day
}

type todayEntry struct {
	version int64
	minute  time.Time
	value   Today
}

func newTodayCache(size int) *todayCache {
	if size < 0 {
		return nil
	}
	if size == 0 {
		size = DefaultTodayCache
	}
	return &todayCache{max: size, entries: make(map[todayKey]todayEntry)}
}

// has reports whether there is an entry for k at all, to tell whether
// asking the store for the data version can pay off.
func (c *todayCache) has(k todayKey, minute time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	return ok && e.minute.Equal(minute)
}

// get returns a copy of the entry for k when it is of version and minute.
func (c *todayCache) get(k todayKey, version int64, minute time.Time) (Today, bool) {
	c.mu.Lock()
	e, ok := c.entries[k]
	c.mu.Unlock()
	if !ok || e.version != version || !e.minute.Equal(minute) {
		return Today{}, false
	}
	return deepCopy(e.value), true
}

// forget drops every entry of the person; a nil cache has none.
func (c *todayCache) forget(user uuid.UUID) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.entries {
		if k.user == user {
			delete(c.entries, k)
		}
	}
}

// put keeps a copy of t for k; when full, an arbitrary entry makes room.
func (c *todayCache) put(k todayKey, version int64, minute time.Time, t Today) {
	v := deepCopy(t)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[k]; !ok && len(c.entries) >= c.max {
		for old := range c.entries {
			delete(c.entries, old)
			break
		}
	}
	c.entries[k] = todayEntry{version: version, minute: minute, value: v}
}

// deepCopy returns a copy of v that shares no slice, map or pointer with
// it, so a value handed out can be changed by its caller without changing
// what is kept. Struct fields that are not exported are copied as they are:
// the types that hide theirs here (time.Time, decimal.Decimal, uuid.UUID)
// are values that are never changed in place.
func deepCopy[T any](v T) T {
	out := reflect.New(reflect.TypeFor[T]()).Elem()
	copyValue(out, reflect.ValueOf(&v).Elem())
	return out.Interface().(T)
}

func copyValue(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		p := reflect.New(src.Type().Elem())
		copyValue(p.Elem(), src.Elem())
		dst.Set(p)
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			copyValue(s.Index(i), src.Index(i))
		}
		dst.Set(s)
	case reflect.Map:
		if src.IsNil() {
			return
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		for it := src.MapRange(); it.Next(); {
			val := reflect.New(src.Type().Elem()).Elem()
			copyValue(val, it.Value())
			m.SetMapIndex(it.Key(), val)
		}
		dst.Set(m)
	case reflect.Struct:
		dst.Set(src) // unexported fields as they are
		for i := range src.NumField() {
			if src.Type().Field(i).IsExported() {
				copyValue(dst.Field(i), src.Field(i))
			}
		}
	case reflect.Array:
		for i := range src.Len() {
			copyValue(dst.Index(i), src.Index(i))
		}
	default:
		dst.Set(src)
	}
}
