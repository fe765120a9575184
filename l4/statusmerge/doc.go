// Package statusmerge merges the status that package l4 computes
// (l4.ServiceStatus, l4.GatewayStatus, the route parents of
// l4.GatewayResult) into the status an object already has, the way an
// operator writes it: transition times of conditions whose status did not
// change are kept, conditions and entries of other owners are left alone,
// and each function reports whether anything changed, so a converged object
// is not written again.
//
// The functions are pure: they change none of their arguments and return
// copies.
//
//	lb, conds := l4.ServiceStatus(svc, res, applied.VIPs)
//	if st, changed := statusmerge.Service(svc.Status, lb, conds); changed {
//		svc.Status = st // then write the status subresource
//	}
package statusmerge
