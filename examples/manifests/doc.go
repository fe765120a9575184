// Package manifests bundles the example Kubernetes manifests, so the
// translate example works from any directory of a fresh clone:
//
//   - sctp-loadbalancer.yaml and sctp-gateway-v1alpha1.yaml: the two
//     manifests of AKO's SCTP feature description, verbatim;
//   - mixed-protocol-same-port.yaml: TCP, UDP and SCTP on one port number;
//   - nodeport-mode.yaml: a Service with node ports and its Nodes, for
//     --mode NodePort;
//   - static-ip.yaml: a preferred VIP from spec.loadBalancerIP and from the
//     ako.vmware.com/load-balancer-ip annotation;
//   - ipv6.yaml: an IPv6-only Service with a preferred IPv6 VIP.
package manifests
