// Command controller is avil4's example operator: a controller-runtime
// manager that programs an Avi controller for LoadBalancer Services (one
// VirtualService each), shared-VIP groups (one VirtualService per
// ako.vmware.com/enable-shared-vip key) and gateway.networking.k8s.io/v1
// Gateways with TCP, UDP and SCTP listeners, TCPRoutes and UDPRoutes.
//
// Run it against an embedded fake Avi controller (no Avi needed) with the
// kubeconfig of any cluster:
//
//	go run ./examples/controller --fake-controller
//
// or against a real controller:
//
//	go run ./examples/controller --avi-controller https://avi.example.com \
//	    --avi-username admin --avi-password-file ./password --avi-ca-file ./ca.pem \
//	    --cluster my-cluster --mode ClusterIP --license ENTERPRISE
//
// config/ holds the kustomize manifests to deploy it (least-privilege RBAC,
// Deployment with probes and the credentials Secret). The reconcilers live
// in package reconciler, written to be read top to bottom.
//
// Flags cover every l4.Options field (--cluster, --tenant, --cloud,
// --se-group, --vrf, --license, --mode, --default-lb-controller,
// --vip-network/--vip-cidr/--vip-v6cidr, --node-network/--node-cidr,
// --ip-family, --t1lr, --enable-rhi, --bgp-peer-label, --auto-fqdn,
// --fqdn-subdomain, --healthz-monitor, --gateway-controller), the Avi
// connection (--avi-controller, --avi-username, --avi-password-file,
// --avi-ca-file, --avi-insecure-skip-verify, --avi-insecure-http, --avi-version) and the manager
// (--leader-elect, --metrics-bind-address, --health-probe-bind-address).
// The password is read from its file at every login and never logged.
package main
