// Package buildinfo tells which build of a LifeOps program is running, from
// the information the Go toolchain records in every binary
// (runtime/debug.ReadBuildInfo): the main package, the module version (a
// release tag when installed with go install …@vX.Y.Z, "(devel)" when built
// from a checkout), the VCS revision and time when the build recorded them,
// and the Go version. The example programs print it on -version.
package buildinfo

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// Info describes one build.
type Info struct {
	// Path is the main package's import path.
	Path string `json:"path"`
	// Module is the main module's path.
	Module string `json:"module"`
	// Version is the main module's version: a tag such as v1.2.0, a
	// pseudo-version, or "(devel)" for a build from a source checkout.
	Version string `json:"version"`
	// Revision is the VCS commit the binary was built from; empty when
	// the build did not record it (-buildvcs=false, or not in a checkout).
	Revision string `json:"revision,omitempty"`
	// Time is the commit time of Revision, RFC 3339.
	Time string `json:"time,omitempty"`
	// Modified reports uncommitted changes in the checkout at build time.
	Modified bool `json:"modified,omitempty"`
	// GoVersion is the toolchain that built the binary.
	GoVersion string `json:"go"`
}

// Read returns the running binary's Info. Without build information (a
// binary built in a way that records none) every field but GoVersion
// says "unknown".
func Read() Info {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return Info{Path: "unknown", Module: "unknown", Version: "unknown", GoVersion: "unknown"}
	}
	return From(bi)
}

// From extracts the Info of a build.
func From(bi *debug.BuildInfo) Info {
	info := Info{Path: bi.Path, Module: bi.Main.Path, Version: bi.Main.Version, GoVersion: bi.GoVersion}
	if info.Version == "" {
		info.Version = "(devel)"
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Revision = s.Value
		case "vcs.time":
			info.Time = s.Value
		case "vcs.modified":
			info.Modified = s.Value == "true"
		}
	}
	return info
}

// String is one line for -version: the package, its version, the revision
// (shortened, with its time and "modified" when so) and the Go version.
func (i Info) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", i.Path, i.Version)
	if i.Revision != "" {
		rev := i.Revision
		if len(rev) > 12 {
			rev = rev[:12]
		}
		b.WriteString(" (" + rev)
		if i.Time != "" {
			b.WriteString(" " + i.Time)
		}
		if i.Modified {
			b.WriteString(", modified")
		}
		b.WriteString(")")
	}
	b.WriteString(" " + i.GoVersion)
	return b.String()
}
