package sim

import (
	"fmt"
	"hash/fnv"
	"slices"
	"time"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// maxGroupActivities is how many scaling activities a group remembers (AWS keeps
// six weeks of them).
const maxGroupActivities = 1000

// activityID is a UUID derived from the activity's group, instance and
// number: drawing it from the world's identifiers would shift every
// identifier made after it.
func activityID(group, instance string, n int) string {
	h := fnv.New128a()
	fmt.Fprintf(h, "%s\x00%s\x00%d", group, instance, n)
	x := fmt.Sprintf("%x", h.Sum(nil))
	return x[0:8] + "-" + x[8:12] + "-4" + x[13:16] + "-" + x[16:20] + "-" + x[20:32]
}

// recordActivity starts a scaling activity about e in its group.
func (w *World) recordActivity(e *ec2Instance, desc, cause string) {
	g := e.asg
	id := e.termID
	if id == "" {
		id = activityID(g.name, e.id, len(g.activities))
	}
	a := &model.ScalingActivity{
		ActivityID: id, AutoScalingGroupName: g.name, Description: desc, Cause: cause,
		StatusCode: "InProgress", StartTime: w.now,
	}
	g.activities = append(g.activities, a)
	if len(g.activities) > maxGroupActivities {
		g.activities = slices.Delete(g.activities, 0, len(g.activities)-maxGroupActivities)
	}
	e.activity = a
}

// recordTermination starts the activity terminating e, with the cause its
// terminator gave, else the group's own: it shrank.
func (w *World) recordTermination(e *ec2Instance) {
	cause := e.termCause
	if cause == "" {
		cause = fmt.Sprintf("At %s an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from %d to %d.",
			w.now.Format(time.RFC3339), e.asg.desired+1, e.asg.desired)
	}
	w.recordActivity(e, "Terminating EC2 instance: "+e.id, cause)
}

// activityDone ends e's activity successfully.
func (w *World) activityDone(e *ec2Instance) {
	if a := e.activity; a != nil && a.StatusCode == "InProgress" {
		a.StatusCode, a.Progress, a.EndTime = "Successful", 100, w.now
	}
}

// DescribeAutoScalingActivities returns a group's scaling activities (or
// those with the given ids), newest first: Auto Scaling's
// DescribeScalingActivities.
func (w *World) DescribeAutoScalingActivities(group string, ids []string) ([]model.ScalingActivity, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	names := w.asgOrder
	if group != "" {
		if _, ok := w.asgs[group]; !ok {
			return nil, errGroup(group)
		}
		names = []string{group}
	}
	var out []model.ScalingActivity
	for _, n := range names {
		acts := w.asgs[n].activities
		for i := len(acts) - 1; i >= 0; i-- { // newest recorded first among equal start times
			if a := acts[i]; len(ids) == 0 || slices.Contains(ids, a.ActivityID) {
				out = append(out, *a)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b model.ScalingActivity) int { return b.StartTime.Compare(a.StartTime) })
	if len(ids) > 0 && len(out) == 0 {
		return nil, simapi.Errorf(simapi.CodeValidationError, "Activity %v not found.", ids)
	}
	return out, nil
}
