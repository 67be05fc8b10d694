package lifeops_test

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/lifeops/lifeops"

// listedPackage is the part of `go list -json` output the layer rule needs.
type listedPackage struct {
	ImportPath string
	Deps       []string
}

// TestLayerRule guards the layers of the package map: arrows point down only. It reads
// the transitive dependencies of every package in the module (tests excluded)
// and fails when one reaches a package above it or an adapter it must not know.
func TestLayerRule(t *testing.T) {
	t.Parallel()
	pkgs := listModule(t)
	if len(pkgs) == 0 {
		t.Fatal("go list found no packages")
	}

	bun := "github.com/uptrace/bun"
	pure := []string{module + "/lifeops", module + "/oura", module + "/store", module + "/workstats", module + "/examples", bun, "net/http", "database/sql"}
	// The Oura client and its fake serve programs that want Oura and not
	// the LifeOps domain; only the adapter, oura/ourahealth, brings it.
	domain := []string{module + "/lifeops", module + "/score", module + "/timeline", "github.com/shopspring/decimal"}
	rules := []struct {
		layer     string   // package path prefix the rule applies to
		exact     bool     // the rule applies to the package layer alone, not to those below it
		forbidden []string // package path prefixes none of its dependencies may have
		why       string   // what the rule guards, when more than the direction of the arrows
	}{
		{module + "/score", false, append(slices.Clone(pure), module+"/timeline"), ""},
		{module + "/timeline", false, append(slices.Clone(pure), module+"/score"), ""},
		{module + "/lifeops", false, []string{module + "/oura", module + "/store", module + "/workstats", module + "/examples", bun, "net/http"}, ""},
		{module + "/oura", false, []string{module + "/store", module + "/workstats", module + "/examples"}, ""},
		{module + "/oura", true, domain, "the Oura client brings no LifeOps domain; the adapter is oura/ourahealth"},
		{module + "/oura/ouratest", true, domain, "the fake Oura brings no LifeOps domain"},
		{module + "/store", false, []string{module + "/oura", module + "/workstats", module + "/examples"}, ""},
		// The work-life adapters import lifeops, timeline and civil; the
		// shared workstats package and its internal packages sit under
		// them, and no source imports another.
		{module + "/workstats", false, []string{module + "/oura", module + "/store", module + "/examples", bun}, ""},
		{module + "/workstats/activitywatch", false, []string{module + "/workstats/ical"}, ""},
		{module + "/workstats/ical", false, []string{module + "/workstats/activitywatch"}, ""},
		// The mountable HTTP API works on any store through the Service:
		// it reaches no backend, and no program or worker above it.
		{module + "/examples/server/api", false, []string{module + "/store", module + "/workstats", module + "/examples/server/worker", bun, "database/sql"},
			"the HTTP API reaches the data through lifeops.Service only; the program wires the store"},
		{module + "/examples/server/worker", false, []string{module + "/store", module + "/workstats", bun, "database/sql"},
			"the worker runs use cases of lifeops.Service only"},
	}
	// The leaves below every layer: the civil date and clock, and the one
	// validation error. They import the standard library only.
	leaves := map[string]bool{module + "/lifeops/civil": true, module + "/lifeops/check": true}
	checked := 0
	for _, p := range pkgs {
		if leaves[p.ImportPath] {
			checked++
			for _, d := range p.Deps {
				if strings.Contains(strings.Split(d, "/")[0], ".") {
					t.Errorf("%s is a leaf below every layer and may import only the standard library, but depends on %s", p.ImportPath, d)
				}
			}
			continue
		}
		for _, r := range rules {
			if !under(p.ImportPath, r.layer) || r.exact && p.ImportPath != r.layer {
				continue
			}
			checked++
			for _, d := range p.Deps {
				if leaves[d] {
					continue // the shared leaves sit below every layer
				}
				for _, f := range r.forbidden {
					if !under(d, f) {
						continue
					}
					if r.why != "" {
						t.Errorf("%s depends on %s: %s", p.ImportPath, d, r.why)
					} else {
						t.Errorf("%s depends on %s: arrows point down only (see the package map in README.md)", p.ImportPath, d)
					}
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no package of the module was checked")
	}
}

// under reports whether path is prefix or a package below it. database/sql is
// matched exactly: its driver subpackage holds only interfaces that value
// types such as decimal.Decimal and uuid.UUID implement, and brings no I/O.
func under(path, prefix string) bool {
	if prefix == "database/sql" {
		return path == prefix
	}
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

func listModule(t *testing.T) []listedPackage {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Deps", module+"/...")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var pkgs []listedPackage
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}
