#!/usr/bin/python3
"""Third-party client of the standard chat protocol, for interoperability.

Uses only python3-zmq, python3-msgpack and the standard library, the way an
independent implementation would. It talks to a broker (REQ) and a proxy
(SUB), exercises every standard service and the publication flow in
MessagePack and in JSON, with every timestamp form and clock placement seen
in the wild, and the error cases. Names carry a random suffix so that runs
can repeat against the same cluster.

Prints one line per check (PASS name / FAIL name: reason), then
"N passed, M failed"; exits 1 on any failure.
"""

import argparse
import datetime
import json
import secrets
import sys
import time

import msgpack
import zmq

TIMEOUT_MS = 3000


class Report:
    """Counts checks and prints one line per check."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, reason=""):
        if ok:
            self.passed += 1
            print(f"PASS {name}", flush=True)
        else:
            self.failed += 1
            print(f"FAIL {name}: {reason}", flush=True)
        return ok

    def summary(self):
        print(f"{self.passed} passed, {self.failed} failed", flush=True)
        return 1 if self.failed else 0


def now_in(form):
    """The current time as one of the timestamp forms seen in the wild."""
    t = time.time()
    if form == "iso":
        return datetime.datetime.now(datetime.timezone.utc).isoformat()
    if form == "ms":
        return int(t * 1000)
    return t


def decode(frame):
    """Decodes a reply frame; returns (encoding, object)."""
    if frame.lstrip()[:1] == b"{":
        return "json", json.loads(frame)
    return "msgpack", msgpack.unpackb(frame, raw=False)


def reply_clock(reply):
    data = reply.get("data") if isinstance(reply.get("data"), dict) else {}
    for v in (data.get("clock"), reply.get("clock"), reply.get("lamport_clock")):
        if isinstance(v, int) and not isinstance(v, bool):
            return v
    return None


class Client:
    """A REQ client with a Lamport clock; one fresh REQ socket per request."""

    def __init__(self, ctx, broker, report):
        self.ctx = ctx
        self.broker = broker
        self.report = report
        self.clock = 0

    def envelope(self, service, data, clock_place, ts_form):
        data = dict(data)
        self.clock += 1
        env = {"service": service, "data": data}
        if ts_form is not None:
            data["timestamp"] = now_in(ts_form)
        if clock_place == "data":
            data["clock"] = self.clock
        elif clock_place == "top":
            env["clock"] = self.clock
        elif clock_place == "lamport":
            env["lamport_clock"] = self.clock
        return env

    def exchange(self, frame):
        """Sends one frame on a fresh REQ socket; the reply frame or None."""
        sock = self.ctx.socket(zmq.REQ)
        sock.setsockopt(zmq.LINGER, 0)
        sock.setsockopt(zmq.RCVTIMEO, TIMEOUT_MS)
        sock.connect(self.broker)
        try:
            sock.send(frame)
            return sock.recv()
        except zmq.Again:
            return None
        finally:
            sock.close()

    def request(self, name, service, data, enc="msgpack", clock_place="data", ts_form="float", quiet=False):
        """Sends a request and checks the reply's envelope, encoding, timestamp
        and Lamport clock (reported unless quiet). Returns the reply's data,
        or None."""
        env = self.envelope(service, data, clock_place, ts_form)
        sent_clock = self.clock if clock_place else 0
        frame = json.dumps(env).encode() if enc == "json" else msgpack.packb(env, use_bin_type=True)
        return self.check_reply(name, self.exchange(frame), enc, sent_clock, quiet)

    def check_reply(self, name, frame, enc, sent_clock, quiet=False):
        """One check for the reply's shape, one for the Lamport rule."""
        data, problem = reply_problem(frame, enc)
        clock = reply_clock(data) if data else None
        if not quiet:
            if not self.report.check(f"{name}: reply", problem is None, problem):
                return None
            self.report.check(f"{name}: Lamport", clock is not None and clock > sent_clock,
                              f"reply clock {clock!r} not greater than request clock {sent_clock}")
        if data is None:
            return None
        if clock is not None:
            self.clock = max(self.clock, clock)
        return data["data"]


def reply_problem(frame, enc):
    """(reply, None) when the reply frame is a well-formed envelope in the
    request's encoding with a timestamp, else (None, what is wrong)."""
    if frame is None:
        return None, "no reply within 3 s"
    try:
        got_enc, reply = decode(frame)
    except Exception as e:  # noqa: BLE001 - any decoding failure is a finding
        return None, f"reply does not decode ({e!r}): {frame[:60]!r}"
    if got_enc != enc:
        return None, f"request in {enc}, reply in {got_enc}"
    if not isinstance(reply, dict) or not isinstance(reply.get("data"), dict):
        return None, f"reply is not an envelope with a data map: {short(reply)}"
    if "timestamp" not in reply["data"]:
        return None, f"reply has no timestamp: {short(reply)}"
    return reply, None


class Subscriber:
    """A SUB socket on the proxy, reading two-frame publications."""

    def __init__(self, ctx, proxy, topics):
        self.sock = ctx.socket(zmq.SUB)
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.connect(proxy)
        for t in topics:
            self.sock.setsockopt(zmq.SUBSCRIBE, t.encode())
        time.sleep(1.0)  # let the subscriptions reach every server

    def wait_for(self, topic, text):
        """The (frames, payload) of the publication on topic carrying text."""
        deadline = time.time() + TIMEOUT_MS / 1000
        while time.time() < deadline:
            if not self.sock.poll(int(max(deadline - time.time(), 0) * 1000) + 1):
                break
            frames = self.sock.recv_multipart()
            if frames[0] != topic.encode():
                continue
            try:
                payload = msgpack.unpackb(frames[-1], raw=False)
            except Exception:  # noqa: BLE001
                payload = None
            if len(frames) != 2 or not isinstance(payload, dict) or payload.get("message") == text:
                return frames, payload
        return None, None

    def close(self):
        self.sock.close()


def short(v, n=300):
    """repr(v), clipped for a report line."""
    text = repr(v)
    return text if len(text) <= n else text[:n] + "..."


def check_status(r, name, data, want):
    if data is None:
        return False
    return r.check(f"{name}: status {want}", data.get("status") == want, f"data {short(data)}")


def check_error(r, name, data, key):
    if data is None:
        return
    r.check(f"{name}: status erro", data.get("status") == "erro", f"data {short(data)}")
    text = data.get(key)
    r.check(f"{name}: error text in {key}", isinstance(text, str) and text != "", f"data {short(data)}")


def check_publication(r, name, sub, topic, text, want):
    frames, payload = sub.wait_for(topic, text)
    if not r.check(f"{name}: publication received", frames is not None, f"nothing on topic {topic!r} within 3 s"):
        return
    r.check(f"{name}: publication has two frames", len(frames) == 2, f"{len(frames)} frames")
    if not r.check(f"{name}: payload is a MessagePack map", isinstance(payload, dict), f"payload {frames[-1][:60]!r}"):
        return
    for k, v in want.items():
        r.check(f"{name}: payload {k}", payload.get(k) == v, f"got {payload.get(k)!r}, want {v!r}")
    for k in ("timestamp", "clock", "id"):
        r.check(f"{name}: payload has {k}", k in payload, f"payload {short(payload)}")
    r.check(f"{name}: payload timestamp is a number", isinstance(payload.get("timestamp"), (int, float)),
            f"timestamp {payload.get('timestamp')!r}")


def names_in(data, key):
    v = data.get(key) if data else None
    return v if isinstance(v, list) else []


def check_listed(c, name, service, keys, want, enc):
    """Asks service until every name in want is listed under each key, for up
    to 3 s (replicas may lag behind the server that took the write)."""
    deadline = time.time() + TIMEOUT_MS / 1000
    data = c.request(name, service, {}, enc, "top", "float")
    while data is not None and time.time() < deadline and any(unlisted(data, k, want) for k in keys):
        time.sleep(0.05)
        data = c.request(name, service, {}, enc, quiet=True)
    if data is None:
        return
    for k in keys:
        missing = unlisted(data, k, want)
        c.report.check(f"{name}: `{k}` lists {len(want)} new names", not missing,
                       f"`{k}` lacks {missing} after 3 s ({len(names_in(data, k))} names, server {data.get('server', '?')})")


def unlisted(data, key, want):
    return sorted(set(want) - set(names_in(data, key)))


def run_variants(c, enc, sfx):
    """Logins under every timestamp form and clock placement."""
    forms = ("iso", "float", "ms", None)
    places = ("data", "top", "lamport", None)
    for ts in forms:
        for place in places:
            name = f"{enc} login ts={ts or 'missing'} clock={place or 'missing'}"
            data = c.request(name, "login", {"user": f"v_{sfx}"}, enc, place, ts)
            check_status(c.report, name, data, "sucesso")


def run_services(c, sub, enc, sfx, users, chans):
    r = c.report
    alice, bob = users
    chan, chan2 = chans
    for role, u, ts in (("alice", alice, "iso"), ("bob", bob, "ms")):
        name = f"{enc} login {role}"
        check_status(r, name, c.request(name, "login", {"user": u}, enc, "data", ts), "sucesso")
    check_listed(c, f"{enc} users", "users", ["users"], [alice, bob], enc)
    name = f"{enc} channel"
    check_status(r, name, c.request(name, "channel", {"channel": chan, "user": alice}, enc), "sucesso")
    name = f"{enc} channel via name"
    check_status(r, name, c.request(name, "channel", {"name": chan2}, enc, None, "iso"), "sucesso")
    check_listed(c, f"{enc} channels", "channels", ["channels", "users"], [chan, chan2], enc)
    run_publications(c, sub, enc, users, chan)


def run_publications(c, sub, enc, users, chan):
    r = c.report
    alice, bob = users
    text = f"hello {enc} {secrets.token_hex(3)}"
    data = c.request(f"{enc} publish", "publish", {"user": alice, "channel": chan, "message": text}, enc, "data", "iso")
    check_status(r, f"{enc} publish", data, "OK")
    check_publication(r, f"{enc} publish", sub, chan, text, {"user": alice, "channel": chan, "message": text})
    text = f"psst {enc} {secrets.token_hex(3)}"
    data = c.request(f"{enc} message", "message", {"src": alice, "dst": bob, "message": text}, enc, "top", "ms")
    check_status(r, f"{enc} message", data, "OK")
    check_publication(r, f"{enc} message", sub, bob, text, {"src": alice, "dst": bob, "message": text})
    text = f"from/to {enc} {secrets.token_hex(3)}"
    data = c.request(f"{enc} message from/to", "message", {"from": alice, "to": bob, "message": text}, enc, None, "float")
    check_status(r, f"{enc} message from/to", data, "OK")
    check_publication(r, f"{enc} message from/to", sub, bob, text, {"src": alice, "dst": bob, "message": text})


def run_errors(c, enc, sfx, users, chan):
    r = c.report
    alice = users[0]
    data = c.request(f"{enc} publish unknown channel", "publish",
                     {"user": alice, "channel": f"nochan_{sfx}", "message": "x"}, enc)
    check_error(r, f"{enc} publish unknown channel", data, "message")
    data = c.request(f"{enc} message unknown user", "message",
                     {"src": alice, "dst": f"nobody_{sfx}", "message": "x"}, enc)
    check_error(r, f"{enc} message unknown user", data, "message")
    data = c.request(f"{enc} duplicate channel", "channel", {"channel": chan}, enc)
    check_error(r, f"{enc} duplicate channel", data, "description")
    data = c.request(f"{enc} invalid name", "login", {"user": "two words"}, enc)
    check_error(r, f"{enc} invalid name", data, "description")
    data = c.request(f"{enc} unknown service", "nosuchservice", {}, enc)
    check_error(r, f"{enc} unknown service", data, "message")
    garbage = b"{not json" if enc == "json" else b"\xc1\x00garbage"
    check_error(r, f"{enc} garbage", c.check_reply(f"{enc} garbage", c.exchange(garbage), enc, 0), "message")
    data = c.request(f"{enc} after garbage", "users", {}, enc)
    r.check(f"{enc} after garbage: valid request works", data is not None and "users" in data, f"data {short(data)}")


def run_lamport(c, enc, sfx):
    c.clock += 1000
    name = f"{enc} Lamport jump"
    data = c.request(name, "login", {"user": f"v_{sfx}"}, enc, "data", "float")
    check_status(c.report, name, data, "sucesso")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--broker", required=True, help="broker frontend, e.g. tcp://127.0.0.1:5555")
    ap.add_argument("--proxy", required=True, help="proxy XPUB, e.g. tcp://127.0.0.1:5558")
    args = ap.parse_args()
    report = Report()
    ctx = zmq.Context()
    client = Client(ctx, args.broker, report)
    run_id = secrets.token_hex(3)
    for enc in ("msgpack", "json"):
        sfx = f"{run_id}{enc[0]}"
        users = (f"alice_{sfx}", f"bob_{sfx}")
        chans = (f"chan_{sfx}", f"chan2_{sfx}")
        sub = Subscriber(ctx, args.proxy, [chans[0], users[1]])
        run_services(client, sub, enc, sfx, users, chans)
        sub.close()
        run_variants(client, enc, sfx)
        run_errors(client, enc, sfx, users, chans[0])
        run_lamport(client, enc, sfx)
    ctx.destroy(linger=0)
    return report.summary()


if __name__ == "__main__":
    sys.exit(main())
