package web

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The browser tests drive Debian's Chromium headless through chromedp:
// one browser for the whole test binary, a fresh browser context (its own
// cookies) for each test. Without Chromium they skip, unless
// LIFEOPS_REQUIRE_BROWSER=1 (as CI sets), which makes that a failure.

func TestMain(m *testing.M) {
	code := m.Run()
	shared.close()
	os.Exit(code)
}

var shared browserPool

type browserPool struct {
	once   sync.Once
	ctx    context.Context
	cancel func()
	err    error
}

func (b *browserPool) close() {
	if b.cancel != nil {
		b.cancel()
	}
}

// chromium is the browser to drive: $LIFEOPS_CHROMIUM, else Debian's
// Chromium, else one on PATH.
func chromium() string {
	if p := os.Getenv("LIFEOPS_CHROMIUM"); p != "" {
		return p
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser returns a tab in a browser context of its own, closed when the
// test ends.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromium()
	if path == "" {
		if os.Getenv("LIFEOPS_REQUIRE_BROWSER") == "1" {
			t.Fatal("Chromium is not installed and LIFEOPS_REQUIRE_BROWSER=1: apt-get install chromium")
		}
		t.Skip("Chromium is not installed (apt-get install chromium, or set LIFEOPS_CHROMIUM): skipping the browser test")
	}
	shared.once.Do(func() {
		dir, err := os.MkdirTemp("", "lifeops-chromium-")
		if err != nil {
			shared.err = err
			return
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.UserDataDir(dir), chromedp.WindowSize(1280, 900))
		actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
		bctx, bcancel := chromedp.NewContext(actx)
		shared.ctx = bctx
		shared.cancel = func() {
			bcancel()
			acancel()
			os.RemoveAll(dir)
		}
		shared.err = chromedp.Do(bctx, chromedp.Navigate("about:blank"))
	})
	if shared.err != nil {
		t.Fatalf("start %s: %v", path, shared.err)
	}
	ctx, cancel := chromedp.NewContext(shared.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancelTimeout)
	return ctx
}

// must fails the test on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// text returns the text of the element sel.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(s), " ")
}

// eval evaluates expr in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %.80s: %v", expr, err)
	}
	return v
}

// waitFor waits until the JavaScript condition cond holds.
func waitFor(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(10*time.Second),
		chromedp.WithPollingInterval(25*time.Millisecond))); err != nil {
		t.Fatalf("waiting for %s: %v", cond, err)
	}
}

// quoteJS writes s as a JavaScript string.
func quoteJS(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// signInBrowser signs the tab in with a pairing code typed into the form.
func signInBrowser(t *testing.T, ctx context.Context, f *fixture) {
	t.Helper()
	must(t, chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+"/app/")))
	if loc := eval[string](t, ctx, "location.pathname"); loc != "/app/signin" {
		t.Fatalf("without a session the dashboard is at %s", loc)
	}
	must(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("secret"), f.pairingCode()),
		chromedp.Click(chromedp.CSS(`form[action="/app/signin"] button`)),
		chromedp.WaitVisible(chromedp.ID("xp-total")),
	))
}

// TestBrowserToday: sign in with a pairing code; complete an item and see
// XP and the habits score change in place; postpone one and see it move;
// undo; open an explanation; check accessibility; take screenshots.
func TestBrowserToday(t *testing.T) {
	f := newFixture(t)
	ctx := browser(t)
	signInBrowser(t, ctx, f)
	if h1 := text(t, ctx, "main h1"); h1 != "Today" {
		t.Fatalf("after signing in: %q", h1)
	}
	checkAccessibility(t, ctx, "today")

	// A marker on the window survives only if the page is not reloaded.
	eval[bool](t, ctx, "window.stayed = true")
	xp0, habits0 := text(t, ctx, "#xp-total"), text(t, ctx, "#score-habits")
	stretch := "#" + f.entryID("Stretch", "2026-03-10")
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(stretch+` form[action$="/complete"] button`))))
	waitFor(t, ctx, `document.querySelector(`+quoteJS(stretch)+`).classList.contains("status-completed")`)
	if !eval[bool](t, ctx, "window.stayed === true") {
		t.Error("completing reloaded the page")
	}
	if xp := text(t, ctx, "#xp-total"); xp == xp0 {
		t.Errorf("XP did not change: %s", xp)
	}
	if h := text(t, ctx, "#score-habits"); h == habits0 {
		t.Errorf("the habits score did not change: %s", h)
	}
	if msg := text(t, ctx, "#flash"); !strings.HasPrefix(msg, "Done: Stretch, +") {
		t.Errorf("the status message: %q", msg)
	}
	if focus := eval[string](t, ctx, `document.activeElement.closest("li") ? document.activeElement.closest("li").id + " " + document.activeElement.textContent : document.activeElement.tagName`); !strings.Contains(focus, "Undo") || !strings.HasPrefix(focus, stretch[1:]) {
		t.Errorf("focus after completing: %q", focus)
	}

	// Walk outside (12:30) postponed by an hour moves after Call home (13:00).
	walk, call := f.entryID("Walk outside", "2026-03-10"), f.entryID("Call home", "2026-03-10")
	order := `(() => { const ids = [...document.querySelectorAll("ol.timeline > li")].map(li => li.id); return ids.indexOf(` +
		quoteJS(walk) + `) < ids.indexOf(` + quoteJS(call) + `) })()`
	if !eval[bool](t, ctx, order) {
		t.Fatal("Walk outside is not before Call home to begin with")
	}
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#"+walk+` button[value="1h"]`))))
	waitFor(t, ctx, `!`+order)
	if got := text(t, ctx, "#"+walk+" .when time"); got != "13:30" {
		t.Errorf("Walk outside after +1 h starts at %q", got)
	}
	if got := text(t, ctx, "#"+walk+" .badge"); got != "Postponed" {
		t.Errorf("Walk outside after +1 h: %q", got)
	}
	// Undo puts it back, and undoes the completion too.
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#"+walk+` form[action$="/undo"] button`))))
	waitFor(t, ctx, order)
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(stretch+` form[action$="/undo"] button`))))
	waitFor(t, ctx, `document.querySelector(`+quoteJS(stretch)+`).classList.contains("status-overdue")`)
	if xp := text(t, ctx, "#xp-total"); xp != xp0 {
		t.Errorf("XP after undo: %s, want %s", xp, xp0)
	}

	// A domain's explanation opens on a click and lists its contributors.
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#explain-sleep summary"))))
	waitFor(t, ctx, `document.querySelector("#explain-sleep table").getClientRects().length > 0`)
	rows := eval[[]string](t, ctx, `[...document.querySelectorAll("#explain-sleep tbody th")].map(th => th.firstChild.textContent)`)
	if len(rows) == 0 {
		t.Error("the sleep explanation lists no contributors")
	}
	// It stays open across an in-place update.
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(stretch+` form[action$="/complete"] button`))))
	waitFor(t, ctx, `document.querySelector(`+quoteJS(stretch)+`).classList.contains("status-completed")`)
	if !eval[bool](t, ctx, `document.querySelector("#explain-sleep").open`) {
		t.Error("the open explanation closed on an update")
	}
	checkAccessibility(t, ctx, "today after updates")
	screenshots(t, ctx, "today")
	if *update {
		// The README's picture: the top of Today on a desktop.
		must(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800), chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`)))
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		must(t, err)
		must(t, os.WriteFile(readmeShot, png, 0o644))
		t.Logf("wrote %s (%d bytes)", readmeShot, len(png))
	}
}

// readmeShot is the screenshot the README shows, written by go test
// -run TestBrowserToday -update.
const readmeShot = "dashboard.png"

// screenshots writes the page at 360 and 1280 pixels wide into the test's
// artifact directory (go test -artifacts keeps them); with -update the
// 1280-pixel view also becomes the README's picture.
func screenshots(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := t.ArtifactDir()
	for _, width := range []int64{360, 1280} {
		must(t, chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)))
		if w := eval[int](t, ctx, "document.documentElement.scrollWidth"); w > int(width) {
			t.Errorf("%s at %d px is %d px wide: it scrolls sideways", name, width, w)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		must(t, err)
		path := filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, width))
		must(t, os.WriteFile(path, png, 0o644))
		t.Logf("screenshot %s (%d bytes)", path, len(png))
	}
	must(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)))
}

// interactiveRoles are the roles a person operates or reads a value
// from: each must have an accessible name.
var interactiveRoles = map[string]bool{
	"button": true, "link": true, "textbox": true, "searchbox": true, "combobox": true, "checkbox": true,
	"radio": true, "spinbutton": true, "slider": true, "switch": true, "listbox": true, "menuitem": true,
	"tab": true, "DisclosureTriangle": true, "progressbar": true, "meter": true, "img": true, "image": true,
}

// checkAccessibility checks the page as it stands: every control has an
// accessible name (as Chromium computes it, from its accessibility tree),
// and every piece of visible text meets WCAG AA contrast against the
// background behind it (from computed styles).
func checkAccessibility(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	tree, err := chromedp.Call(ctx, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
	must(t, err)
	controls := 0
	for _, n := range tree.Nodes {
		if n.Ignored || n.Role == nil {
			continue
		}
		var role, name string
		_ = json.Unmarshal(n.Role.Value, &role)
		if !interactiveRoles[role] {
			continue
		}
		controls++
		if n.Name != nil {
			_ = json.Unmarshal(n.Name.Value, &name)
		}
		if strings.TrimSpace(name) == "" {
			html := "?"
			if n.BackendDOMNodeID != 0 {
				if r, err := chromedp.Call(ctx, dom.GetOuterHTML, dom.GetOuterHTMLParams{BackendNodeID: n.BackendDOMNodeID}); err == nil {
					html = r.OuterHTML
				}
			}
			t.Errorf("%s: a %s has no accessible name: %.200s", page, role, html)
		}
	}
	if controls == 0 {
		t.Errorf("%s: the accessibility tree holds no controls", page)
	}
	for _, p := range eval[[]string](t, ctx, contrastJS) {
		t.Errorf("%s: contrast: %s", page, p)
	}
}

// contrastJS lists every element whose own visible text has less
// contrast with the background behind it than WCAG AA asks: 4.5:1, or 3:1
// for large text (24 px, or 18.66 px bold). Backgrounds are composed from
// the element up to the first opaque one, over white.
const contrastJS = `(() => {
  const parse = c => {
    const m = /rgba?\(([^)]+)\)/.exec(c || "");
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a), a: 1 });
  const lum = c => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const background = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let out = { r: 255, g: 255, b: 255, a: 1 };
    for (let i = layers.length - 1; i >= 0; i--) out = over(layers[i], out);
    return out;
  };
  const out = [];
  const seen = new Set();
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const el = n.parentElement;
    if (!el || seen.has(el) || !n.textContent.trim()) continue;
    seen.add(el);
    if (el.closest("script, style, title, [hidden], [aria-hidden=true]")) continue;
    if (!el.getClientRects().length) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility !== "visible" || cs.display === "none") continue;
    const fg0 = parse(el instanceof SVGElement ? cs.fill : cs.color);
    if (!fg0) continue;
    const bg = background(el);
    const fg = over(fg0, bg);
    const a = lum(fg), b = lum(bg);
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(cs.fontSize), bold = parseInt(cs.fontWeight, 10) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) {
      out.push(ratio.toFixed(2) + ":1 < " + need + ":1 for " + JSON.stringify(n.textContent.trim().slice(0, 40)) +
        " in <" + el.tagName.toLowerCase() + (el.className && el.className.baseVal === undefined ? " class=" + el.className : "") + ">" +
        " (" + cs.color + " on rgb(" + [bg.r, bg.g, bg.b].map(Math.round) + "))");
    }
  }
  return out;
})()`

// TestBrowserWithoutScript: with JavaScript off the same forms post and
// the server's redirect shows the page again, changed.
func TestBrowserWithoutScript(t *testing.T) {
	f := newFixture(t)
	ctx := browser(t)
	_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	must(t, err)
	signInBrowser(t, ctx, f)
	xp0 := text(t, ctx, "#xp-total")
	stretch := "#" + f.entryID("Stretch", "2026-03-10")
	_, err = chromedp.Run(ctx, chromedp.WaitEvent(cdppage.LoadEventFired, nil,
		chromedp.Click(chromedp.CSS(stretch+` form[action$="/complete"] button`))))
	must(t, err)
	must(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(stretch+`.status-completed`))))
	if xp := text(t, ctx, "#xp-total"); xp == xp0 {
		t.Errorf("XP did not change: %s", xp)
	}
	if msg := text(t, ctx, "#flash"); !strings.HasPrefix(msg, "Done: Stretch") {
		t.Errorf("the status message after the reload: %q", msg)
	}
}

// TestBrowserPages: every other page of the dashboard passes the
// accessibility check and fits 360 px; screenshots of each.
func TestBrowserPages(t *testing.T) {
	f := newFixture(t)
	ctx := browser(t)
	signInBrowser(t, ctx, f)
	for _, p := range browserPages {
		must(t, chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+p.path), chromedp.WaitVisible(chromedp.CSS("main h1"))))
		if h1 := text(t, ctx, "main h1"); h1 != p.h1 {
			t.Errorf("%s: h1 %q, want %q", p.path, h1, p.h1)
			continue
		}
		checkAccessibility(t, ctx, p.name)
		screenshots(t, ctx, p.name)
	}
}

// browserPages are the pages TestBrowserPages visits.
var browserPages = []struct{ name, path, h1 string }{
	{"trends", "/app/trends", "Trends"},
	{"trends-90", "/app/trends?days=90", "Trends"},
	{"achievements", "/app/achievements", "Achievements"},
	{"items", "/app/items", "Items"},
	{"item-new", "/app/items/new", "New item"},
	{"profile", "/app/profile", "Profile and goals"},
	{"devices", "/app/devices", "Devices"},
	{"oura", "/app/oura", "Oura"},
	{"signin-error", "/app/nowhere", "404: Not Found"},
}

// TestBrowserForms: the item form shows only the fields of the schedule
// chosen and makes a weekly item; a backfill's progress updates itself
// while it runs.
func TestBrowserForms(t *testing.T) {
	f := newFixture(t)
	ctx := browser(t)
	signInBrowser(t, ctx, f)
	must(t, chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+"/app/items/new"), chromedp.WaitVisible(chromedp.ID("f-title"))))
	hidden := `document.getElementById("f-schedule-days").hidden`
	if !eval[bool](t, ctx, hidden) {
		t.Error("the weekly days show for a daily item")
	}
	must(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("f-title"), "Swim"),
		chromedp.SetValue(chromedp.ID("f-schedule-type"), "weekly"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("f-schedule-type").dispatchEvent(new Event("change", {bubbles: true}))`),
	))
	if eval[bool](t, ctx, hidden) {
		t.Fatal("the weekly days stay hidden for a weekly item")
	}
	must(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`input[name="schedule.days"][value="tue"]`)),
		chromedp.Click(chromedp.CSS(`input[name="schedule.days"][value="sat"]`)),
		chromedp.SetValue(chromedp.ID("f-anchor-times"), "07:00"),
		chromedp.Click(chromedp.CSS(`form.itemform button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("ul.items")),
	))
	if msg := text(t, ctx, "#flash"); msg != "Added Swim." {
		t.Errorf("after adding: %q", msg)
	}
	swim := f.storedItem("Swim")
	if got := text(t, ctx, "#item-"+swim.ID.String()); !strings.Contains(got, "Every week on Tue, Sat") || !strings.Contains(got, "at 07:00") {
		t.Errorf("the new item: %q", got)
	}

	must(t, chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+"/app/oura"), chromedp.WaitVisible(chromedp.ID("backfill-from")),
		chromedp.SetValue(chromedp.ID("backfill-from"), "2025-11-01"),
		chromedp.Click(chromedp.CSS(`form[action="/app/oura/backfill"] button`))))
	waitFor(t, ctx, `!!document.getElementById("backfill-progress")`)
	if got := text(t, ctx, "#backfill"); !strings.Contains(got, "0 of 2 chunks, running") {
		t.Errorf("a backfill started: %q", got)
	}
	checkAccessibility(t, ctx, "oura with a backfill")
	f.jobs.advance(f.user.ID)
	f.jobs.advance(f.user.ID)
	// No click: the page fetches itself again while the backfill runs.
	waitFor(t, ctx, `document.getElementById("backfill").textContent.includes("2 of 2 chunks, done")`)
}
