package l4

import "k8s.io/apimachinery/pkg/util/validation"

// dns1123LabelProblems is validation.IsDNS1123Label without its regular
// expression for the common case: a name that is a valid label (at most 63
// characters of [a-z0-9-], starting and ending with a letter or digit)
// returns nil at once; any other goes to apimachinery for its messages.
func dns1123LabelProblems(s string) []string {
	if isDNS1123Label(s) {
		return nil
	}
	return validation.IsDNS1123Label(s)
}

// isDNS1123Label reports whether s matches validation's DNS-1123 label
// (^[a-z0-9]([-a-z0-9]*[a-z0-9])?$, at most 63 characters).
func isDNS1123Label(s string) bool {
	if s == "" || len(s) > validation.DNS1123LabelMaxLength || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
