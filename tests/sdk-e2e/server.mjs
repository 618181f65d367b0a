// Starts the built coffer-server on a free loopback port with a fresh SQLite file, and talks to it as an admin would.
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The server assembly: COFFER_SERVER_DLL, else the Release build (built here if it is missing). */
function serverDll() {
  if (process.env.COFFER_SERVER_DLL) return process.env.COFFER_SERVER_DLL;
  const dll = join(repo, "src/Coffer.Server/bin/Release/net10.0/coffer-server.dll");
  if (!existsSync(dll)) {
    const build = spawnSync("dotnet", ["build", join(repo, "src/Coffer.Server"), "-c", "Release", "-nologo", "-v", "quiet"], { stdio: "inherit" });
    if (build.status !== 0) throw new Error("could not build coffer-server");
  }
  return dll;
}

function freePort() {
  return new Promise((ok, fail) => {
    const probe = createServer();
    probe.once("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => ok(port));
    });
  });
}

export async function startServer() {
  // A port free when asked can be handed to an outgoing connection before the server binds it; the server then says
  // so and exits, and another port is tried (with a fresh data directory, as the first start may have begun one).
  for (let attempt = 1; ; attempt++) {
    const dataDir = mkdtempSync(join(tmpdir(), "coffer-sdk-e2e-"));
    const removeData = () => rmSync(dataDir, { recursive: true, force: true });
    try {
      const started = await launch(dataDir, await freePort());
      return { ...started, async stop() { await started.stop(); removeData(); } };
    } catch (e) {
      removeData();
      if (attempt >= 3 || !String(e.message).includes("another process is using that port")) throw e;
    }
  }
}

async function launch(dataDir, port) {
  const env = { ...process.env };
  for (const key of ["DB_CONNECTION_URI", "NODE_ENV", "COFFER_ENV", "ENCRYPTION_KEY", "ASPNETCORE_URLS"]) delete env[key];
  Object.assign(env, {
    PORT: String(port),
    HOST: "127.0.0.1",
    COFFER_DATA_DIR: dataDir,
    AUTH_SECRET: randomBytes(32).toString("hex"),
    ROOT_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    // The dynamic-secret tests lease users in a Redis on loopback, as a self-hosted Coffer set up so may.
    DYNAMIC_SECRET_ALLOW_INTERNAL_IP: "true",
    // …and AWS auth asks a stand-in STS on loopback.
    ALLOW_INTERNAL_IP_CONNECTIONS: "true",
  });
  const child = spawn("dotnet", [serverDll()], { cwd: dataDir, env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
  const outputClosed = Promise.all([once(child.stdout, "close"), once(child.stderr, "close")]);

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await outputClosed; // the last of what it said
      throw new Error(`coffer-server exited with ${child.exitCode}:\n${log}`);
    }
    try {
      // Bounded, so a port that accepts but never answers is asked again instead of hanging the start.
      if ((await fetch(`${url}/api/status`, { signal: AbortSignal.timeout(5_000) })).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`coffer-server did not answer /api/status within 60 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    url,
    log: () => log,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** A small JSON client for the setup steps the SDK has no call for. */
export function admin(url, token) {
  return async (method, path, body) => {
    const res = await fetch(url + path, {
      method,
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${text}`);
    return json;
  };
}

/** A throw-away Redis (scripts/redis-test-server.sh) on a free port, its default user with `password`. */
export async function startRedis(password) {
  const port = await freePort();
  const stateDir = mkdtempSync(join(tmpdir(), "coffer-sdk-redis-"));
  const env = { ...process.env, COFFER_REDIS_PORT: String(port), COFFER_REDIS_STATE: join(stateDir, "state"), COFFER_REDIS_PASSWORD: password };
  const script = join(repo, "scripts/redis-test-server.sh");
  const started = spawnSync("bash", [script, "start"], { env, encoding: "utf8" });
  if (started.status !== 0) throw new Error(`redis-test-server.sh start failed:\n${started.stdout}\n${started.stderr}`);
  return {
    port,
    stop() {
      spawnSync("bash", [script, "stop"], { env });
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * A stand-in for AWS STS GetCallerIdentity on loopback (no AWS here): it checks each request's SigV4 signature with the
 * one secret key it knows (AWS's documented algorithm) and answers STS's XML for `arn`, or a SignatureDoesNotMatch error.
 */
export async function startSts({ accessKeyId, secretAccessKey, arn, account }) {
  const { createServer: createHttpServer } = await import("node:http");
  const { createHash, createHmac, timingSafeEqual } = await import("node:crypto");
  const hex = (b) => createHash("sha256").update(b).digest("hex");
  const hmac = (k, d) => createHmac("sha256", k).update(d).digest();
  const seen = [];
  const server = createHttpServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ host: req.headers.host, body });
      const auth = req.headers.authorization ?? "";
      const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]+)$/.exec(auth);
      let ok = false;
      if (m && m[1] === accessKeyId) {
        const [, , date, region, service, signed] = m;
        const names = signed.split(";");
        const canonical = `POST\n/\n\n${names.map((n) => `${n}:${String(req.headers[n] ?? "").trim()}\n`).join("")}\n${signed}\n${hex(body)}`;
        const scope = `${date}/${region}/${service}/aws4_request`;
        const toSign = `AWS4-HMAC-SHA256\n${req.headers["x-amz-date"]}\n${scope}\n${hex(canonical)}`;
        const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), "aws4_request");
        const expected = Buffer.from(createHmac("sha256", key).update(toSign).digest("hex"));
        const given = Buffer.from(m[6]);
        ok = expected.length === given.length && timingSafeEqual(expected, given);
      }
      res.setHeader("content-type", "text/xml");
      if (!ok) {
        res.statusCode = 403;
        res.end('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Code>SignatureDoesNotMatch</Code></Error></ErrorResponse>');
        return;
      }
      res.end(
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
          `<Arn>${arn}</Arn><UserId>AIDAEXAMPLE</UserId><Account>${account}</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`,
      );
    });
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { endpoint: `http://127.0.0.1:${server.address().port}/`, seen, stop: () => new Promise((ok) => server.close(ok)) };
}
