// Package membership_test checks on real processes (internal/testcluster,
// started through the zchat binary's flags) that the member endpoints
// trust only the cluster's members: a client without the cluster key
// cannot register at the reference, take requests from the broker's
// backend, publish through the proxy's XSUB or call a server's peer
// services, while the members' own traffic flows on the same endpoints.
package membership_test
