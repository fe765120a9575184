package l4

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Condition vocabulary of Service status.
const (
	// ConditionLoadBalancerPortsError is the Service condition type (from
	// the Service API) that says some ports cannot be served.
	ConditionLoadBalancerPortsError = "LoadBalancerPortsError"
	// ReasonPortsNotServed: at least one port has an error
	// (condition status True).
	ReasonPortsNotServed = "PortsNotServed"
	// ReasonAllPortsServed: every port has a pool (condition status False).
	ReasonAllPortsServed = "AllPortsServed"
)

// ServiceStatus computes the Service's status.loadBalancer and conditions
// from a translation result and the VIP addresses the controller holds for
// it (as the applier reports them; empty before the first apply).
//
// Ingress has one entry per VIP, with the first FQDN of the VsVip as its
// hostname (as AKO). When any port cannot be served, every
// ingress entry lists every port, with error set on the failing ones, as the
// Service API asks. The LoadBalancerPortsError condition is True with a
// message naming each failing port, else False. Conditions carry the
// Service's generation as observedGeneration and no transition time: set
// them with meta.SetStatusCondition, which stamps the time only when the
// status changes.
//
// For a NotOurs result it returns a zero status and no conditions: the
// Service is someone else's to report on. A nil Service and the zero Result
// (nothing was translated) give the same.
func ServiceStatus(svc *corev1.Service, res Result, vips []string) (corev1.LoadBalancerStatus, []metav1.Condition) {
	var st corev1.LoadBalancerStatus
	if svc == nil || res.NotOurs != nil || (res.Set == nil && len(res.Errors) == 0 && len(res.Ports) == 0) {
		return st, nil
	}
	var failed []string
	var ports []corev1.PortStatus
	for _, p := range res.Ports {
		if p.Error != "" {
			failed = append(failed, fmt.Sprintf("%s (spec.ports[%d]): %s", p.Port, p.Index, p.Message))
		}
	}
	if len(failed) > 0 {
		for _, p := range res.Ports {
			ps := corev1.PortStatus{Port: p.Port.Port, Protocol: p.Port.Protocol}
			if p.Error != "" {
				e := p.Error
				ps.Error = &e
			}
			ports = append(ports, ps)
		}
	}
	hostname := ""
	if res.Set != nil && res.Set.VsVip != nil && len(res.Set.VsVip.DNSInfo) > 0 {
		hostname = res.Set.VsVip.DNSInfo[0].FQDN
	}
	for _, ip := range vips {
		in := corev1.LoadBalancerIngress{IP: ip, Hostname: hostname}
		if ports != nil {
			in.Ports = append([]corev1.PortStatus(nil), ports...)
		}
		st.Ingress = append(st.Ingress, in)
	}
	if res.Set == nil && len(res.Errors) > 0 && len(failed) == 0 {
		// The whole Service was refused (e.g. a bad preferred IP): no
		// statement about ports can be made.
		return st, nil
	}
	cond := metav1.Condition{
		Type:               ConditionLoadBalancerPortsError,
		Status:             metav1.ConditionFalse,
		ObservedGeneration: svc.Generation,
		Reason:             ReasonAllPortsServed,
		Message:            "All ports are served.",
	}
	if len(failed) > 0 {
		cond.Status = metav1.ConditionTrue
		cond.Reason = ReasonPortsNotServed
		cond.Message = "Ports cannot be served: " + strings.Join(failed, "; ") + "."
	}
	return st, []metav1.Condition{cond}
}
