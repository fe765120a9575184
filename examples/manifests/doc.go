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
//   - ipv6.yaml: an IPv6-only Service with a preferred IPv6 VIP;
//   - gateway-v1-sctp-tcp-udp.yaml: a v1 Gateway with SCTP, TCP and UDP
//     listeners served by a labelled Service, a TCPRoute and a UDPRoute;
//   - shared-vip.yaml: TCP, UDP and SCTP Services sharing one VIP;
//   - port-overrides.yaml: a custom SCTP health monitor and per-port load
//     balancing.
//   - telco-sctp-tuning.yaml: tuned SCTP associations (sctpProxy) for NGAP,
//     S1AP and Diameter, each port with its own NetworkProfile.
//
// invalid/ holds manifests that are wrong on purpose (not bundled), such as
// gateway-conflict.yaml, where two Services claim one listener; the
// collision-*.yaml files, where two valid objects give the same Avi names;
// and the decode-*.yaml files, documents the decoder refuses beside valid
// ones (decode-list.yaml: Lists).
package manifests
