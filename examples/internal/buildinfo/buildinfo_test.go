package buildinfo

import (
	"runtime/debug"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFrom(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		bi   debug.BuildInfo
		want Info
		line string
	}{
		{
			name: "release installed with go install",
			bi: debug.BuildInfo{GoVersion: "go1.26.0", Path: "github.com/lifeops/lifeops/examples/migrate",
				Main: debug.Module{Path: "github.com/lifeops/lifeops", Version: "v1.4.0"}},
			want: Info{Path: "github.com/lifeops/lifeops/examples/migrate", Module: "github.com/lifeops/lifeops", Version: "v1.4.0", GoVersion: "go1.26.0"},
			line: "github.com/lifeops/lifeops/examples/migrate v1.4.0 go1.26.0",
		},
		{
			name: "checkout with VCS stamping, uncommitted changes",
			bi: debug.BuildInfo{GoVersion: "go1.26.8", Path: "github.com/lifeops/lifeops/examples/migrate",
				Main: debug.Module{Path: "github.com/lifeops/lifeops", Version: "(devel)"},
				Settings: []debug.BuildSetting{
					{Key: "CGO_ENABLED", Value: "0"},
					{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
					{Key: "vcs.time", Value: "2027-01-02T03:04:05Z"},
					{Key: "vcs.modified", Value: "true"},
				}},
			want: Info{Path: "github.com/lifeops/lifeops/examples/migrate", Module: "github.com/lifeops/lifeops", Version: "(devel)",
				Revision: "0123456789abcdef0123456789abcdef01234567", Time: "2027-01-02T03:04:05Z", Modified: true, GoVersion: "go1.26.8"},
			line: "github.com/lifeops/lifeops/examples/migrate (devel) (0123456789ab 2027-01-02T03:04:05Z, modified) go1.26.8",
		},
		{
			name: "no module version",
			bi:   debug.BuildInfo{GoVersion: "go1.26.8", Path: "command-line-arguments"},
			want: Info{Path: "command-line-arguments", Version: "(devel)", GoVersion: "go1.26.8"},
			line: "command-line-arguments (devel) go1.26.8",
		},
	} {
		got := From(&tt.bi)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: From (-want +got):\n%s", tt.name, diff)
		}
		if got.String() != tt.line {
			t.Errorf("%s: String() = %q, want %q", tt.name, got.String(), tt.line)
		}
	}
}

// TestRead reads this test binary's own build: its package and the
// module it belongs to.
func TestRead(t *testing.T) {
	t.Parallel()
	got := Read()
	if got.Module != "github.com/lifeops/lifeops" || !strings.HasPrefix(got.Path, "github.com/lifeops/lifeops/examples/internal/buildinfo") || !strings.HasPrefix(got.GoVersion, "go1.") {
		t.Errorf("Read() = %+v", got)
	}
}
