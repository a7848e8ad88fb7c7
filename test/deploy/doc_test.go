// Package deploy_test checks the container deployment without a Docker
// engine: docker-compose.yml is parsed and compared with the zchat binary
// (every command is a real subcommand, every flag and ZCHAT_* variable
// exists, endpoints point at services that bind those standard ports,
// replicas, volumes, health checks, restart policies), the Dockerfile with
// the build's expectations, and the long-running services are started as
// local processes with the compose file's own commands and environments
// (three server replicas on one shared data directory get distinct slot
// names, replicate over host-name peer addresses, pass their health checks
// and exit 0 on SIGTERM).
package deploy_test
