package sdkfill

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

type color string

func (color) Values() []color { return []color{"red", "green"} }

type union interface{ isUnion() }

type unionMember struct{ Value string }

func (*unionMember) isUnion() {}

type inner struct {
	N    *int32
	When *time.Time
}

type shape struct {
	S      *string
	B      bool
	C      color
	L      []inner
	M      map[string]string
	P      *inner
	U      union
	hidden string
}

func TestFill(t *testing.T) {
	tests := []struct {
		name   string
		unions map[reflect.Type][]any
		err    string
	}{
		{name: "with the union's members", unions: map[reflect.Type][]any{reflect.TypeFor[union](): {(*unionMember)(nil)}}},
		{name: "union not listed", err: "shape.U"},
		{name: "union member of another type", unions: map[reflect.Type][]any{reflect.TypeFor[union](): {(*inner)(nil)}}, err: "not a pointer type implementing it"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var v shape
			err := (&Filler{Unions: tc.unions}).Fill(&v)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one naming %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v.S == nil || !v.B || (v.C != "red" && v.C != "green") || len(v.L) != 2 || len(v.M) != 2 || v.P == nil ||
				v.P.N == nil || v.P.When == nil || v.U == nil || v.hidden != "" {
				t.Errorf("filled %+v", v)
			}
			if *v.L[0].N == *v.L[1].N {
				t.Errorf("list items got the same value %d", *v.L[0].N)
			}
		})
	}
	if err := (&Filler{}).Fill(shape{}); err == nil {
		t.Error("Fill of a non-pointer succeeded")
	}
}
