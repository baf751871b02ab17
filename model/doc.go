// Package model holds ecstui's plain domain types (clusters, services, tasks,
// container instances, task definitions, target health, log events…) and pure
// functions over them. It imports nothing of ours and no AWS SDK type: the
// adapter in package aws translates SDK shapes into these values, and the
// simulator builds its world out of them.
package model
