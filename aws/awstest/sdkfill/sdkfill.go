// Package sdkfill fills aws-sdk-go-v2 shapes with generated values by
// reflection, so a test can send every field an SDK version knows and see
// which ones come back: a field added by a future SDK is filled too, and a
// simulator that drops it fails the test instead of passing unnoticed.
package sdkfill

import (
	"fmt"
	"reflect"
	"strconv"
	"time"
)

// Filler generates the values: strings "s1", "s2", …; numbers 1, 2, …;
// booleans true; enums (string types with a Values method) their values in
// turn; two items in every list and two entries in every map; pointers
// allocated. Every value differs from the others, so a field copied into the
// wrong place shows.
type Filler struct {
	n     int
	Start time.Time // timestamps count up from here (default 2024-01-02T03:04:05Z)
	// Unions lists, for each union interface type, its member types (given
	// as nil pointers, e.g. (*types.SharingStrategyMemberNvidiaMps)(nil)):
	// reflection cannot find a union's members by itself. Members are used
	// in turn.
	Unions map[reflect.Type][]any
}

// Fill sets every exported field reachable from ptr, a pointer to a struct.
// It fails on a kind it cannot generate (documents, unions not listed in
// Unions), naming the field, rather than leave it empty.
func (f *Filler) Fill(ptr any) error {
	v := reflect.ValueOf(ptr)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return fmt.Errorf("sdkfill: Fill needs a non-nil pointer, got %T", ptr)
	}
	return f.fill(v.Elem(), v.Elem().Type().Name())
}

var timeType = reflect.TypeFor[time.Time]()

func (f *Filler) next() int {
	f.n++
	return f.n
}

func (f *Filler) fill(v reflect.Value, path string) error {
	t := v.Type()
	if t == timeType {
		start := f.Start
		if start.IsZero() {
			start = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
		}
		v.Set(reflect.ValueOf(start.Add(time.Duration(f.next()) * time.Second)))
		return nil
	}
	if values, ok := enumValues(t); ok && values.Len() > 0 {
		v.Set(values.Index(f.next() % values.Len()))
		return nil
	}
	switch t.Kind() {
	case reflect.String:
		v.SetString("s" + strconv.Itoa(f.next()))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(f.next()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(f.next()))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(f.next()) + 0.5)
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		if err := f.fill(p.Elem(), path); err != nil {
			return err
		}
		v.Set(p)
	case reflect.Slice:
		s := reflect.MakeSlice(t, 2, 2)
		for i := range 2 {
			if err := f.fill(s.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMapWithSize(t, 2)
		for range 2 {
			k, e := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
			if err := f.fill(k, path+"{key}"); err != nil {
				return err
			}
			if err := f.fill(e, path+"{value}"); err != nil {
				return err
			}
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := range t.NumField() {
			if !t.Field(i).IsExported() {
				continue
			}
			if err := f.fill(v.Field(i), path+"."+t.Field(i).Name); err != nil {
				return err
			}
		}
	case reflect.Interface:
		members := f.Unions[t]
		if len(members) == 0 {
			return fmt.Errorf("sdkfill: cannot generate %s (%s): list the union's members in Filler.Unions", path, t)
		}
		mt := reflect.TypeOf(members[f.next()%len(members)])
		if mt == nil || mt.Kind() != reflect.Pointer || !mt.Implements(t) {
			return fmt.Errorf("sdkfill: Unions[%s] holds %v, not a pointer type implementing it", t, mt)
		}
		p := reflect.New(mt.Elem())
		if err := f.fill(p.Elem(), path); err != nil {
			return err
		}
		v.Set(p)
	default:
		return fmt.Errorf("sdkfill: cannot generate %s (%s): fill it by hand", path, t)
	}
	return nil
}

// enumValues returns T.Values() for an SDK enum type T.
func enumValues(t reflect.Type) (reflect.Value, bool) {
	if t.Kind() != reflect.String {
		return reflect.Value{}, false
	}
	m, ok := t.MethodByName("Values")
	if !ok || m.Type.NumIn() != 1 || m.Type.NumOut() != 1 || m.Type.Out(0) != reflect.SliceOf(t) {
		return reflect.Value{}, false
	}
	return m.Func.Call([]reflect.Value{reflect.Zero(t)})[0], true
}
