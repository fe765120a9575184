//go:build !linux

package apply_test

import "time"

// resetPeakRSS reports false: only Linux's /proc resets a peak RSS.
func resetPeakRSS() bool { return false }

// peakRSS is 0: measured on Linux only.
func peakRSS() uint64 { return 0 }

// cpuTime is 0: measured on Linux only.
func cpuTime() time.Duration { return 0 }
