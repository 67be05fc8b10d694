//go:build unix

package timeline_test

import "syscall"

// cpuNanos is the CPU time (user and system) this process has used. Shared
// machines make wall-clock benchmarks noisy; CPU time is not slowed by other
// processes waiting for the same cores.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
