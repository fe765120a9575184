package aviobj

import "reflect"

// Object is an Avi object avil4 manages. The pointer types *VirtualService,
// *VsVip, *Pool, *PoolGroup, *L4PolicySet, *HealthMonitor and
// *NetworkProfile implement it.
type Object interface {
	// AviKind is the object's REST type.
	AviKind() Kind
	// AviName is the object's name, unique per kind and tenant.
	AviName() string
}

// AviKind implements Object.
func (*VirtualService) AviKind() Kind { return KindVirtualService }

// AviName implements Object ("" for nil).
func (o *VirtualService) AviName() string {
	if o == nil {
		return ""
	}
	return o.Name
}

// AviKind implements Object.
func (*VsVip) AviKind() Kind { return KindVsVip }

// AviName implements Object ("" for nil).
func (o *VsVip) AviName() string {
	if o == nil {
		return ""
	}
	return o.Name
}

// AviKind implements Object.
func (*Pool) AviKind() Kind { return KindPool }

// AviName implements Object ("" for nil).
func (o *Pool) AviName() string {
	if o == nil {
		return ""
	}
	return o.Name
}

// AviKind implements Object.
func (*PoolGroup) AviKind() Kind { return KindPoolGroup }

// AviName implements Object ("" for nil).
func (o *PoolGroup) AviName() string {
	if o == nil {
		return ""
	}
	return o.Name
}

// AviKind implements Object.
func (*L4PolicySet) AviKind() Kind { return KindL4PolicySet }

// AviName implements Object ("" for nil).
func (o *L4PolicySet) AviName() string {
	if o == nil {
		return ""
	}
	return o.Name
}

// AviKind implements Object.
func (*HealthMonitor) AviKind() Kind { return KindHealthMonitor }

// AviName implements Object ("" for nil).
func (o *HealthMonitor) AviName() string {
	if o == nil {
		return ""
	}
	return o.Name
}

// AviKind implements Object.
func (*NetworkProfile) AviKind() Kind { return KindNetworkProfile }

// AviName implements Object ("" for nil).
func (o *NetworkProfile) AviName() string {
	if o == nil {
		return ""
	}
	return o.Name
}

// Set is everything one LoadBalancer Service, shared-VIP group or Gateway
// needs on the controller: one VirtualService with its VsVip and L4PolicySet,
// one Pool per port (per backend of a weighted Gateway route, whose pools a
// PoolGroup holds), any custom HealthMonitors the pools use, and the
// NetworkProfiles of ports with tuned settings (SCTP). All objects
// of a Set live in one tenant and share one owner (created_by / clustername
// marker).
type Set struct {
	// Tenant is the Avi tenant name the objects live in.
	Tenant string `json:"tenant"`
	// ClusterName is the owning cluster: the clustername marker of every
	// object, and the source of created_by.
	ClusterName string `json:"clusterName"`
	// CreatedBy is the created_by value of the objects that have the field.
	CreatedBy string `json:"createdBy"`

	HealthMonitors  []HealthMonitor  `json:"healthMonitors,omitempty"`
	NetworkProfiles []NetworkProfile `json:"networkProfiles,omitempty"`
	VsVip           *VsVip           `json:"vsvip,omitempty"`
	Pools           []Pool           `json:"pools,omitempty"`
	PoolGroups      []PoolGroup      `json:"poolGroups,omitempty"`
	L4PolicySet     *L4PolicySet     `json:"l4policyset,omitempty"`
	VirtualService  *VirtualService  `json:"virtualservice,omitempty"`
}

// Name is the name of the Set's VirtualService ("" when it has none); it
// identifies the Set within its tenant.
func (s *Set) Name() string {
	if s == nil || s.VirtualService == nil {
		return ""
	}
	return s.VirtualService.Name
}

// Objects lists the Set's objects in the order they must be created, each
// after everything it refers to: HealthMonitors, NetworkProfiles, VsVip,
// Pools, PoolGroups, L4PolicySet, VirtualService. Delete in the reverse order. The returned pointers point
// into s.
func (s *Set) Objects() []Object {
	if s == nil {
		return nil
	}
	out := make([]Object, 0, len(s.HealthMonitors)+len(s.NetworkProfiles)+len(s.Pools)+len(s.PoolGroups)+3)
	for i := range s.HealthMonitors {
		out = append(out, &s.HealthMonitors[i])
	}
	for i := range s.NetworkProfiles {
		out = append(out, &s.NetworkProfiles[i])
	}
	if s.VsVip != nil {
		out = append(out, s.VsVip)
	}
	for i := range s.Pools {
		out = append(out, &s.Pools[i])
	}
	for i := range s.PoolGroups {
		out = append(out, &s.PoolGroups[i])
	}
	if s.L4PolicySet != nil {
		out = append(out, s.L4PolicySet)
	}
	if s.VirtualService != nil {
		out = append(out, s.VirtualService)
	}
	return out
}

// DeepCopy returns an independent copy of s (nil for nil): every pointer,
// slice and nested struct is copied, so changing the copy never changes s.
func (s *Set) DeepCopy() *Set {
	if s == nil {
		return nil
	}
	return copyValue(reflect.ValueOf(s)).Interface().(*Set)
}

// CopyObject returns an independent deep copy of o, of the same kind (nil
// for nil).
func CopyObject(o Object) Object {
	if o == nil {
		return nil
	}
	return copyValue(reflect.ValueOf(o)).Interface().(Object)
}

// copyValue deep-copies the pointers, structs, slices, maps and scalars the
// aviobj types are made of; nil stays nil and empty stays empty.
func copyValue(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(copyValue(v.Elem()))
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		out.Set(v) // unexported fields (none today) keep their value
		for i := range v.NumField() {
			if out.Field(i).CanSet() {
				out.Field(i).Set(copyValue(v.Field(i)))
			}
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(copyValue(v.Index(i)))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			out.SetMapIndex(it.Key(), copyValue(it.Value()))
		}
		return out
	}
	return v
}

// Bool returns a pointer to b, for the optional boolean fields.
func Bool(b bool) *bool { return &b }

// Int32 returns a pointer to i, for the optional integer fields.
func Int32(i int32) *int32 { return &i }
