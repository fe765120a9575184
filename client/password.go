package client

import (
	"fmt"
	"io"
	"log/slog"
)

// redacted is what a Password prints as.
const redacted = "[redacted]"

// Password is a secret that never prints: String, GoString, every fmt verb,
// JSON, text and log marshalling all yield "[redacted]" (an empty Password
// prints as ""), so a Password inside Options or a log line cannot leak.
// Convert it with string(p) only where the secret is really sent.
type Password string

// String implements fmt.Stringer.
func (p Password) String() string {
	if p == "" {
		return ""
	}
	return redacted
}

// GoString implements fmt.GoStringer, for %#v.
func (p Password) GoString() string { return "client.Password(" + fmt.Sprintf("%q", p.String()) + ")" }

// Format implements fmt.Formatter so that every verb (%v, %s, %q, %x, %d...)
// prints the redacted form.
func (p Password) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		_, _ = io.WriteString(f, p.GoString())
	case verb == 'q':
		_, _ = fmt.Fprintf(f, "%q", p.String())
	default:
		_, _ = io.WriteString(f, p.String())
	}
}

// MarshalJSON implements json.Marshaler.
func (p Password) MarshalJSON() ([]byte, error) { return []byte(fmt.Sprintf("%q", p.String())), nil }

// MarshalText implements encoding.TextMarshaler.
func (p Password) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// MarshalLog implements logr.Marshaler.
func (p Password) MarshalLog() any { return p.String() }

// LogValue implements slog.LogValuer.
func (p Password) LogValue() slog.Value { return slog.StringValue(p.String()) }
