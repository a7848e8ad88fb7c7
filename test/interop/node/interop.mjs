#!/usr/bin/env node
// Third-party Node.js client of the standard chat protocol, for
// interoperability: zeromq (REQ to the broker, SUB to the proxy) and
// @msgpack/msgpack only, the way an independent implementation would be
// written. It exercises every standard service and the publication flow in
// MessagePack and in JSON, with the clock in data and missing, and the error
// cases. Names carry a random suffix so that runs can repeat against the same
// cluster.
//
// Usage: node interop.mjs --broker tcp://127.0.0.1:5555 --proxy tcp://127.0.0.1:5558
// Prints one line per check (PASS name / FAIL name: reason), then
// "N passed, M failed"; exits 1 on any failure.

import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { decode, encode } from "@msgpack/msgpack";
import { Request, Subscriber } from "zeromq";

const TIMEOUT_MS = 3000;
const report = { passed: 0, failed: 0 };

function check(name, ok, reason = "") {
  if (ok) {
    report.passed++;
    console.log(`PASS ${name}`);
  } else {
    report.failed++;
    console.log(`FAIL ${name}: ${reason}`);
  }
  return ok;
}

// show renders a value for a report line, clipped.
function show(v) {
  const text = JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x)) ?? String(v);
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const isNumber = (v) => typeof v === "number" || typeof v === "bigint";

// decodeFrame tells JSON (text starting with "{") from MessagePack.
function decodeFrame(frame) {
  const buf = Buffer.from(frame);
  if (buf.toString("latin1").trimStart().startsWith("{")) {
    return ["json", JSON.parse(buf.toString("utf8"))];
  }
  return ["msgpack", decode(buf)];
}

function replyClock(reply) {
  const candidates = [reply.data?.clock, reply.clock, reply.lamport_clock];
  const found = candidates.find(isNumber);
  return found === undefined ? null : Number(found);
}

// replyProblem returns [reply, null] for a well-formed envelope in the
// request's encoding with a timestamp, else [null, what is wrong].
function replyProblem(frame, enc) {
  if (frame === null) return [null, "no reply within 3 s"];
  let got;
  let reply;
  try {
    [got, reply] = decodeFrame(frame);
  } catch (e) {
    return [null, `reply does not decode (${e.message})`];
  }
  if (got !== enc) return [null, `request in ${enc}, reply in ${got}`];
  if (typeof reply !== "object" || reply === null || typeof reply.data !== "object" || reply.data === null) {
    return [null, `reply is not an envelope with a data map: ${show(reply)}`];
  }
  if (!("timestamp" in reply.data)) return [null, `reply has no timestamp: ${show(reply)}`];
  return [reply, null];
}

// Client is a REQ client with a Lamport clock; one fresh socket per request.
class Client {
  constructor(broker) {
    this.broker = broker;
    this.clock = 0;
  }

  async exchange(frame) {
    const sock = new Request({ receiveTimeout: TIMEOUT_MS, linger: 0 });
    sock.connect(this.broker);
    try {
      await sock.send(frame);
      const [reply] = await sock.receive();
      return reply;
    } catch {
      return null;
    } finally {
      sock.close();
    }
  }

  // request sends one request and checks the reply (reported unless quiet);
  // returns the reply's data or null.
  async request(name, service, data, enc = "msgpack", clockInData = true, quiet = false) {
    this.clock++;
    const body = { ...data, timestamp: Date.now() };
    if (clockInData) body.clock = this.clock;
    const env = { service, data: body };
    const frame = enc === "json" ? Buffer.from(JSON.stringify(env)) : Buffer.from(encode(env));
    return this.checkReply(name, await this.exchange(frame), enc, clockInData ? this.clock : 0, quiet);
  }

  checkReply(name, frame, enc, sentClock, quiet = false) {
    const [reply, problem] = replyProblem(frame, enc);
    const clock = reply ? replyClock(reply) : null;
    if (!quiet) {
      if (!check(`${name}: reply`, problem === null, problem)) return null;
      check(`${name}: Lamport`, clock !== null && clock > sentClock,
        `reply clock ${clock} not greater than request clock ${sentClock}`);
    }
    if (reply === null) return null;
    if (clock !== null) this.clock = Math.max(this.clock, clock);
    return reply.data;
  }
}

// Sub reads two-frame publications from the proxy.
class Sub {
  static async open(proxy, topics) {
    const s = new Sub();
    s.sock = new Subscriber({ receiveTimeout: 250, linger: 0 });
    s.sock.connect(proxy);
    for (const t of topics) s.sock.subscribe(t);
    await sleep(1000); // let the subscriptions reach every server
    return s;
  }

  async waitFor(topic, text) {
    const deadline = Date.now() + TIMEOUT_MS;
    while (Date.now() < deadline) {
      let frames;
      try {
        frames = await this.sock.receive();
      } catch {
        continue;
      }
      if (Buffer.from(frames[0]).toString() !== topic) continue;
      let payload = null;
      try {
        payload = decode(frames[frames.length - 1]);
      } catch {
        payload = null;
      }
      if (frames.length !== 2 || typeof payload !== "object" || payload === null || payload.message === text) {
        return [frames, payload];
      }
    }
    return [null, null];
  }

  close() {
    this.sock.close();
  }
}

function checkStatus(name, data, want) {
  if (data === null) return;
  check(`${name}: status ${want}`, data.status === want, `data ${show(data)}`);
}

function checkError(name, data, key) {
  if (data === null) return;
  check(`${name}: status erro`, data.status === "erro", `data ${show(data)}`);
  check(`${name}: error text in ${key}`, typeof data[key] === "string" && data[key] !== "", `data ${show(data)}`);
}

async function checkPublication(name, sub, topic, text, want) {
  const [frames, payload] = await sub.waitFor(topic, text);
  if (!check(`${name}: publication received`, frames !== null, `nothing on topic ${topic} within 3 s`)) return;
  check(`${name}: publication has two frames`, frames.length === 2, `${frames.length} frames`);
  if (!check(`${name}: payload is a MessagePack map`, typeof payload === "object" && payload !== null, "payload does not decode to a map")) return;
  for (const [k, v] of Object.entries(want)) {
    check(`${name}: payload ${k}`, payload[k] === v, `got ${show(payload[k])}, want ${show(v)}`);
  }
  for (const k of ["timestamp", "clock", "id"]) check(`${name}: payload has ${k}`, k in payload, `payload ${show(payload)}`);
  check(`${name}: payload timestamp is a number`, isNumber(payload.timestamp), `timestamp ${show(payload.timestamp)}`);
}

const namesIn = (data, key) => (data && Array.isArray(data[key]) ? data[key] : []);
const unlisted = (data, key, want) => want.filter((n) => !namesIn(data, key).includes(n));

// checkListed asks service until want is listed under key, for up to 3 s
// (replicas may lag behind the server that took the write).
async function checkListed(c, name, service, key, want, enc) {
  const deadline = Date.now() + TIMEOUT_MS;
  let data = await c.request(name, service, {}, enc);
  while (data !== null && Date.now() < deadline && unlisted(data, key, want).length > 0) {
    await sleep(50);
    data = await c.request(name, service, {}, enc, true, true);
  }
  if (data === null) return;
  const missing = unlisted(data, key, want);
  check(`${name}: \`${key}\` lists ${want.length} new names`, missing.length === 0,
    `\`${key}\` lacks ${show(missing)} after 3 s (${namesIn(data, key).length} names, server ${data.server ?? "?"})`);
}

async function runServices(c, enc, n) {
  for (const [role, user, inData] of [["alice", n.alice, true], ["bob", n.bob, false]]) {
    const name = `${enc} login ${role} clock=${inData ? "data" : "missing"}`;
    checkStatus(name, await c.request(name, "login", { user }, enc, inData), "sucesso");
  }
  await checkListed(c, `${enc} users`, "users", "users", [n.alice, n.bob], enc);
  checkStatus(`${enc} channel`, await c.request(`${enc} channel`, "channel", { channel: n.chan }, enc), "sucesso");
  await checkListed(c, `${enc} channels`, "channels", "channels", [n.chan], enc);
}

async function runPublications(c, sub, enc, n) {
  let text = `hello ${enc} ${randomBytes(3).toString("hex")}`;
  checkStatus(`${enc} publish`, await c.request(`${enc} publish`, "publish", { user: n.alice, channel: n.chan, message: text }, enc), "OK");
  await checkPublication(`${enc} publish`, sub, n.chan, text, { user: n.alice, channel: n.chan, message: text });
  text = `psst ${enc} ${randomBytes(3).toString("hex")}`;
  checkStatus(`${enc} message`, await c.request(`${enc} message`, "message", { src: n.alice, dst: n.bob, message: text }, enc), "OK");
  await checkPublication(`${enc} message`, sub, n.bob, text, { src: n.alice, dst: n.bob, message: text });
  text = `from/to ${enc} ${randomBytes(3).toString("hex")}`;
  checkStatus(`${enc} message from/to`, await c.request(`${enc} message from/to`, "message", { from: n.alice, to: n.bob, message: text }, enc, false), "OK");
  await checkPublication(`${enc} message from/to`, sub, n.bob, text, { src: n.alice, dst: n.bob, message: text });
}

async function runErrors(c, enc, n) {
  const cases = [
    ["publish unknown channel", "publish", { user: n.alice, channel: `nochan_${n.sfx}`, message: "x" }, "message"],
    ["message unknown user", "message", { src: n.alice, dst: `nobody_${n.sfx}`, message: "x" }, "message"],
    ["duplicate channel", "channel", { channel: n.chan }, "description"],
    ["invalid name", "login", { user: "two words" }, "description"],
    ["unknown service", "nosuchservice", {}, "message"],
  ];
  for (const [what, service, data, key] of cases) {
    const name = `${enc} ${what}`;
    checkError(name, await c.request(name, service, data, enc), key);
  }
  const garbage = enc === "json" ? Buffer.from("{not json") : Buffer.from([0xc1, 0x00, 0x67, 0x61]);
  checkError(`${enc} garbage`, c.checkReply(`${enc} garbage`, await c.exchange(garbage), enc, 0), "message");
  const data = await c.request(`${enc} after garbage`, "users", {}, enc);
  check(`${enc} after garbage: valid request works`, data !== null && "users" in data, `data ${show(data)}`);
  c.clock += 1000;
  checkStatus(`${enc} Lamport jump`, await c.request(`${enc} Lamport jump`, "login", { user: n.alice }, enc), "sucesso");
}

async function main() {
  const { values } = parseArgs({ options: { broker: { type: "string" }, proxy: { type: "string" } } });
  if (!values.broker || !values.proxy) {
    console.error("usage: node interop.mjs --broker tcp://HOST:PORT --proxy tcp://HOST:PORT");
    process.exit(2);
  }
  const c = new Client(values.broker);
  const runID = randomBytes(3).toString("hex");
  for (const enc of ["msgpack", "json"]) {
    const sfx = `${runID}${enc[0]}n`;
    const n = { sfx, alice: `alice_${sfx}`, bob: `bob_${sfx}`, chan: `chan_${sfx}` };
    const sub = await Sub.open(values.proxy, [n.chan, n.bob]);
    await runServices(c, enc, n);
    await runPublications(c, sub, enc, n);
    sub.close();
    await runErrors(c, enc, n);
  }
  console.log(`${report.passed} passed, ${report.failed} failed`);
  process.exit(report.failed ? 1 : 0);
}

main().catch((e) => {
  console.log(`FAIL client crashed: ${e.stack}`);
  console.log(`${report.passed} passed, ${report.failed + 1} failed`);
  process.exit(1);
});
