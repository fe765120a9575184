package avitest

import (
	"fmt"
	"net/netip"
	"strings"
)

// ipPool hands out the addresses of one prefix, in order, wrapping around.
type ipPool struct {
	prefix netip.Prefix
	next   netip.Addr
}

func newIPPool(cidr string) (*ipPool, error) {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return nil, fmt.Errorf("parsing VIP range %q: %w", cidr, err)
	}
	p = p.Masked()
	return &ipPool{prefix: p, next: p.Addr().Next()}, nil
}

// usable reports whether a is an address of the pool that may be handed out
// (not the network address, nor the IPv4 broadcast).
func (p *ipPool) usable(a netip.Addr) bool {
	if !p.prefix.Contains(a) || a == p.prefix.Addr() {
		return false
	}
	if a.Is4() {
		n := a.Next()
		return n.IsValid() && p.prefix.Contains(n)
	}
	return true
}

// allocate returns the next usable address for which free is true.
func (p *ipPool) allocate(free func(netip.Addr) bool) (netip.Addr, bool) {
	a := p.next
	for range 1 << 20 {
		if !p.prefix.Contains(a) || !a.IsValid() {
			a = p.prefix.Addr().Next()
		}
		if p.usable(a) && free(a) {
			p.next = a.Next()
			return a, true
		}
		a = a.Next()
		if a == p.next {
			break
		}
	}
	return netip.Addr{}, false
}

// vipAssignment is an address to write into a VsVip body.
type vipAssignment struct {
	vip   map[string]any
	field string // "ip_address" or "ip6_address"
	addr  netip.Addr
}

// planVIPs works out the addresses of the vip[] entries of a VsVip body
// without changing any state: static addresses must be free (or already the
// object's), auto-allocated ones come from the network named by
// ipam_network_subnet.network_ref, else from the default range of the
// family. It returns the assignments and every address the body will hold.
func (s *Server) planVIPs(uuid string, body map[string]any) ([]vipAssignment, []netip.Addr, error) {
	vips, _ := body["vip"].([]any)
	var (
		assign []vipAssignment
		all    []netip.Addr
		taken  = map[netip.Addr]bool{}
	)
	free := func(a netip.Addr) bool {
		owner, used := s.vipsUsed[a]
		return (!used || owner == uuid) && !taken[a]
	}
	for i, v := range vips {
		vip, ok := v.(map[string]any)
		if !ok {
			continue
		}
		for _, field := range []string{"ip_address", "ip6_address"} {
			ipm, ok := vip[field].(map[string]any)
			if !ok {
				continue
			}
			s, _ := ipm["addr"].(string)
			a, err := netip.ParseAddr(s)
			if err != nil {
				return nil, nil, fmt.Errorf("vip[%d].%s.addr: invalid IP address %q", i, field, s)
			}
			if !free(a) {
				return nil, nil, fmt.Errorf("IP address %s is already in use", a)
			}
			taken[a] = true
			all = append(all, a)
		}
		auto, _ := vip["auto_allocate_ip"].(bool)
		if !auto {
			continue
		}
		typ, _ := vip["auto_allocate_ip_type"].(string)
		if typ == "" {
			typ = "V4_ONLY"
		}
		var netUUID string
		if sub, ok := vip["ipam_network_subnet"].(map[string]any); ok {
			if ref, ok := sub["network_ref"].(string); ok {
				netUUID = ref[strings.LastIndex(ref, "/")+1:]
			}
		}
		want := map[string]bool{
			"ip_address":  typ == "V4_ONLY" || typ == "V4_V6",
			"ip6_address": typ == "V6_ONLY" || typ == "V4_V6",
		}
		for _, field := range []string{"ip_address", "ip6_address"} {
			if !want[field] {
				continue
			}
			if _, has := vip[field]; has {
				continue
			}
			pool := s.vipRange4
			if field == "ip6_address" {
				pool = s.vipRange6
			}
			if np := s.networkRanges[netUUID]; np != nil && np.prefix.Addr().Is4() == (field == "ip_address") {
				pool = np
			}
			if pool == nil {
				//lint:ignore ST1005 the controller's own message, quoted in the package doc
				return nil, nil, fmt.Errorf("No available free IPs")
			}
			a, ok := pool.allocate(free)
			if !ok {
				//lint:ignore ST1005 the controller's own message, quoted in the package doc
				return nil, nil, fmt.Errorf("No available free IPs")
			}
			taken[a] = true
			all = append(all, a)
			assign = append(assign, vipAssignment{vip: vip, field: field, addr: a})
		}
	}
	return assign, all, nil
}

// commitVIPs writes the planned addresses into the body and records them as
// held by uuid, releasing the addresses uuid held before and no longer does.
func (s *Server) commitVIPs(uuid string, assign []vipAssignment, all []netip.Addr) {
	for _, a := range assign {
		typ := "V4"
		if a.addr.Is6() {
			typ = "V6"
		}
		a.vip[a.field] = map[string]any{"addr": a.addr.String(), "type": typ}
		a.vip["avi_allocated_vip"] = true
	}
	s.releaseVIPs(uuid)
	for _, a := range all {
		s.vipsUsed[a] = uuid
	}
	s.vipsByObj[uuid] = all
}

// releaseVIPs frees the addresses held by uuid.
func (s *Server) releaseVIPs(uuid string) {
	for _, a := range s.vipsByObj[uuid] {
		if s.vipsUsed[a] == uuid {
			delete(s.vipsUsed, a)
		}
	}
	delete(s.vipsByObj, uuid)
}
