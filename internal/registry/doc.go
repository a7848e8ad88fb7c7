// Package registry is the reference: the registry of servers of the
// standard topology (services rank, list and heartbeat over a REP socket),
// and the client side servers use to join it (Join).
//
// Beyond the standard the reference accepts, in rank and heartbeat, an
// "address" field: the server's advertised server-to-server endpoint. Its
// replies carry it back in list entries ({"name", "rank", "address"}), and
// a heartbeat reply also carries "rank" and the current "list", so that a
// server learns the membership with one request per interval. Foreign
// servers ignore the extra fields; foreign references that lack them are
// handled by Join, which then asks for the list separately.
//
// Only the cluster's members may call the reference (Config.Cluster makes
// its REP a CURVE server of the cluster key, and MemberConfig.Cluster
// proves membership), so that nobody else takes a rank, which would win
// elections, or advertises an address to the servers.
//
// Ranks are first come, first ranked (1, 2, 3, ...), stable per name and
// persisted in SQLite, so that a server gets its rank back after a restart
// of either side. A server whose last rank or heartbeat request is older
// than the heartbeat timeout leaves the list.
package registry
