//go:build race

package testcluster

// raceEnabled tells whether this test binary was built with -race, so that
// the zchat binary is built the same way.
const raceEnabled = true
