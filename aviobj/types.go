package aviobj

// This file holds the typed Avi objects. Field names, JSON types and enum
// strings follow the controller's published swagger schema (version 30.2.1).
// Only the fields an L4 translation sets or reads are modelled; the schema has
// many more, which a controller fills with defaults.
//
// Conventions:
//   - A field whose zero value means something on the wire (traffic_enabled
//     false, enable_ssl false, index 0) is either a pointer or has no
//     omitempty, so it is sent.
//   - Server-filled fields (uuid, url, _last_modified) are present so live
//     objects decode, and are ignored by Equal and Diff.

// VirtualService is an Avi virtual service: the listener (VIP ports) of a load
// balancer. REST type "virtualservice".
type VirtualService struct {
	UUID         string `json:"uuid,omitempty"`
	URL          string `json:"url,omitempty"`
	LastModified string `json:"_last_modified,omitempty"`

	Name                        string       `json:"name"`
	TenantRef                   string       `json:"tenant_ref,omitempty"`
	CloudRef                    string       `json:"cloud_ref,omitempty"`
	CreatedBy                   string       `json:"created_by,omitempty"`
	Description                 string       `json:"description,omitempty"`
	ApplicationProfileRef       string       `json:"application_profile_ref,omitempty"`
	NetworkProfileRef           string       `json:"network_profile_ref,omitempty"`
	SEGroupRef                  string       `json:"se_group_ref,omitempty"`
	VRFContextRef               string       `json:"vrf_context_ref,omitempty"`
	VsVipRef                    string       `json:"vsvip_ref,omitempty"`
	PoolRef                     string       `json:"pool_ref,omitempty"`
	Services                    []Service    `json:"services,omitempty"`
	L4Policies                  []L4Policies `json:"l4_policies,omitempty"`
	Enabled                     *bool        `json:"enabled,omitempty"`
	TrafficEnabled              *bool        `json:"traffic_enabled,omitempty"`
	RemoveListeningPortOnVsDown *bool        `json:"remove_listening_port_on_vs_down,omitempty"`
	EnableRHI                   *bool        `json:"enable_rhi,omitempty"`
	BGPPeerLabels               []string     `json:"bgp_peer_labels,omitempty"`
	EastWestPlacement           *bool        `json:"east_west_placement,omitempty"`
	IgnPoolNetReach             *bool        `json:"ign_pool_net_reach,omitempty"`
	ServiceMetadata             string       `json:"service_metadata,omitempty"`
	Markers                     []Marker     `json:"markers,omitempty"`
	Type                        string       `json:"type,omitempty"`
}

// Service is one listening port (or port range) of a VirtualService; the
// schema's "Service" definition, sent as VirtualService.services[].
type Service struct {
	// Port is the listening port, 0-65535. Always sent.
	Port int32 `json:"port"`
	// PortRangeEnd is the last port of a range, 1-65535; AKO sets it to Port.
	PortRangeEnd int32 `json:"port_range_end,omitempty"`
	// EnableSSL is always sent: false is meaningful.
	EnableSSL   bool  `json:"enable_ssl"`
	EnableHTTP2 *bool `json:"enable_http2,omitempty"`
	// OverrideNetworkProfileRef gives this port its own network profile; used
	// for the UDP and SCTP ports of a mixed-protocol VirtualService.
	OverrideNetworkProfileRef     string `json:"override_network_profile_ref,omitempty"`
	OverrideApplicationProfileRef string `json:"override_application_profile_ref,omitempty"`
}

// L4Policies attaches an L4PolicySet to a VirtualService (schema "L4Policies").
type L4Policies struct {
	// Index orders the policy sets of a VirtualService. Always sent.
	Index          int32  `json:"index"`
	L4PolicySetRef string `json:"l4_policy_set_ref"`
}

// Marker is a key with values used by the controller for granular RBAC and
// by AKO (and avil4) to tag objects with their Kubernetes origin
// (schema "RoleFilterMatchLabel").
type Marker struct {
	Key    string   `json:"key"`
	Values []string `json:"values,omitempty"`
}

// VsVip holds the virtual IP(s) of a VirtualService. REST type "vsvip".
// VsVip has no created_by field in the schema: its ownership is read from the
// clustername marker.
type VsVip struct {
	UUID         string `json:"uuid,omitempty"`
	URL          string `json:"url,omitempty"`
	LastModified string `json:"_last_modified,omitempty"`

	Name              string    `json:"name"`
	TenantRef         string    `json:"tenant_ref,omitempty"`
	CloudRef          string    `json:"cloud_ref,omitempty"`
	VRFContextRef     string    `json:"vrf_context_ref,omitempty"`
	Tier1LR           string    `json:"tier1_lr,omitempty"`
	EastWestPlacement *bool     `json:"east_west_placement,omitempty"`
	BGPPeerLabels     []string  `json:"bgp_peer_labels,omitempty"`
	DNSInfo           []DNSInfo `json:"dns_info,omitempty"`
	Vip               []Vip     `json:"vip,omitempty"`
	Markers           []Marker  `json:"markers,omitempty"`
}

// Vip is one virtual IP of a VsVip.
type Vip struct {
	// VipID identifies the VIP within its VsVip; AKO uses "0". Required.
	VipID                  string                `json:"vip_id"`
	Enabled                *bool                 `json:"enabled,omitempty"`
	AutoAllocateIP         *bool                 `json:"auto_allocate_ip,omitempty"`
	AutoAllocateIPType     string                `json:"auto_allocate_ip_type,omitempty"`
	AutoAllocateFloatingIP *bool                 `json:"auto_allocate_floating_ip,omitempty"`
	IPAddress              *IPAddr               `json:"ip_address,omitempty"`
	IP6Address             *IPAddr               `json:"ip6_address,omitempty"`
	FloatingIP             *IPAddr               `json:"floating_ip,omitempty"`
	IPAMNetworkSubnet      *IPNetworkSubnet      `json:"ipam_network_subnet,omitempty"`
	PlacementNetworks      []VipPlacementNetwork `json:"placement_networks,omitempty"`
}

// Values of Vip.AutoAllocateIPType.
const (
	AutoAllocateV4Only = "V4_ONLY"
	AutoAllocateV6Only = "V6_ONLY"
	AutoAllocateV4V6   = "V4_V6"
)

// IPNetworkSubnet names the network (and subnet) a VIP is allocated from.
type IPNetworkSubnet struct {
	NetworkRef string        `json:"network_ref,omitempty"`
	Subnet     *IPAddrPrefix `json:"subnet,omitempty"`
	Subnet6    *IPAddrPrefix `json:"subnet6,omitempty"`
	SubnetUUID string        `json:"subnet_uuid,omitempty"`
}

// IPAddr is an address with its type (schema "IpAddr").
type IPAddr struct {
	Addr string `json:"addr"`
	// Type is IPTypeV4, IPTypeV6 or IPTypeDNS.
	Type string `json:"type"`
}

// Values of IPAddr.Type.
const (
	IPTypeV4  = "V4"
	IPTypeV6  = "V6"
	IPTypeDNS = "DNS"
)

// IPAddrPrefix is a subnet (schema "IpAddrPrefix").
type IPAddrPrefix struct {
	IPAddr IPAddr `json:"ip_addr"`
	Mask   int32  `json:"mask"`
}

// DNSInfo is one FQDN served for a VsVip (schema "DnsInfo").
type DNSInfo struct {
	FQDN string `json:"fqdn,omitempty"`
	TTL  int32  `json:"ttl,omitempty"`
	Type string `json:"type,omitempty"`
}

// PlacementNetwork is a network and subnet (IPv4 or IPv6) through which
// the service engines reach pool servers (a pool's placement_networks).
type PlacementNetwork struct {
	NetworkRef string       `json:"network_ref"`
	Subnet     IPAddrPrefix `json:"subnet"`
}

// VipPlacementNetwork is a network and subnets on which a VIP is placed.
type VipPlacementNetwork struct {
	NetworkRef string        `json:"network_ref,omitempty"`
	Subnet     *IPAddrPrefix `json:"subnet,omitempty"`
	Subnet6    *IPAddrPrefix `json:"subnet6,omitempty"`
}

// Pool is a set of backend servers with a health monitor. REST type "pool".
type Pool struct {
	UUID         string `json:"uuid,omitempty"`
	URL          string `json:"url,omitempty"`
	LastModified string `json:"_last_modified,omitempty"`

	Name                             string             `json:"name"`
	TenantRef                        string             `json:"tenant_ref,omitempty"`
	CloudRef                         string             `json:"cloud_ref,omitempty"`
	CreatedBy                        string             `json:"created_by,omitempty"`
	Description                      string             `json:"description,omitempty"`
	VRFRef                           string             `json:"vrf_ref,omitempty"`
	Tier1LR                          string             `json:"tier1_lr,omitempty"`
	Enabled                          *bool              `json:"enabled,omitempty"`
	SNIEnabled                       *bool              `json:"sni_enabled,omitempty"`
	GracefulDisableTimeout           *int32             `json:"graceful_disable_timeout,omitempty"`
	DefaultServerPort                int32              `json:"default_server_port,omitempty"`
	LBAlgorithm                      string             `json:"lb_algorithm,omitempty"`
	LBAlgorithmHash                  string             `json:"lb_algorithm_hash,omitempty"`
	LBAlgorithmConsistentHashHdr     string             `json:"lb_algorithm_consistent_hash_hdr,omitempty"`
	ApplicationPersistenceProfileRef string             `json:"application_persistence_profile_ref,omitempty"`
	MinServersUp                     *int32             `json:"min_servers_up,omitempty"`
	HealthMonitorRefs                []string           `json:"health_monitor_refs,omitempty"`
	PlacementNetworks                []PlacementNetwork `json:"placement_networks,omitempty"`
	Servers                          []Server           `json:"servers,omitempty"`
	ServiceMetadata                  string             `json:"service_metadata,omitempty"`
	Markers                          []Marker           `json:"markers,omitempty"`
}

// Server is one backend of a Pool.
type Server struct {
	IP IPAddr `json:"ip"`
	// Port is the backend port, 1-65535.
	Port int32 `json:"port,omitempty"`
	// Enabled is always sent by avil4: a not-ready endpoint is a disabled
	// server, not a missing one.
	Enabled      *bool  `json:"enabled,omitempty"`
	ServerNode   string `json:"server_node,omitempty"`
	ExternalUUID string `json:"external_uuid,omitempty"`
	Hostname     string `json:"hostname,omitempty"`
	Description  string `json:"description,omitempty"`
}

// PoolGroup spreads the connections an L4 rule selects it for over its
// member pools by ratio. REST type "poolgroup". avil4 makes one for a
// Gateway route with several weighted backends.
type PoolGroup struct {
	UUID         string `json:"uuid,omitempty"`
	URL          string `json:"url,omitempty"`
	LastModified string `json:"_last_modified,omitempty"`

	Name            string            `json:"name"`
	TenantRef       string            `json:"tenant_ref,omitempty"`
	CloudRef        string            `json:"cloud_ref,omitempty"`
	CreatedBy       string            `json:"created_by,omitempty"`
	Description     string            `json:"description,omitempty"`
	Members         []PoolGroupMember `json:"members,omitempty"`
	ServiceMetadata string            `json:"service_metadata,omitempty"`
	Markers         []Marker          `json:"markers,omitempty"`
}

// PoolGroupMember is one pool of a PoolGroup (schema "PoolGroupMember").
type PoolGroupMember struct {
	// PoolRef is the member pool. Required.
	PoolRef string `json:"pool_ref"`
	// Ratio is the member's share of new connections, 1-1000; 0 means
	// "do not select this pool for new connections" (its established
	// connections go on). nil leaves the controller's default, 1.
	// Essentials and Basic editions allow only 1.
	Ratio *int32 `json:"ratio,omitempty"`
	// PriorityLabel: the eligible pools of the highest priority are
	// selected first. avil4 leaves it unset (all members alike).
	PriorityLabel string `json:"priority_label,omitempty"`
}

// Range of PoolGroupMember.Ratio.
const (
	// MaxPoolGroupRatio is the largest member ratio.
	MaxPoolGroupRatio = 1000
)

// L4PolicySet selects a pool per (protocol, port) for an L4 VirtualService.
// REST type "l4policyset".
type L4PolicySet struct {
	UUID         string `json:"uuid,omitempty"`
	URL          string `json:"url,omitempty"`
	LastModified string `json:"_last_modified,omitempty"`

	Name               string              `json:"name"`
	TenantRef          string              `json:"tenant_ref,omitempty"`
	CreatedBy          string              `json:"created_by,omitempty"`
	Description        string              `json:"description,omitempty"`
	IsInternalPolicy   *bool               `json:"is_internal_policy,omitempty"`
	L4ConnectionPolicy *L4ConnectionPolicy `json:"l4_connection_policy,omitempty"`
	Markers            []Marker            `json:"markers,omitempty"`
}

// L4ConnectionPolicy holds the rules applied when a transport connection is
// set up.
type L4ConnectionPolicy struct {
	Rules []L4Rule `json:"rules,omitempty"`
}

// L4Rule matches connections and says what to do with them.
type L4Rule struct {
	// Index orders the rules; required, always sent (0 is valid).
	Index int32 `json:"index"`
	// Name is required.
	Name   string             `json:"name"`
	Enable *bool              `json:"enable,omitempty"`
	Match  *L4RuleMatchTarget `json:"match,omitempty"`
	Action *L4RuleAction      `json:"action,omitempty"`
}

// L4RuleMatchTarget is what an L4Rule matches.
type L4RuleMatchTarget struct {
	Port     *L4RulePortMatch     `json:"port,omitempty"`
	Protocol *L4RuleProtocolMatch `json:"protocol,omitempty"`
}

// L4RulePortMatch matches destination ports.
type L4RulePortMatch struct {
	// MatchCriteria is MatchIsIn or MatchIsNotIn. Required.
	MatchCriteria string      `json:"match_criteria"`
	Ports         []int32     `json:"ports,omitempty"`
	PortRanges    []PortRange `json:"port_ranges,omitempty"`
}

// PortRange is an inclusive range of ports, each 1-65535.
type PortRange struct {
	Start int32 `json:"start"`
	End   int32 `json:"end"`
}

// L4RuleProtocolMatch matches the transport protocol.
type L4RuleProtocolMatch struct {
	// MatchCriteria is MatchIsIn or MatchIsNotIn. Required.
	MatchCriteria string `json:"match_criteria"`
	// Protocol is one of ProtocolTCP, ProtocolUDP, ProtocolSCTP,
	// ProtocolICMP. Required.
	Protocol string `json:"protocol"`
}

// L4RuleAction is what an L4Rule does with a matching connection.
type L4RuleAction struct {
	SelectPool *L4RuleActionSelectPool `json:"select_pool,omitempty"`
}

// L4RuleActionSelectPool sends a connection to a pool (or pool group).
type L4RuleActionSelectPool struct {
	// ActionType is ActionSelectPool or ActionSelectPoolGroup. Required.
	ActionType   string `json:"action_type"`
	PoolRef      string `json:"pool_ref,omitempty"`
	PoolGroupRef string `json:"pool_group_ref,omitempty"`
}

// Enum values used by L4PolicySet rules.
const (
	MatchIsIn    = "IS_IN"
	MatchIsNotIn = "IS_NOT_IN"

	ProtocolTCP  = "PROTOCOL_TCP"
	ProtocolUDP  = "PROTOCOL_UDP"
	ProtocolSCTP = "PROTOCOL_SCTP"
	ProtocolICMP = "PROTOCOL_ICMP"

	ActionSelectPool      = "L4_RULE_ACTION_SELECT_POOL"
	ActionSelectPoolGroup = "L4_RULE_ACTION_SELECT_POOLGROUP"
)

// HealthMonitor checks the health of pool servers. REST type
// "healthmonitor". HealthMonitor has no created_by field in the schema: its
// ownership is read from the clustername marker.
type HealthMonitor struct {
	UUID         string `json:"uuid,omitempty"`
	URL          string `json:"url,omitempty"`
	LastModified string `json:"_last_modified,omitempty"`

	Name        string `json:"name"`
	TenantRef   string `json:"tenant_ref,omitempty"`
	Description string `json:"description,omitempty"`
	// Type is one of the HealthMonitor* type constants. Required.
	Type             string             `json:"type"`
	SendInterval     int32              `json:"send_interval,omitempty"`
	ReceiveTimeout   int32              `json:"receive_timeout,omitempty"`
	FailedChecks     int32              `json:"failed_checks,omitempty"`
	SuccessfulChecks int32              `json:"successful_checks,omitempty"`
	MonitorPort      *int32             `json:"monitor_port,omitempty"`
	TCPMonitor       *HealthMonitorTCP  `json:"tcp_monitor,omitempty"`
	UDPMonitor       *HealthMonitorUDP  `json:"udp_monitor,omitempty"`
	SCTPMonitor      *HealthMonitorSCTP `json:"sctp_monitor,omitempty"`
	HTTPMonitor      *HealthMonitorHTTP `json:"http_monitor,omitempty"`
	Markers          []Marker           `json:"markers,omitempty"`
}

// Values of HealthMonitor.Type used by avil4.
const (
	HealthMonitorTypeTCP  = "HEALTH_MONITOR_TCP"
	HealthMonitorTypeUDP  = "HEALTH_MONITOR_UDP"
	HealthMonitorTypeSCTP = "HEALTH_MONITOR_SCTP"
	HealthMonitorTypeHTTP = "HEALTH_MONITOR_HTTP"
	HealthMonitorTypePing = "HEALTH_MONITOR_PING"
)

// HealthMonitorTCP configures a TCP monitor.
type HealthMonitorTCP struct {
	TCPRequest          string `json:"tcp_request,omitempty"`
	TCPResponse         string `json:"tcp_response,omitempty"`
	TCPHalfOpen         *bool  `json:"tcp_half_open,omitempty"`
	MaintenanceResponse string `json:"maintenance_response,omitempty"`
}

// HealthMonitorUDP configures a UDP monitor.
type HealthMonitorUDP struct {
	UDPRequest          string `json:"udp_request,omitempty"`
	UDPResponse         string `json:"udp_response,omitempty"`
	MaintenanceResponse string `json:"maintenance_response,omitempty"`
}

// HealthMonitorSCTP configures an SCTP monitor (controller 22.1.3 or later,
// Enterprise editions only).
type HealthMonitorSCTP struct {
	SCTPRequest  string `json:"sctp_request,omitempty"`
	SCTPResponse string `json:"sctp_response,omitempty"`
}

// HealthMonitorHTTP configures an HTTP monitor.
type HealthMonitorHTTP struct {
	HTTPRequest      string   `json:"http_request,omitempty"`
	HTTPResponseCode []string `json:"http_response_code,omitempty"`
	HTTPResponse     string   `json:"http_response,omitempty"`
}

// Values of Pool.LBAlgorithm (the schema's enum).
const (
	LBAlgorithmLeastConnections = "LB_ALGORITHM_LEAST_CONNECTIONS"
	LBAlgorithmRoundRobin       = "LB_ALGORITHM_ROUND_ROBIN"
	LBAlgorithmFastestResponse  = "LB_ALGORITHM_FASTEST_RESPONSE"
	LBAlgorithmConsistentHash   = "LB_ALGORITHM_CONSISTENT_HASH"
	LBAlgorithmLeastLoad        = "LB_ALGORITHM_LEAST_LOAD"
	LBAlgorithmFewestServers    = "LB_ALGORITHM_FEWEST_SERVERS"
	LBAlgorithmRandom           = "LB_ALGORITHM_RANDOM"
	LBAlgorithmFewestTasks      = "LB_ALGORITHM_FEWEST_TASKS"
	LBAlgorithmNearestServer    = "LB_ALGORITHM_NEAREST_SERVER"
	LBAlgorithmCoreAffinity     = "LB_ALGORITHM_CORE_AFFINITY"
	LBAlgorithmTopology         = "LB_ALGORITHM_TOPOLOGY"
)

// LBAlgorithms lists the values of Pool.LBAlgorithm.
func LBAlgorithms() []string {
	return []string{LBAlgorithmLeastConnections, LBAlgorithmRoundRobin, LBAlgorithmFastestResponse,
		LBAlgorithmConsistentHash, LBAlgorithmLeastLoad, LBAlgorithmFewestServers, LBAlgorithmRandom,
		LBAlgorithmFewestTasks, LBAlgorithmNearestServer, LBAlgorithmCoreAffinity, LBAlgorithmTopology}
}

// Values of Pool.LBAlgorithmHash (the schema's enum).
const (
	LBAlgorithmHashSourceIP        = "LB_ALGORITHM_CONSISTENT_HASH_SOURCE_IP_ADDRESS"
	LBAlgorithmHashSourceIPAndPort = "LB_ALGORITHM_CONSISTENT_HASH_SOURCE_IP_ADDRESS_AND_PORT"
	LBAlgorithmHashURI             = "LB_ALGORITHM_CONSISTENT_HASH_URI"
	LBAlgorithmHashCustomHeader    = "LB_ALGORITHM_CONSISTENT_HASH_CUSTOM_HEADER"
	LBAlgorithmHashCustomString    = "LB_ALGORITHM_CONSISTENT_HASH_CUSTOM_STRING"
	LBAlgorithmHashCallID          = "LB_ALGORITHM_CONSISTENT_HASH_CALLID"
)

// LBAlgorithmHashes lists the values of Pool.LBAlgorithmHash.
func LBAlgorithmHashes() []string {
	return []string{LBAlgorithmHashSourceIP, LBAlgorithmHashSourceIPAndPort, LBAlgorithmHashURI,
		LBAlgorithmHashCustomHeader, LBAlgorithmHashCustomString, LBAlgorithmHashCallID}
}

// NetworkProfile is a transport profile of a VirtualService or of one of
// its ports. REST type "networkprofile". avil4 creates one only for an SCTP
// port with tuned association settings (type ProtocolTypeSCTPProxy).
// NetworkProfile has no created_by field in the schema: its ownership is
// read from the clustername marker.
type NetworkProfile struct {
	UUID         string `json:"uuid,omitempty"`
	URL          string `json:"url,omitempty"`
	LastModified string `json:"_last_modified,omitempty"`

	Name        string `json:"name"`
	TenantRef   string `json:"tenant_ref,omitempty"`
	Description string `json:"description,omitempty"`
	// Profile is required.
	Profile NetworkProfileUnion `json:"profile"`
	Markers []Marker            `json:"markers,omitempty"`
}

// NetworkProfileUnion is the protocol part of a NetworkProfile: its Type and
// the settings of that type.
type NetworkProfileUnion struct {
	// Type is one of the ProtocolType* values. Always sent.
	Type             string            `json:"type"`
	SCTPProxyProfile *SCTPProxyProfile `json:"sctp_proxy_profile,omitempty"`
}

// Values of NetworkProfileUnion.Type used by avil4.
const (
	ProtocolTypeSCTPProxy = "PROTOCOL_TYPE_SCTP_PROXY"
)

// SCTPProxyProfile holds the association settings of an SCTP proxy
// (controller 22.1.3 or later, Enterprise editions only). A nil field is
// left to the controller's default; the schema's ranges and units are in
// the comments.
type SCTPProxyProfile struct {
	// NumberOfStreams is the number of incoming streams, 1-65535
	// (default 10).
	NumberOfStreams *int32 `json:"number_of_streams,omitempty"`
	// HeartbeatInterval is in seconds, 30-247483647 (default 30).
	HeartbeatInterval *int32 `json:"heartbeat_interval,omitempty"`
	// IdleTimeout is the autoclose timeout in seconds, 0-247483647; 0
	// (the default) turns autoclose off.
	IdleTimeout *int32 `json:"idle_timeout,omitempty"`
	// ReceiveWindow is the send and receive buffer size in KB, 2-65536
	// (default 256).
	ReceiveWindow *int32 `json:"receive_window,omitempty"`
	// CookieExpirationTimeout is in seconds, 60-3600 (default 60).
	CookieExpirationTimeout *int32 `json:"cookie_expiration_timeout,omitempty"`
	// MaxRetransmissionsAssociation is 1-247483647 (default 10).
	MaxRetransmissionsAssociation *int32 `json:"max_retransmissions_association,omitempty"`
	// MaxRetransmissionsInitChunks is 1-247483647 (default 8).
	MaxRetransmissionsInitChunks *int32 `json:"max_retransmissions_init_chunks,omitempty"`
	// ResetTimeout is in seconds, 0-247483647; 0 (the default) means 5
	// times RTO max.
	ResetTimeout *int32 `json:"reset_timeout,omitempty"`
}
