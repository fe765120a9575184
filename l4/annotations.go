package l4

// Annotation and label keys read from Services, Pods and EndpointSlices.
const (
	// AnnotationLoadBalancerIP is the preferred VIP, used when
	// spec.loadBalancerIP is empty.
	AnnotationLoadBalancerIP = "ako.vmware.com/load-balancer-ip"
	// AnnotationApplicationProfile names the VirtualService's application
	// profile instead of System-L4-Application.
	AnnotationApplicationProfile = "ako.vmware.com/application-profile"
	// AnnotationDisableTraffic set to "true" (any case) creates the
	// VirtualService with traffic_enabled false.
	AnnotationDisableTraffic = "ako.vmware.com/disable-traffic"
	// AnnotationSharedVIP groups LoadBalancer Services of one namespace
	// into one VirtualService; such Services are not translated alone.
	AnnotationSharedVIP = "ako.vmware.com/enable-shared-vip"
	// AnnotationInfraSetting names the AviInfraSetting of a Service or,
	// on a Namespace, of its Services and Gateways (the Service's wins).
	AnnotationInfraSetting = "aviinfrasetting.ako.vmware.com/name"
	// AnnotationTenant on a Namespace names the Avi tenant of its objects.
	AnnotationTenant = "ako.vmware.com/tenant-name"
	// AnnotationSkipNodePort (any value) uses pod IPs as servers even in
	// NodePort mode.
	AnnotationSkipNodePort = "skipnodeport.ako.vmware.com/enabled"
	// AnnotationNodePortLocal is Antrea's pod annotation listing the node
	// ports it maps to the pod's ports.
	AnnotationNodePortLocal = "nodeportlocal.antrea.io"

	// LabelServiceName links an EndpointSlice to its Service.
	LabelServiceName = "kubernetes.io/service-name"
	// LabelExcludeFromLB keeps a node out of load balancer backends.
	LabelExcludeFromLB = "node.kubernetes.io/exclude-from-external-load-balancers"
)
