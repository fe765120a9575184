package avitest

import "fmt"

// Start is New returning an error instead of panicking: for an invalid
// option (a VIP range or network that is not a CIDR) and when the fake
// cannot listen. Close the Server when done.
func Start(opts ...Option) (s *Server, err error) {
	c := config{}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	for _, r := range c.vipRanges {
		if _, err := newIPPool(r); err != nil {
			return nil, fmt.Errorf("avitest: VIP range: %w", err)
		}
	}
	for _, n := range c.networks {
		if _, err := newIPPool(n[1]); err != nil {
			return nil, fmt.Errorf("avitest: network %s: %w", n[0], err)
		}
	}
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("avitest: starting the fake controller: %v", r)
		}
	}()
	return New(opts...), nil
}
