package aviobj

// Marker keys, spelled as AKO spells them (AKO uses the Go field names of its
// marker struct as keys).
const (
	MarkerClusterName      = "clustername"
	MarkerNamespace        = "Namespace"
	MarkerInfraSettingName = "InfrasettingName"
	MarkerServiceName      = "ServiceName"
	MarkerPort             = "Port"
	MarkerProtocol         = "Protocol"
	MarkerGatewayName      = "GatewayName"
)

// Markers describes where an object comes from. List turns it into the
// markers AKO would send: clustername first, then every non-empty field in
// the order Namespace, InfrasettingName, ServiceName, Port, Protocol,
// GatewayName.
type Markers struct {
	ClusterName      string
	Namespace        string
	InfraSettingName string
	ServiceName      string
	Port             string
	Protocol         string
	GatewayName      string
}

// List returns the markers in wire form.
func (m Markers) List() []Marker {
	kvs := [...]struct{ k, v string }{
		{MarkerClusterName, m.ClusterName},
		{MarkerNamespace, m.Namespace},
		{MarkerInfraSettingName, m.InfraSettingName},
		{MarkerServiceName, m.ServiceName},
		{MarkerPort, m.Port},
		{MarkerProtocol, m.Protocol},
		{MarkerGatewayName, m.GatewayName},
	}
	n := 1
	for _, kv := range kvs[1:] {
		if kv.v != "" {
			n++
		}
	}
	// Two allocations whatever the number of markers: the markers and
	// one backing array for their single values.
	out := make([]Marker, 0, n)
	values := make([]string, n)
	for i, kv := range kvs {
		if i > 0 && kv.v == "" {
			continue
		}
		j := len(out)
		values[j] = kv.v
		out = append(out, Marker{Key: kv.k, Values: values[j : j+1 : j+1]})
	}
	return out
}

// MarkerValue returns the first value of the marker with the given key, and
// whether the key is present.
func MarkerValue(markers []Marker, key string) (string, bool) {
	for _, m := range markers {
		if m.Key == key {
			if len(m.Values) == 0 {
				return "", true
			}
			return m.Values[0], true
		}
	}
	return "", false
}

// CreatedBy is the created_by value that marks an object as owned by the
// given cluster: "ako-<cluster>", as AKO writes it, so objects created by
// avil4 and by AKO for the same cluster name are recognised as the same
// owner's.
func CreatedBy(cluster string) string { return "ako-" + cluster }
