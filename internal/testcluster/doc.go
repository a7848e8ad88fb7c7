// Package testcluster runs a real zchat cluster for integration tests: the
// zchat binary (built once per test process, with -race when the tests
// are), a reference, a broker, a proxy and N servers as separate
// processes on free loopback ports, with data directories under the test's
// temporary directory and each component's output captured to a log file
// (printed when the test fails). Tests can kill, stop, pause, resume,
// restart and wipe components by name ("reference", "broker", "proxy",
// "s1", ...). Every wait polls a condition against a deadline.
package testcluster
