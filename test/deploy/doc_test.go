// Package deploy_test checks the container deployment without a Docker
// engine: docker-compose.yml is parsed and compared with the zchat binary
// (every command is a real subcommand, every flag and ZCHAT_* variable
// exists, endpoints point at services that bind those standard ports,
// replicas, volumes, health checks, restart policies) and the Dockerfile
// with the build's expectations.
package deploy_test
