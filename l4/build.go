package l4

import (
	"net/netip"
	"slices"
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/healthmon"
	"github.com/avil4/avil4/policyset"
	"github.com/avil4/avil4/profiles"
)

// vsSpec is what one L4 VirtualService needs besides its ports: the shared
// shape of a dedicated Service, a shared-VIP group and a Gateway.
type vsSpec struct {
	// name of the VirtualService, VsVip and L4PolicySet.
	name string
	// markers of the VirtualService and L4PolicySet.
	markers aviobj.Markers
	// protocolMarker adds the sorted protocols as the L4PolicySet's
	// Protocol marker (dedicated Services, as AKO).
	protocolMarker bool
	// vips are the preferred addresses, at most one per family.
	vips []netip.Addr
	// appProfile replaces System-L4-Application when set.
	appProfile string
	// trafficEnabled is sent when non-nil.
	trafficEnabled *bool
	// metadata is the VirtualService's service_metadata.
	metadata string
	// fqdns become the VsVip's dns_info.
	fqdns []string
}

// portSpec is one (protocol, port) of the VirtualService and its pool.
type portSpec struct {
	key Port
	// pool is "" for a port the VirtualService listens on without a
	// backend (a Gateway listener nothing is bound to).
	pool     string
	markers  aviobj.Markers
	servers  []server
	metadata string
	override *PortOverride
	// healthz replaces the System monitor with this (shared) custom
	// monitor, e.g. the HTTP /healthz monitor of NodePort mode.
	healthz *aviobj.HealthMonitor
	// poolGroup, when set, serves the port instead of pool: a pool group
	// of that name (with groupMarkers) over one pool per member.
	poolGroup    string
	groupMarkers aviobj.Markers
	members      []memberSpec
}

// memberSpec is one pool of a port's pool group: a backend of a weighted
// route.
type memberSpec struct {
	pool     string
	markers  aviobj.Markers
	servers  []server
	metadata string
	// ratio is the member's share of new connections, 0-1000.
	ratio int32
}

// buildL4Set assembles the objects of one L4 VirtualService: VsVip, one pool
// per port with a pool (and the custom health monitors it asks for), or a
// pool group with a pool per member, an L4PolicySet with a rule per pool or
// pool group, and the VirtualService listening on every port with the
// protocol-driven network profiles.
func buildL4Set(o Options, vs vsSpec, ports []portSpec) *aviobj.Set {
	tenantRef := aviobj.RefByName(aviobj.KindTenant, o.Tenant)
	cloudRef := aviobj.RefByName(aviobj.KindCloud, o.Cloud)
	vrfRef := ""
	if o.T1LR == "" {
		vrfRef = aviobj.RefByName(aviobj.KindVRFContext, o.VRF)
	}
	set := &aviobj.Set{Tenant: o.Tenant, ClusterName: o.ClusterName, CreatedBy: o.CreatedBy}
	set.VsVip = buildVsVip(vs.name, o, tenantRef, cloudRef, vrfRef, vs.vips, vs.fqdns)

	protos := make([]corev1.Protocol, 0, len(ports))
	routes := make([]policyset.Route, 0, len(ports))
	newPool := func(name string, proto corev1.Protocol, servers []server, metadata string, markers aviobj.Markers) aviobj.Pool {
		return aviobj.Pool{
			Name:                   name,
			TenantRef:              tenantRef,
			CloudRef:               cloudRef,
			CreatedBy:              o.CreatedBy,
			VRFRef:                 vrfRef,
			Tier1LR:                o.T1LR,
			SNIEnabled:             aviobj.Bool(false),
			GracefulDisableTimeout: aviobj.Int32(1),
			HealthMonitorRefs:      healthmon.SystemRefs(proto),
			PlacementNetworks:      placementNetworks(o),
			Servers:                toAvi(servers),
			ServiceMetadata:        metadata,
			Markers:                markers.List(),
		}
	}
	for _, p := range ports {
		protos = append(protos, p.key.Protocol)
		if p.poolGroup != "" {
			routes = append(routes, policyset.Route{Port: p.key, PoolGroup: p.poolGroup})
			pg := aviobj.PoolGroup{
				Name:      p.poolGroup,
				TenantRef: tenantRef,
				CloudRef:  cloudRef,
				CreatedBy: o.CreatedBy,
				Members:   make([]aviobj.PoolGroupMember, 0, len(p.members)),
				Markers:   p.groupMarkers.List(),
			}
			for _, m := range p.members {
				set.Pools = append(set.Pools, newPool(m.pool, p.key.Protocol, m.servers, m.metadata, m.markers))
				pg.Members = append(pg.Members, aviobj.PoolGroupMember{PoolRef: aviobj.RefByName(aviobj.KindPool, m.pool), Ratio: aviobj.Int32(m.ratio)})
			}
			set.PoolGroups = append(set.PoolGroups, pg)
			continue
		}
		if p.pool == "" {
			continue
		}
		routes = append(routes, policyset.Route{Port: p.key, Pool: p.pool})
		pool := newPool(p.pool, p.key.Protocol, p.servers, p.metadata, p.markers)
		if hz := p.healthz; hz != nil {
			pool.HealthMonitorRefs = []string{healthmon.Ref(hz.Name)}
			if !slices.ContainsFunc(set.HealthMonitors, func(h aviobj.HealthMonitor) bool { return h.Name == hz.Name }) {
				set.HealthMonitors = append(set.HealthMonitors, *hz)
			}
		}
		if ov := p.override; ov != nil {
			monitors := ov.applyToPool(&pool, tenantRef)
			set.HealthMonitors = append(set.HealthMonitors, monitors...)
		}
		set.Pools = append(set.Pools, pool)
	}

	psMarkers := vs.markers
	if vs.protocolMarker {
		psMarkers.Protocol = policyset.ProtocolMarker(routes)
	}
	set.L4PolicySet = &aviobj.L4PolicySet{
		Name:               vs.name,
		TenantRef:          tenantRef,
		CreatedBy:          o.CreatedBy,
		L4ConnectionPolicy: policyset.ConnectionPolicy(routes),
		Markers:            psMarkers.List(),
	}

	choice := profiles.Network(protos, o.License)
	vsProfile := profiles.NetworkRef(choice.VirtualService)
	services := make([]aviobj.Service, len(ports))
	for i, p := range ports {
		services[i] = aviobj.Service{Port: p.key.Port, PortRangeEnd: p.key.Port}
		if ov := choice.ForPort(p.key.Protocol); ov != "" {
			services[i].OverrideNetworkProfileRef = profiles.NetworkRef(ov)
		}
		if ov := p.override; ov != nil {
			ov.applyToService(&services[i])
		}
		if ov := p.override; ov != nil && ov.SCTPProxy != nil && p.key.Protocol == corev1.ProtocolSCTP {
			np := sctpProxyProfile(vs, p, tenantRef, ov.SCTPProxy)
			set.NetworkProfiles = append(set.NetworkProfiles, np)
			ref := aviobj.RefByName(aviobj.KindNetworkProfile, np.Name)
			if len(ports) == 1 {
				// The only port: the VirtualService's own profile, as
				// System-SCTP-Proxy is for an untuned SCTP Service.
				vsProfile, services[i].OverrideNetworkProfileRef = ref, ""
			} else {
				services[i].OverrideNetworkProfileRef = ref
			}
		}
	}
	appProfile := profiles.L4Application
	if vs.appProfile != "" {
		appProfile = vs.appProfile
	}
	v := &aviobj.VirtualService{
		Name:                        vs.name,
		TenantRef:                   tenantRef,
		CloudRef:                    cloudRef,
		CreatedBy:                   o.CreatedBy,
		ApplicationProfileRef:       profiles.ApplicationRef(appProfile),
		NetworkProfileRef:           vsProfile,
		SEGroupRef:                  aviobj.RefByName(aviobj.KindServiceEngineGroup, o.SEGroup),
		VRFContextRef:               vrfRef,
		VsVipRef:                    aviobj.RefByName(aviobj.KindVsVip, vs.name),
		Services:                    services,
		L4Policies:                  []aviobj.L4Policies{{Index: 0, L4PolicySetRef: policyset.Ref(vs.name)}},
		TrafficEnabled:              vs.trafficEnabled,
		RemoveListeningPortOnVsDown: aviobj.Bool(true),
		ServiceMetadata:             vs.metadata,
		Markers:                     vs.markers.List(),
	}
	if o.EnableRHI {
		v.EnableRHI = aviobj.Bool(true)
	}
	set.VirtualService = v
	return set
}

// buildVsVip builds the VsVip: one VIP, auto-allocated from the first VIP
// network, with the preferred address(es) of each family.
func buildVsVip(name string, o Options, tenantRef, cloudRef, vrfRef string, ips []netip.Addr, fqdns []string) *aviobj.VsVip {
	v := aviobj.Vip{VipID: "0", AutoAllocateIP: aviobj.Bool(true)}
	switch o.IPFamily {
	case IPFamilyV6:
		v.AutoAllocateIPType = aviobj.AutoAllocateV6Only
	case IPFamilyV4V6:
		v.AutoAllocateIPType = aviobj.AutoAllocateV4V6
	}
	for _, ip := range ips {
		if ip.Is4() {
			v.IPAddress = &aviobj.IPAddr{Addr: ip.String(), Type: aviobj.IPTypeV4}
		} else {
			v.IP6Address = &aviobj.IPAddr{Addr: ip.String(), Type: aviobj.IPTypeV6}
		}
	}
	if len(o.VIPNetworks) > 0 {
		n := o.VIPNetworks[0]
		s := &aviobj.IPNetworkSubnet{NetworkRef: networkRef(n.NetworkName, n.NetworkUUID)}
		if n.CIDR != "" {
			s.Subnet = prefix(n.CIDR)
		}
		if n.V6CIDR != "" {
			s.Subnet6 = prefix(n.V6CIDR)
		}
		v.IPAMNetworkSubnet = s
	}
	vsvip := &aviobj.VsVip{
		Name:              name,
		TenantRef:         tenantRef,
		CloudRef:          cloudRef,
		VRFContextRef:     vrfRef,
		Tier1LR:           o.T1LR,
		EastWestPlacement: aviobj.Bool(false),
		Vip:               []aviobj.Vip{v},
		Markers:           aviobj.Markers{ClusterName: o.ClusterName}.List(),
	}
	vsvip.DNSInfo = dnsInfo(fqdns)
	if o.EnableRHI && len(o.BGPPeerLabels) > 0 {
		vsvip.BGPPeerLabels = append([]string(nil), o.BGPPeerLabels...)
	}
	return vsvip
}

func networkRef(name, uuid string) string {
	if uuid != "" {
		return aviobj.RefByUUID(aviobj.KindNetwork, uuid)
	}
	return aviobj.RefByName(aviobj.KindNetwork, name)
}

func placementNetworks(o Options) []aviobj.PlacementNetwork {
	var out []aviobj.PlacementNetwork
	for _, n := range o.NodeNetworks {
		for _, c := range n.CIDRs {
			if p := prefix(c); p != nil {
				out = append(out, aviobj.PlacementNetwork{NetworkRef: networkRef(n.NetworkName, n.NetworkUUID), Subnet: *p})
			}
		}
	}
	return out
}

// sctpProxyProfile builds the NetworkProfile of a tuned SCTP port. Its
// markers are the VirtualService's identity plus the port, so it belongs
// to the Set even when the port has no pool (a Gateway listener nothing
// is bound to).
func sctpProxyProfile(vs vsSpec, p portSpec, tenantRef string, s *profiles.SCTPProxySettings) aviobj.NetworkProfile {
	m := vs.markers
	m.Port, m.Protocol = strconv.Itoa(int(p.key.Port)), string(p.key.Protocol)
	return profiles.BuildSCTPProxy(profiles.SCTPProxyName(vs.name, string(p.key.Protocol), p.key.Port), tenantRef, m.List(), s)
}
