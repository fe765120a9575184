package l4

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPoolGroupRatios: backendRef weights (0-1000000) become member ratios
// (0-1000): kept when they fit, reduced by their GCD, else scaled with every
// non-zero weight keeping at least 1.
func TestPoolGroupRatios(t *testing.T) {
	tests := []struct {
		name    string
		weights []int32
		want    []int32
		exact   bool
	}{
		{"fit-80-20", []int32{80, 20}, []int32{80, 20}, true},
		{"zero-kept", []int32{1, 2, 0}, []int32{1, 2, 0}, true},
		{"all-zero", []int32{0, 0}, []int32{0, 0}, true},
		{"max-ratio-fits", []int32{1000, 1}, []int32{1000, 1}, true},
		{"gcd-reduces", []int32{800000, 200000}, []int32{4, 1}, true},
		{"gcd-reduces-to-1000", []int32{1000000, 1000}, []int32{1000, 1}, true},
		{"scaled", []int32{1000000, 1001, 0}, []int32{1000, 1, 0}, false},
		{"scaled-small-kept-at-1", []int32{1000000, 3}, []int32{1000, 1}, false},
		{"scaled-rounded", []int32{1001, 500}, []int32{1000, 500}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, exact := poolGroupRatios(tt.weights)
			if diff := cmp.Diff(tt.want, got); diff != "" || exact != tt.exact {
				t.Errorf("poolGroupRatios(%v) = %v, %v; want %v, %v (-want +got):\n%s", tt.weights, got, exact, tt.want, tt.exact, diff)
			}
		})
	}
}
