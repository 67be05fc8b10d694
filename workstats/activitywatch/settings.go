package activitywatch

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/workstats"
)

// Kind is what a rule makes of the activity it matches.
type Kind string

// The kinds of rules.
const (
	KindWork    Kind = "work"     // work
	KindMeeting Kind = "meeting"  // work in a meeting (a video call, say)
	KindNotWork Kind = "not_work" // not work, whatever later rules say
)

// Rule classifies activity. Each non-empty matcher must match (they are
// case-insensitive regular expressions in RE2 syntax); rules are tried in
// order and the first that matches decides. Activity no rule matches is
// not work.
type Rule struct {
	Kind Kind `json:"kind"`
	// App matches the application name of the window watcher ("Code",
	// "zoom.us", "firefox"); for a browser window, also the browser's.
	App string `json:"app,omitempty"`
	// Title matches the window's title, or the tab's title in a browser.
	Title string `json:"title,omitempty"`
	// URL matches the address of the active tab (web watcher only).
	URL string `json:"url,omitempty"`
	// Category names one of the person's ActivityWatch categories by its
	// path, "Work" or "Work > Programming"; it matches that category and
	// those below it.
	Category string `json:"category,omitempty"`
}

// Limits of the settings.
const (
	MaxRules        = 200
	MaxPatternLen   = 500
	MaxHosts        = 20
	DefaultMinBreak = 5
)

// Settings are a person's ActivityWatch settings: where their server is,
// which hosts to read, how to classify activity, their working hours and
// how long a pause must be to count as a break. A plain value with a JSON
// form; nothing in it is secret.
type Settings struct {
	// BaseURL is the ActivityWatch server; empty means DefaultBaseURL.
	BaseURL string `json:"base_url,omitempty"`
	// Hosts are the host names to read (a laptop and a desktop that sync
	// to one server, say); empty reads every host with a window and an
	// AFK bucket.
	Hosts []string `json:"hosts,omitempty"`
	Rules []Rule   `json:"rules"`
	// WorkingHours say which work is after-hours, and where breaks count.
	WorkingHours workstats.WorkingHours `json:"working_hours"`
	// MinBreakMinutes is the shortest time away from every computer,
	// inside working hours, that counts as a break: 1 to 240, 0 means
	// DefaultMinBreak (5).
	MinBreakMinutes int `json:"min_break_minutes,omitempty"`
	// Browsers are the application names whose windows take their
	// meaning from the web watcher's tabs; empty means the common
	// browsers (Firefox, Chrome, Chromium, Safari, Edge, Brave, Opera,
	// Vivaldi, Arc).
	Browsers []string `json:"browsers,omitempty"`
}

// defaultBrowsers are matched without case against window app names.
var defaultBrowsers = []string{"firefox", "firefox-esr", "firefox developer edition", "google-chrome", "google chrome", "chrome", "chromium", "chromium-browser",
	"safari", "msedge", "microsoft edge", "microsoft-edge", "brave", "brave browser", "brave-browser", "opera", "vivaldi", "arc", "librewolf", "zen"}

// Validate checks every field; the errors match lifeops.ErrInvalid, one per
// bad field, joined.
func (s Settings) Validate() error {
	_, err := s.compile()
	return err
}

// compiled are settings ready to classify.
type compiled struct {
	rules    []compiledRule
	browsers map[string]bool
	hosts    map[string]bool
	minBreak int
	useCats  bool
}

type compiledRule struct {
	kind            Kind
	app, title, url *regexp.Regexp
	category        []string
}

func (s Settings) compile() (*compiled, error) {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &lifeops.ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	if _, err := parseBase(s.BaseURL); err != nil {
		errs = append(errs, err)
	}
	c := &compiled{browsers: map[string]bool{}, hosts: map[string]bool{}, minBreak: s.MinBreakMinutes}
	if len(s.Hosts) > MaxHosts {
		bad("hosts", "at most %d, got %d", MaxHosts, len(s.Hosts))
	}
	for i, h := range s.Hosts {
		if h == "" || len(h) > 255 {
			bad(fmt.Sprintf("hosts[%d]", i), "must be a host name of 1 to 255 bytes")
		}
		c.hosts[h] = true
	}
	if len(s.Rules) == 0 {
		bad("rules", "at least one rule is needed to tell work from the rest")
	}
	if len(s.Rules) > MaxRules {
		bad("rules", "at most %d, got %d", MaxRules, len(s.Rules))
	}
	for i, r := range s.Rules {
		field := fmt.Sprintf("rules[%d]", i)
		cr := compiledRule{kind: r.Kind}
		switch r.Kind {
		case KindWork, KindMeeting, KindNotWork:
		default:
			bad(field+".kind", "must be work, meeting or not_work, got %q", string(r.Kind))
		}
		if r.App == "" && r.Title == "" && r.URL == "" && r.Category == "" {
			bad(field, "needs at least one of app, title, url or category")
		}
		for _, m := range []struct {
			name, pat string
			into      **regexp.Regexp
		}{{"app", r.App, &cr.app}, {"title", r.Title, &cr.title}, {"url", r.URL, &cr.url}} {
			if m.pat == "" {
				continue
			}
			if len(m.pat) > MaxPatternLen {
				bad(field+"."+m.name, "must be at most %d bytes", MaxPatternLen)
				continue
			}
			re, err := regexp.Compile("(?i)" + m.pat)
			if err != nil {
				bad(field+"."+m.name, "is not a regular expression: %v", err)
				continue
			}
			*m.into = re
		}
		if r.Category != "" {
			c.useCats = true
			for _, part := range strings.Split(r.Category, ">") {
				if part = strings.TrimSpace(part); part == "" || len(part) > 100 {
					bad(field+".category", "must be a path of names such as \"Work > Programming\"")
					break
				}
				cr.category = append(cr.category, part)
			}
		}
		c.rules = append(c.rules, cr)
	}
	if err := s.WorkingHours.Validate(); err != nil {
		errs = append(errs, err)
	}
	switch {
	case s.MinBreakMinutes == 0:
		c.minBreak = DefaultMinBreak
	case s.MinBreakMinutes < 1 || s.MinBreakMinutes > 240:
		bad("min_break_minutes", "must be between 1 and 240, got %d", s.MinBreakMinutes)
	}
	browsers := s.Browsers
	if len(browsers) == 0 {
		browsers = defaultBrowsers
	}
	for _, b := range browsers {
		c.browsers[strings.ToLower(b)] = true
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// hasMeetings reports whether any rule finds meetings; without one the
// source does not know meeting minutes.
func (c *compiled) hasMeetings() bool {
	for _, r := range c.rules {
		if r.kind == KindMeeting {
			return true
		}
	}
	return false
}

// activity is what a stretch of active time shows: the window's app and
// title, and the tab's URL and title when a browser was in front.
type activity struct {
	app, title, url string
}

// classify returns the kind of the first rule a matches, or KindNotWork.
func (c *compiled) classify(a activity, cats *categorizer) Kind {
	var cat []string
	catDone := false
	for _, r := range c.rules {
		if r.app != nil && !r.app.MatchString(a.app) {
			continue
		}
		if r.title != nil && !r.title.MatchString(a.title) {
			continue
		}
		if r.url != nil && (a.url == "" || !r.url.MatchString(a.url)) {
			continue
		}
		if r.category != nil {
			if !catDone {
				cat, catDone = cats.of(a), true
			}
			if !hasPrefixFold(cat, r.category) {
				continue
			}
		}
		return r.kind
	}
	return KindNotWork
}

func hasPrefixFold(path, prefix []string) bool {
	if len(prefix) > len(path) {
		return false
	}
	for i, p := range prefix {
		if !strings.EqualFold(path[i], p) {
			return false
		}
	}
	return true
}

// categorizer puts activity into the person's ActivityWatch categories as
// ActivityWatch does: the deepest category whose rule matches any of the
// strings of the activity.
type categorizer struct {
	cats []compiledCategory
}

type compiledCategory struct {
	name []string
	re   *regexp.Regexp
}

// newCategorizer compiles the categories; one whose regular expression RE2
// cannot read (ActivityWatch's are JavaScript's and Rust's) is returned in
// skipped, to be reported.
func newCategorizer(cats []Category) (*categorizer, []string) {
	c := &categorizer{}
	var skipped []string
	for _, cat := range cats {
		if !strings.EqualFold(cat.Rule.Type, "regex") || cat.Rule.Regex == "" || len(cat.Name) == 0 {
			continue
		}
		pat := cat.Rule.Regex
		if cat.Rule.IgnoreCase {
			pat = "(?i)" + pat
		}
		re, err := regexp.Compile(pat)
		if err != nil || len(pat) > 10*MaxPatternLen {
			skipped = append(skipped, strings.Join(cat.Name, " > "))
			continue
		}
		c.cats = append(c.cats, compiledCategory{name: cat.Name, re: re})
	}
	return c, skipped
}

func (c *categorizer) of(a activity) []string {
	if c == nil {
		return nil
	}
	var best []string
	for _, cat := range c.cats {
		if len(cat.name) <= len(best) {
			continue
		}
		for _, s := range []string{a.app, a.title, a.url} {
			if s != "" && cat.re.MatchString(s) {
				best = cat.name
				break
			}
		}
	}
	return best
}
