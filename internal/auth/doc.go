// Package auth decides who may connect to what.
//
// A zchat cluster has two kinds of endpoints. The client ports (the
// broker's frontend ROUTER, the proxy's XPUB) speak the open standard
// protocol: anyone may connect, as clients of every implementation do.
// The member ports are for the cluster's own members only: the broker's
// backend (servers take requests there), the proxy's XSUB (servers
// publish there, coordinator announcements included), the reference's REP
// (rank, list, heartbeat) and every server's peer ROUTER (replication,
// election, clock, status, history). On those an outsider could inject
// events, take a rank, forge publications or announcements; so they are
// CURVE servers (ZMTP's encrypted, authenticated mechanism) that accept a
// client only when it proves it holds the cluster key.
//
// The cluster key is one CURVE key pair shared by every member (reference,
// broker, proxy, servers, and tools such as `zchat status`): the same pair
// is the server key and the client key of every member link, which libzmq
// accepts. Holding the key file is being a member. Its secret half lives
// in a file of mode 0600 (Z85, see LoadKeyFile); `zchat keygen` writes
// one, `zchat up` creates one on first start.
//
// libzmq asks a ZAP handler (RFC 27) bound at inproc://zeromq.zap.01 in
// the socket's own context whether to accept a client, and accepts every
// CURVE client when no handler is bound there. Cluster.Server therefore
// starts (or shares) the handler of the socket's context before it makes
// the socket a CURVE server, and the handler refuses every ZAP domain it
// does not know. Each domain has a Policy; the cluster's domain is derived
// from its public key, so two clusters in one process never accept each
// other's members. Open (Cluster zero value, --insecure-cluster) leaves
// every link unauthenticated, for a cluster mixed with other
// implementations' servers.
//
// Users (users.go) is the other kind of CURVE server: the authenticated
// client ports (the broker's secure frontend, the proxy's secure XPUB).
// Their server key is the access key (AccessKey), derived from the
// cluster key, and their ZAP domain admits every well-formed client key,
// naming the client by it: libzmq attaches the key (Z85) to each of the
// client's messages as its User-Id, which is how the broker and the proxy
// learn who is asking. An open cluster has no access key, and so no such
// ports.
package auth
