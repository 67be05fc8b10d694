package buildinfo_test

import (
	"fmt"
	"runtime/debug"

	"github.com/lifeops/lifeops/examples/internal/buildinfo"
)

// The line a program prints on -version; buildinfo.Read() gives the
// running binary's.
func ExampleFrom() {
	info := buildinfo.From(&debug.BuildInfo{
		GoVersion: "go1.26.0",
		Path:      "github.com/lifeops/lifeops/examples/migrate",
		Main:      debug.Module{Path: "github.com/lifeops/lifeops", Version: "v1.4.0"},
	})
	fmt.Println(info)
	// Output: github.com/lifeops/lifeops/examples/migrate v1.4.0 go1.26.0
}
