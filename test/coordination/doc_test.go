// Package coordination_test checks election and clock synchronization on
// real processes (internal/testcluster): one coordinator agreed by all,
// failover after SIGKILL, takeover by a restarted higher server, clocks
// started seconds apart converging. TestMeasure reports failover times
// and clock spread when ZCHAT_MEASURE_FAILOVER is set.
package coordination_test
