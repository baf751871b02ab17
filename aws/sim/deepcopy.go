package sim

import "reflect"

// deepCopy returns a copy of v that shares no pointer, slice or map with it,
// so a caller of the world can never reach its state. It is meant for the
// SDK's plain data shapes (structs of pointers, slices, maps, unions and
// scalars); unexported fields are copied as they are.
func deepCopy[T any](v T) T {
	out := copyValue(reflect.ValueOf(&v).Elem())
	return out.Interface().(T)
}

func copyValue(v reflect.Value) reflect.Value {
	out := reflect.New(v.Type()).Elem()
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			p := reflect.New(v.Type().Elem())
			p.Elem().Set(copyValue(v.Elem()))
			out.Set(p)
		}
	case reflect.Slice:
		if !v.IsNil() {
			s := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
			for i := range v.Len() {
				s.Index(i).Set(copyValue(v.Index(i)))
			}
			out.Set(s)
		}
	case reflect.Map:
		if !v.IsNil() {
			m := reflect.MakeMapWithSize(v.Type(), v.Len())
			for it := v.MapRange(); it.Next(); {
				m.SetMapIndex(it.Key(), copyValue(it.Value()))
			}
			out.Set(m)
		}
	case reflect.Interface:
		// Union members are pointers to structs: copy what they point to.
		if !v.IsNil() {
			out.Set(copyValue(v.Elem()))
		}
	case reflect.Struct:
		out.Set(v)
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				out.Field(i).Set(copyValue(v.Field(i)))
			}
		}
	default:
		out.Set(v)
	}
	return out
}
