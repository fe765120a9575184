// Command controller is avil4's example operator: a controller-runtime
// manager that programs an Avi controller for LoadBalancer Services (one
// VirtualService each), shared-VIP groups (one VirtualService per
// ako.vmware.com/enable-shared-vip key), gateway.networking.k8s.io/v1
// Gateways with TCP, UDP and SCTP listeners, TCPRoutes and UDPRoutes, and
// legacy networking.x-k8s.io/v1alpha1 Gateways (AKO's services-API mode)
// when their CRDs are installed.
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
// config/ holds the kustomize manifests to deploy it: least-privilege RBAC
// for the default (ClusterIP) mode, components for NodePort
// (config/rbac/nodeport), NodePortLocal (config/rbac/nodeportlocal) and
// authenticated HTTPS metrics (config/metrics), the Deployment with probes
// and the credentials Secret; Dockerfile builds the image. The default
// kustomization needs no CRD: Gateways are served when the Gateway API CRDs
// are installed (legacy ones when AKO's networking.x-k8s.io CRDs, or the
// stand-ins in config/crd/legacy-gateways.yaml, are), and the sample
// GatewayClass lives apart in config/samples.
// The reconcilers live in package reconciler, written to be read top to
// bottom.
//
// Flags cover every l4.Options field (--cluster, --tenant, --cloud,
// --se-group, --vrf, --license, --mode, --default-lb-controller,
// --vip-network/--vip-cidr/--vip-v6cidr, --node-network/--node-cidr,
// --ip-family, --t1lr, --enable-rhi, --bgp-peer-label, --auto-fqdn,
// --fqdn-subdomain, --healthz-monitor, --gateway-controller, --load-balancer-class, --created-by),
// the Avi connection (--avi-controller, --avi-username, --avi-password-file,
// --avi-ca-file, --avi-insecure-skip-verify, --avi-insecure-http,
// --avi-version), the API server (--kubeconfig, --local-apiserver,
// --gateway-crds), the reconcilers (--resync-period, --max-backoff,
// --retry-invalid-after, --apply-concurrency), the manager (--leader-elect,
// --leader-election-namespace, --metrics-bind-address, --metrics-secure,
// --health-probe-bind-address) and logging (zap's --zap-log-level,
// --zap-encoder, --zap-devel, --zap-stacktrace-level, --zap-time-encoding;
// --dev-logs is --zap-devel). -h prints them all and exits 0.
//
// Its own marks are the defaults: GatewayClass controllerName
// avil4.io/l4-gateway and created_by avil4-<cluster>, so it can run beside
// AKO (whose marks, ako.vmware.com/avi-lb and ako-<cluster>, are the
// library's defaults); pass AKO's to take over AKO's objects on purpose.
// The password is read from its file at every login and never logged.
package main
