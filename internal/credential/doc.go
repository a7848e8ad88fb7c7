// Package credential keeps a user's key: the CURVE key pair that proves,
// on an authenticated connection, that requests acting as a claimed name
// come from its owner. A key is created on first use and kept in the
// user's configuration directory, one file per name, readable by the user
// alone; with a passphrase the file is sealed with age (scrypt), so a
// copied file is useless without it. Copying the file to another device
// gives that device the same identity: the cluster knows keys, not
// devices.
package credential
