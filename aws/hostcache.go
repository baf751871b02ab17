package aws

import (
	"sync"
	"time"

	"github.com/ecstui/ecstui/model"
)

// hostCache keeps what EC2 and Auto Scaling say about each instance id the
// client has looked up, so a refresh of the same instances asks again only
// for ids it has not seen: a view left open on a cluster's instances (or the
// tasks view's instance lookup) makes no EC2 calls after the first listing.
//
// EC2's details (private IP, AMI, type, zone) do not change for the life of
// an instance and are kept for good. What Auto Scaling says also carries
// the lifecycle state and scale-in protection, which do change, so it is
// kept for asgFresh: a view left open asks Auto Scaling about each
// instance at most once per asgFresh (1,000 instances: 20 calls a minute).
type hostCache struct {
	mu    sync.Mutex
	now   func() time.Time
	ec2   map[string]model.EC2Instance
	group map[string]asgEntry
}

// asgFresh is how long Auto Scaling's answer about an instance is kept.
const asgFresh = time.Minute

type asgEntry struct {
	inst model.ASGInstance
	in   bool // false: the instance is in no group
	at   time.Time
}

func (h *hostCache) clock() time.Time {
	if h.now != nil {
		return h.now()
	}
	return time.Now()
}

// ec2Known splits ids into the cached details and the ids to ask for.
func (h *hostCache) ec2Known(ids []string) (map[string]model.EC2Instance, []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	known := make(map[string]model.EC2Instance, len(ids))
	var missing []string
	for _, id := range ids {
		if e, ok := h.ec2[id]; ok {
			known[id] = e
		} else {
			missing = append(missing, id)
		}
	}
	return known, missing
}

func (h *hostCache) keepEC2(hosts []model.EC2Instance) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ec2 == nil {
		h.ec2 = map[string]model.EC2Instance{}
	}
	for _, e := range hosts {
		h.ec2[e.InstanceID] = e
	}
}

// groupsKnown splits ids into Auto Scaling's fresh answers (instances in
// no group left out) and the ids to ask for.
func (h *hostCache) groupsKnown(ids []string) (map[string]model.ASGInstance, []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.clock()
	known := make(map[string]model.ASGInstance, len(ids))
	var missing []string
	for _, id := range ids {
		e, ok := h.group[id]
		switch {
		case !ok || now.Sub(e.at) >= asgFresh:
			missing = append(missing, id)
		case e.in:
			known[id] = e.inst
		}
	}
	return known, missing
}

// keepGroups records the answer for asked: an id Auto Scaling did not
// return is in no group (a stand-alone instance), which is kept too.
func (h *hostCache) keepGroups(asked []string, asgs []model.ASGInstance) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.group == nil {
		h.group = map[string]asgEntry{}
	}
	now := h.clock()
	for _, id := range asked {
		h.group[id] = asgEntry{at: now}
	}
	for _, a := range asgs {
		h.group[a.InstanceID] = asgEntry{inst: a, in: true, at: now}
	}
}
