package sim

import (
	"hash/fnv"
	"slices"
	"time"

	"github.com/ecstui/ecstui/aws/sim/simapi"
)

// DescribeImages describes the AMIs the world's groups and instances use
// (none asked: all of them, by id); an id the world does not know fails the
// call, as EC2's InvalidAMIID.NotFound does.
func (w *World) DescribeImages(ids []string) ([]simapi.Image, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	known := map[string]bool{}
	for _, g := range w.asgs {
		known[g.ami] = true
		for _, v := range g.ltVersions {
			known[v.ami] = true
		}
	}
	for _, e := range w.ec2 {
		if !e.gone {
			known[e.ami] = true
		}
	}
	delete(known, "")
	if len(ids) == 0 {
		for id := range known {
			ids = append(ids, id)
		}
		slices.Sort(ids)
	}
	var out []simapi.Image
	for _, id := range ids {
		if !known[id] {
			return nil, simapi.Errorf("InvalidAMIID.NotFound", "The image id '[%s]' does not exist", id)
		}
		out = append(out, imageOf(id))
	}
	return out, nil
}

// imageOf describes an ECS-optimized Amazon Linux 2023 AMI, dated by its id
// (a stable day in 2025).
func imageOf(id string) simapi.Image {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	created := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(h.Sum32()%365))
	name := "al2023-ami-ecs-hvm-2023.0." + created.Format("20060102") + "-kernel-6.1-x86_64"
	return simapi.Image{ID: id, Name: name, Description: "Amazon Linux AMI 2023.0." + created.Format("20060102") + " x86_64 ECS HVM EBS",
		CreatedAt: created}
}
