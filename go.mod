module zchat

go 1.26.8

require (
	github.com/alecthomas/kong v1.17.0 // indirect
	github.com/mattn/go-sqlite3 v1.14.53 // indirect
	github.com/pebbe/zmq4 v1.4.0 // indirect
	github.com/vmihailenco/msgpack/v5 v5.4.1 // indirect
	github.com/vmihailenco/tagparser/v2 v2.0.0 // indirect
)
